// Durability: a writer killed with SIGKILL in the middle of group commits loses no
// acknowledged record and leaves no half-written batch behind.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { verifyLedger } from "@/lib/ledger/verify";
import { adminChange } from "@/lib/testing/ledger-fixtures";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

describe("crash during appends", () => {
  it("keeps every acknowledged record and a verifiable log", async () => {
    const key = generateSigningKey();
    const pkcs8 = key.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    // One process (node --import tsx), so SIGKILL hits the writer itself, not a wrapper.
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("lib/testing/crash-writer.ts"), t.url, "app-crash", pkcs8], {
      env: { ...process.env, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const acknowledged: number[] = [];
    let buffer = "";
    await new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        acknowledged.push(...lines.map(Number));
        if (acknowledged.length >= 400 && child.exitCode === null) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("close", () => resolve());
    });
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("close", r));
    expect(child.signalCode).toBe("SIGKILL");

    const store = openLedgerStore({ provider: t.provider, url: t.url });
    try {
      const head = await store.logHead("app-crash");
      expect(head.size).toBeGreaterThanOrEqual(Math.max(...acknowledged) + 1);
      const report = await verifyLedger({ store });
      expect(report.logs[0]?.problems).toEqual([]);

      // The log resumes where the crash left it.
      const writer = await LogWriter.open({ store, key, log: { id: "app-crash", name: "app", writer: "app" }, checkpointEvery: 50, checkpointSeconds: 3600 });
      expect((await writer.append(adminChange(1))).seq).toBe(head.size);
      await writer.close();
      expect((await verifyLedger({ store })).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
