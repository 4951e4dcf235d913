import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { fontkit, Typesetter } from "@/lib/incidents/report-pdf";

async function typesetter(): Promise<Typesetter> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  return new Typesetter(doc);
}

describe("Typesetter.wrap", () => {
  it("breaks at spaces, keeping every line within the width", async () => {
    const type = await typesetter();
    const text = "The drive-end bearing of HMC-07 shows a rising outer-race defect peak; bring the replacement forward. ".repeat(6).trim();
    const lines = await type.wrap(text, { size: 10, maxWidth: 300 });
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join(" ")).toBe(text);
    for (const line of lines) expect(await type.width(line, 400, 10)).toBeLessThanOrEqual(300);
  });

  it("cuts a word longer than a line (a pasted hash or blob of 20,000 characters) in one pass, losing nothing", async () => {
    const type = await typesetter();
    const blob = Array.from({ length: 20_000 }, (_, i) => "0123456789abcdefÄß€"[i % 19]).join("");
    const lines = await type.wrap(`Known so far: ${blob} end`, { size: 10, maxWidth: 483 });
    expect(lines.join("").replace(/ /g, "")).toBe(`Knownsofar:${blob}end`);
    for (const line of lines) expect(await type.width(line, 400, 10)).toBeLessThanOrEqual(483);
    // Filled, not cut short: every cut line but the last is within one character of the width.
    for (const line of lines.slice(1, -2)) expect(await type.width(line, 400, 10)).toBeGreaterThan(483 - 12);
    // Measuring 20,000 characters' widths takes seconds on a busy machine: a correctness test, not a timing one.
  }, 30_000);
});
