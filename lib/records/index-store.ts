// Where the records index is read from and written to, straight through the database
// drivers like the ledger's own stores: a batch of a thousand rows with fifteen indexes
// goes in as one prepared statement run (SQLite) or one insert from arrays (PostgreSQL),
// about forty times faster than the ORM's createMany, so a million records are indexed
// in seconds, not a quarter of an hour. The traffic rollups of a batch are upserted in
// the batch's transaction, so a batch counts in them once or not at all.
import Database from "better-sqlite3";
import pg from "pg";
import {
  lateResultIncrements,
  resultCountColumns,
  trafficKeyColumns,
  type ResultIncrement,
  type RolledUpCall,
  type TrafficIncrement,
  type TrafficKey,
  type TrafficRollups,
} from "@/lib/conduits/traffic-rollup";
import type { RecordRow } from "@/lib/ledger/store";
import { recordEndpoint, type CallResult, type IndexRow } from "@/lib/records/project-record";
import { logger } from "@/lib/logger";

export type StoredRecord = Pick<RecordRow, "id" | "logId" | "seq" | "kind" | "at" | "envelope" | "leafHash">;

export interface IndexBatch {
  logId: string;
  /** The cursor as read: the batch is written only if it still holds this value. */
  from: number;
  to: number;
  rows: IndexRow[];
  labels: { label: string; at: string; recordId: string }[];
  /** Results whose calls were indexed in an earlier batch. */
  laterResults: { callRecordId: string; result: CallResult }[];
  /** The batch's rollup increments (with them, laterResults are added to their calls' rows); null: leave the rollups alone. */
  rollups: TrafficRollups | null;
}

export interface RecordIndexStore {
  /** Every log with its size and the index's cursor (created at 0 where missing). */
  logs(): Promise<{ logId: string; size: number; nextSeq: number }[]>;
  readRecords(options: { logId: string; fromSeq: number; limit: number }): Promise<StoredRecord[]>;
  /** Writes a batch and moves the cursor; false when another indexer moved it first. */
  writeBatch(batch: IndexBatch): Promise<boolean>;
  close(): Promise<void>;
}

const rowColumns = [
  "recordId", "logId", "seq", "kind", "at", "plant", "zone", "workstation", "device", "operator", "assurance", "actor", "destination",
  "conduit", "model", "outcome", "code", "level", "labels", "callRecordId", "leafHash", "summary", "result", "durationMs", "inputTokens", "outputTokens",
] as const satisfies readonly (keyof IndexRow)[];
const quoted = rowColumns.map((c) => `"${c}"`).join(",");
const resultSet = `"result" = ?, "durationMs" = ?, "inputTokens" = ?, "outputTokens" = ?`;

const trafficColumns = [...trafficKeyColumns, "calls", ...resultCountColumns, "firstAt", "lastAt"] as const satisfies readonly (keyof TrafficIncrement)[];
const sumColumns = ["calls", ...resultCountColumns] as const;
const trafficKeyList = trafficKeyColumns.map((c) => `"${c}"`).join(",");
const trafficList = trafficColumns.map((c) => `"${c}"`).join(",");
// Sums add up; the first and last call of the hour move outwards (ISO times sort as text).
const trafficUpsert = (least: string, greatest: string) =>
  `ON CONFLICT (${trafficKeyList}) DO UPDATE SET ${sumColumns.map((c) => `"${c}" = t."${c}" + excluded."${c}"`).join(", ")},
   "firstAt" = ${least}(t."firstAt", excluded."firstAt"), "lastAt" = ${greatest}(t."lastAt", excluded."lastAt")`;
const labelUpsert = `ON CONFLICT ("hour","conduit","label") DO UPDATE SET "calls" = t."calls" + excluded."calls"`;
const keyValues = (key: TrafficKey, endpoint = key.endpoint) => trafficKeyColumns.map((c) => (c === "endpoint" ? endpoint : key[c]));
// A later result's call: its key from its index row, its endpoint from its envelope (the index does not keep it).
const lateCallSql = `SELECT r."recordId", r."kind", r."at", r."plant", r."zone", r."conduit", r."destination", r."device", r."operator", r."assurance", r."model",
  r."outcome", r."code", r."level", a."envelope" FROM "RecordIndex" r JOIN "AuditRecord" a ON a."id" = r."recordId"`;
