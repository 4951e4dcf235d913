// The audit ledger in the running product: an administrative change becomes a signed
// record; an auditor opens it and the browser verifies it against the published keys.
import { expect, test } from "@playwright/test";
import { storageStateFor } from "./support";

test.describe.configure({ mode: "serial" });

let createdUserId: string;

test.describe("as administrator", () => {
  test.use({ storageState: storageStateFor("ADMIN") });
  test("creating a user writes an admin-change record", async ({ request }) => {
    const created = await request.post("/api/users", { data: { email: "ledger-e2e@nordwerk.example", name: "Ledger Check", role: "CISO" } });
    expect(created.status()).toBe(201);
    const { user } = await created.json();
    const status = await (await request.get("/api/ledger/status")).json();
    expect(status.logs[0].records).toBeGreaterThan(0);
    const keys = await (await request.get("/.well-known/conduit-ledger/keys.json")).json();
    expect(keys.logs[0].keys[0].algorithm).toBe("Ed25519");
    expect(JSON.stringify(keys)).not.toMatch(/PRIVATE|pkcs8/i);
    createdUserId = user.id;
  });
});

test.describe("as auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR"), viewport: { width: 1440, height: 900 } });

  test("sees the record, checks it in the browser and runs a verification", async ({ page }) => {
    await page.goto("/records?kind=admin_change");
    // The list leads with the change's summary and names the entity by a short id.
    const link = page.getByRole("link", { name: new RegExp(`account created with role CISO · create User ${createdUserId.slice(0, 8)}…`) });
    await expect(link).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/auditor-records-ledger.png", fullPage: true });
    await link.click();
    await expect(page.getByRole("heading", { level: 1, name: "Admin change" })).toBeVisible();
    // A checkpoint covering the record is written within a second (LEDGER_CHECKPOINT_SECONDS=1).
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("browser-verification-result")).toContainText("Verified in your browser.", { timeout: 2000 });
    }).toPass({ timeout: 15_000 });
    for (const check of ["Record signature", "Leaf hash", "Inclusion proof", "Checkpoint signature"]) {
      await expect(page.getByRole("listitem").filter({ hasText: check })).toContainText("Pass");
    }
    await page.screenshot({ path: "test-results/screenshots/auditor-record-detail.png", fullPage: true });

    await page.goto("/records");
    await page.getByRole("button", { name: "Verify ledger now" }).click();
    await expect(page.getByRole("status").filter({ hasText: /Verified \d+ records: no problems/ })).toBeVisible();
  });

  test("a proof for a record that does not exist is a clear 404", async ({ request }) => {
    const res = await request.get("/api/ledger/records/no-such-record/proof");
    expect(res.status()).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });
});
