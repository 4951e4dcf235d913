// The records of a pack's scope, read from the records index in each log's order, with
// their stored form (the envelope exactly as signed) and their inclusion proofs to the
// log's checkpoint. A call's result and oversight decision carry no plant or conduit of
// their own: they are in scope when their call is. Streamed a page at a time, so a pack
// of a million records holds one page in memory.
import { dbProvider, dbUrl, type Db } from "@/lib/db";
import { scopeCondition } from "@/lib/evidence/pack-content";
import type { PackScope } from "@/lib/evidence/pack-scope";
import { inclusionProof, inclusionProofNodes, mapSource, nodeKey, type Hash } from "@/lib/ledger/merkle";
import type { LedgerStore, RecordRow } from "@/lib/ledger/store";
import { openRecordIndexReader } from "@/lib/records/index-store";

const pageSize = 1000;

/** How far each log's latest checkpoint reaches: only records below it can be proven. */
export type CoveredLogs = Map<string, { size: number }>;

interface ScopeSql {
  where: string;
  params: (string | number)[];
}

// The scope's condition on r (the record's index row): pack-content's, so the PDF counts
// exactly the records the pack holds; an incident adds its linked records.
function scopeSql(options: { provider: "sqlite" | "postgresql"; scope: PackScope; incidentId: string | null; params: (string | number)[] }): ScopeSql {
  const { params } = options;
  const p = (value: string | number) => {
    params.push(value);
    return options.provider === "sqlite" ? "?" : `$${params.length}`;
  };
  let where = `(${scopeCondition({ scope: options.scope, p })})`;
  // An incident brings its linked records, whenever they were written.
  if (options.incidentId) where = `(${where} OR r."recordId" IN (SELECT e."targetId" FROM "IncidentEvidence" e WHERE e."incidentId" = ${p(options.incidentId)}))`;
  return { where, params };
}

const from = `"RecordIndex" r`;

async function incidentId(options: { db: Db; scope: PackScope }): Promise<string | null> {
  if (!options.scope.incident) return null;
  const incident = await options.db.incident.findFirst({ where: { reference: options.scope.incident }, select: { id: true } });
  return incident?.id ?? null;
}

/** Records in scope per log: those a checkpoint covers, and those written after the log's latest checkpoint. */
export async function countScopeRecords(options: { db: Db; scope: PackScope; covered: CoveredLogs }): Promise<{ logs: Map<string, { covered: number; uncovered: number }>; covered: number; uncovered: number }> {
  const provider = dbProvider(options.db);
  const { where, params } = scopeSql({ provider, scope: options.scope, incidentId: await incidentId(options), params: [] });
  const rows = await options.db.$queryRawUnsafe<{ logId: string; seq: number | bigint; n: number | bigint }[]>(
    `SELECT r."logId" AS "logId", MAX(r."seq") AS "seq", COUNT(*) AS "n" FROM ${from} WHERE ${where} GROUP BY r."logId"`,
    ...params,
  );
  const logs = new Map<string, { covered: number; uncovered: number }>();
  let covered = 0;
  let uncovered = 0;
  for (const row of rows) {
    const size = options.covered.get(row.logId)?.size ?? 0;
    // Rarely anything is past the checkpoint: count those exactly, in their own query.
    const past =
      Number(row.seq) < size
        ? 0
        : Number(
            (
              await options.db.$queryRawUnsafe<{ n: number | bigint }[]>(
                `SELECT COUNT(*) AS "n" FROM ${from} WHERE ${where} AND r."logId" = ${provider === "sqlite" ? "?" : `$${params.length + 1}`} AND r."seq" >= ${provider === "sqlite" ? "?" : `$${params.length + 2}`}`,
                ...params,
                row.logId,
                size,
              )
            )[0]?.n ?? 0,
          );
    logs.set(row.logId, { covered: Number(row.n) - past, uncovered: past });
    covered += Number(row.n) - past;
    uncovered += past;
  }
  return { logs, covered, uncovered };
}

export interface ScopeEntry {
  record: RecordRow;
  /** RFC 9162 audit path, leaf to root, hex. */
  proof: string[];
}

/** A record of the scope as the PDF's appendix lists it. */
export interface ScopeRow {
  recordId: string;
  logId: string;
  seq: number;
  kind: string;
  at: string;
  outcome: string | null;
  summary: string;
}

const recordColumns = `a."id", a."logId", a."seq", a."kind", r."at", a."envelope", a."leafHash", a."signature", a."keyId"`;
const rowColumns = `r."recordId", r."logId", r."seq", r."kind", r."at", r."outcome", r."summary"`;

/**
 * The covered records of the scope, a page at a time, by log id (byte order) then
 * sequence number: the order of records.jsonl. `columns` is what each row holds.
 */