type LateCall = Omit<RolledUpCall, "endpoint"> & { recordId: string; envelope: string };

/**
 * What later results add, each to its call's row. A call the migration rolled up has the
 * endpoint "": where no row has the call's endpoint, the result goes to that one (the
 * store tries both). A call indexed with rollups off has no row: its result adds nothing.
 */
function lateIncrements(options: { batch: IndexBatch; calls: LateCall[] }): ResultIncrement[] {
  const calls = new Map(options.calls.map(({ envelope, ...call }) => [call.recordId, { ...call, endpoint: recordEndpoint(envelope) }]));
  return lateResultIncrements({ results: options.batch.laterResults, calls });
}

class SqliteIndexStore implements RecordIndexStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(options: { file: string }) {
    this.db = new Database(options.file);
    this.db.pragma("journal_mode = WAL");
    // The index is derived: a commit lost to a power cut is re-indexed from the ledger.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    // Fifteen indexes take each row: SQLite's default 2 MB page cache rereads their pages from
    // disk once the index outgrows it (indexing a million calls slowed by half).
    this.db.pragma("cache_size = -65536");
    const db = this.db;
    this.statements = {
      logs: db.prepare(`SELECT l."id" AS "logId", COALESCE((SELECT MAX(r."seq") + 1 FROM "AuditRecord" r WHERE r."logId" = l."id"), 0) AS "size",
        c."nextSeq" AS "nextSeq" FROM "AuditLog" l LEFT JOIN "RecordIndexCursor" c ON c."logId" = l."id" ORDER BY l."id"`),
      newCursor: db.prepare(`INSERT INTO "RecordIndexCursor" ("logId","nextSeq") VALUES (?, 0) ON CONFLICT DO NOTHING`),
      records: db.prepare(`SELECT "id","logId","seq","kind","at","envelope","leafHash" FROM "AuditRecord" WHERE "logId" = ? AND "seq" >= ? ORDER BY "seq" LIMIT ?`),
      claim: db.prepare(`UPDATE "RecordIndexCursor" SET "nextSeq" = ? WHERE "logId" = ? AND "nextSeq" = ?`),
      row: db.prepare(`INSERT INTO "RecordIndex" (${quoted}) VALUES (${rowColumns.map(() => "?").join(",")})`),
      label: db.prepare(`INSERT INTO "RecordIndexLabel" ("label","at","recordId") VALUES (?,?,?)`),
      result: db.prepare(`UPDATE "RecordIndex" SET ${resultSet} WHERE "recordId" = ?`),
      traffic: db.prepare(`INSERT INTO "TrafficRollup" AS t (${trafficList}) VALUES (${trafficColumns.map(() => "?").join(",")}) ${trafficUpsert("min", "max")}`),
      trafficLabel: db.prepare(`INSERT INTO "TrafficLabelRollup" AS t ("hour","conduit","label","calls") VALUES (?,?,?,?) ${labelUpsert}`),
      lateCall: db.prepare(`${lateCallSql} WHERE r."recordId" = ?`),
      lateResult: db.prepare(`UPDATE "TrafficRollup" SET ${resultCountColumns.map((c) => `"${c}" = "${c}" + ?`).join(", ")} WHERE ${trafficKeyColumns.map((c) => `"${c}" = ?`).join(" AND ")}`),
    };
  }

  async logs() {
    const logs = this.statements.logs.all() as { logId: string; size: number; nextSeq: number | null }[];
    // Only a new log's cursor is written: a look that finds nothing to do takes no write lock.
    for (const log of logs) if (log.nextSeq === null) this.statements.newCursor.run(log.logId);
    return logs.map((log) => ({ ...log, nextSeq: log.nextSeq ?? 0 }));
  }

  async readRecords(options: { logId: string; fromSeq: number; limit: number }): Promise<StoredRecord[]> {
    return this.statements.records.all(options.logId, options.fromSeq, options.limit) as StoredRecord[];
  }

  async writeBatch(batch: IndexBatch): Promise<boolean> {
    const s = this.statements;
    const write = this.db.transaction(() => {
      if (s.claim.run(batch.to, batch.logId, batch.from).changes === 0) return false;
      for (const row of batch.rows) s.row.run(...rowColumns.map((c) => row[c]));
      for (const l of batch.labels) s.label.run(l.label, l.at, l.recordId);
      for (const { callRecordId, result } of batch.laterResults) s.result.run(result.result, result.durationMs, result.inputTokens, result.outputTokens, callRecordId);
      if (batch.rollups) {
        for (const increment of batch.rollups.traffic) s.traffic.run(...trafficColumns.map((c) => increment[c]));
        for (const l of batch.rollups.labels) s.trafficLabel.run(l.hour, l.conduit, l.label, l.calls);
        const calls = batch.laterResults.map((r) => s.lateCall.get(r.callRecordId) as LateCall | undefined).filter((call) => call !== undefined);
        for (const increment of lateIncrements({ batch, calls })) {
          const counts = resultCountColumns.map((c) => increment[c]);
          if (s.lateResult.run(...counts, ...keyValues(increment)).changes === 0 && increment.endpoint !== "") s.lateResult.run(...counts, ...keyValues(increment, ""));
        }
      }
      return true;
    });
    return write.immediate();
  }

  async close() {
    this.db.close();
  }
}

