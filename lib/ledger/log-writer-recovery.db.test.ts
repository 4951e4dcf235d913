// The log writer when a commit fails with its outcome unknown, as when a database restart
// ends the connection after COMMIT was sent (57P01): an append resolves only if its record
// is in the store, and the writer never stays stuck on a head the store does not hold
// (which would fork the chain or fail every later batch on a taken sequence number).
// Against a real database (SQLite, or PostgreSQL when DATABASE_URL says so).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { AppendBatch, LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { adminChange } from "@/lib/testing/ledger-fixtures";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
let store: LedgerStore;

beforeAll(async () => {
  t = await createTestDatabase();
  store = openLedgerStore({ provider: t.provider, url: t.url });
});
afterAll(async () => {
  await store?.close();
  await t?.drop();
});

/** The real store, with the calls a test names replaced. */
function faulty(overrides: Partial<LedgerStore>): LedgerStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const override = (overrides as Record<string | symbol, unknown>)[property];
      if (override !== undefined) return override;
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const connectionEnded = () => Object.assign(new Error("Connection terminated unexpectedly"), { code: "57P01" });

async function openWriter(logId: string, on: LedgerStore = store) {
  return LogWriter.open({ store: on, key: generateSigningKey(), log: { id: logId, name: logId, writer: "test" }, checkpointEvery: 4, checkpointSeconds: 3600 });
}

async function expectIntact(logId: string, size: number) {
  const rows = await store.readRecords({ logId, fromSeq: 0, limit: 1000 });
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: size }, (_, i) => i));
  const report = await verifyLedger({ store, signatureChecks: "all" });
  expect(report.logs.flatMap((l) => l.problems)).toEqual([]);
  expect(report.ok).toBe(true);
}

describe("a commit whose outcome is unknown", () => {
  it("resolves the appends when the batch was written although the store reported a failure", async () => {
    let mode: "commit-then-fail" | "normal" = "normal";
    const writer = await openWriter("unknown-written", faulty({
      appendBatch: async (batch: AppendBatch) => {
        await store.appendBatch(batch);
        if (mode === "commit-then-fail") throw connectionEnded();
      },
    }));
    await writer.append(adminChange(0));
    mode = "commit-then-fail";
    const appended = await Promise.all([writer.append(adminChange(1)), writer.append(adminChange(2))]);
    mode = "normal";
    expect(appended.map((a) => a.seq)).toEqual([1, 2]);
    expect((await writer.append(adminChange(3))).seq).toBe(3);
    await writer.close();
    await expectIntact("unknown-written", 4);
  });

  it("rejects the appends when the store cannot say, then continues from the stored head", async () => {
    let failNext = false;
    let headFails = 0;
    const writer = await openWriter("unknown-unreadable", faulty({
      appendBatch: async (batch: AppendBatch) => {
        await store.appendBatch(batch);
        if (failNext) {
          failNext = false;
          headFails = 1; // the database goes away right after the commit
          throw connectionEnded();
        }
      },
      logHead: async (logId: string) => {
        if (headFails > 0) {
          headFails--;
          throw connectionEnded();
        }
        return store.logHead(logId);
      },
    }));
    await writer.append(adminChange(0));
    failNext = true;
    const failed = await Promise.allSettled([writer.append(adminChange(1)), writer.append(adminChange(2))]);
    expect(failed.map((f) => f.status)).toEqual(["rejected", "rejected"]);
    expect(((failed[0] as PromiseRejectedResult).reason as AppError).code).toBe("unavailable");
    // The two records are in the store all the same (a spool replay finds them by id and
    // skips them): the next record follows them, with no fork and no gap.
    expect((await writer.append(adminChange(3))).seq).toBe(3);
    expect((await writer.append(adminChange(4))).seq).toBe(4);
    await writer.close();
    await expectIntact("unknown-unreadable", 5);
  });

  it("recovers from a commit that became visible only after the writer looked (one batch is refused, none after)", async () => {
    let held: AppendBatch | undefined;
    let holdNext = false;
    const writer = await openWriter("late-commit", faulty({
      appendBatch: async (batch: AppendBatch) => {
        if (holdNext) {
          holdNext = false;
          held = batch;
          throw connectionEnded();
        }
        await store.appendBatch(batch);
      },
    }));
    await writer.append(adminChange(0));
    holdNext = true;
    await expect(writer.append(adminChange(1))).rejects.toMatchObject({ code: "unavailable" });
    // The transaction commits late (the old backend finished it after the writer checked).
    await store.appendBatch(held!);
    const next = await Promise.allSettled([writer.append(adminChange(2))]);
    expect(next[0]!.status).toBe("rejected");
    expect((await writer.append(adminChange(3))).seq).toBe(2);
    expect((await writer.append(adminChange(4))).seq).toBe(3);
    await writer.close();
    await expectIntact("late-commit", 4);
  });

  it("fails appends fast while the store is down, and writes again once it is back", async () => {
    let down = false;
    const unavailable = async () => {
      throw connectionEnded();
    };
    const guard =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        down ? unavailable() : call(...args);
    const writer = await openWriter("down-and-back", faulty({
      appendBatch: guard((batch: AppendBatch) => store.appendBatch(batch)),
      logHead: guard((logId: string) => store.logHead(logId)),
      readNodes: guard((logId, ids) => store.readNodes(logId, ids)),
      latestCheckpoint: guard((logId: string) => store.latestCheckpoint(logId)),
    }));
    await Promise.all([0, 1, 2].map((i) => writer.append(adminChange(i))));
    down = true;
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled([writer.append(adminChange(10 + round)), writer.append(adminChange(20 + round))]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    }
    down = false;
    const appended = await Promise.all([3, 4, 5].map((i) => writer.append(adminChange(i))));
    expect(appended.map((a) => a.seq)).toEqual([3, 4, 5]);
    await writer.close();
    await expectIntact("down-and-back", 6);
    expect((await store.listCheckpoints("down-and-back")).map((c) => c.treeSize)).toContain(6);
  });
});
