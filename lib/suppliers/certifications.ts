// Certifications of a supplier with their validity and an evidence file. The file is
// checked (lib/suppliers/evidence-file.ts) and the dates validated before anything is
// recorded; the certification and its file are then written in one statement, so a
// failure leaves neither behind.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { CertificationScheme, Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";
import { clampSummary } from "@/lib/suppliers/summary";
import { checkEvidenceFile } from "@/lib/suppliers/evidence-file";
import { certificationLabel, certificationSchemeLabels } from "@/lib/suppliers/labels";

const certificationSchemes = Object.keys(certificationSchemeLabels) as [CertificationScheme, ...CertificationScheme[]];

// A calendar date (zod rejects days that do not exist); stored as midnight UTC of that day.
const isoDay = z.iso.date("Give an existing date as YYYY-MM-DD.").transform((d) => new Date(`${d}T00:00:00Z`));

export const certificationInputSchema = z
  .object({
    scheme: z.enum(certificationSchemes),
    title: z.string().trim().max(200).default(""),
    issuer: z.string().trim().min(1, "Name the certification body or auditor.").max(200),
    reference: z.string().trim().max(200).default(""),
    scope: z.string().trim().max(2000).default(""),
    issuedAt: isoDay,
    expiresAt: isoDay,
  })
  .strict()
  .refine((c) => c.scheme !== "OTHER" || c.title !== "", { path: ["title"], message: "Name the scheme when it is not in the list." });

export type CertificationInput = z.infer<typeof certificationInputSchema>;

export async function createCertification(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  supplierId: string;
  input: CertificationInput;
  file: { fileName: string; declaredType: string; content: Uint8Array<ArrayBuffer> };
}) {
  const { db, supplierId, input } = options;
  if (input.expiresAt.getTime() <= input.issuedAt.getTime()) {
    throw new AppError({
      code: "validation_failed",
      message: "The certificate expires on or before the day it was issued; check both dates.",
      issues: [{ path: "expiresAt", message: "must be after the issue date" }],
    });
  }
  const evidence = checkEvidenceFile(options.file);
  const supplier = await db.supplier.findUnique({ where: { id: supplierId }, select: { name: true } });
  if (!supplier) throw new AppError({ code: "not_found", message: "No such supplier." });

  const id = randomUUID();
  const evidenceId = randomUUID();
  const { content, ...evidenceFacts } = evidence;
  await recordAdminChange({
    ...options,
    entity: { type: "Certification", id },
    action: "create",
    before: null,
    after: { id, supplierId, ...input, evidence: { id: evidenceId, ...evidenceFacts } },
    summary: clampSummary(`${certificationLabel(input)} of ${supplier.name} valid until ${input.expiresAt.toISOString().slice(0, 10)}, evidence ${evidence.fileName} sha256 ${evidence.sha256}`),
  });
  return db.certification.create({
    data: { id, ...input, supplier: { connect: { id: supplierId } }, evidence: { create: { id: evidenceId, ...evidenceFacts, content } } },
    select: { id: true, scheme: true, expiresAt: true, evidence: { select: { fileName: true, sha256: true, size: true } } },
  });
}

/** The evidence file of a certification, to download. */
export async function readEvidenceFile(options: { db: Db; certificationId: string }) {
  const certification = await options.db.certification.findUnique({
    where: { id: options.certificationId },
    select: { evidence: { select: { fileName: true, mediaType: true, sha256: true, content: true } } },
  });
  if (!certification) throw new AppError({ code: "not_found", message: "No such certification." });
  return certification.evidence;
}
