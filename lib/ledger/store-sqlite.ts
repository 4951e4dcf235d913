// The ledger store on SQLite (better-sqlite3): WAL journal with synchronous=FULL, so a
// committed batch survives a crash or power loss, and one transaction per batch, so a
// crash never leaves half a batch. Appends and checkpoints are written on a thread of
// their own (see sqlite-writer-thread.ts); everything else runs on the caller's thread.
import Database from "better-sqlite3";
import type { NodeId } from "@/lib/ledger/merkle";
import { nodeKey } from "@/lib/ledger/merkle";
import { SqliteWriterThread } from "@/lib/ledger/sqlite-writer-thread";
import type { AppendBatch, CheckpointRow, KeyRow, LedgerStore, LogRow, NodeRow, RecordRow, VerificationRunRow } from "@/lib/ledger/store";

export class SqliteLedgerStore implements LedgerStore {
  readonly provider = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly file: string;
  /** Started on the first write: a store opened only to read never starts a thread. */
  private writerThread: SqliteWriterThread | undefined;

  constructor(options: { file: string }) {
    this.file = options.file;
    this.db = new Database(options.file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("foreign_keys = ON");
    const db = this.db;
    this.statements = {
      head: db.prepare(`SELECT "seq", "leafHash" FROM "AuditRecord" WHERE "logId" = ? ORDER BY "seq" DESC LIMIT 1`),
      leaf: db.prepare(`SELECT "leafHash" FROM "AuditRecord" WHERE "logId" = ? AND "seq" = ?`),
      node: db.prepare(`SELECT "hash" FROM "MerkleNode" WHERE "logId" = ? AND "level" = ? AND "idx" = ?`),
      records: db.prepare(
        `SELECT "id","logId","seq","kind","at","envelope","leafHash","signature","keyId" FROM "AuditRecord"
         WHERE "logId" = ? AND "seq" >= ? ORDER BY "seq" LIMIT ?`,
      ),
      recordById: db.prepare(
        `SELECT "id","logId","seq","kind","at","envelope","leafHash","signature","keyId" FROM "AuditRecord" WHERE "id" = ?`,
      ),
      nodeLevel: db.prepare(
        `SELECT "level","idx" AS "index","hash" FROM "MerkleNode" WHERE "logId" = ? AND "level" = ? AND "idx" >= ? ORDER BY "idx" LIMIT ?`,
      ),
      checkpoints: db.prepare(
        `SELECT "id","logId","treeSize","rootHash","at","keyId","signature" FROM "Checkpoint" WHERE "logId" = ? ORDER BY "treeSize"`,
      ),
      latestCheckpoint: db.prepare(
        `SELECT "id","logId","treeSize","rootHash","at","keyId","signature" FROM "Checkpoint" WHERE "logId" = ? ORDER BY "treeSize" DESC LIMIT 1`,
      ),
    };
  }

  /** A writer's first call: it starts the writer thread, so the first record does not wait for it. */
  ensureLog(log: LogRow): Promise<void> {
    return this.writer.ensureLog(log);
  }

  async activateKey(key: KeyRow): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE "LogKey" SET "retiredAt" = ? WHERE "logId" = ? AND "retiredAt" IS NULL AND "keyId" <> ?`)
        .run(key.activatedAt, key.logId, key.keyId);
      this.db
        .prepare(
          `INSERT INTO "LogKey" ("keyId","publicKeySpki","logId","activatedAt","retiredAt") VALUES (?,?,?,?,NULL) ON CONFLICT("keyId") DO NOTHING`,
        )
        .run(key.keyId, key.publicKeySpki, key.logId, key.activatedAt);
    })();
  }

  async listLogs(): Promise<LogRow[]> {
    return this.db.prepare(`SELECT "id","writer","name" FROM "AuditLog" ORDER BY "createdAt"`).all() as LogRow[];
  }

  async listKeys(logId?: string): Promise<KeyRow[]> {
    const sql = `SELECT "keyId","publicKeySpki","logId","activatedAt","retiredAt" FROM "LogKey"`;
    const rows = logId
      ? this.db.prepare(`${sql} WHERE "logId" = ? ORDER BY "activatedAt"`).all(logId)
      : this.db.prepare(`${sql} ORDER BY "activatedAt"`).all();
    return rows as KeyRow[];
  }

  async logHead(logId: string): Promise<{ size: number; lastLeafHash: string | null }> {
    const row = this.statements.head.get(logId) as { seq: number; leafHash: string } | undefined;
    return row ? { size: row.seq + 1, lastLeafHash: row.leafHash } : { size: 0, lastLeafHash: null };
  }

  private get writer(): SqliteWriterThread {
    return (this.writerThread ??= new SqliteWriterThread({ file: this.file }));
  }

  appendBatch(batch: AppendBatch): Promise<void> {
    return this.writer.append(batch);
  }

  insertCheckpoint(row: CheckpointRow): Promise<void> {
    return this.writer.insertCheckpoint(row);
  }

  async readNodes(logId: string, ids: NodeId[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const id of ids) {
      const row = (id.level === 0 ? this.statements.leaf.get(logId, id.index) : this.statements.node.get(logId, id.level, id.index)) as
        | { leafHash?: string; hash?: string }
        | undefined;
      const hash = row?.leafHash ?? row?.hash;
      if (hash) found.set(nodeKey(id), hash);
    }
    return found;
  }

  async readRecords(options: { logId: string; fromSeq: number; limit: number }): Promise<RecordRow[]> {
    return this.statements.records.all(options.logId, options.fromSeq, options.limit) as RecordRow[];
  }

  async readRecordById(id: string): Promise<RecordRow | null> {
    return (this.statements.recordById.get(id) as RecordRow | undefined) ?? null;
  }

  async readNodeLevel(options: { logId: string; level: number; fromIndex: number; limit: number }): Promise<NodeRow[]> {
    return this.statements.nodeLevel.all(options.logId, options.level, options.fromIndex, options.limit) as NodeRow[];
  }

  async listCheckpoints(logId: string): Promise<CheckpointRow[]> {
    return this.statements.checkpoints.all(logId) as CheckpointRow[];
  }

  async latestCheckpoint(logId: string): Promise<CheckpointRow | null> {
    return (this.statements.latestCheckpoint.get(logId) as CheckpointRow | undefined) ?? null;
  }

  async insertVerificationRun(row: VerificationRunRow): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO "VerificationRun" ("id","logId","startedAt","finishedAt","ok","records","report","trigger")
         VALUES (@id,@logId,@startedAt,@finishedAt,@ok,@records,@report,@trigger)`,
      )
      .run({ ...row, ok: row.ok ? 1 : 0 });
  }

  async close(): Promise<void> {
    await this.writerThread?.close();
    this.db.close();
  }
}
