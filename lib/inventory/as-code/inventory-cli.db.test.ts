// npm run inventory as an operator runs it: against a real database, with exit codes,
// readable messages and the changes in the command line's own ledger log.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import { parseEnvelope } from "@/lib/ledger/record";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-inventory-cli-"));
const exportFile = path.join(dir, "inventory.yaml");

function inventoryCli(...args: string[]) {
  const result = spawnSync(path.resolve("node_modules/.bin/tsx"), ["scripts/inventory.ts", ...args], {
    env: { ...process.env, DATABASE_URL: t.url, CONDUIT_DATA_DIR: dir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoPlantForTest({ database: t, now: new Date("2026-11-26T10:00:00Z") });
});
afterAll(async () => {
  await t?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Each test starts the command line a few times; tsx start-up is slow on a busy machine.
describe("npm run inventory", { timeout: 240_000 }, () => {
  it("exports the inventory, and applying the export changes nothing", () => {
    const exported = inventoryCli("export", "--out", exportFile);
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(exportFile, "utf8")).toMatch(/^# Conduit Ledger inventory/);

    const applied = inventoryCli("apply", exportFile, "--as", "admin@nordwerk.example", "--prune");
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/^0 to create, 0 to update, 0 to delete, \d+ unchanged\nnothing to apply\n$/);
  });

  it("refuses --as naming an auditor, with a message and no stack trace", () => {
    const result = inventoryCli("apply", exportFile, "--as", "auditor@nordwerk.example");
    expect(result.code).toBe(1);
    expect(result.err).toBe("inventory: auditor@nordwerk.example has the role AUDITOR; only ADMIN and COMPLIANCE_OFFICER may change the inventory.\n");
  });

  it("names the file, line, column and path of every problem", () => {
    const bad = path.join(dir, "bad.yaml");
    fs.writeFileSync(bad, fs.readFileSync(exportFile, "utf8").replace("maxDataClass: CONFIDENTIAL", "maxDataClass: TOP_SECRET"));
    const line = fs.readFileSync(bad, "utf8").split("\n").findIndex((l) => l.includes("TOP_SECRET")) + 1;
    const result = inventoryCli("apply", bad, "--dry-run");
    expect(result.code).toBe(1);
    expect(result.err).toContain(`inventory: ${bad} is not a valid inventory file (1 problem):\n  ${bad}:${line}:19: conduits[`);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it("prints the plan on a dry run and writes nothing; applies it with --as into its own ledger log", async () => {
    const changed = path.join(dir, "changed.yaml");
    fs.writeFileSync(changed, fs.readFileSync(exportFile, "utf8").replace("city: Aveiro", "city: Ílhavo"));
    const dryRun = inventoryCli("apply", changed, "--dry-run");
    expect(dryRun.code).toBe(0);
    expect(dryRun.out).toMatch(/^~ update plant aveiro\n {4}city: "Aveiro" -> "Ílhavo"\n0 to create, 1 to update, 0 to delete, \d+ unchanged\ndry run: nothing was written\n$/);
    expect((await t.db.plant.findUniqueOrThrow({ where: { slug: "aveiro" } })).city).toBe("Aveiro");

    const missingAs = inventoryCli("apply", changed);
    expect(missingAs.code).toBe(1);
    expect(missingAs.err).toMatch(/^inventory: apply needs --as EMAIL: the user the changes are attributed to\nusage: /);

    const applied = inventoryCli("apply", changed, "--as", "compliance@nordwerk.example");
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/applied: 0 created, 1 updated, 0 deleted; 1 change\(s\) recorded in the audit ledger \(log inventory-cli-[0-9a-f]+\) as compliance@nordwerk.example\n$/);
    expect((await t.db.plant.findUniqueOrThrow({ where: { slug: "aveiro" } })).city).toBe("Ílhavo");

    const store = openLedgerStore({ provider: t.provider, url: t.url });
    try {
      const log = (await store.listLogs()).find((l) => l.name === "inventory-cli");
      expect(log).toMatchObject({ writer: "cli" });
      const [row] = await store.readRecords({ logId: log!.id, fromSeq: 0, limit: 10 });
      expect(parseEnvelope(row!.envelope)?.body).toMatchObject({
        actor: { email: "compliance@nordwerk.example", role: "COMPLIANCE_OFFICER" },
        entity: { type: "Plant" },
        action: "update",
        summary: "inventory file: update plant aveiro (city)",
      });
    } finally {
      await store.close();
    }
  });

  it("explains a wrong command line", () => {
    for (const args of [["apply"], ["export", "--format", "toml"]]) {
      const result = inventoryCli(...args);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^inventory: .*\nusage: npm run inventory -- apply FILE --as EMAIL/);
    }
    const missing = inventoryCli("apply", path.join(dir, "nope.yaml"), "--dry-run");
    expect(missing.err).toBe(`inventory: cannot read ${path.join(dir, "nope.yaml")}: ENOENT\n`);
  });
});
