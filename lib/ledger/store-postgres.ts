// The ledger store on PostgreSQL (pg): one transaction per batch with multi-row
// inserts from arrays (unnest), committed with PostgreSQL's default synchronous commit,
// so an acknowledged batch is on disk.
//
// A database restart ends every connection with 57P01 (admin_shutdown). pg reports a
// connection that dies while idle in the pool as an 'error' event on the pool, and one
// that dies while checked out as an 'error' event on the client; an 'error' event
// without a listener throws and ends the process. Both are caught here and logged: the
// pool drops the dead connection and the next query opens a new one, so the store works
// again as soon as the database does.
import pg from "pg";
import { logger } from "@/lib/logger";
import type { NodeId } from "@/lib/ledger/merkle";
import { nodeKey } from "@/lib/ledger/merkle";
import type { AppendBatch, CheckpointRow, KeyRow, LedgerStore, LogRow, NodeRow, RecordRow, VerificationRunRow } from "@/lib/ledger/store";

// Timestamps travel as ISO text; the columns are timestamp(3) holding UTC, as Prisma
// writes them. (Formatting in SQL rather than a global pg type parser, which would
// also change what Prisma's own pg adapter reads.)
const iso = (column: string) => `to_char("${column}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${column}"`;
const recordColumns = `"id","logId","seq","kind",${iso("at")},"envelope","leafHash","signature","keyId"`;
const checkpointColumns = `"id","logId","treeSize","rootHash",${iso("at")},"keyId","signature"`;
const keyColumns = `"keyId","publicKeySpki","logId",${iso("activatedAt")},${iso("retiredAt")}`;

export class PostgresLedgerStore implements LedgerStore {
  readonly provider = "postgresql" as const;
  private readonly pool: pg.Pool;

  constructor(options: { url: string }) {
    // A database that does not answer a connection attempt (host down, packets dropped)
    // fails the append within seconds instead of holding the calls that wait on it; keepAlive
    // finds connections whose peer vanished without closing them.
    this.pool = new pg.Pool({ connectionString: options.url, max: 4, connectionTimeoutMillis: 5000, keepAlive: true });
    this.pool.on("error", (error) => logger.warn({ err: error, code: (error as { code?: string }).code }, "a ledger database connection ended; the next query opens a new one"));
  }

