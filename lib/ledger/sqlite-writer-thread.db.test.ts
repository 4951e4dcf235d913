// The ledger's SQLite writer thread: a failed write is reported with SQLite's code and
// leaves the thread working; a thread that cannot open its database fails every write
// instead of leaving callers waiting.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteWriteError, SqliteWriterThread } from "@/lib/ledger/sqlite-writer-thread";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

const record = (seq: number) => ({
  id: `0193a0b2-7c1e-7000-8000-${String(seq).padStart(12, "0")}`,
  logId: "thread-test",
  seq,
  kind: "admin_change",
  at: "2026-11-26T10:00:00.000Z",
  envelope: "{}",
  leafHash: "a".repeat(64),
  signature: "sig",
  keyId: "k".repeat(64),
});

describe.skipIf(process.env.DATABASE_URL?.startsWith("postgres"))("SqliteWriterThread", () => {
  it("commits batches, reports a refused one with SQLite's code, and keeps working after it", async () => {
    const file = t.url.slice("file:".length);
    const writer = new SqliteWriterThread({ file });
    try {
      await writer.ensureLog({ id: "thread-test", name: "thread-test", writer: "test" });
      await writer.append({ logId: "thread-test", records: [record(0), record(1)], nodes: [{ level: 1, index: 0, hash: "b".repeat(64) }] });
      // The same sequence number again: the whole batch is refused, none of it written.
      const refused = await writer.append({ logId: "thread-test", records: [record(2), { ...record(1), id: "0193a0b2-7c1e-7000-8000-999999999999" }], nodes: [] }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SqliteWriteError);
      expect((refused as SqliteWriteError).code).toMatch(/^SQLITE_CONSTRAINT/);
      await writer.append({ logId: "thread-test", records: [record(2)], nodes: [] });
      const db = new Database(file, { readonly: true });
      expect(db.prepare(`SELECT "seq" FROM "AuditRecord" WHERE "logId" = 'thread-test' ORDER BY "seq"`).all()).toEqual([{ seq: 0 }, { seq: 1 }, { seq: 2 }]);
      db.close();
    } finally {
      await writer.close();
    }
  });

  it("fails every write, now and later, when it cannot open its database", async () => {
    const writer = new SqliteWriterThread({ file: "/nonexistent-directory/ledger.db" });
    await expect(writer.ensureLog({ id: "x", name: "x", writer: "x" })).rejects.toThrow();
    await expect(writer.append({ logId: "x", records: [record(0)], nodes: [] })).rejects.toThrow();
    await writer.close();
  });
});
