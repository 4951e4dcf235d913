// The records explorer's index, kept up to date from the ledger: each log is read from
// where the index left it, in sequence order, and its records projected into
// RecordIndex rows. It runs beside the ledger, never in its write path, so a durable
// append costs what it did; the explorer catches up before it answers, and a timer
// keeps it current in between. Any number of processes may run it: each batch moves
// its log's cursor from the value it read in the same transaction, so a batch is
// indexed exactly once. The traffic rollups of the batch's calls go in the same
// transaction (lib/conduits/traffic-rollup.ts), so they count each call once too.
import { trafficRollups } from "@/lib/conduits/traffic-rollup";
import { dbUrl, type Db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { openRecordIndexStore, type IndexBatch, type RecordIndexStore } from "@/lib/records/index-store";
import { projectRecord, type IndexRow, type ProjectedRecord, type ProjectionNames } from "@/lib/records/project-record";

export interface IndexProgress {
  indexed: number;
  /** Records written to the ledger but not yet in the index. */
  behind: number;
}

const defaultBatch = 1000;

/**
 * Indexes what the ledger holds beyond the index, batch by batch, until it has caught
 * up or `budgetMs` has passed (the explorer waits at most that long before answering).
 * `rollups: false` leaves the traffic rollups alone, for the benchmark that measures them.
 */
export async function indexPendingRecords(options: { db: Db; batchSize?: number; budgetMs?: number; rollups?: boolean }): Promise<IndexProgress> {
  const { db } = options;
  const started = Date.now();
  const batchSize = options.batchSize ?? defaultBatch;
  const store = openRecordIndexStore({ url: dbUrl(db) });
  try {
    const logs = (await store.logs()).filter((log) => log.nextSeq < log.size);
    if (logs.length === 0) return { indexed: 0, behind: 0 };
    const names = await projectionNames({ db });
    let indexed = 0;
    let behind = 0;
    for (const log of logs) {
      let from = log.nextSeq;
      while (from < log.size) {
        if (options.budgetMs !== undefined && Date.now() - started >= options.budgetMs) break;
        const batch = await readBatch({ store, logId: log.logId, from, batchSize, names, rollups: options.rollups ?? true });
        if (!batch) break;
        // Another indexer took this batch: the log is in its hands now.
        if (!(await store.writeBatch(batch))) break;
        indexed += batch.rows.length;
        from = batch.to;
      }
      behind += Math.max(0, log.size - from);
    }
    // Records that arrived meanwhile are the next run's; another indexer's progress is not "behind".
    if (behind > 0) behind = (await store.logs()).reduce((n, log) => n + Math.max(0, log.size - log.nextSeq), 0);
    return { indexed, behind };
  } finally {
    await store.close();
  }
}

export async function projectionNames(options: { db: Db }): Promise<ProjectionNames> {
  const incidents = await options.db.incident.findMany({ select: { id: true, reference: true } });
  const references = new Map(incidents.map((i) => [i.id, i.reference]));
  return { incidentReference: (id) => references.get(id) };
}

/** Reads and projects one batch of a log from sequence number `from`. */
async function readBatch(options: { store: RecordIndexStore; logId: string; from: number; batchSize: number; names: ProjectionNames; rollups: boolean }): Promise<IndexBatch | null> {
  const { from } = options;
  const records = await options.store.readRecords({ logId: options.logId, fromSeq: from, limit: options.batchSize });
  // A log is gap-free; stop at a gap rather than skip a record that is still being written.
  const contiguous = records.filter((r, i) => r.seq === from + i);
  if (contiguous.length === 0) return null;
  const batch: IndexBatch = { logId: options.logId, from, to: from + contiguous.length, rows: [], labels: [], laterResults: [], rollups: null };
  const byId = new Map<string, IndexRow>();
  const projections: ProjectedRecord[] = [];
  for (const record of contiguous) {
    const projected = projectRecord({ record, names: options.names });
    projections.push(projected);
    batch.rows.push(projected.row);
    byId.set(projected.row.recordId, projected.row);
    for (const label of projected.labels) batch.labels.push({ label, at: projected.row.at, recordId: projected.row.recordId });
    if (projected.completes) {
      // Usually the call is in the same batch: its row is written complete.
      const call = byId.get(projected.completes.callRecordId);
      if (call) Object.assign(call, projected.completes.result);
      else batch.laterResults.push(projected.completes);
    }
  }
  if (options.rollups) batch.rollups = trafficRollups({ records: projections });
  return batch;
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
  // Small batches: on SQLite a batch is written synchronously, and the server keeps answering between them.
  current.running ??= indexPendingRecords({ db: options.db, budgetMs: options.budgetMs, batchSize: 250 }).finally(() => {
    current.running = null;
  });
  return current.running;
}
