// npm run device-token as an OT engineer runs it when commissioning a device: the token
// is printed once on stdout, only its hash is stored, and the change is in the ledger
// under the named account, without the token.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { hashDeviceToken } from "@/lib/devices/credentials";
import { openLedgerStore } from "@/lib/ledger";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-device-token-cli-"));

function deviceTokenCli(...args: string[]) {
  const result = spawnSync(path.resolve("node_modules/.bin/tsx"), ["scripts/device-token.ts", ...args], {
    env: { ...process.env, DATABASE_URL: t.url, CONDUIT_DATA_DIR: dir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoPlantForTest({ database: t });
});
afterAll(async () => {
  await t?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The command line starts six times; tsx start-up is slow on a busy machine.
it("issues a token once, lists it, revokes it, and refuses an auditor", { timeout: 240_000 }, async () => {
  const issued = deviceTokenCli("issue", "aug-pdm-spindle", "--as", "compliance@nordwerk.example", "--label", "line 3 historian");
  expect(issued.code, issued.err).toBe(0);
  const token = issued.out.trim();
  expect(token).toMatch(/^cl_dev_[A-Za-z0-9_-]{43}$/);
  const credential = await t.db.deviceCredential.findFirstOrThrow({ where: { label: "line 3 historian" }, omit: { tokenHash: false } });
  expect(credential.tokenHash).toBe(hashDeviceToken(token));

  const listed = deviceTokenCli("list", "aug-pdm-spindle");
  expect(listed.out).toContain(`${credential.tokenPrefix}…  active`);
  expect(listed.out).not.toContain(token);

  expect(deviceTokenCli("revoke", credential.id, "--as", "compliance@nordwerk.example").code).toBe(0);
  expect((await t.db.deviceCredential.findUniqueOrThrow({ where: { id: credential.id } })).revokedAt).not.toBeNull();

  const refused = deviceTokenCli("issue", "aug-pdm-spindle", "--as", "auditor@nordwerk.example");
  expect(refused.code).toBe(2);
  expect(refused.err).toMatch(/AUDITOR/);
  expect(refused.err).not.toMatch(/\n\s+at /);

  const badLifetime = deviceTokenCli("issue", "aug-pdm-spindle", "--as", "compliance@nordwerk.example", "--expires-in-days", "0");
  expect(badLifetime.code).toBe(2);
  expect(badLifetime.err.trim()).toBe("device-token: --expires-in-days: The lifetime in days must be at least 1.");

  const store = openLedgerStore({ provider: t.provider, url: t.url });
  try {
    const logs = await store.listLogs();
    const cliLog = logs.find((l) => l.name === "device-token-cli")!;
    const records = await store.readRecords({ logId: cliLog.id, fromSeq: 0, limit: 10 });
    expect(records.map((r) => r.kind)).toEqual(["admin_change", "admin_change"]);
    expect(records.map((r) => r.envelope).join("\n")).not.toContain(token);
  } finally {
    await store.close();
  }
});
