// The ledger's command line as an operator runs it: npm run ledger:verify and
// ledger:checkpoint, against a real database, with exit codes and readable reports.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { adminChange } from "@/lib/testing/ledger-fixtures";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
let older: TestDatabase;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-cli-"));
const checkpointFile = path.join(dir, "checkpoint.json");
const ids: string[] = [];

function ledgerCli(database: TestDatabase, ...args: string[]) {
  const result = spawnSync(path.resolve("node_modules/.bin/tsx"), ["scripts/ledger.ts", ...args], {
    env: { ...process.env, DATABASE_URL: database.url, CONDUIT_DATA_DIR: dir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  t = await createTestDatabase();
  const key = generateSigningKey();
  const log = { id: "app-cli", name: "app", writer: "app" };
  for (let round = 0; round < 2; round++) {
    const store = openLedgerStore({ provider: t.provider, url: t.url });
    const writer = await LogWriter.open({ store, key, log, checkpointEvery: 5, checkpointSeconds: 3600 });
    for (let i = 0; i < 5; i++) ids.push((await writer.append(adminChange(round * 5 + i))).id);
    await writer.close();
    await store.close();
    if (round === 0) older = await t.snapshot();
  }
}, 120_000);

afterAll(async () => {
  await older?.drop();
  await t?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Each test starts the command line a few times; tsx start-up is slow on a busy machine.
describe("npm run ledger:verify / ledger:checkpoint", { timeout: 240_000 }, () => {
  it("passes on an intact ledger and exports its latest checkpoint", () => {
    const verify = ledgerCli(t, "verify");
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/verification PASSED \(10 records/);
    expect(verify.out).toMatch(/log app-cli \(app\): 10 records \(root [0-9a-f]{16}…\), 2 checkpoints, latest at size 10: OK/);

    const exported = ledgerCli(t, "checkpoint", "--out", checkpointFile);
    expect(exported.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(checkpointFile, "utf8"))).toMatchObject({ kind: "checkpoint", log: "app-cli", size: 10 });
    expect(ledgerCli(t, "verify", "--checkpoint", checkpointFile).out).toMatch(/exported checkpoint \(log app-cli, size 10\): matches/);
  });

  it("detects an older copy of the database against a checkpoint exported later", () => {
    expect(ledgerCli(older, "verify").code).toBe(0);
    const result = ledgerCli(older, "verify", "--checkpoint", checkpointFile);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAILED/);
    expect(result.out).toContain("exported checkpoint covers 10 records but the database holds 5: it was rolled back or truncated");
  });

  it("exits non-zero naming the log, sequence number, record and what is wrong", async () => {
    const copy = await t.snapshot();
    try {
      const dropTriggers = copy.provider === "sqlite" ? `DROP TRIGGER "AuditRecord_no_update";` : `ALTER TABLE "AuditRecord" DISABLE TRIGGER USER;`;
      await copy.sql(`${dropTriggers} UPDATE "AuditRecord" SET "envelope" = replace("envelope", 'change 3', 'change 4') WHERE "seq" = 3;`);
      const result = ledgerCli(copy, "verify");
      expect(result.code).toBe(1);
      expect(result.out).toContain(`seq 3 (record ${ids[3]}): the signature does not verify: the record was forged or edited`);
      expect(result.out).toMatch(/log app-cli \(app\): 10 records.*problem/);
    } finally {
      await copy.drop();
    }
  });

  it("refuses a malformed checkpoint file and a missing option with a clear message", () => {
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ kind: "checkpoint", size: "ten" }));
    const result = ledgerCli(t, "verify", "--checkpoint", bad);
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/ledger: The checkpoint file is malformed: .*size/);
    const unknownLog = ledgerCli(t, "checkpoint", "--out", path.join(dir, "x.json"), "--log", "no-such-log");
    expect(unknownLog.code).toBe(2);
    expect(unknownLog.out).toContain('ledger: No log "no-such-log".');
    const missing = ledgerCli(t, "checkpoint");
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/usage: npm run ledger:checkpoint -- --out FILE/);
  });
});