  async ensureLog(log: LogRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO "AuditLog" ("id","writer","name","createdAt") VALUES ($1,$2,$3,now()) ON CONFLICT ("id") DO NOTHING`,
      [log.id, log.writer, log.name],
    );
  }

  async activateKey(key: KeyRow): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(`UPDATE "LogKey" SET "retiredAt" = $1 WHERE "logId" = $2 AND "retiredAt" IS NULL AND "keyId" <> $3`, [
        key.activatedAt,
        key.logId,
        key.keyId,
      ]);
      await client.query(
        `INSERT INTO "LogKey" ("keyId","publicKeySpki","logId","activatedAt","retiredAt") VALUES ($1,$2,$3,$4,NULL) ON CONFLICT ("keyId") DO NOTHING`,
        [key.keyId, key.publicKeySpki, key.logId, key.activatedAt],
      );
    });
  }

  async listLogs(): Promise<LogRow[]> {
    return (await this.pool.query(`SELECT "id","writer","name" FROM "AuditLog" ORDER BY "createdAt"`)).rows;
  }

  async listKeys(logId?: string): Promise<KeyRow[]> {
    const sql = `SELECT ${keyColumns} FROM "LogKey"`;
    const result = logId
      ? await this.pool.query(`${sql} WHERE "logId" = $1 ORDER BY "activatedAt"`, [logId])
      : await this.pool.query(`${sql} ORDER BY "activatedAt"`);
    return result.rows;
  }

  async logHead(logId: string): Promise<{ size: number; lastLeafHash: string | null }> {
    const { rows } = await this.pool.query(
      `SELECT "seq", "leafHash" FROM "AuditRecord" WHERE "logId" = $1 ORDER BY "seq" DESC LIMIT 1`,
      [logId],
    );
    const row = rows[0] as { seq: number; leafHash: string } | undefined;
    return row ? { size: row.seq + 1, lastLeafHash: row.leafHash } : { size: 0, lastLeafHash: null };
  }

  async appendBatch(batch: AppendBatch): Promise<void> {
    const r = batch.records;
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO "AuditRecord" ("id","logId","seq","kind","at","envelope","leafHash","signature","keyId")
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamp(3)[], $6::text[], $7::text[], $8::text[], $9::text[])`,
        [
          r.map((x) => x.id),
          r.map((x) => x.logId),
          r.map((x) => x.seq),
          r.map((x) => x.kind),
          r.map((x) => x.at),
          r.map((x) => x.envelope),
          r.map((x) => x.leafHash),
          r.map((x) => x.signature),
          r.map((x) => x.keyId),
        ],
      );
      if (batch.nodes.length > 0) {
        await client.query(
          `INSERT INTO "MerkleNode" ("logId","level","idx","hash") SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[])`,
          [batch.logId, batch.nodes.map((n) => n.level), batch.nodes.map((n) => n.index), batch.nodes.map((n) => n.hash)],
        );
      }
      if (batch.checkpoint) await this.insertCheckpoint(batch.checkpoint, client);
    });
  }

  async insertCheckpoint(row: CheckpointRow, client: pg.Pool | pg.PoolClient = this.pool): Promise<void> {
    await client.query(
      `INSERT INTO "Checkpoint" ("id","logId","treeSize","rootHash","at","keyId","signature") VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT ("logId","treeSize") DO NOTHING`,
      [row.id, row.logId, row.treeSize, row.rootHash, row.at, row.keyId, row.signature],
    );
  }

  async readNodes(logId: string, ids: NodeId[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    if (leaves.length > 0) {
      const { rows } = await this.pool.query(`SELECT "seq", "leafHash" FROM "AuditRecord" WHERE "logId" = $1 AND "seq" = ANY($2::int[])`, [
        logId,
        leaves,
      ]);
      for (const row of rows as { seq: number; leafHash: string }[]) found.set(nodeKey({ level: 0, index: row.seq }), row.leafHash);
    }
    if (inner.length > 0) {
      const { rows } = await this.pool.query(
        `SELECT n."level", n."idx", n."hash" FROM "MerkleNode" n JOIN unnest($2::int[], $3::int[]) AS w("level","idx")
         ON n."level" = w."level" AND n."idx" = w."idx" WHERE n."logId" = $1`,
        [logId, inner.map((id) => id.level), inner.map((id) => id.index)],
      );
      for (const row of rows as { level: number; idx: number; hash: string }[]) found.set(nodeKey({ level: row.level, index: row.idx }), row.hash);
    }
    return found;
  }

  async readRecords(options: { logId: string; fromSeq: number; limit: number }): Promise<RecordRow[]> {
    const { rows } = await this.pool.query(
      `SELECT ${recordColumns} FROM "AuditRecord" WHERE "logId" = $1 AND "seq" >= $2 ORDER BY "seq" LIMIT $3`,
      [options.logId, options.fromSeq, options.limit],
    );
    return rows;
  }

  async readRecordById(id: string): Promise<RecordRow | null> {
    const { rows } = await this.pool.query(`SELECT ${recordColumns} FROM "AuditRecord" WHERE "id" = $1`, [id]);
    return rows[0] ?? null;
  }

  async readNodeLevel(options: { logId: string; level: number; fromIndex: number; limit: number }): Promise<NodeRow[]> {
    const { rows } = await this.pool.query(
      `SELECT "level", "idx" AS "index", "hash" FROM "MerkleNode" WHERE "logId" = $1 AND "level" = $2 AND "idx" >= $3 ORDER BY "idx" LIMIT $4`,
      [options.logId, options.level, options.fromIndex, options.limit],
    );
    return rows;
  }

  async listCheckpoints(logId: string): Promise<CheckpointRow[]> {
    return (await this.pool.query(`SELECT ${checkpointColumns} FROM "Checkpoint" WHERE "logId" = $1 ORDER BY "treeSize"`, [logId])).rows;
  }

  async latestCheckpoint(logId: string): Promise<CheckpointRow | null> {
    const { rows } = await this.pool.query(
      `SELECT ${checkpointColumns} FROM "Checkpoint" WHERE "logId" = $1 ORDER BY "treeSize" DESC LIMIT 1`,
      [logId],
    );
    return rows[0] ?? null;
  }

  async insertVerificationRun(row: VerificationRunRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO "VerificationRun" ("id","logId","startedAt","finishedAt","ok","records","report","trigger") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [row.id, row.logId, row.startedAt, row.finishedAt, row.ok, row.records, row.report, row.trigger],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Runs `work` in one transaction. Resolves only once COMMIT was acknowledged; when the
   * connection breaks on the way (even during COMMIT, when the outcome is unknown) it
   * rejects, and the caller must not take the transaction for written or for not written:
   * LogWriter reads the log's head back before it writes again.
   */
  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    // The connection may end while checked out (the pool listens only to idle ones): the
    // query in flight rejects with the cause, and this keeps the 'error' event that
    // follows from ending the process.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      await work(client);
      await client.query("COMMIT");
    } catch (error) {
      if (!broken) await client.query("ROLLBACK").catch((rollbackError: Error) => (broken ??= rollbackError));
      throw error;
    } finally {
      client.removeListener("error", onError);
      // A broken connection leaves the pool for good; a healthy one goes back to it.
      client.release(broken);
    }
  }
}