const pgTypes: Record<(typeof rowColumns)[number], string> = {
  recordId: "text", logId: "text", seq: "int", kind: "text", at: "text", plant: "text", zone: "text", workstation: "text", device: "text",
  operator: "text", assurance: "text", actor: "text", destination: "text", conduit: "text", model: "text", outcome: "text", code: "text",
  level: "text", labels: "text", callRecordId: "text", leafHash: "text", summary: "text", result: "text", durationMs: "float8",
  inputTokens: "int", outputTokens: "int",
};

class PostgresIndexStore implements RecordIndexStore {
  private readonly pool: pg.Pool;

  constructor(options: { url: string }) {
    this.pool = new pg.Pool({ connectionString: options.url, max: 2 });
    // A database restart ends idle connections with 57P01: an 'error' event without a
    // listener would end the process. The pool drops them; the next query opens a new one.
    this.pool.on("error", (error) => logger.warn({ err: error }, "a records index database connection ended; the next query opens a new one"));
  }

  async logs() {
    await this.pool.query(`INSERT INTO "RecordIndexCursor" ("logId","nextSeq") SELECT "id", 0 FROM "AuditLog" ON CONFLICT DO NOTHING`);
    const { rows } = await this.pool.query(`SELECT l."id" AS "logId", COALESCE((SELECT MAX(r."seq") + 1 FROM "AuditRecord" r WHERE r."logId" = l."id"), 0)::int AS "size",
      c."nextSeq" AS "nextSeq" FROM "AuditLog" l JOIN "RecordIndexCursor" c ON c."logId" = l."id" ORDER BY l."id"`);
    return rows as { logId: string; size: number; nextSeq: number }[];
  }

