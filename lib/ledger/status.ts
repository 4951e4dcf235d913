// What the ledger status panel and the records list show: each log's size, its latest
// checkpoint and keys, the latest verification run, and recent records.
import type { Db } from "@/lib/db";
import { parseEnvelope, recordKinds, type RecordKind } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import type { VerificationReport } from "@/lib/ledger/verify";

export interface LogStatus {
  logId: string;
  name: string;
  writer: string;
  records: number;
  latestCheckpoint: { size: number; at: string; root: string } | null;
  keys: { keyId: string; activatedAt: string; retiredAt: string | null }[];
}

export interface LedgerStatus {
  logs: LogStatus[];
  lastVerification: { startedAt: Date; finishedAt: Date; ok: boolean; records: number; trigger: string; problems: number } | null;
}

export async function ledgerStatus(options: { store: LedgerStore; db: Db }): Promise<LedgerStatus> {
  const logs = await options.store.listLogs();
  const statuses = await Promise.all(
    logs.map(async (log): Promise<LogStatus> => {
      const [head, checkpoint, keys] = await Promise.all([
        options.store.logHead(log.id),
        options.store.latestCheckpoint(log.id),
        options.store.listKeys(log.id),
      ]);
      return {
        logId: log.id,
        name: log.name,
        writer: log.writer,
        records: head.size,
        latestCheckpoint: checkpoint ? { size: checkpoint.treeSize, at: checkpoint.at, root: checkpoint.rootHash } : null,
        keys: keys.map((k) => ({ keyId: k.keyId, activatedAt: k.activatedAt, retiredAt: k.retiredAt })),
      };
    }),
  );
  const run = await options.db.verificationRun.findFirst({ orderBy: { startedAt: "desc" } });
  const problems = run ? (JSON.parse(run.report) as VerificationReport).logs.reduce((n, l) => n + l.problems.length, 0) : 0;
  return {
    logs: statuses,
    lastVerification: run ? { startedAt: run.startedAt, finishedAt: run.finishedAt, ok: run.ok, records: run.records, trigger: run.trigger, problems } : null,
  };
}

export interface RecordSummary {
  id: string;
  logId: string;
  seq: number;
  kind: string;
  at: Date;
  summary: string;
}

/** One line that says what a record is about, from its signed body. */
export function summarizeRecord(kind: string, envelopeText: string): string {
  const body = parseEnvelope(envelopeText)?.body as Record<string, unknown> | undefined;
  if (!body) return "(unreadable envelope)";
  const actor = (body.actor as { email?: string } | undefined)?.email;
  switch (kind as RecordKind) {
    case "admin_change": {
      // The summary, written for people, first; the entity (id shortened) after it.
      const entity = body.entity as { type: string; id: string };
      const id = entity.id.length > 12 ? `${entity.id.slice(0, 8)}…` : entity.id;
      return `${actor ?? "?"}: ${String(body.summary || body.action)} · ${String(body.action)} ${entity.type} ${id}`;
    }
    case "ai_call": {
      const context = body.context as { device?: string | null };
      const level = (body.classification as { level?: string } | undefined)?.level;
      return `${context.device ?? "unknown device"} to ${String(body.destination)}, ${String(body.model ?? body.endpoint)}: ${String(body.outcome)}${level ? `, ${level}` : ""}`;
    }
    case "ai_call_denied": {
      const context = body.context as { device?: string | null };
      return `${context.device ?? "unknown device"} to ${String(body.destination ?? "unknown destination")}: refused, ${String(body.code)}`;
    }
    case "ai_call_result": {
      const status = (body.response as { status?: unknown }).status;
      const why = status !== null && status !== undefined ? `status ${String(status)}` : body.error ? String(body.error) : "no answer";
      return `${String(body.outcome)} (${why}) for record ${String(body.callRecordId)}`;
    }
    case "oversight_decision":
      return `${String(body.decision)} output of record ${String(body.callRecordId)}`;
    case "report_submission":
      return `${actor ?? "?"} submitted ${String(body.stage)} for incident ${String(body.incidentId)}`;
    case "evidence_download":
      return `${actor ?? "?"} downloaded evidence pack ${String(body.packId)}`;
    default:
      return kind;
  }
}

export async function listRecords(options: { db: Db; kind?: string; page: number; pageSize: number }) {
  const kind = options.kind && (recordKinds as string[]).includes(options.kind) ? options.kind : undefined;
  const where = kind ? { kind } : {};
  const [total, rows] = await Promise.all([
    options.db.auditRecord.count({ where }),
    options.db.auditRecord.findMany({
      where,
      orderBy: [{ at: "desc" }, { seq: "desc" }],
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
      select: { id: true, logId: true, seq: true, kind: true, at: true, envelope: true },
    }),
  ]);
  const records: RecordSummary[] = rows.map((r) => ({ id: r.id, logId: r.logId, seq: r.seq, kind: r.kind, at: r.at, summary: summarizeRecord(r.kind, r.envelope) }));
  return { total, records, kind: kind ?? null };
}
