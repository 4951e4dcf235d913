// The records explorer's queries over the index (RecordIndex): one page in the
// explorer's order, newest or oldest first, continued by keyset (the last row's time and
// id), never by OFFSET, so page 2,000 costs what page 1 costs. Written in SQL, not the
// ORM, so that the database test can read each query's plan and check it uses the
// index led by the filtered column.
import { dbProvider, type Db } from "@/lib/db";
import { encodeCursor, type RecordFilter, type RecordQuery, type RecordSort } from "@/lib/records/record-filter";
import type { IndexRow } from "@/lib/records/project-record";

export const indexColumns = [
  "recordId",
  "logId",
  "seq",
  "kind",
  "at",
  "plant",
  "zone",
  "workstation",
  "device",
  "operator",
  "assurance",
  "actor",
  "destination",
  "conduit",
  "model",
  "outcome",
  "code",
  "level",
  "labels",
  "callRecordId",
  "leafHash",
  "summary",
  "result",
  "durationMs",
  "inputTokens",
  "outputTokens",
] as const satisfies readonly (keyof IndexRow)[];

/** Index columns of the filters that match one column (label and log are handled apart). */
const columnOf = {
  plant: "plant",
  zone: "zone",
  workstation: "workstation",
  device: "device",
  operator: "operator",
  destination: "destination",
  conduit: "conduit",
  model: "model",
  outcome: "outcome",
  level: "level",
  kind: "kind",
  log: "logId",
} as const;

export interface RecordsSql {
  sql: string;
  params: (string | number)[];
}

type LeadField = keyof typeof columnOf;

/**
 * The SQL of one page; exported for the plan test. With several filters, `lead` names the
 * one whose index the page is read through: the others are written so that no index
 * serves them (a planner that guesses would otherwise walk a large index for a rare
 * combination, a second or more for one that matches nothing).
 */
export function recordsSql(options: { provider: "sqlite" | "postgresql"; filter: RecordFilter; sort: RecordSort; after: RecordQuery["after"]; limit: number; lead?: LeadField | null }): RecordsSql {
  const { filter, sort, after, limit } = options;
  const params: (string | number)[] = [];
  const p = (value: string | number) => {
    params.push(value);
    return options.provider === "sqlite" ? "?" : `$${params.length}`;
  };
  // With a label filter the label table leads: its (label, at, recordId) key is the order.
  const byLabel = filter.label !== undefined;
  const order = byLabel ? `l."at"` : `r."at"`;
  const orderId = byLabel ? `l."recordId"` : `r."recordId"`;
  const where: string[] = [];
  if (byLabel) where.push(`l."label" = ${p(filter.label!)}`);
  const lead = byLabel ? null : (options.lead ?? null);
  for (const [field, column] of Object.entries(columnOf)) {
    const value = filter[field as LeadField];
    if (value === undefined) continue;
    // SQLite uses no index for +column, PostgreSQL none for column || ''.
    const operand = lead === null || field === lead ? `r."${column}"` : options.provider === "sqlite" ? `+r."${column}"` : `(r."${column}" || '')`;
    where.push(`${operand} = ${p(value)}`);
  }
  if (filter.from) where.push(`${order} >= ${p(filter.from)}`);
  if (filter.to) where.push(`${order} < ${p(filter.to)}`);
  if (filter.q) where.push(`(r."recordId" = ${p(filter.q)} OR r."leafHash" = ${p(filter.q)} OR r."callRecordId" = ${p(filter.q)})`);
  if (after) {
    // (at, id) before the cursor, written so the database can range-scan on at.
    const [cmp, cmpEq] = sort === "newest" ? ["<", "<="] : [">", ">="];
    where.push(`${order} ${cmpEq} ${p(after.at)} AND (${order} ${cmp} ${p(after.at)} OR ${orderId} ${cmp} ${p(after.recordId)})`);
  }
  const direction = sort === "newest" ? "DESC" : "ASC";
  const columns = indexColumns.map((c) => `r."${c}"`).join(", ");
  const from = byLabel ? `"RecordIndexLabel" l JOIN "RecordIndex" r ON r."recordId" = l."recordId"` : `"RecordIndex" r`;
  const sql = `SELECT ${columns} FROM ${from}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} ${direction}, ${orderId} ${direction} LIMIT ${p(limit)}`;
  return { sql, params };
}

