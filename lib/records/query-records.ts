// The records explorer's queries over the index (RecordIndex): one page in the
// explorer's order, newest or oldest first, continued by keyset (the last row's time and
// id), never by OFFSET, so page 2,000 costs what page 1 costs. Written in SQL, not the
// ORM, so that the database test can read each query's plan and check it uses the
// index led by the filtered column.
import { dbProvider, dbUrl, type Db } from "@/lib/db";
import { openRecordIndexReader } from "@/lib/records/index-store";
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
export function recordsSql(options: {
  provider: "sqlite" | "postgresql";
  filter: RecordFilter;
  sort: RecordSort;
  after: RecordQuery["after"];
  limit: number;
  lead?: LeadField | null;
  /** Read at most this many entries of the leading index (a bounded search, see searchLimits). */
  window?: number;
  /** With a window: the query of its last entry instead of the page (where the search stopped). */
  edge?: boolean;
}): RecordsSql {
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
  const lead = byLabel ? null : (options.lead ?? null);
  // Each condition is written when placed, so that SQLite's positional "?" follow the SQL's order.
  type Condition = { onLead: boolean; sql: () => string };
  const conditions: Condition[] = [];
  if (byLabel) conditions.push({ onLead: true, sql: () => `l."label" = ${p(filter.label!)}` });
  for (const [field, column] of Object.entries(columnOf)) {
    const value = filter[field as LeadField];
    if (value === undefined) continue;
    const leads = lead === null || field === lead;
    // SQLite uses no index for +column, PostgreSQL none for column || ''.
    const operand = leads ? `r."${column}"` : options.provider === "sqlite" ? `+r."${column}"` : `(r."${column}" || '')`;
    conditions.push({ onLead: leads && lead !== null, sql: () => `${operand} = ${p(value)}` });
  }
  if (filter.from) conditions.push({ onLead: true, sql: () => `${order} >= ${p(filter.from!)}` });
  if (filter.to) conditions.push({ onLead: true, sql: () => `${order} < ${p(filter.to!)}` });
  if (filter.q) conditions.push({ onLead: false, sql: () => `(r."recordId" = ${p(filter.q!)} OR r."leafHash" = ${p(filter.q!)} OR r."callRecordId" = ${p(filter.q!)})` });
  if (after) {
    // (at, id) before the cursor, written so the database can range-scan on at.
    const [cmp, cmpEq] = sort === "newest" ? ["<", "<="] : [">", ">="];
    conditions.push({ onLead: true, sql: () => `${order} ${cmpEq} ${p(after.at)} AND (${order} ${cmp} ${p(after.at)} OR ${orderId} ${cmp} ${p(after.recordId)})` });
  }
  const direction = sort === "newest" ? "DESC" : "ASC";
  const orderBy = `ORDER BY ${order} ${direction}, ${orderId} ${direction}`;
  const columns = indexColumns.map((c) => `r."${c}"`).join(", ");
  const where = (list: Condition[]) => (list.length ? ` WHERE ${list.map((c) => c.sql()).join(" AND ")}` : "");
  if (options.window !== undefined) {
    // The leading index's next `window` entries in range, then the other filters over
    // them: a LIMIT in a subquery is a fence for both planners, so no more is read.
    const inner = where(conditions.filter((c) => c.onLead));
    if (options.edge) {
      const source = byLabel ? `"RecordIndexLabel" l` : `"RecordIndex" r`;
      return { sql: `SELECT ${order} AS "at", ${orderId} AS "recordId" FROM ${source}${inner} ${orderBy} LIMIT 1 OFFSET ${p(options.window - 1)}`, params };
    }
    const windowLimit = p(options.window);
    const outer = where(conditions.filter((c) => !c.onLead));
    const window = byLabel
      ? `(SELECT l."at", l."recordId" FROM "RecordIndexLabel" l${inner} ${orderBy} LIMIT ${windowLimit}) l JOIN "RecordIndex" r ON r."recordId" = l."recordId"`
      : `(SELECT ${columns} FROM "RecordIndex" r${inner} ${orderBy} LIMIT ${windowLimit}) r`;
    return { sql: `SELECT ${columns} FROM ${window}${outer} ${orderBy} LIMIT ${p(limit)}`, params };
  }
  const from = byLabel ? `"RecordIndexLabel" l JOIN "RecordIndex" r ON r."recordId" = l."recordId"` : `"RecordIndex" r`;
  return { sql: `SELECT ${columns} FROM ${from}${where(conditions)} ${orderBy} LIMIT ${p(limit)}`, params };
}

export interface RecordPage {
  rows: IndexRow[];
  /** Cursor of the next page; null on the last. */
  next: string | null;
  /**
   * Set when the page stopped at its search window rather than at a full page or the end:
   * the time it searched back (or forward) to. `next` then continues the search from there.
   */
  searchedTo: string | null;
}

/**
 * How many entries of the leading index one page reads when every filter is common: a
 * combination of common values can match nothing, and without a bound its first page
 * would read the whole index range (a second and more at a million records). The page
 * then says how far back it searched and offers to search further.
 */
export interface SearchLimits {
  /** A probe reads at most this many index entries per filter to tell a rare value from a common one. */
  probe: number;
  window: number;
}
export const searchLimits: SearchLimits = { probe: 10_000, window: 20_000 };
// With no rare filter to lead, the one most likely to narrow the page reads first.
const leadPreference: LeadField[] = ["device", "workstation", "operator", "conduit", "model", "destination", "zone", "plant", "level", "outcome", "kind", "log"];

