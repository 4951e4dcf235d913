// Checks an uploaded evidence document before anything is stored: not empty, not
// larger than the limit, and one of the accepted types, judged by the file's first
// bytes rather than by its name or the type the browser claims.
import { createHash } from "node:crypto";
import path from "node:path";
import { AppError } from "@/lib/errors";

export const maxEvidenceBytes = 5 * 1024 * 1024;

const evidenceTypes = [
  { mediaType: "application/pdf", label: "PDF", magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mediaType: "image/png", label: "PNG", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mediaType: "image/jpeg", label: "JPEG", magic: [0xff, 0xd8, 0xff] },
] as const;

export const evidenceAccept = evidenceTypes.map((t) => t.mediaType).join(",");
export const evidenceTypeLabels = evidenceTypes.map((t) => t.label).join(", ");

export interface CheckedEvidence {
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  content: Uint8Array<ArrayBuffer>;
}

export function checkEvidenceFile(options: { fileName: string; declaredType: string; content: Uint8Array<ArrayBuffer> }): CheckedEvidence {
  const { content } = options;
  if (content.byteLength === 0) throw new AppError({ code: "validation_failed", message: "The evidence file is empty." });
  if (content.byteLength > maxEvidenceBytes) {
    throw new AppError({ code: "payload_too_large", message: `The evidence file is larger than ${maxEvidenceBytes / 1024 / 1024} MiB.` });
  }
  const type = evidenceTypes.find((t) => t.magic.every((byte, i) => content[i] === byte));
  if (!type) {
    throw new AppError({ code: "unsupported_media_type", message: `Evidence must be a ${evidenceTypeLabels} file; this file is none of them.` });
  }
  const declared = options.declaredType.split(";")[0]!.trim().toLowerCase();
  if (declared && declared !== "application/octet-stream" && declared !== type.mediaType) {
    throw new AppError({ code: "unsupported_media_type", message: `The file is sent as ${declared} but its content is ${type.label}.` });
  }
  // Only the base name, without control characters: it is shown and used in downloads.
  const fileName = path.basename(options.fileName.replace(/\\/g, "/")).replace(/[\u0000-\u001f\u007f"]/g, "").slice(0, 200) || `evidence.${type.label.toLowerCase()}`;
  return { fileName, mediaType: type.mediaType, size: content.byteLength, sha256: createHash("sha256").update(content).digest("hex"), content };
}
