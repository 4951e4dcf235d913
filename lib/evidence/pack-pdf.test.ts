// evidence.pdf drawn from a pack's content: the same inputs give the same bytes, every
// section is there with its numbers (read back with poppler's pdftotext), the appendix
// reads no further than its limit and summarises the rest by day, the sections are
// bookmarks and named destinations, and the document takes the PAdES signature.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlMap } from "@/lib/evidence/controls";
import { samplePackContent } from "@/lib/evidence/pack-content.testing";
import { groupedHex, renderPackPdf, type AppendixRow, type PackPdfInput } from "@/lib/evidence/pack-pdf";
import { signPdf, verifyPdfSignature } from "@/lib/pdf/sign-pdf";
import { loadOrCreatePdfSigningIdentity } from "@/lib/pdf/signing-certificate";
import { hasPdfsig, pdfsig, tempDir } from "@/lib/testing/pdf-signing";

let dir: string;
beforeAll(() => {
  dir = tempDir("pack-pdf");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const recordsSha256 = "a94e7bcfcbed3c846d491d4f47c948e53a23908d480248b3ffe9e126e83ea865";
const certificate = "06298432e8066b29e2223bcc23aa9504b56ae508fabf3435508869b9c3190e22";

/** `total` appendix rows on 2026-12-01 and 02, Berlin time; counts how many were read. */
function appendixOf(total: number): { rows: AsyncIterable<AppendixRow>; read: () => number } {
  let read = 0;
  async function* rows(): AsyncGenerator<AppendixRow> {
    for (let seq = 0; seq < total; seq++) {
      read++;
      const at = new Date(Date.parse("2026-12-01T10:00:00.000Z") + seq * 60_000).toISOString();
      yield { recordId: `019ad9a0-0000-7000-8000-${String(seq).padStart(12, "0")}`, logId: "edge-augsburg-9d7536e04873", seq, kind: "ai_call", at, outcome: "allowed", summary: `aug-pdm-spindle to openai-eu, gpt-4.1-mini: allowed, INTERNAL (call ${seq})` };
    }
  }
  return { rows: rows(), read: () => read };
}

function input(options: { appendix?: AsyncIterable<AppendixRow>; appendixLimit?: number; appendixTotal?: number; timestampNote?: string } = {}): PackPdfInput {
  const content = samplePackContent();
  return {
    content,
    pack: { id: "cm4pack0001", name: "Supervisory review Q4 2026", purpose: "Supervisory review of AI traffic at the Augsburg and Aveiro plants", generatedAt: "2026-12-07T21:30:00.000Z", generatedBy: { name: "Pieter de Vries", email: "auditor@nordwerk.example" } },
    keys: content.logs.map((l) => ({ logId: l.logId, keyId: l.keys[0]!.keyId, fingerprint: l.keys[0]!.keyId })),
    pdfCertificateFingerprint: certificate,
    checkpoints: content.logs.map((l) => ({ logId: l.logId, size: l.checkpoint!.treeSize, root: l.checkpoint!.rootHash, at: l.checkpoint!.at })),
    recordsSha256,
    appendix: options.appendix ?? appendixOf(3).rows,
    appendixLimit: options.appendixLimit ?? 100,
    appendixTotal: options.appendixTotal,
    timestampNote: options.timestampNote,
  };
}

function textOf(pdf: Uint8Array, options: { first?: number; last?: number } = {}): string {
  const file = path.join(dir, `read-${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, pdf);
  const range = [...(options.first ? ["-f", String(options.first)] : []), ...(options.last ? ["-l", String(options.last)] : [])];
  return execFileSync("pdftotext", ["-layout", ...range, file, "-"], { encoding: "utf8" });
}

function pageCount(pdf: Uint8Array): number {
  const file = path.join(dir, `count-${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, pdf);
  return Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
}

describe("renderPackPdf", () => {
  let pdf: Uint8Array;
  let text: string;
  beforeAll(async () => {
    pdf = await renderPackPdf(input({ timestampNote: "No trusted time stamp: the TSA did not answer." }));
    text = textOf(pdf);
  }, 60_000);

  it("renders the same bytes from the same inputs", async () => {
    const again = await renderPackPdf(input({ timestampNote: "No trusted time stamp: the TSA did not answer." }));
    expect(Buffer.from(again).equals(Buffer.from(pdf))).toBe(true);
    // Dated by the pack, not by the clock.
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-12-07T21:30:00.000Z");
    expect(doc.getModificationDate()?.toISOString()).toBe("2026-12-07T21:30:00.000Z");
    expect(doc.getTitle()).toBe("Supervisory review Q4 2026: evidence pack");
  }, 60_000);

  it("puts scope, hashes, fingerprints and the time-stamp note on the cover", () => {
    const cover = textOf(pdf, { first: 1, last: 1 });
    for (const expected of [
      "Supervisory review Q4 2026",
      "Nordwerk Antriebstechnik GmbH; Nordwerk Fundição Portugal, Lda.",
      "Augsburg Gearbox Plant (Augsburg, DE; Europe/Berlin)",
      "2026-11-16 00:00 CET to 2026-12-08 00:00 CET, the end excluded",
      "2026-12-07 22:30 CET (2026-12-07 21:30 UTC)",
      "Pieter de Vries <auditor@nordwerk.example>",
      "No trusted time stamp: the TSA did not answer.",
      "it is in the ledger record of this pack's generation",
      // Eight groups of four a line, to read aloud.
      "a94e 7bcf cbed 3c84 6d49 1d4f 47c9 48e5",
      "3a23 908d 4802 48b3 ffe9 e126 e83e a865",
      "0629 8432 e806 6b29 e222 3bcc 23aa 9504",
      "edge-augsburg-9d7536e04873",
      "9d75 36e0 4873 f138 9fbf 470a 94b2 23bf",
      "Page 1 of",
    ]) {
      expect(cover).toContain(expected);
    }
    expect(groupedHex(recordsSha256)).toBe("a94e 7bcf cbed 3c84 6d49 1d4f 47c9 48e5\n3a23 908d 4802 48b3 ffe9 e126 e83e a865");
  });

  it("has every section, with its numbers, and a running header and page numbers after the cover", () => {
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(12);
    expect(pages).toBeLessThanOrEqual(20);
    for (const section of ["Summary", "Conduit inventory", "AI supplier chain", "Incidents and NIS2 deadlines", "Anomalies", "Control map", "Record appendix", "Checkpoints", "How to verify"]) expect(text).toContain(section);
    // Summary figures and the bar chart's labels.
    expect(text).toMatch(/AI calls\s+Forwarded\s+Refused/);
    expect(text).toMatch(/10,065\s+9,803\s+262\s+161/);
    expect(text).toMatch(/99\.9 %\s+6\.4 %/);
    expect(text).toMatch(/conduit_not_authorized\s+161\s+61\.4 %/);
    expect(text).toMatch(/Flagged above the limit\s+152/);
    // Inventory, suppliers, incidents, anomalies.
    expect(text).toMatch(/Augsburg MES scheduling to\s+Augsburg L3 operations/);
    expect(text).toContain("Expired");
    expect(text).toContain("Google Cloud EMEA Limited receives CONFIDENTIAL data but is approved for INTERNAL at most.");
    expect(text).toContain("INC-2026-001: Copilot device token used from outside the shop floor");
    expect(text).toMatch(/Early warning\s+2026-12-03 00:05 CET\s+2026-12-02 09:05 CET\s+Met/);
    expect(text).toContain("Shared device");
    expect(text).toContain("from 10.20.2.17, 10.40.12.57");
    // The control map with each status.
    expect(text).toMatch(/9 met · 8 partial · 1 gap · 0 not applicable/);
    for (const c of controlMap(samplePackContent())) expect(text).toContain(c.title.split(" ")[0]);
    expect(text).toContain("checkpoints/ (4 logs)");
    // Checkpoints and how to verify.
    expect(text).toContain("5cfb 31ef 6580 1a1f 6599 9274 5101 f6b5");
    expect(text).toContain("npm run pack:verify -- PACK.zip --trusted-keys KEYS.json");
    expect(text).toContain("pdfsig evidence.pdf");
    expect(text).toContain("openssl x509 -noout -fingerprint -sha256");

    const second = textOf(pdf, { first: 2, last: 2 });
    expect(second).toContain("Supervisory review Q4 2026");
    expect(second).toContain("2026-11-16 to 2026-12-07 · all plants · all conduits");
    expect(second).toContain(`Page 2 of ${pages}`);
    expect(second).toContain("records.jsonl SHA-256 a94e7bcfcbed3c84…");
  });

  it("makes each section a bookmark and a named destination", async () => {
    const doc = await PDFDocument.load(pdf);
    const dests = doc.catalog.lookup(PDFName.of("Dests"), PDFDict);
    expect(dests.keys().map((k) => k.decodeText())).toEqual(["cover", "summary", "inventory", "suppliers", "incidents", "anomalies", "controls", "appendix", "checkpoints", "verify"]);
    const outlines = doc.catalog.lookup(PDFName.of("Outlines"), PDFDict);
    expect(outlines.get(PDFName.of("Count"))?.toString()).toBe("10");
  });

  it("reads the appendix up to its limit and no further, and summarises the rest by day and outcome", async () => {
    const appendix = appendixOf(5_000);
    const content = samplePackContent();
    // The index's counts by day: the rows start on 1 December at 11:00 Berlin, one a minute.
    content.activity = [
      { day: "2026-12-01", kind: "ai_call", outcome: "allowed", count: 780 },
      { day: "2026-12-01", kind: "ai_call", outcome: "redacted", count: 60 },
      { day: "2026-12-02", kind: "ai_call", outcome: "allowed", count: 1_440 },
      { day: "2026-12-03", kind: "ai_call", outcome: "allowed", count: 1_440 },
      { day: "2026-12-04", kind: "ai_call", outcome: "allowed", count: 1_280 },
    ];
    const started = performance.now();
    const rendered = await renderPackPdf({ ...input({ appendix: appendix.rows, appendixLimit: 1_000, appendixTotal: 5_000 }), content });
    const took = performance.now() - started;
    expect(appendix.read()).toBe(1_000);
    const all = textOf(rendered);
    expect(all).toContain("the first 1,000 of 5,000 in full");
    expect(all).toContain("(call 999)");
    expect(all).not.toContain("(call 1000)");
    expect(all).toContain("4,000 further records, by day and outcome");
    // The 1,000 rows shown (all allowed) ran to 2 December 03:39 Berlin: 780 on the 1st, 220 on the 2nd.
    expect(all).toMatch(/2026-12-01\s+0\s+60\s+0\s+0\s+0\s+0\s+0\s+60/);
    expect(all).toMatch(/2026-12-02\s+1,220\s+0\s+0\s+0\s+0\s+0\s+0\s+1,220/);
    expect(all).toMatch(/Total\s+3,940\s+60\s+0\s+0\s+0\s+0\s+0\s+4,000/);
    // The appendix takes over twenty rows a page.
    expect(pageCount(rendered)).toBeLessThan(20 + 1_000 / 20);
    expect(took).toBeLessThan(30_000);
  }, 120_000);

  it("says so when there are no records, and needs no appendix row then", async () => {
    const content = samplePackContent();
    content.summary.records = 0;
    content.activity = [];
    const appendix = appendixOf(0);
    const rendered = await renderPackPdf({ ...input({ appendix: appendix.rows, appendixLimit: 1_000 }), content });
    expect(textOf(rendered)).toContain("No records in scope.");
  }, 60_000);

  it.skipIf(!hasPdfsig)("takes a PAdES signature that pdfsig and the product's verifier accept", async () => {
    const identity = await loadOrCreatePdfSigningIdentity({ keysDir: path.join(dir, "keys"), organisation: "Nordwerk Antriebstechnik GmbH" });
    const signed = await signPdf({ pdf, reason: "Evidence pack Supervisory review Q4 2026", location: "Augsburg Gearbox Plant", identity });
    expect(pdfsig({ pdf: signed.pdf, dir })).toContain("Signature is Valid.");
    expect(await verifyPdfSignature({ pdf: signed.pdf })).toMatchObject({ ok: true, problems: [] });
  }, 60_000);
});
