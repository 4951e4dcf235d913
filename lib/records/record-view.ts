// What a record's page shows besides the signed envelope: the record read for people
// (who called what through which conduit, the outcome, classification, latency and
// tokens) and what it connects to: the call and its result, the oversight decisions on
// it, and the incidents that cite it as evidence.
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseEnvelope, type Envelope } from "@/lib/ledger/record";
import { projectRecord, type IndexRow } from "@/lib/records/project-record";
import { catchUpRecordIndex, projectionNames } from "@/lib/records/record-index";

export interface RecordView {
  record: { id: string; logId: string; seq: number; kind: string; at: Date; leafHash: string; keyId: string; envelope: string };
  envelope: Envelope | null;
  /** The record's own fields, projected as the explorer indexes them. */
  facts: IndexRow;
  /** The endpoint, time to first byte and response status, where the record has them. */
  details: { endpoint: string | null; ttfbMs: number | null; status: number | null; purpose: string | null; error: string | null };
  /** For a result or an oversight decision: the call it belongs to. */
  call: IndexRow | null;
  /** For a call: its result record(s) and the oversight decisions on it. */
  followUps: IndexRow[];
  incidents: { id: string; reference: string; title: string }[];
}

export async function recordView(options: { db: Db; id: string }): Promise<RecordView> {
  const { db, id } = options;
  const record = await db.auditRecord.findUnique({ where: { id } });
  if (!record) throw new AppError({ code: "not_found", message: `No record "${id}".` });
  await catchUpRecordIndex({ db, budgetMs: 400 });
  const { row: facts } = projectRecord({ record: { ...record, at: record.at.toISOString() }, names: await projectionNames({ db }) });
  const envelope = parseEnvelope(record.envelope);
  const body = (envelope?.body ?? {}) as Record<string, unknown>;
  const response = (body.response ?? {}) as { status?: unknown };
  const context = (body.context ?? {}) as { purpose?: unknown };
  const [call, followUps, evidence] = await Promise.all([
    facts.callRecordId ? db.recordIndex.findUnique({ where: { recordId: facts.callRecordId } }) : null,
    record.kind === "ai_call" ? db.recordIndex.findMany({ where: { callRecordId: id }, orderBy: [{ at: "asc" }, { recordId: "asc" }] }) : [],
    db.incidentEvidence.findMany({ where: { kind: "LEDGER_RECORD", targetId: id }, select: { incident: { select: { id: true, reference: true, title: true } } } }),
  ]);
  // A call's own record holds no outcome of the forwarding: its result record does.
  const result = followUps.find((r) => r.kind === "ai_call_result");
  if (result) Object.assign(facts, { result: result.result, durationMs: result.durationMs, inputTokens: result.inputTokens, outputTokens: result.outputTokens });
  return {
    record: { id: record.id, logId: record.logId, seq: record.seq, kind: record.kind, at: record.at, leafHash: record.leafHash, keyId: record.keyId, envelope: record.envelope },
    envelope,
    facts,
    details: {
      endpoint: typeof body.endpoint === "string" ? body.endpoint : null,
      ttfbMs: typeof body.ttfbMs === "number" ? body.ttfbMs : null,
      status: typeof response.status === "number" ? response.status : null,
      purpose: typeof context.purpose === "string" ? context.purpose : null,
      error: typeof body.error === "string" ? body.error : null,
    },
    call,
    followUps,
    incidents: evidence.map((e) => e.incident),
  };
}