async function* scopePages(options: { db: Db; scope: PackScope; covered: CoveredLogs; columns: string; join?: string; signal?: AbortSignal }): AsyncGenerator<unknown[][]> {
  const provider = dbProvider(options.db);
  const reader = openRecordIndexReader({ url: dbUrl(options.db) });
  const incident = await incidentId(options);
  try {
    const logIds = [...options.covered.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const logId of logIds) {
      const bounds = await seqBounds({ db: options.db, scope: options.scope, incidentId: incident, logId });
      if (!bounds) continue;
      // Below the checkpoint's size, and within the scope's first and last record of this log.
      const size = Math.min(options.covered.get(logId)!.size, bounds.last + 1);
      let after = bounds.first - 1;
      for (;;) {
        options.signal?.throwIfAborted();
        const { where, params } = scopeSql({ provider, scope: options.scope, incidentId: incident, params: [] });
        const p = (value: string | number) => {
          params.push(value);
          return provider === "sqlite" ? "?" : `$${params.length}`;
        };
        const sql =
          `SELECT ${options.columns}, r."seq" FROM ${from}${options.join ?? ""} ` +
          `WHERE ${where} AND r."logId" = ${p(logId)} AND r."seq" > ${p(after)} AND r."seq" < ${p(size)} ORDER BY r."seq" LIMIT ${p(pageSize)}`;
        const rows = await reader.rows({ sql, params });
        if (rows.length === 0) break;
        yield rows;
        after = Number(rows.at(-1)!.at(-1));
        if (rows.length < pageSize) break;
      }
    }
  } finally {
    await reader.close();
  }
}

/** The covered records of the scope in records.jsonl's order, each with its inclusion proof. */
export async function* scopeEntries(options: { db: Db; store: LedgerStore; scope: PackScope; covered: CoveredLogs; signal?: AbortSignal }): AsyncGenerator<ScopeEntry> {
  const pages = scopePages({ ...options, columns: recordColumns, join: ` JOIN "AuditRecord" a ON a."id" = r."recordId"` });
  for await (const page of pages) {
    const records = page.map(([id, logId, seq, kind, at, envelope, leafHash, signature, keyId]) => ({ id, logId, seq: Number(seq), kind, at, envelope, leafHash, signature, keyId }) as RecordRow);
    const logId = records[0]!.logId;
    const proofs = await proofsOf({ store: options.store, logId, size: options.covered.get(logId)!.size, seqs: records.map((r) => r.seq) });
    for (let i = 0; i < records.length; i++) yield { record: records[i]!, proof: proofs[i]! };
  }
}

/** The same records as the PDF's appendix lists them (id, time, kind, outcome, summary). */
export async function* scopeRows(options: { db: Db; scope: PackScope; covered: CoveredLogs; signal?: AbortSignal }): AsyncGenerator<ScopeRow> {
  for await (const page of scopePages({ ...options, columns: rowColumns })) {
    for (const [recordId, logId, seq, kind, at, outcome, summary] of page) yield { recordId, logId, seq: Number(seq), kind, at, outcome, summary } as ScopeRow;
  }
}

/**
 * The first and last sequence number of the log's records in the period (through the
 * log's (logId, at) index), and of the incident's linked records: the page reads walk
 * the log between them only, not from its first record.
 */
async function seqBounds(options: { db: Db; scope: PackScope; incidentId: string | null; logId: string }): Promise<{ first: number; last: number } | null> {
  const sqlite = dbProvider(options.db) === "sqlite";
  const ph = (n: number) => (sqlite ? "?" : `$${n}`);
  type Bounds = { first: number | bigint | null; last: number | bigint | null }[];
  const ranges = [
    await options.db.$queryRawUnsafe<Bounds>(
      `SELECT MIN("seq") AS "first", MAX("seq") AS "last" FROM "RecordIndex" WHERE "logId" = ${ph(1)} AND "at" >= ${ph(2)} AND "at" < ${ph(3)}`,
      options.logId,
      options.scope.from,
      options.scope.to,
    ),
  ];
  if (options.incidentId) {
    ranges.push(
      await options.db.$queryRawUnsafe<Bounds>(
        `SELECT MIN(r."seq") AS "first", MAX(r."seq") AS "last" FROM "RecordIndex" r JOIN "IncidentEvidence" e ON e."targetId" = r."recordId" WHERE r."logId" = ${ph(1)} AND e."incidentId" = ${ph(2)}`,
        options.logId,
        options.incidentId,
      ),
    );
  }
  const found = ranges.map((r) => r[0]).filter((b) => b && b.first !== null && b.last !== null) as { first: number | bigint; last: number | bigint }[];
  if (found.length === 0) return null;
  return { first: Math.min(...found.map((b) => Number(b.first))), last: Math.max(...found.map((b) => Number(b.last))) };
}

/** Inclusion proofs of a page of one log's leaves, reading each tree node they need once. */
async function proofsOf(options: { store: LedgerStore; logId: string; size: number; seqs: number[] }): Promise<string[][]> {
  const needed = new Map(options.seqs.flatMap((seq) => inclusionProofNodes(seq, options.size)).map((id) => [nodeKey(id), id]));
  const stored = await options.store.readNodes(options.logId, [...needed.values()]);
  const hashes = new Map<string, Hash>([...stored].map(([key, hex]) => [key, Buffer.from(hex, "hex")]));
  const source = mapSource(hashes);
  return options.seqs.map((seq) => inclusionProof({ source, index: seq, size: options.size }).map((h) => h.toString("hex")));
}
