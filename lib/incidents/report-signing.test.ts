import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderReportPdf, signReportPdf } from "@/lib/incidents/report-pdf";
import { reportContentFormat } from "@/lib/incidents/submit-report";
import { verifyPdfSignature } from "@/lib/pdf/sign-pdf";
import { loadOrCreatePdfSigningIdentity } from "@/lib/pdf/signing-certificate";
import { hasPdfsig, pdfsig, tempDir } from "@/lib/testing/pdf-signing";

const dir = tempDir("report-signing");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const content = JSON.stringify({
  format: reportContentFormat,
  stage: "NOTIFICATION",
  title: "Incident notification",
  article: "NIS2 Art. 23(4)(b)",
  incident: {
    reference: "INC-2026-0007",
    title: "Vision model answers withheld at the casting line",
    memberState: "DE",
    entityCategory: "ESSENTIAL",
    trustServiceProvider: false,
    plants: ["Augsburg Gearbox Plant, Augsburg"],
    timeZone: "Europe/Berlin",
    occurredAt: null,
    detectedAt: "2026-03-02T08:40:00.000Z",
    awareAt: "2026-03-02T09:00:00.000Z",
  },
  submission: {
    submittedAt: "2026-03-04T09:00:00.000Z",
    submittedBy: { name: "Clara Weiss", email: "ciso@nordwerk.example" },
    channel: "Portal",
    recipient: "BSI",
  },
  fields: [{ key: "summary", label: "Summary", value: "Inference calls refused at the DMZ for 40 minutes." }],
});

describe("incident report PDFs", () => {
  it("are PAdES signed, naming the report in the signature's reason", async () => {
    const identity = await loadOrCreatePdfSigningIdentity({ keysDir: path.join(dir, "keys") });
    const drawn = await renderReportPdf({ content, contentHash: "ab".repeat(32), ledger: { recordId: "rec-1", logId: "app", seq: 7, leafHash: "cd".repeat(32) } });
    const signed = await signReportPdf({ pdf: drawn, content, signing: { identity, tsaTimeoutMs: 10_000 } });
    expect(signed.level).toBe("B-B");
    // An incremental update: the drawn document is kept byte for byte, the signature follows it.
    expect(Buffer.from(signed.pdf.subarray(0, drawn.length)).equals(Buffer.from(drawn))).toBe(true);
    const text = Buffer.from(signed.pdf).toString("latin1");
    expect(text).toContain("Incident notification of INC-2026-0007 as submitted to BSI on 2026-03-04T09:00:00.000Z");
    expect(text).toContain("Augsburg Gearbox Plant, Augsburg");
    expect(await verifyPdfSignature({ pdf: signed.pdf })).toMatchObject({ ok: true, certificateFingerprint: identity.certificate.sha256Fingerprint });
    if (hasPdfsig) expect(pdfsig({ pdf: signed.pdf, dir })).toContain("Signature is Valid.");
  });
});
