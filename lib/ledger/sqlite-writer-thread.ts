// The ledger's SQLite writes on a thread of their own. better-sqlite3 is synchronous: on
// the caller's thread a batch's inserts and its fsync'd commit (about a millisecond on
// this disk) would stop the event loop, and with it every proxied call in flight. The
// writer thread owns a second connection to the same WAL database; reads stay on the
// caller's connection and see a batch as soon as its commit has been acknowledged.
import { Worker } from "node:worker_threads";
import type { AppendBatch, CheckpointRow, LogRow } from "@/lib/ledger/store";

// Plain CommonJS evaluated in the worker, so it runs the same under tsx, vitest and Next.
// better-sqlite3 is resolved from the working directory, as the application's own is.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const path = require("node:path");
const Database = createRequire(path.join(process.cwd(), "noop.js"))("better-sqlite3");
const db = new Database(workerData.file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 5000");
db.pragma("foreign_keys = ON");
const insertRecord = db.prepare(
  'INSERT INTO "AuditRecord" ("id","logId","seq","kind","at","envelope","leafHash","signature","keyId") VALUES (?,?,?,?,?,?,?,?,?)',
);
const insertNode = db.prepare('INSERT INTO "MerkleNode" ("logId","level","idx","hash") VALUES (?,?,?,?)');
const insertCheckpoint = db.prepare(
  'INSERT INTO "Checkpoint" ("id","logId","treeSize","rootHash","at","keyId","signature") VALUES (@id,@logId,@treeSize,@rootHash,@at,@keyId,@signature) ON CONFLICT("logId","treeSize") DO NOTHING',
);
const ensureLog = db.prepare('INSERT INTO "AuditLog" ("id","writer","name","createdAt") VALUES (?,?,?,?) ON CONFLICT("id") DO NOTHING');
const append = db.transaction((batch) => {
  for (const r of batch.records) insertRecord.run(r.id, r.logId, r.seq, r.kind, r.at, r.envelope, r.leafHash, r.signature, r.keyId);
  for (const node of batch.nodes) insertNode.run(batch.logId, node.level, node.index, node.hash);
  if (batch.checkpoint) insertCheckpoint.run(batch.checkpoint);
});
parentPort.on("message", (message) => {
  try {
    if (message.op === "append") append(message.batch);
    else if (message.op === "checkpoint") insertCheckpoint.run(message.row);
    else if (message.op === "ensureLog") ensureLog.run(message.log.id, message.log.writer, message.log.name, new Date().toISOString());
    else if (message.op === "close") {
      db.close();
      parentPort.postMessage({ id: message.id });
      parentPort.close();
      return;
    }
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

type Settle = { resolve: () => void; reject: (error: Error) => void };

/** A failure the writer thread reported, with SQLite's error code (SQLITE_CONSTRAINT_..., SQLITE_BUSY). */
export class SqliteWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "SqliteWriteError";
  }
}

export class SqliteWriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Settle>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(options: { file: string }) {
    // A small young generation: the thread's garbage is each batch's message, and V8's
    // default would let it grow to tens of MB of resident memory for nothing.
    this.worker = new Worker(workerSource, { eval: true, workerData: { file: options.file }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.worker.on("message", ({ id, error }: { id: number; error?: { message: string; code?: string } }) => {
      const settle = this.pending.get(id);
      this.pending.delete(id);
      if (error) settle?.reject(new SqliteWriteError(error.message, error.code));
      else settle?.resolve();
    });
    // A thread that dies (the database cannot be opened, the module is missing) fails
    // every write in flight and every later one: no caller may wait forever.
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      this.worker.unref();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", () => fail(new Error("the ledger's SQLite writer thread has stopped")));
    // An idle writer must not keep the process alive; a write in flight does (see send).
    this.worker.unref();
  }

  /** Inserts the batch in one transaction; resolves once it is committed. */
  append(batch: AppendBatch): Promise<void> {
    return this.send({ op: "append", batch });
  }

  insertCheckpoint(row: CheckpointRow): Promise<void> {
    return this.send({ op: "checkpoint", row });
  }

  ensureLog(log: LogRow): Promise<void> {
    return this.send({ op: "ensureLog", log });
  }

  /** Finishes the writes in flight, closes the connection and ends the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    await this.send({ op: "close" }).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(message: object): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        if (this.pending.size === 0) this.worker.unref();
      };
      this.pending.set(id, {
        resolve: () => (done(), resolve()),
        reject: (error) => (done(), reject(error)),
      });
      this.worker.postMessage({ ...message, id });
    });
  }
}
