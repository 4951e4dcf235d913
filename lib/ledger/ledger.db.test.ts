// The ledger against a real database (SQLite, or PostgreSQL when DATABASE_URL says so):
// group commit, gap-free sequence, checkpoints, proofs, key rotation, append-only
// triggers and whole-ledger verification.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { openLedgerStore, openLog } from "@/lib/ledger";
import { generateSigningKey, publicKeyFromSpki, type SigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { verifyConsistency, verifyInclusion } from "@/lib/ledger/merkle";
import { exportCheckpoint, proveConsistency, proveInclusion, runVerification } from "@/lib/ledger/operations";
import { verifyCheckpointSignature, verifyRecordSignature } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { adminChange } from "@/lib/testing/ledger-fixtures";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

const log = { id: "app-test", name: "app", writer: "app" };
let t: TestDatabase;
let store: LedgerStore;
let key: SigningKey;

async function openWriter(options: { key?: SigningKey; store?: LedgerStore; checkpointEvery?: number } = {}) {
  return LogWriter.open({
    store: options.store ?? store,
    key: options.key ?? key,
    log,
    checkpointEvery: options.checkpointEvery ?? 10,
    checkpointSeconds: 3600,
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  store = openLedgerStore({ provider: t.provider, url: t.url });
  key = generateSigningKey();
});
afterAll(async () => {
  await store?.close();
  await t?.drop();
});

describe("log writer", () => {
  it("appends concurrent records with gap-free sequence numbers in one group commit", async () => {
    const writer = await openWriter();
    let commits = 0;
    const appendBatch = store.appendBatch.bind(store);
    store.appendBatch = (batch) => {
      commits++;
      return appendBatch(batch);
    };
    const appended = await Promise.all(Array.from({ length: 25 }, (_, i) => writer.append(adminChange(i))));
    store.appendBatch = appendBatch;
    expect(appended.map((a) => a.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(commits).toBe(1);
    // A checkpoint every 10 records: the batch of 25 crossed the threshold once.
    expect((await store.listCheckpoints(log.id)).map((c) => c.treeSize)).toEqual([25]);
    await writer.close();
  });

  it("commits a lone record at once and checkpoints on clean shutdown", async () => {
    const writer = await openWriter();
    const record = await writer.append(adminChange(100));
    expect(record.seq).toBe(25);
    expect((await store.logHead(log.id)).size).toBe(26);
    await writer.close();
    expect((await store.latestCheckpoint(log.id))?.treeSize).toBe(26);
  });

  it("refuses a malformed or unknown record with a clear error and writes nothing", async () => {
    const writer = await openWriter();
    const bad = { kind: "admin_change", body: { ...adminChange(1).body, summary: 42, prompt: "secret text" } };
    const error = await writer.append(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("validation_failed");
    expect((error as AppError).issues?.map((i) => i.path).sort()).toEqual(["", "summary"]);
    const unknown = await writer.append({ kind: "coffee_break", body: {} }).catch((e: unknown) => e);
    expect((unknown as AppError).code).toBe("validation_failed");
    expect((await store.logHead(log.id)).size).toBe(26);
    await writer.close();
  });

  it("rejects a whole batch when the store fails, and keeps the sequence gap-free", async () => {
    const writer = await openWriter();
    const appendBatch = store.appendBatch.bind(store);
    store.appendBatch = async () => {
      throw new Error("disk full");
    };
    const failed = await Promise.allSettled([writer.append(adminChange(1)), writer.append(adminChange(2))]);
    store.appendBatch = appendBatch;
    expect(failed.map((f) => f.status)).toEqual(["rejected", "rejected"]);
    expect(((failed[0] as PromiseRejectedResult).reason as AppError).code).toBe("unavailable");
    expect((await writer.append(adminChange(3))).seq).toBe(26);
    await writer.close();
    expect((await verifyLedger({ store })).ok).toBe(true);
  });

  it("re-seals the batch prepared on top of a failed one, so later records stay gap-free", async () => {
    const writer = await LogWriter.open({ store, key, log, checkpointEvery: 10, checkpointSeconds: 3600, maxBatch: 2 });
    const head = writer.size;
    const appendBatch = store.appendBatch.bind(store);
    let calls = 0;
    store.appendBatch = async (batch) => {
      if (calls++ === 0) throw new Error("disk full");
      return appendBatch(batch);
    };
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => writer.append(adminChange(300 + i))));
    store.appendBatch = appendBatch;
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    const seqs = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ seq: number }>).value.seq);
    expect(seqs).toEqual([head, head + 1, head + 2, head + 3]);
    await writer.close();
    expect((await verifyLedger({ store })).ok).toBe(true);
  });

  it("rotates keys: old records stay verifiable with the retired key", async () => {
    const newKey = generateSigningKey();
    const writer = await openWriter({ key: newKey });
    await writer.append(adminChange(200));
    await writer.close();
    const keys = await store.listKeys(log.id);
    expect(keys.map((k) => [k.keyId, k.retiredAt === null])).toEqual([
      [key.keyId, false],
      [newKey.keyId, true],
    ]);
    const report = await verifyLedger({ store });
    expect(report.ok).toBe(true);
    expect(report.logs[0]?.records).toBe(32);
    key = newKey;
  });

  it("the database refuses updates and deletes of records, nodes and checkpoints", async () => {
    for (const statement of [
      `UPDATE "AuditRecord" SET "kind" = 'ai_call' WHERE "seq" = 1`,
      `DELETE FROM "AuditRecord" WHERE "seq" = 1`,
      `DELETE FROM "Checkpoint"`,
      `UPDATE "MerkleNode" SET "hash" = 'x'`,
      `UPDATE "LogKey" SET "publicKeySpki" = 'x'`,
    ]) {
      await expect(t.sql(statement), statement).rejects.toThrow(/append-only|can only be retired/);
    }
    expect((await verifyLedger({ store })).ok).toBe(true);
  });
});