export interface PagePlan {
  lead: LeadField | null;
  /** Entries of the leading index to read at most; absent for an unbounded read. */
  window?: number;
}

async function probeCount(options: { db: Db; table: "RecordIndex" | "RecordIndexLabel"; column: string; value: string; filter: RecordFilter; limit: number }): Promise<number> {
  const { db, filter } = options;
  const sqlite = dbProvider(db) === "sqlite";
  const params: string[] = [options.value];
  const ph = () => (sqlite ? "?" : `$${params.length}`);
  let where = `"${options.column}" = ${ph()}`;
  if (filter.from) where += ` AND "at" >= ${(params.push(filter.from), ph())}`;
  if (filter.to) where += ` AND "at" < ${(params.push(filter.to), ph())}`;
  const rows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM "${options.table}" WHERE ${where} LIMIT ${options.limit}) probe`, ...params);
  return Number(rows[0]?.n ?? 0);
}

/**
 * How a page is read. One filter: through its own index. Several: through the index of
 * the rarest (counted up to limits.probe within the time range), so the page walks the
 * shortest index range; when none is rare, the page reads a bounded window of one of
 * them (`bounded`; an export reads on, unbounded, and leaves the choice to the planner:
 * forcing a common index made PostgreSQL read the table whole and sort it).
 */
export async function planPage(options: { db: Db; filter: RecordFilter; bounded: boolean; limits?: SearchLimits }): Promise<PagePlan> {
  const { db, filter } = options;
  const limits = options.limits ?? searchLimits;
  const fields = (Object.keys(columnOf) as LeadField[]).filter((f) => filter[f] !== undefined);
  if (filter.q !== undefined) return { lead: null };
  if (filter.label !== undefined) {
    if (fields.length === 0 || !options.bounded) return { lead: null };
    const n = await probeCount({ db, table: "RecordIndexLabel", column: "label", value: filter.label, filter, limit: limits.probe });
    return n < limits.probe ? { lead: null } : { lead: null, window: limits.window };
  }
  if (fields.length < 2) return { lead: null };
  const counts = await Promise.all(fields.map(async (field) => ({ field, n: await probeCount({ db, table: "RecordIndex", column: columnOf[field], value: filter[field]!, filter, limit: limits.probe }) })));
  const rarest = counts.reduce((best, c) => (c.n < best.n ? c : best));
  if (rarest.n < limits.probe) return { lead: rarest.field };
  if (!options.bounded) return { lead: null };
  return { lead: leadPreference.find((f) => fields.includes(f))!, window: limits.window };
}

/** One page of the index in the explorer's order. */
export async function queryRecords(options: { db: Db; query: Pick<RecordQuery, "filter" | "sort" | "after">; limit: number; limits?: SearchLimits }): Promise<RecordPage> {
  const { db, query, limit } = options;
  const plan = await planPage({ db, filter: query.filter, bounded: true, limits: options.limits });
  const provider = dbProvider(db);
  const { sql, params } = recordsSql({ provider, ...query, limit: limit + 1, ...plan });
  const found = (await db.$queryRawUnsafe<IndexRow[]>(sql, ...params)).map(normalizeRow);
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  if (found.length > limit && last) return { rows, next: encodeCursor(last), searchedTo: null };
  if (plan.window === undefined) return { rows, next: null, searchedTo: null };
  // A short page from a window: the search stopped at the window's edge unless the range ended first.
  const edge = recordsSql({ provider, ...query, limit: 1, ...plan, edge: true });
  const [end] = await db.$queryRawUnsafe<{ at: string; recordId: string }[]>(edge.sql, ...edge.params);
  return end ? { rows, next: encodeCursor(end), searchedTo: end.at } : { rows, next: null, searchedTo: null };
}

/** A row as the export reads it: the values of indexColumns, in that order. */
export type IndexTuple = unknown[];

/** Every row a filter matches, page by page in the explorer's order (constant memory), read straight through the driver. */
export async function* scanRecords(options: { db: Db; filter: RecordFilter; sort: RecordSort; pageSize?: number; signal?: AbortSignal }): AsyncGenerator<IndexTuple[]> {
  const pageSize = options.pageSize ?? 2000;
  const provider = dbProvider(options.db);
  const { lead } = await planPage({ db: options.db, filter: options.filter, bounded: false });
  const reader = openRecordIndexReader({ url: dbUrl(options.db), mapped: true });
  const at = indexColumns.indexOf("at");
  const recordId = indexColumns.indexOf("recordId");
  try {
    let after: RecordQuery["after"] = null;
    for (;;) {
      if (options.signal?.aborted) return;
      const rows = await reader.rows(recordsSql({ provider, filter: options.filter, sort: options.sort, after, limit: pageSize, lead }));
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) return;
      const last = rows.at(-1)!;
      after = { at: String(last[at]), recordId: String(last[recordId]) };
    }
  } finally {
    await reader.close();
  }
}

// Drivers differ in what a number column comes back as (PostgreSQL's count and int8 as bigint).
function normalizeRow(row: IndexRow): IndexRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { ...row, seq: Number(row.seq), durationMs: n(row.durationMs), inputTokens: n(row.inputTokens), outputTokens: n(row.outputTokens) };
}