export interface RecordPage {
  rows: IndexRow[];
  /** Cursor of the next page; null on the last. */
  next: string | null;
}

// A probe reads at most this many index entries per filter to tell a rare value from a common one.
const probeLimit = 10_000;

/**
 * Of several filters, the one with the fewest matching rows (counted up to probeLimit in
 * its own index, within the time range), so the page walks the shortest index range;
 * null when none is rare.
 */
export async function leadFilter(options: { db: Db; filter: RecordFilter }): Promise<LeadField | null> {
  const { db, filter } = options;
  const fields = (Object.keys(columnOf) as LeadField[]).filter((f) => filter[f] !== undefined);
  if (fields.length < 2 || filter.label !== undefined || filter.q !== undefined) return null;
  const sqlite = dbProvider(db) === "sqlite";
  const counts = await Promise.all(
    fields.map(async (field) => {
      const params: string[] = [filter[field]!];
      const ph = () => (sqlite ? "?" : `$${params.length}`);
      let where = `"${columnOf[field]}" = ${ph()}`;
      if (filter.from) where += ` AND "at" >= ${(params.push(filter.from), ph())}`;
      if (filter.to) where += ` AND "at" < ${(params.push(filter.to), ph())}`;
      const rows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM "RecordIndex" WHERE ${where} LIMIT ${probeLimit}) probe`, ...params);
      return { field, n: Number(rows[0]?.n ?? 0) };
    }),
  );
  const rarest = counts.reduce((best, c) => (c.n < best.n ? c : best));
  // No filter is rare: the planner's own choice is as good (forcing a common one made
  // PostgreSQL read the table whole and sort it).
  return rarest.n < probeLimit ? rarest.field : null;
}

/** One page of the index in the explorer's order. */
export async function queryRecords(options: { db: Db; query: Pick<RecordQuery, "filter" | "sort" | "after">; limit: number }): Promise<RecordPage> {
  const { db, query, limit } = options;
  const lead = await leadFilter({ db, filter: query.filter });
  const { sql, params } = recordsSql({ provider: dbProvider(db), ...query, limit: limit + 1, lead });
  const found = (await db.$queryRawUnsafe<IndexRow[]>(sql, ...params)).map(normalizeRow);
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  return { rows, next: found.length > limit && last ? encodeCursor(last) : null };
}

/** Every row a filter matches, page by page in the explorer's order (constant memory). */
export async function* scanRecords(options: { db: Db; filter: RecordFilter; sort: RecordSort; pageSize?: number; signal?: AbortSignal }): AsyncGenerator<IndexRow[]> {
  const pageSize = options.pageSize ?? 2000;
  const provider = dbProvider(options.db);
  const lead = await leadFilter({ db: options.db, filter: options.filter });
  let after: RecordQuery["after"] = null;
  for (;;) {
    if (options.signal?.aborted) return;
    const { sql, params } = recordsSql({ provider, filter: options.filter, sort: options.sort, after, limit: pageSize, lead });
    const rows = (await options.db.$queryRawUnsafe<IndexRow[]>(sql, ...params)).map(normalizeRow);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = { at: last.at, recordId: last.recordId };
  }
}

// Drivers differ in what a number column comes back as (PostgreSQL's count and int8 as bigint).
function normalizeRow(row: IndexRow): IndexRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { ...row, seq: Number(row.seq), durationMs: n(row.durationMs), inputTokens: n(row.inputTokens), outputTokens: n(row.outputTokens) };
}