describe("proofs and verification", () => {
  it("proves a record's inclusion under a signed checkpoint, checkable without the database", async () => {
    const row = (await store.readRecords({ logId: log.id, fromSeq: 7, limit: 1 }))[0]!;
    const result = await proveInclusion({ store, recordId: row.id });
    const keys = await store.listKeys(log.id);
    const publicKeyOf = (keyId: string) => publicKeyFromSpki(keys.find((k) => k.keyId === keyId)!.publicKeySpki);
    expect(verifyRecordSignature({ text: result.record.envelope, signature: result.record.signature, publicKey: publicKeyOf(row.keyId) })).toBe(true);
    expect(verifyCheckpointSignature({ checkpoint: result.checkpoint, publicKey: publicKeyOf(result.checkpoint.key) })).toBe(true);
    const proof = result.proof.map((h) => Buffer.from(h, "hex"));
    const check = { leafHash: Buffer.from(row.leafHash, "hex"), index: 7, size: result.checkpoint.size, proof, root: Buffer.from(result.checkpoint.root, "hex") };
    expect(verifyInclusion(check)).toBe(true);
    expect(verifyInclusion({ ...check, index: 8 })).toBe(false);
  });

  it("proves consistency between two checkpoints, checkable without the database", async () => {
    const sizes = (await store.listCheckpoints(log.id)).map((c) => c.treeSize);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    const result = await proveConsistency({ store, logId: log.id, from: sizes[0]!, to: sizes.at(-1)! });
    const check = {
      oldSize: result.from.size,
      newSize: result.to.size,
      oldRoot: Buffer.from(result.from.root, "hex"),
      newRoot: Buffer.from(result.to.root, "hex"),
      proof: result.proof.map((h) => Buffer.from(h, "hex")),
    };
    expect(verifyConsistency(check)).toBe(true);
    expect(verifyConsistency({ ...check, oldRoot: Buffer.from(result.to.root, "hex") })).toBe(false);
    await expect(proveConsistency({ store, logId: log.id, from: 3, to: sizes[0]! })).rejects.toMatchObject({ code: "not_found" });
    await expect(proveConsistency({ store, logId: "no-such-log", from: 1, to: 2 })).rejects.toMatchObject({ code: "not_found" });
  });

  it("answers a proof request for an unknown record with not_found", async () => {
    await expect(proveInclusion({ store, recordId: "no-such-record" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("records each verification run with its result", async () => {
    const report = await runVerification({ store, trigger: "test" });
    expect(report.ok).toBe(true);
    const runs = await t.db.verificationRun.findMany();
    expect(runs.at(-1)).toMatchObject({ ok: true, records: 32, trigger: "test" });
  });

  it("keeps no private key material anywhere in the database", async () => {
    const secret = [key.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"), key.privateKey.export({ format: "jwk" }).d!];
    const dump = JSON.stringify([
      await t.db.auditRecord.findMany(),
      await t.db.logKey.findMany(),
      await t.db.checkpoint.findMany(),
      await t.db.auditLog.findMany(),
      await t.db.verificationRun.findMany(),
    ]);
    expect(dump.length).toBeGreaterThan(1000);
    for (const s of secret) expect(dump).not.toContain(s);
    expect(dump).not.toMatch(/PRIVATE KEY/);
  });

  it("exports a self-contained checkpoint that verifies against the database", async () => {
    const exported = await exportCheckpoint({ store });
    expect(exported).toMatchObject({ log: log.id, size: 32, key: key.keyId });
    const report = await verifyLedger({ store, anchor: exported });
    expect(report.ok).toBe(true);
    expect(report.anchor).toEqual({ logId: log.id, size: 32, ok: true });
  });
});

// Last, with a log of its own: the tests above count every record in the database.
describe("records that can wait", () => {
  it("lets a record that can wait join the next commit, or commits it after maxWaitMs", async () => {
    const writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "can-wait", name: "can-wait", writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600, maxWaitMs: 200 });
    const batches: number[] = [];
    const appendBatch = store.appendBatch.bind(store);
    store.appendBatch = (batch) => {
      batches.push(batch.records.length);
      return appendBatch(batch);
    };
    try {
      // Joins the commit of the record appended after it, in order.
      const waiting = writer.append({ ...adminChange(1), canWait: true });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(batches).toEqual([]);
      const urgent = await writer.append(adminChange(2));
      expect((await waiting).seq).toBe(urgent.seq - 1);
      expect(batches).toEqual([2]);
      // Alone, it is committed once maxWaitMs has passed, not before.
      const started = performance.now();
      const alone = await writer.append({ ...adminChange(3), canWait: true });
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(alone.seq).toBe(urgent.seq + 1);
      expect(batches).toEqual([2, 1]);
      expect(await store.readRecordById(alone.id)).not.toBeNull();
    } finally {
      store.appendBatch = appendBatch;
      await writer.close();
    }
  });
});

describe("one key per log", () => {
  it("refuses to open a log under a key that already signs another log", async () => {
    const error = await LogWriter.open({ store, key, log: { id: "edge-same-key", name: "edge", writer: "proxy:edge" }, checkpointEvery: 10, checkpointSeconds: 3600 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`already signs log ${log.id}`);
    expect(await store.listKeys("edge-same-key")).toEqual([]);
  });

  it("applies a configured key and log id only to the log they are given for", async () => {
    const appKey = generateSigningKey();
    const config = parseConfig({
      CONDUIT_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "conduit-keys-")),
      DATABASE_URL: t.url,
      LEDGER_SIGNING_KEY: appKey.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
      LEDGER_LOG_ID: "app-configured",
    });
    const app = await openLog({ config, store, logName: "app", writer: "app", configured: config.ledger });
    const edge = await openLog({ config, store, logName: "edge", writer: "proxy:edge" });
    expect(app.logId).toBe("app-configured");
    expect((await store.listKeys("app-configured")).map((k) => k.keyId)).toEqual([appKey.keyId]);
    expect(edge.logId).not.toBe("app-configured");
    const [edgeKey] = await store.listKeys(edge.logId);
    expect(edgeKey?.keyId).not.toBe(appKey.keyId);
    await app.close();
    await edge.close();
  });
});
