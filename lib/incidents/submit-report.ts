// Recording that a report went to the authority: the content is frozen as canonical
// JSON and hashed, a report_submission record (who, stage, content hash and size,
// channel, recipient) is made durable in the ledger, and only then is the report
// stored, tied to that record. A report cannot be edited afterwards; a correction is
// a later report.
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import {
  applyIncidentChange,
  checkIncidentInstants,
  clockOf,
  incidentTimeZone,
  isReportable,
  isUniqueViolation,
  loadIncident,
  type LedgerAppend,
  type LoadedIncident,
} from "@/lib/incidents/incident-state";
import type { ReportSubmissionInput } from "@/lib/incidents/inputs";
import { stageFieldsSchema, stageSpecs } from "@/lib/incidents/report-content";
import { canonicalJson, sha256Hex } from "@/lib/ledger/record";

/** Version of the frozen content's shape, so a reader years later knows how to read it. */
export const reportContentFormat = "conduit-ledger/nis2-report/v1";

function frozenContent(options: { incident: LoadedIncident; input: ReportSubmissionInput; fields: Record<string, unknown>; actor: SessionUser; timeZone: string }) {
  const { incident, input, actor } = options;
  const spec = stageSpecs[input.stage];
  return {
    format: reportContentFormat,
    stage: input.stage,
    title: spec.title,
    article: spec.article,
    incident: {
      id: incident.id,
      reference: incident.reference,
      title: incident.title,
      memberState: incident.memberState,
      entityCategory: incident.entityCategory,
      trustServiceProvider: incident.trustServiceProvider,
      plants: incident.plants.map((p) => `${p.plant.name}, ${p.plant.city}`).sort(),
      timeZone: options.timeZone,
      occurredAt: incident.occurredAt?.toISOString() ?? null,
      detectedAt: incident.detectedAt.toISOString(),
      awareAt: incident.awareAt.toISOString(),
    },
    submission: {
      submittedAt: input.submittedAt.toISOString(),
      submittedBy: { name: actor.name, email: actor.email },
      channel: input.channel,
      recipient: input.recipient,
    },
    // Labels travel with the values: the content reads on its own, whatever the form later asks.
    fields: spec.fields.map((field) => ({ key: field.key, label: field.label, value: options.fields[field.key] ?? null })),
  };
}

export async function submitReport(options: { db: Db; record: LedgerAppend; actor: SessionUser; incidentId: string; input: ReportSubmissionInput; now?: Date }) {
  const { db, actor, input } = options;
  const now = options.now ?? new Date();
  const incident = await loadIncident({ db, incidentId: options.incidentId });
  const timeZone = incidentTimeZone(incident);

  const parsed = stageFieldsSchema(input.stage).safeParse(input.fields);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ["fields", ...i.path].join("."), message: i.message }));
    throw new AppError({ code: "validation_failed", message: issues.map((i) => i.message).join(" "), issues });
  }
  const clock = clockOf(incident);
  clock.submissions.push({ stage: input.stage, submittedAt: input.submittedAt });
  checkIncidentInstants({
    clock,
    containedAt: incident.containedAt,
    closedAt: incident.closedAt,
    finalReportSubmitted: clock.submissions.some((s) => s.stage === "FINAL"),
    reportable: isReportable(incident),
    now,
    timeZone,
  });

  const content = canonicalJson(frozenContent({ incident, input, fields: parsed.data, actor, timeZone }));
  const contentHash = sha256Hex(content);
  const ledger = await options.record({
    kind: "report_submission",
    body: {
      actor: { userId: actor.id, email: actor.email, role: actor.role },
      incidentId: incident.id,
      stage: input.stage,
      content: { sha256: contentHash, bytes: Buffer.byteLength(content, "utf8") },
      channel: input.channel,
      recipient: input.recipient,
    },
  });
  try {
    return await applyIncidentChange({
      db,
      incidentId: incident.id,
      version: incident.version,
      write: (tx) =>
        tx.incidentReport.create({
          data: {
            incidentId: incident.id,
            stage: input.stage,
            onceKey: input.stage === "INTERMEDIATE" ? null : `${incident.id}:${input.stage}`,
            content,
            contentHash,
            channel: input.channel,
            recipient: input.recipient,
            submittedAt: input.submittedAt,
            submittedById: actor.id,
            ledgerRecordId: ledger.id,
            ledgerLogId: ledger.logId,
            ledgerSeq: ledger.seq,
            ledgerLeafHash: ledger.leafHash,
          },
          select: { id: true, stage: true, contentHash: true, submittedAt: true, ledgerRecordId: true },
        }),
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError({ code: "conflict", message: `The ${stageSpecs[input.stage].title.toLowerCase()} of ${incident.reference} was submitted at the same moment by someone else.` });
    throw error;
  }
}
