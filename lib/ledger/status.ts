// What the ledger status panel shows: each log's size, its latest checkpoint and keys,
// and the latest verification run.
import type { Db } from "@/lib/db";
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
