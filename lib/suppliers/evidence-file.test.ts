import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { checkEvidenceFile, maxEvidenceBytes } from "@/lib/suppliers/evidence-file";

const pdf = new Uint8Array(Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"));
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

const codeOf = (f: () => unknown) => {
  try {
    f();
    return "none";
  } catch (e) {
    return e instanceof AppError ? `${e.code}: ${e.message}` : String(e);
  }
};

describe("checkEvidenceFile", () => {
  it("accepts a PDF or PNG by its content and keeps its SHA-256", () => {
    const checked = checkEvidenceFile({ fileName: "ISO 27001 certificate.pdf", declaredType: "application/pdf", content: pdf });
    expect(checked).toMatchObject({ fileName: "ISO 27001 certificate.pdf", mediaType: "application/pdf", size: pdf.byteLength });
    expect(checked.sha256).toBe(createHash("sha256").update(pdf).digest("hex"));
    expect(checkEvidenceFile({ fileName: "scan.png", declaredType: "", content: png }).mediaType).toBe("image/png");
  });

  it("refuses a file whose content is not an accepted type, whatever its name says", () => {
    const html = new Uint8Array(Buffer.from("<html><script>alert(1)</script></html>"));
    expect(codeOf(() => checkEvidenceFile({ fileName: "certificate.pdf", declaredType: "application/pdf", content: html }))).toMatch(/^unsupported_media_type: Evidence must be a PDF, PNG, JPEG file/);
  });

  it("refuses a declared type that contradicts the content", () => {
    expect(codeOf(() => checkEvidenceFile({ fileName: "x.png", declaredType: "image/png", content: pdf }))).toBe("unsupported_media_type: The file is sent as image/png but its content is PDF.");
  });

  it("refuses an empty file and one over the limit", () => {
    expect(codeOf(() => checkEvidenceFile({ fileName: "x.pdf", declaredType: "application/pdf", content: new Uint8Array(0) }))).toMatch(/^validation_failed/);
    const big = new Uint8Array(maxEvidenceBytes + 1);
    big.set(pdf);
    expect(codeOf(() => checkEvidenceFile({ fileName: "x.pdf", declaredType: "application/pdf", content: big }))).toBe("payload_too_large: The evidence file is larger than 5 MiB.");
  });

  it("keeps only a safe base name", () => {
    expect(checkEvidenceFile({ fileName: '..\\..\\etc/"evil"\u0007.pdf', declaredType: "application/pdf", content: pdf }).fileName).toBe("evil.pdf");
    expect(checkEvidenceFile({ fileName: "", declaredType: "application/pdf", content: pdf }).fileName).toBe("evidence.pdf");
  });
});
