// Conduit operations in the browser, with the OpenAI SDK calling the embedded proxy:
// a compliance officer suspends a conduit and the next call is refused; widening a
// conduit waits for a second person; refused calls show up as one unauthorised flow,
// become a proposed conduit, and once another person approves it the flow is allowed.
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import OpenAI from "openai";
import { e2eDataDir } from "../playwright.config";
import { loadProviderKeyCipher, providerKeyHint } from "../lib/secrets/provider-keys";
import { replyText, startTestUpstream, type TestUpstream } from "../proxy/testing/upstream";
import { insertDeviceToken, storageStateFor, type Role } from "./support";

let upstream: TestUpstream;
const deviceToken = `cl_dev_${randomBytes(32).toString("base64url")}`;
const conduit = "e2e-ops-avr-l3-to-openai";
const chat = (model = "gpt-4.1-mini") => ({ model, messages: [{ role: "user" as const, content: "Draft the maintenance instruction for replacing the ladle shroud." }] });

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  upstream = await startTestUpstream();
  // Destinations, a conduit and a device of this spec's own (the Aveiro maintenance copilot, in a
  // zone no other spec calls from), so no other spec meets a suspended conduit or extra routes.
  const db = new Database(path.join(e2eDataDir, "conduit-ledger.db"));
  const cipher = loadProviderKeyCipher({ providerKeyEncryptionKey: undefined, secretsDir: path.join(e2eDataDir, "secrets") });
  const now = new Date().toISOString().replace("Z", "+00:00");
  for (const [slug, name] of [
    ["e2e-ops-openai", "OpenAI (operations e2e)"],
    ["e2e-ops-unlisted", "Unlisted AI service (e2e)"],
  ] as const) {
    const id = randomUUID();
    db.prepare(`INSERT INTO "AiDestination" ("id", "slug", "name", "provider", "baseUrl", "region", "zoneId", "apiKeyCiphertext", "apiKeyHint", "createdAt", "updatedAt")
      SELECT ?, ?, ?, 'OPENAI_COMPATIBLE', ?, 'EU', "zoneId", ?, ?, ?, ? FROM "AiDestination" WHERE slug = 'openai-eu'`).run(id, slug, name, `${upstream.url}/v1`, cipher.encrypt({ destinationId: id, apiKey: "sk-e2e-ops" }), providerKeyHint("sk-e2e-ops"), now, now);
  }
  db.prepare(`INSERT INTO "Conduit" ("id", "slug", "name", "status", "validFrom", "allowedPurposes", "allowedModels", "allowedEndpoints", "maxDataClass", "overLimitAction", "failMode", "slTarget", "sourceZoneId", "destinationId", "createdAt", "updatedAt")
    SELECT ?, ?, 'Aveiro maintenance copilot to OpenAI (e2e)', 'ACTIVE', c."validFrom", '["work-instructions"]', '["gpt-4.1-mini"]', '[]', 'CONFIDENTIAL', 'REDACT', 'CLOSED', 2, c."sourceZoneId", d."id", ?, ?
    FROM "Conduit" c, "AiDestination" d WHERE c.slug = 'avr-l3-to-azure-copilot' AND d.slug = 'e2e-ops-openai'`).run(randomUUID(), conduit, now, now);
  insertDeviceToken({ db, device: "avr-wi-copilot", token: deviceToken, label: "e2e ops" });
  db.close();
  // The proxy reads the inventory every 200 ms in the e2e server.
  await new Promise((resolve) => setTimeout(resolve, 1000));
});

test.afterAll(async () => {
  await upstream?.close();
});

const client = (baseURL: string | undefined, destination: string) => new OpenAI({ apiKey: deviceToken, baseURL: `${baseURL}/api/proxy/${destination}/v1`, maxRetries: 0 });
const refusalCode = (error: unknown) => ((error as { error?: { code?: string } }).error?.code ?? String(error));

async function pageAs(browser: Browser, role: Role): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateFor(role) });
  return context.newPage();
}

test("a compliance officer suspends a conduit and the next call is refused with conduit_suspended; resuming lets it through", async ({ browser, baseURL }) => {
  const openai = client(baseURL, "e2e-ops-openai");
  expect((await openai.chat.completions.create(chat())).choices[0]!.message.content).toBe(replyText(3));

  const page = await pageAs(browser, "COMPLIANCE_OFFICER");
  await page.goto(`/conduits/${conduit}`);
  await page.getByRole("button", { name: "Suspend" }).click();
  const dialog = page.getByRole("dialog", { name: `Suspend ${conduit}` });
  await dialog.getByRole("button", { name: "Suspend now" }).click();
  await expect(dialog.getByText("Say why, in a few words.")).toBeVisible();
  await dialog.getByLabel("Reason").fill("Historian host under investigation");
  await dialog.getByRole("button", { name: "Suspend now" }).click();
  await expect(page.getByText("Suspended: Historian host under investigation")).toBeVisible();

  const refused = await openai.chat.completions.create(chat()).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
  expect(refusalCode(refused)).toBe("conduit_suspended");

  await page.getByRole("button", { name: "Resume" }).click();
  await page.getByRole("dialog", { name: `Resume ${conduit}` }).getByLabel("Reason").fill("Host rebuilt and scanned");
  await page.getByRole("dialog", { name: `Resume ${conduit}` }).getByRole("button", { name: "Resume" }).click();
  await expect(page.getByText("Last resumed: Host rebuilt and scanned")).toBeVisible();
  expect((await openai.chat.completions.create(chat())).choices[0]!.message.content).toBe(replyText(3));
  await page.context().close();
});

