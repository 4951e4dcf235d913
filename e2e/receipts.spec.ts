// Receipts in the real browser, as an auditor uses them: a record's signature is checked
// in the browser at once, its proof as soon as a checkpoint covers it (the page updates
// by itself), the receipt downloads and the command line verifies it offline against
// the keys the records page offers, whose fingerprints match what the operator prints.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { e2eDataDir } from "../playwright.config";
import { storageStateFor } from "./support";

const checks = ["Record signature", "Leaf hash", "Inclusion proof", "Checkpoint signature"];

/** A command line on the server's host, against the e2e server's data folder (its SQLite database). */
function tsx(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CONDUIT_DATA_DIR: e2eDataDir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  const result = spawnSync(path.resolve("node_modules/.bin/tsx"), args, { env, encoding: "utf8" });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

async function firstCall(page: Page): Promise<string> {
  const { rows } = (await (await page.request.get("/api/records?kind=ai_call&plant=all")).json()) as { rows: { recordId: string }[] };
  expect(rows.length).toBeGreaterThan(0);
  return rows[0]!.recordId;
}

async function download(page: Page, link: ReturnType<Page["getByRole"]>, file: string): Promise<string> {
  const [downloaded] = await Promise.all([page.waitForEvent("download"), link.click()]);
  await downloaded.saveAs(file);
  return file;
}

test.describe("as auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR"), viewport: { width: 1440, height: 900 } });

  test("checks a record in the browser, downloads its receipt and verifies it offline against the keys the records page offers", async ({ page }, testInfo) => {
    const recordId = await firstCall(page);
    await page.goto(`/records/${recordId}`);
    const result = page.getByTestId("browser-verification-result");
    await expect(result).toContainText("Verified in your browser.");
    const verification = page.getByRole("region", { name: "Independent check" });
    for (const check of checks) await expect(verification.getByRole("listitem").filter({ hasText: check })).toContainText("Pass");
    await page.screenshot({ path: "test-results/screenshots/receipt-record-1440.png", fullPage: true });

    const receiptFile = await download(page, verification.getByRole("link", { name: "Download receipt" }), testInfo.outputPath("receipt.json"));
    const receipt = JSON.parse(fs.readFileSync(receiptFile, "utf8"));
    expect(receipt).toMatchObject({ format: "conduit-ledger-receipt/1", record: { id: recordId }, proof: { status: "included" } });

    // The records page: each log's latest checkpoint and its keys' fingerprints.
    await page.goto("/records?plant=all");
    const keysRegion = page.getByRole("region", { name: "Log keys and checkpoints" });
    await expect(keysRegion.getByText("Comparing a fingerprint out of band")).toBeVisible();
    const logBlock = keysRegion.getByTestId("log-keys").filter({ hasText: receipt.record.logId });
    const fingerprint = receipt.log.keys.find((k: { keyId: string }) => k.keyId === receipt.record.keyId).fingerprint as string;
    await expect(logBlock.getByTestId("key-fingerprint").filter({ hasText: fingerprint })).toBeVisible();
    await keysRegion.screenshot({ path: "test-results/screenshots/receipt-log-keys-1440.png" });
    const checkpointFile = await download(page, logBlock.getByRole("link", { name: `Download checkpoint of log ${receipt.record.logId}` }), testInfo.outputPath("checkpoint.json"));
    expect(JSON.parse(fs.readFileSync(checkpointFile, "utf8"))).toMatchObject({ kind: "checkpoint", log: receipt.record.logId, publicKey: expect.any(String) });
    const keysFile = await download(page, keysRegion.getByRole("link", { name: "Download keys file" }), testInfo.outputPath("keys.json"));

    // Out of band: what the operator prints on the server shows the same fingerprints.
    const printed = tsx("scripts/ledger.ts", "keys");
    expect(printed.code, printed.out).toBe(0);
    for (const shown of await keysRegion.getByTestId("key-fingerprint").allTextContents()) expect(printed.out).toContain(`fingerprint ${shown.trim()}`);

    const verified = tsx("scripts/receipt-verify.ts", receiptFile, "--trusted-keys", keysFile);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain(`receipt VERIFIED: record ${recordId} is unchanged, signed by key ${fingerprint},`);
    for (const check of checks) expect(verified.out).toContain(`PASS  ${check}:`);

    // One changed byte of the record is caught and named.
    fs.writeFileSync(receiptFile, JSON.stringify({ ...receipt, record: { ...receipt.record, envelope: receipt.record.envelope.replace('"v":1', '"v":2') } }));
    const tampered = tsx("scripts/receipt-verify.ts", receiptFile);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/receipt verification FAILED: Record fields, Record signature, Leaf hash, Inclusion proof/);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/records/${recordId}`);
    await expect(result).toContainText("Verified in your browser.");
    await page.screenshot({ path: "test-results/screenshots/receipt-record-390.png", fullPage: true });
    await verification.screenshot({ path: "test-results/screenshots/receipt-check-390.png" });
    await page.goto("/records?plant=all");
    await keysRegion.screenshot({ path: "test-results/screenshots/receipt-log-keys-390.png" });
  });

  test("before a checkpoint covers a record its signature is checked at once, and the proof follows without a reload", async ({ page }) => {
    const recordId = await firstCall(page);
    // The demo's records are covered long since; the receipt API answers "pending" for
    // its first rounds here, as it does for a record written a moment ago.
    let served = 0;
    await page.route(`**/api/ledger/records/${recordId}/receipt`, async (route) => {
      const response = await route.fetch();
      const receipt = await response.json();
      served += 1;
      if (served <= 2) receipt.proof = { status: "pending", reason: "No signed checkpoint covers this record yet." };
      await route.fulfill({ response, json: receipt });
    });
    await page.goto(`/records/${recordId}`);
    const result = page.getByTestId("browser-verification-result");
    await expect(result).toContainText("Signature checked in your browser.");
    const verification = page.getByRole("region", { name: "Independent check" });
    await expect(verification.getByRole("listitem").filter({ hasText: "Record signature" })).toContainText("Pass");
    await expect(verification.getByRole("listitem").filter({ hasText: "Inclusion proof" })).toContainText("Pending");
    await page.screenshot({ path: "test-results/screenshots/receipt-record-pending.png", fullPage: true });
    await expect(result).toContainText("Verified in your browser.", { timeout: 15_000 });
    for (const check of checks) await expect(verification.getByRole("listitem").filter({ hasText: check })).toContainText("Pass");
    // Covered now: the page stops asking.
    await page.waitForTimeout(3500);
    expect(served).toBe(3);
  });
});

test.describe("as operator", () => {
  test.use({ storageState: storageStateFor("OPERATOR") });

  test("gets 403 from the receipt and checkpoint downloads", async ({ request }) => {
    for (const url of ["/api/ledger/records/x/receipt", "/api/ledger/logs/x/checkpoint"]) {
      const res = await request.get(url);
      expect(res.status(), url).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
  });
});