  async readRecords(options: { logId: string; fromSeq: number; limit: number }): Promise<StoredRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT "id","logId","seq","kind",to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at","envelope","leafHash"
       FROM "AuditRecord" WHERE "logId" = $1 AND "seq" >= $2 ORDER BY "seq" LIMIT $3`,
      [options.logId, options.fromSeq, options.limit],
    );
    return rows as StoredRecord[];
  }

  async writeBatch(batch: IndexBatch): Promise<boolean> {
    const client = await this.pool.connect();
    // The connection may end while checked out (the pool listens only to idle ones).
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const claimed = await client.query(`UPDATE "RecordIndexCursor" SET "nextSeq" = $1 WHERE "logId" = $2 AND "nextSeq" = $3`, [batch.to, batch.logId, batch.from]);
      if (claimed.rowCount === 0) {
        await client.query("ROLLBACK");
        return false;
      }
      const arrays = rowColumns.map((c) => batch.rows.map((r) => r[c]));
      await client.query(`INSERT INTO "RecordIndex" (${quoted}) SELECT * FROM unnest(${rowColumns.map((c, i) => `$${i + 1}::${pgTypes[c]}[]`).join(",")})`, arrays);
      if (batch.labels.length > 0) {
        await client.query(`INSERT INTO "RecordIndexLabel" ("label","at","recordId") SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, [
          batch.labels.map((l) => l.label),
          batch.labels.map((l) => l.at),
          batch.labels.map((l) => l.recordId),
        ]);
      }
      for (const { callRecordId, result } of batch.laterResults) {
        await client.query(`UPDATE "RecordIndex" SET "result" = $1, "durationMs" = $2, "inputTokens" = $3, "outputTokens" = $4 WHERE "recordId" = $5`, [
          result.result,
          result.durationMs,
          result.inputTokens,
          result.outputTokens,
          callRecordId,
        ]);
      }
      if (batch.rollups) await this.writeRollups({ client, batch, rollups: batch.rollups });
      await client.query("COMMIT");
      return true;
    } catch (error) {
      if (!broken) await client.query("ROLLBACK").catch((rollbackError: Error) => (broken ??= rollbackError));
      throw error;
    } finally {
      client.removeListener("error", onError);
      client.release(broken);
    }
  }

  private async writeRollups(options: { client: pg.PoolClient; batch: IndexBatch; rollups: TrafficRollups }) {
    const { client, batch, rollups } = options;
    if (rollups.traffic.length > 0) {
      const types = trafficColumns.map((c) => (c === "durationMsSum" ? "float8" : (sumColumns as readonly string[]).includes(c) ? "int" : "text"));
      await client.query(
        `INSERT INTO "TrafficRollup" AS t (${trafficList}) SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(",")}) ${trafficUpsert("LEAST", "GREATEST")}`,
        trafficColumns.map((c) => rollups.traffic.map((increment) => increment[c])),
      );
    }
    if (rollups.labels.length > 0) {
      await client.query(`INSERT INTO "TrafficLabelRollup" AS t ("hour","conduit","label","calls") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) ${labelUpsert}`, [
        rollups.labels.map((l) => l.hour),
        rollups.labels.map((l) => l.conduit),
        rollups.labels.map((l) => l.label),
        rollups.labels.map((l) => l.calls),
      ]);
    }
    if (batch.laterResults.length === 0) return;
    const { rows: calls } = await client.query<LateCall>(`${lateCallSql} WHERE r."recordId" = ANY($1::text[])`, [batch.laterResults.map((r) => r.callRecordId)]);
    const update = `UPDATE "TrafficRollup" SET ${resultCountColumns.map((c, i) => `"${c}" = "${c}" + $${i + 1}`).join(", ")}
      WHERE ${trafficKeyColumns.map((c, i) => `"${c}" = $${resultCountColumns.length + i + 1}`).join(" AND ")}`;
    for (const increment of lateIncrements({ batch, calls })) {
      const counts = resultCountColumns.map((c) => increment[c]);
      const updated = await client.query(update, [...counts, ...keyValues(increment)]);
      if (updated.rowCount === 0 && increment.endpoint !== "") await client.query(update, [...counts, ...keyValues(increment, "")]);
    }
  }

  async close() {
    await this.pool.end();
  }
}

/**
 * The export's bulk read: each row as an array in the query's column order, straight from
 * the driver. Objects per row (the ORM's or the driver's) cost two thirds of an export's time.
 */
export interface RecordIndexReader {
  rows(options: { sql: string; params: (string | number)[] }): Promise<unknown[][]>;
  close(): Promise<void>;
}

export function openRecordIndexReader(options: { url: string; mapped?: boolean }): RecordIndexReader {
  if (options.url.startsWith("file:")) {
    const db = new Database(options.url.slice("file:".length), { readonly: true, fileMustExist: true });
    // An export reads the index in order and touches most of its pages: mapped, they are
    // not copied per read (but count in the process's resident memory while it runs).
    if (options.mapped) db.pragma("mmap_size = 268435456");
    return {
      rows: async ({ sql, params }) => db.prepare(sql).raw(true).all(...params) as unknown[][],
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: options.url });
  // A connection that ends between two reads (a database restart) fails the next read
  // instead of ending the process with an unhandled 'error' event.
  client.on("error", (error) => logger.warn({ err: error }, "a records reader's database connection ended"));
  const connected = client.connect();
  return {
    rows: async ({ sql, params }) => {
      await connected;
      return (await client.query({ text: sql, values: params, rowMode: "array" })).rows as unknown[][];
    },
    close: async () => {
      await connected.catch(() => undefined);
      await client.end();
    },
  };
}

export function openRecordIndexStore(options: { url: string }): RecordIndexStore {
  return options.url.startsWith("file:") ? new SqliteIndexStore({ file: options.url.slice("file:".length) }) : new PostgresIndexStore({ url: options.url });
}
