// The records explorer's index, kept up to date from the ledger: each log is read from
// where the index left it, in sequence order, and its records projected into
// RecordIndex rows. It runs beside the ledger, never in its write path, so a durable
// append costs what it did; the explorer catches up before it answers, and a timer
// keeps it current in between. Any number of processes may run it: each batch first
// moves its log's cursor from the value it read, so a batch is indexed exactly once.
import type { Db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { projectRecord, type CallResult, type IndexRow, type ProjectionNames } from "@/lib/records/project-record";

export interface IndexProgress {
  indexed: number;
  /** Records written to the ledger but not yet in the index. */
  behind: number;
}

const defaultBatch = 1000;

/**
 * Indexes what the ledger holds beyond the index, batch by batch, until it has caught
 * up or `budgetMs` has passed (the explorer waits at most that long before answering).
 */
export async function indexPendingRecords(options: { db: Db; batchSize?: number; budgetMs?: number }): Promise<IndexProgress> {
  const { db } = options;
  const started = Date.now();
  const batchSize = options.batchSize ?? defaultBatch;
  const names = await projectionNames({ db });
  let indexed = 0;
  let behind = 0;
  for (const log of await db.auditLog.findMany({ select: { id: true } })) {
    // A new log's cursor; another indexer may create it at the same moment.
    if (!(await db.recordIndexCursor.findUnique({ where: { logId: log.id } }))) await db.recordIndexCursor.create({ data: { logId: log.id, nextSeq: 0 } }).catch(() => undefined);
    for (;;) {
      const cursor = await db.recordIndexCursor.findUniqueOrThrow({ where: { logId: log.id } });
      const from = cursor.nextSeq;
      const head = await db.auditRecord.findFirst({ where: { logId: log.id }, orderBy: { seq: "desc" }, select: { seq: true } });
      const size = head ? head.seq + 1 : 0;
      if (from >= size) break;
      if (options.budgetMs !== undefined && Date.now() - started >= options.budgetMs) {
        behind += size - from;
        break;
      }
      indexed += await indexBatch({ db, logId: log.id, from, batchSize, names });
    }
  }
  return { indexed, behind };
}

async function projectionNames(options: { db: Db }): Promise<ProjectionNames> {
  const incidents = await options.db.incident.findMany({ select: { id: true, reference: true } });
  const references = new Map(incidents.map((i) => [i.id, i.reference]));
  return { incidentReference: (id) => references.get(id) };
}

/** Indexes one batch of a log from sequence number `from`; 0 when another indexer took it first. */
async function indexBatch(options: { db: Db; logId: string; from: number; batchSize: number; names: ProjectionNames }): Promise<number> {
  const { db, logId, from } = options;
  const records = await db.auditRecord.findMany({
    where: { logId, seq: { gte: from } },
    orderBy: { seq: "asc" },
    take: options.batchSize,
    select: { id: true, logId: true, seq: true, kind: true, at: true, envelope: true, leafHash: true },
  });
  // A log is gap-free; stop at a gap rather than skip a record that is still being written.
  const contiguous = records.filter((r, i) => r.seq === from + i);
  if (contiguous.length === 0) return 0;
  const rows: IndexRow[] = [];
  const labels: { label: string; at: string; recordId: string }[] = [];
  const byId = new Map<string, IndexRow>();
  const laterResults: { callRecordId: string; result: CallResult }[] = [];
  for (const record of contiguous) {
    const projected = projectRecord({ record: { ...record, at: record.at.toISOString() }, names: options.names });
    rows.push(projected.row);
    byId.set(projected.row.recordId, projected.row);
    for (const label of projected.labels) labels.push({ label, at: projected.row.at, recordId: projected.row.recordId });
    if (projected.completes) {
      // Usually the call is in the same batch: its row is written complete.
      const call = byId.get(projected.completes.callRecordId);
      if (call) Object.assign(call, projected.completes.result);
      else laterResults.push(projected.completes);
    }
  }
  const to = from + contiguous.length;
  return db.$transaction(
    async (tx) => {
      // Claim the batch first: a second indexer that read the same cursor changes nothing.
      const moved = await tx.recordIndexCursor.updateMany({ where: { logId, nextSeq: from }, data: { nextSeq: to } });
      if (moved.count === 0) return 0;
      await tx.recordIndex.createMany({ data: rows });
      if (labels.length > 0) await tx.recordIndexLabel.createMany({ data: labels });
      for (const { callRecordId, result } of laterResults) await tx.recordIndex.updateMany({ where: { recordId: callRecordId }, data: result });
      return contiguous.length;
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
}

const globalForIndex = globalThis as unknown as { conduitRecordIndex?: { running: Promise<IndexProgress> | null; timer: NodeJS.Timeout } };

/**
 * Brings the index up to date within `budgetMs` (one run at a time per process; a caller
 * that finds one running waits for it) and keeps it current every few seconds after.
 */
export function catchUpRecordIndex(options: { db: Db; budgetMs: number }): Promise<IndexProgress> {
  let state = globalForIndex.conduitRecordIndex;
  if (!state) {
    const timer = setInterval(() => {
      void catchUpRecordIndex({ db: options.db, budgetMs: 5_000 }).catch((error: unknown) => logger.warn({ err: error }, "the records index could not catch up"));
    }, 2_000);
    timer.unref();
    state = globalForIndex.conduitRecordIndex = { running: null, timer };
  }
  const current = state;
  current.running ??= indexPendingRecords({ db: options.db, budgetMs: options.budgetMs }).finally(() => {
    current.running = null;
  });
  return current.running;
}