test("widening a conduit waits for a second person; a renewal that ends before it starts is refused beside the field", async ({ browser, baseURL }) => {
  const officer = await pageAs(browser, "COMPLIANCE_OFFICER");
  await officer.goto(`/conduits/${conduit}`);
  await officer.getByRole("button", { name: "Renew" }).click();
  const renew = officer.getByRole("dialog", { name: `Renew ${conduit}` });
  await renew.getByLabel("Valid until (UTC)").fill("2020-01-01");
  await renew.getByLabel("Why").fill("Yearly renewal");
  await renew.getByRole("button", { name: "Renew" }).click();
  await expect(renew.getByLabel("Valid until (UTC)")).toHaveAttribute("aria-invalid", "true");
  await expect(renew.getByText("The validity must end after it starts.")).toBeVisible();
  await renew.getByRole("button", { name: "Cancel" }).click();

  await officer.getByRole("button", { name: "Edit limits" }).click();
  const edit = officer.getByRole("dialog", { name: `Edit the limits of ${conduit}` });
  await edit.getByLabel("Models").fill("gpt-4.1-mini, gpt-4.1");
  await edit.getByLabel("Why").fill("Larger model for the yearly wear report");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByText("This allows more (Models), so it waits for another person's approval.")).toBeVisible();
  await edit.getByRole("button", { name: "Close" }).click();
  await expect(officer.getByText("You proposed this; another person approves it.")).toBeVisible();
  const refused = await client(baseURL, "e2e-ops-openai").chat.completions.create(chat("gpt-4.1")).catch((e: unknown) => e);
  expect(refusalCode(refused)).toBe("model_not_allowed");

  const admin = await pageAs(browser, "ADMIN");
  await admin.goto(`/conduits/${conduit}`);
  await admin.getByRole("listitem", { name: `Change to ${conduit}` }).getByRole("button", { name: "Approve" }).click();
  await expect(admin.getByText(`Approved ${conduit}; in force within one inventory refresh.`)).toBeVisible();
  await expect(admin.getByText("gpt-4.1-mini, gpt-4.1")).toBeVisible();
  expect((await client(baseURL, "e2e-ops-openai").chat.completions.create(chat("gpt-4.1"))).choices[0]!.message.content).toBe(replyText(3));
  await officer.context().close();
  await admin.context().close();
});

test("refused calls show up as one unauthorised flow; a conduit proposed from it and approved lets the flow through", async ({ browser, baseURL }) => {
  const unlisted = client(baseURL, "e2e-ops-unlisted");
  for (let i = 0; i < 3; i++) {
    const refused = await unlisted.chat.completions.create(chat()).catch((e: unknown) => e);
    expect(refusalCode(refused)).toBe("conduit_not_authorized");
  }

  const officer = await pageAs(browser, "COMPLIANCE_OFFICER");
  await officer.goto("/conduits");
  const flows = officer.getByRole("region", { name: "Refused flows: declared versus observed" });
  const row = flows.getByRole("row").filter({ hasText: "Unlisted AI service (e2e)" });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("cell").nth(2)).toHaveText("3");
  await expect(row).toContainText("conduit_not_authorized");
  await row.getByRole("button", { name: "Propose conduit" }).click();
  const propose = officer.getByRole("dialog", { name: "Propose a conduit for this flow" });
  await expect(propose.getByLabel("Conduit id")).toHaveValue("avr-wi-copilot-to-e2e-ops-unlisted");
  await expect(propose.getByLabel("Models")).toHaveValue("gpt-4.1-mini");
  await expect(propose.getByLabel("Purposes")).toHaveValue("work-instructions");
  await propose.getByLabel("Why").fill("Maintenance copilot moves to the unlisted service");
  await propose.getByRole("button", { name: "Propose" }).click();
  await expect(propose.getByText("Proposed. The conduit comes into force when another person approves it.")).toBeVisible();
  await propose.getByRole("button", { name: "Close" }).click();
  await expect(row).toContainText("Conduit avr-wi-copilot-to-e2e-ops-unlisted proposed");
  expect(refusalCode(await unlisted.chat.completions.create(chat()).catch((e: unknown) => e))).toBe("conduit_not_authorized");

  const admin = await pageAs(browser, "ADMIN");
  await admin.goto("/conduits");
  await admin.getByRole("listitem", { name: "New conduit avr-wi-copilot-to-e2e-ops-unlisted" }).getByRole("button", { name: "Approve" }).click();
  await expect(admin.getByText("Approved avr-wi-copilot-to-e2e-ops-unlisted; in force within one inventory refresh.")).toBeVisible();
  await expect(admin.getByRole("region", { name: "Refused flows: declared versus observed" }).getByRole("row").filter({ hasText: "Unlisted AI service (e2e)" })).toContainText("Allowed by avr-wi-copilot-to-e2e-ops-unlisted");
  expect((await unlisted.chat.completions.create(chat())).choices[0]!.message.content).toBe(replyText(3));
  await officer.context().close();
  await admin.context().close();
});

test("the conduit and device traffic screens at 1440 and 390 px", async ({ browser }, testInfo) => {
  const page = await pageAs(browser, "COMPLIANCE_OFFICER");
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, url] of [
      ["conduits", "/conduits?range=30d"],
      ["conduit", "/conduits/aug-l2-to-azure-copilot?range=30d"],
      ["device", "/devices/aug-wi-copilot?range=7d"],
    ] as const) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${url} at ${width} px is wider than the screen`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: testInfo.outputPath(`${name}-${width}.png`), fullPage: true });
    }
  }
  await page.context().close();
});
