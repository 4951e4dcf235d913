// Device tokens and provider keys in the running product: a token is shown once and
// only its prefix stays; read-only roles see no buttons and get 403; a provider key
// goes in and never comes back out, not in a page, an API response or the database file.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDb } from "@/lib/db";
import { loadProviderKeyCipher, providerKeyHint } from "@/lib/secrets/provider-keys";
import { replyText, startTestUpstream } from "@/proxy/testing/upstream";
import { e2eDataDir } from "../playwright.config";
import { storageStateFor, violations } from "./support";

const tokenPattern = /^cl_dev_[A-Za-z0-9_-]{43}$/;

/** What the proxy writes when it sees a token used, shared, or a flow without a conduit; straight into the test server's database. */
async function proxyObserved(options: { credentialId: string; deviceSlug: string; destinationSlug: string }) {
  const db = createDb(`file:${path.join(e2eDataDir, "conduit-ledger.db")}`);
  try {
    const now = new Date();
    const [device, destination] = await Promise.all([
      db.device.findUniqueOrThrow({ where: { slug: options.deviceSlug } }),
      db.aiDestination.findUniqueOrThrow({ where: { slug: options.destinationSlug } }),
    ]);
    await db.deviceCredential.update({ where: { id: options.credentialId }, data: { lastUsedAt: now, lastUsedFrom: "10.30.1.10" } });
    await db.anomaly.create({
      data: { kind: "shared_device_token", subject: options.credentialId, deviceId: device.id, detail: JSON.stringify({ addresses: ["10.30.1.10", "10.20.2.17"] }), count: 4, firstSeenAt: new Date(now.getTime() - 3_600_000), lastSeenAt: now },
    });
    await db.anomaly.create({
      data: { kind: "unauthorised_flow", subject: `${device.id} ${destination.id}`, deviceId: device.id, destinationId: destination.id, detail: JSON.stringify({ code: "no_conduit" }), count: 2, firstSeenAt: now, lastSeenAt: now },
    });
  } finally {
    await db.$disconnect();
  }
}

/**
 * An OpenAI-compatible destination of its own on a test upstream, with a conduit from the
 * copilot's zone rated INTERNAL that redacts; straight into the test server's database
 * ("e2e-" names, which e2e/pages.spec.ts leaves out of its counts).
 */
async function redactingCopilotConduit(options: { upstreamUrl: string }) {
  const db = createDb(`file:${path.join(e2eDataDir, "conduit-ledger.db")}`);
  try {
    const [device, zone] = await Promise.all([db.device.findUniqueOrThrow({ where: { slug: "aug-wi-copilot" } }), db.aiDestination.findUniqueOrThrow({ where: { slug: "openai-eu" } })]);
    const destination = await db.aiDestination.create({ data: { slug: "e2e-copilot-llm", name: "Copilot model (e2e)", provider: "OPENAI_COMPATIBLE", baseUrl: `${options.upstreamUrl}/v1`, zoneId: zone.zoneId } });
    const cipher = loadProviderKeyCipher({ providerKeyEncryptionKey: undefined, secretsDir: path.join(e2eDataDir, "secrets") });
    const apiKey = `sk-e2e-${randomBytes(16).toString("hex")}`;
    await db.aiDestination.update({ where: { id: destination.id }, data: { apiKeyCiphertext: cipher.encrypt({ destinationId: destination.id, apiKey }), apiKeyHint: providerKeyHint(apiKey) } });
    await db.conduit.create({
      data: {
        slug: "e2e-aug-l2-to-copilot-llm",
        name: "e2e-aug-l2-to-copilot-llm",
        validFrom: new Date(Date.now() - 86_400_000),
        allowedPurposes: JSON.stringify(["work-instructions"]),
        allowedModels: JSON.stringify(["gpt-4o"]),
        allowedEndpoints: JSON.stringify(["chat.completions"]),
        maxDataClass: "INTERNAL",
        overLimitAction: "REDACT",
        slTarget: 2,
        sourceZoneId: device.zoneId,
        destinationId: destination.id,
      },
    });
  } finally {
    await db.$disconnect();
  }
}

test.describe("compliance officer", () => {
  test.use({ storageState: storageStateFor("COMPLIANCE_OFFICER"), viewport: { width: 1440, height: 900 } });

  test("issues a token, sees it once with a copy button and SDK setup, then revokes it", async ({ page, context, baseURL }) => {
    test.slow(); // a whole journey through a production server on a shared 2-vCPU machine
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/devices");
    await page.getByRole("region", { name: "Augsburg Gearbox Plant" }).getByRole("link", { name: "Spindle wear forecaster" }).click();
    await page.waitForURL(/\/devices\/aug-pdm-spindle$/);
    await expect(page.getByRole("heading", { level: 1, name: "Spindle wear forecaster" })).toBeVisible();

    await page.getByLabel("Label", { exact: true }).fill("e2e historian node");
    await page.getByLabel("Expires after").selectOption("90");
    await page.getByRole("button", { name: "Issue token" }).click();
    const shown = page.getByTestId("new-token");
    await expect(shown).toHaveText(tokenPattern);
    const token = (await shown.textContent())!;
    const prefix = token.slice(0, 13);
    await expect(page.getByRole("region", { name: /New token for Spindle wear forecaster/ })).toContainText("Shown once.");
    await expect(page.getByTestId("sdk-environment")).toHaveText(`OPENAI_BASE_URL=${baseURL}/api/proxy/openai-eu/v1\nOPENAI_API_KEY=${token}`);
    await page.getByRole("button", { name: "Copy token" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Copied to the clipboard." })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    const row = page.getByTestId(`credential-${prefix}`);
    await expect(row).toContainText("Active");
    await expect(row).toContainText("e2e historian node");
    await page.screenshot({ path: "test-results/screenshots/compliance_officer-device-token-shown-once.png", fullPage: true });

    await page.reload();
    await expect(row).toContainText(`${prefix}…`);
    await expect(page.getByTestId("new-token")).toHaveCount(0);
    expect(await page.content()).not.toContain(token);
    const listed = await page.request.get("/api/devices/aug-pdm-spindle/credentials");
    expect(listed.status()).toBe(200);
    const listedText = await listed.text();
    expect(listedText).toContain(prefix);
    expect(listedText).not.toContain(token);
    expect(listedText).not.toContain("tokenHash");

    await row.getByRole("button", { name: "Revoke…" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this token?" });
    await expect(dialog).toContainText(`${prefix}…`);
    await page.screenshot({ path: "test-results/screenshots/compliance_officer-device-revoke-dialog.png" });
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Token ${prefix}… revoked.` })).toBeVisible();
    await expect(row).toContainText("Revoked");
    await expect(row.getByRole("button")).toHaveCount(0);

    const { id } = ((await listed.json()) as { id: string; tokenPrefix: string }[]).find((c) => c.tokenPrefix === prefix)!;
    const again = await page.request.post(`/api/device-credentials/${id}/revoke`, { headers: { "content-type": "application/json" } });
    expect(again.status()).toBe(409);
    expect((await again.json()).error.code).toBe("conflict");
  });

  // Apart from the journey above: axe takes seconds per scan on a shared machine.
  test("the one-time token panel and the confirmation dialog have no WCAG A/AA violations", async ({ page }) => {
    test.slow(); // two axe scans
    await page.goto("/devices/aug-wi-copilot");
    await page.getByLabel("Label", { exact: true }).fill("e2e accessibility");
    await page.getByRole("button", { name: "Issue token" }).click();
    await expect(page.getByTestId("new-token")).toHaveText(tokenPattern);
    expect(await violations(page), "device page with a new token").toEqual([]);
    const prefix = (await page.getByTestId("new-token").textContent())!.slice(0, 13);
    await page.getByTestId(`credential-${prefix}`).getByRole("button", { name: "Revoke…" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this token?" });
    await expect(dialog).toBeVisible();
    expect(await violations(page), "revoke dialog").toEqual([]);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId(`credential-${prefix}`)).toContainText("Active");
  });

  test("rotates a token: the replacement is shown once and the old one is revoked", async ({ page, request }) => {
    const issued = await request.post("/api/devices/aug-anomaly-telemetry/credentials", { data: { label: "e2e rotate me", expiresInDays: 30 } });
    expect(issued.status()).toBe(201);
    const { token: oldToken, credential } = (await issued.json()) as { token: string; credential: { tokenPrefix: string } };
    expect(oldToken).toMatch(tokenPattern);

    await page.goto("/devices/aug-anomaly-telemetry");
    await page.getByTestId(`credential-${credential.tokenPrefix}`).getByRole("button", { name: "Rotate…" }).click();
    await page.getByRole("dialog", { name: "Rotate this token?" }).getByRole("button", { name: "Rotate token" }).click();
    const shown = page.getByTestId("new-token");
    await expect(shown).toHaveText(tokenPattern);
    const newToken = (await shown.textContent())!;
    expect(newToken).not.toBe(oldToken);
    await expect(page.getByTestId(`credential-${credential.tokenPrefix}`)).toContainText("Revoked");
    const replacement = page.getByTestId(`credential-${newToken.slice(0, 13)}`);
    await expect(replacement).toContainText("Active");
    await expect(replacement).toContainText("e2e rotate me");
  });

  test("sees last use, a shared token and an unauthorised flow as the proxy recorded them", async ({ page, request }) => {
    const issued = await request.post("/api/devices/aug-mes-scheduler/credentials", { data: { label: "e2e MES", expiresInDays: null } });
    const { credential } = (await issued.json()) as { credential: { id: string; tokenPrefix: string } };
    await proxyObserved({ credentialId: credential.id, deviceSlug: "aug-mes-scheduler", destinationSlug: "vision-onprem" });

    await page.goto("/devices");
    const anomalies = page.getByRole("region", { name: "Anomalies" });
    const shared = anomalies.getByRole("row").filter({ hasText: "Shared token" }).filter({ hasText: credential.tokenPrefix });
    await expect(shared).toContainText("MES scheduling assistant");
    await expect(shared).toContainText("from 10.30.1.10, 10.20.2.17");
    await expect(shared.getByRole("cell", { name: "4", exact: true })).toBeVisible();
    const flow = anomalies.getByRole("row").filter({ hasText: "Unauthorised flow" }).filter({ hasText: "MES scheduling assistant" });
    await expect(flow).toContainText("OptiScan defect model (on-premises)");
    await expect(flow).toContainText("No conduit");
    await expect(page.getByRole("region", { name: "Augsburg Gearbox Plant" }).getByRole("row").filter({ hasText: "MES scheduling assistant" })).toContainText("1 active, shared");
    await page.screenshot({ path: "test-results/screenshots/compliance_officer-devices-anomalies.png", fullPage: true });

    await shared.getByRole("link", { name: "MES scheduling assistant" }).click();
    const row = page.getByTestId(`credential-${credential.tokenPrefix}`);
    await expect(row).toContainText("Shared");
    await expect(row).toContainText("seen from 10.30.1.10, 10.20.2.17");
    await expect(row).toContainText("from 10.30.1.10");
    await expect(row).toContainText("Never"); // no expiry
  });

  test("sends a test call as the casting camera: refused for want of a conduit, recorded, its token revoked", async ({ page, request }) => {
    test.slow(); // a call through the proxy, a record page and screenshots at two widths
    await page.goto("/devices/avr-qi-casting");
    const card = page.getByRole("region", { name: "Send a test call" });
    await expect(card.getByLabel("Prompt")).toHaveValue(/Line camera 3/); // a sample for the quality-inspection workload
    await card.getByLabel("Destination").selectOption("vision-onprem");
    await expect(card).toContainText("No conduit from Aveiro");
    await card.getByRole("button", { name: "Send test call" }).click();
    await expect(card.getByTestId("test-call-outcome")).toHaveText("Refused");
    await expect(card.getByRole("status")).toContainText("conduit_not_authorized");
    await expect(card.getByTestId("test-call-forwarded")).toContainText("Nothing");
    const link = card.getByTestId("test-call-record-link");
    await expect(link).toHaveAttribute("href", /^\/records\/[0-9a-f-]{36}$/);
    // The token the call used is listed, revoked.
    const tokens = page.getByRole("region", { name: "Tokens" });
    await expect(tokens.getByRole("row").filter({ hasText: "Test call by compliance@nordwerk.example" }).first()).toContainText("Revoked");
    await card.screenshot({ path: "test-results/screenshots/compliance_officer-device-test-call-refused.png" });
    await page.setViewportSize({ width: 390, height: 844 });
    await card.screenshot({ path: "test-results/screenshots/compliance_officer-device-test-call-refused-390.png" });
    await page.setViewportSize({ width: 1440, height: 900 });

    const recordId = (await link.getAttribute("href"))!.split("/").at(-1)!;
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/records/${recordId}$`));
    // The record is in the ledger: a checkpoint covers it within a second (LEDGER_CHECKPOINT_SECONDS=1).
    await expect.poll(async () => (await request.get(`/api/ledger/records/${recordId}/proof`)).status(), { timeout: 15_000 }).toBe(200);

    // Bad input is refused naming the field, before any token is issued.
    const bad = await request.post("/api/devices/avr-qi-casting/test-call", { data: { destination: "nowhere", model: "x", prompt: "hello" } });
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.issues).toEqual([{ path: "destination", message: 'No AI destination "nowhere".' }]);
    const empty = await request.post("/api/devices/avr-qi-casting/test-call", { data: { destination: "vision-onprem", prompt: "", stream: "yes" } });
    expect(empty.status()).toBe(422);
    expect(((await empty.json()).error.issues as { path: string }[]).map((i) => i.path)).toEqual(["prompt", "stream"]);
  });

  test("sends a test call from the spindle forecaster along its conduit and sees the outcome and the record", async ({ page }) => {
    test.slow();
    await page.goto("/devices/aug-pdm-spindle");
    const card = page.getByRole("region", { name: "Send a test call" });
    await expect(card.getByLabel("Destination")).toHaveValue("openai-eu");
    await expect(card.getByLabel("Model")).toHaveValue("gpt-4.1-mini");
    await card.getByLabel("Stream the answer").check();
    await card.getByRole("button", { name: "Send test call" }).click();
    // Allowed where the demo provider answers; refused (provider_key_missing) where the destination has no key.
    await expect(card.getByTestId("test-call-outcome")).toHaveText(/Allowed|Refused/);
    await expect(card.getByTestId("test-call-record-link")).toHaveAttribute("href", /^\/records\//);
    await expect(card.getByRole("region", { name: "Result" })).toContainText("aug-l3-to-openai-eu");
    await page.screenshot({ path: "test-results/screenshots/compliance_officer-device-test-call.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await card.screenshot({ path: "test-results/screenshots/compliance_officer-device-test-call-390.png" });
  });

  test("a test call on a redacting conduit shows the placeholder the provider received, and its answer", async ({ page }) => {
    test.slow();
    const upstream = await startTestUpstream();
    try {
      await redactingCopilotConduit({ upstreamUrl: upstream.url });
      await page.goto("/devices/aug-wi-copilot");
      const card = page.getByRole("region", { name: "Send a test call" });
      await card.getByLabel("Destination").selectOption("e2e-copilot-llm");
      await expect(card.getByLabel("Model")).toHaveValue("gpt-4o");
      await expect(card.getByLabel("Prompt")).toHaveValue(/Maria Santos/); // the copilot's sample names a person
      await card.getByRole("button", { name: "Send test call" }).click();
      await expect(card.getByTestId("test-call-outcome")).toHaveText("Redacted");
      const result = card.getByRole("region", { name: "Result" });
      await expect(result).toContainText("e2e-aug-l2-to-copilot-llm");
      await expect(result).toContainText("personal_data × 1");
      await expect(result).toContainText("21 in, 3 out");
      const forwarded = card.getByTestId("test-call-forwarded");
      await expect(forwarded).toContainText("[REDACTED:personal_data]");
      await expect(forwarded).not.toContainText("Maria Santos");
      await expect(card.getByTestId("test-call-answer")).toContainText(replyText(3));
      expect(upstream.requests.at(-1)!.bodyText).toContain("[REDACTED:personal_data]");
      await expect(card.getByTestId("test-call-record-link")).toHaveAttribute("href", /^\/records\/[0-9a-f-]{36}$/);
      await card.screenshot({ path: "test-results/screenshots/compliance_officer-device-test-call-redacted.png" });
      await page.setViewportSize({ width: 390, height: 844 });
      await card.screenshot({ path: "test-results/screenshots/compliance_officer-device-test-call-redacted-390.png" });
    } finally {
      await upstream.close();
    }
  });

  test("may not set provider keys", async ({ page, request }) => {
    const res = await request.put("/api/destinations/openai-eu/provider-key", { data: { apiKey: "sk-officer-12345678" } });
    expect(res.status()).toBe(403);
    await page.goto("/conduits");
    await expect(page.getByTestId("destination-openai-eu")).toBeVisible();
    await expect(page.getByRole("button", { name: /key/ })).toHaveCount(0);
  });
});

test.describe("auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR"), viewport: { width: 1440, height: 900 } });

  test("sees devices, tokens and destinations without buttons, and the routes refuse every change", async ({ page, request }) => {
    await page.goto("/devices");
    await expect(page.getByRole("heading", { level: 1, name: "Devices" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Aveiro Casting Plant" }).getByRole("row")).toHaveCount(4); // header + 3 devices
    await page.goto("/devices/aug-pdm-spindle");
    await expect(page.getByRole("region", { name: "Tokens" })).toBeVisible();
    await expect(page.getByRole("form", { name: "Issue a token" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Issue|Rotate|Revoke/ })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Send a test call" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "AI through the proxy" })).toContainText("/api/proxy/openai-eu/v1");
    await page.screenshot({ path: "test-results/screenshots/auditor-device-detail.png", fullPage: true });
    await page.goto("/conduits");
    await expect(page.getByRole("region", { name: "AI destinations" })).toContainText("Provider key");
    await expect(page.getByRole("button", { name: /key|Clear/ })).toHaveCount(0);

    expect((await request.get("/api/devices/aug-pdm-spindle/credentials")).status()).toBe(200);
    const json = { headers: { "content-type": "application/json" }, data: {} };
    const refused = [
      await request.post("/api/devices/aug-pdm-spindle/credentials", json),
      await request.post("/api/device-credentials/any/rotate", json),
      await request.post("/api/device-credentials/any/revoke", json),
      await request.post("/api/devices/aug-pdm-spindle/test-call", { data: { destination: "openai-eu", model: "gpt-4.1-mini", prompt: "Status of MC-07?" } }),
      await request.put("/api/destinations/openai-eu/provider-key", { data: { apiKey: "sk-auditor-12345678" } }),
      await request.delete("/api/destinations/openai-eu/provider-key"),
    ];
    for (const res of refused) {
      expect(res.status(), res.url()).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
  });
});

test.describe("administrator", () => {
  test.use({ storageState: storageStateFor("ADMIN"), viewport: { width: 1440, height: 900 } });

  // Destinations of their own: e2e/proxy.spec.ts keys openai-eu, anthropic and gemini-eu for its calls.
  test("sets and clears a provider key on the conduit page, seeing only its hint", async ({ page }) => {
    test.slow(); // an axe scan, screenshots and two reloads of the largest page
    const apiKey = `sk-e2e-${randomBytes(20).toString("hex")}Qz9k`;
    await page.goto("/conduits");
    const row = page.getByTestId("destination-vision-onprem");
    // The demo seed keyed every destination for the built-in demo provider.
    await expect(row).toContainText("Set (…");
    await row.getByRole("button", { name: "Replace key…" }).click();
    const dialog = page.getByRole("dialog", { name: "Provider key for OptiScan defect model (on-premises)" });
    await dialog.getByLabel("API key").fill(apiKey);
    expect(await violations(page), "provider key dialog").toEqual([]);
    await page.screenshot({ path: "test-results/screenshots/admin-provider-key-dialog.png" });
    await dialog.getByRole("button", { name: "Save key" }).click();
    await expect(row).toContainText("Set (…Qz9k)");
    await page.getByRole("region", { name: "AI destinations" }).screenshot({ path: "test-results/screenshots/admin-conduits-destinations.png" });
    expect(await page.content()).not.toContain(apiKey);
    await page.reload();
    expect(await page.content()).not.toContain(apiKey);

    await row.getByRole("button", { name: "Clear…" }).click();
    await page.getByRole("dialog", { name: "Clear the provider key of OptiScan defect model (on-premises)?" }).getByRole("button", { name: "Clear key" }).click();
    await expect(row).toContainText("Not set");
    // Keyed again, so the demo's camera calls keep reaching the demo provider (which takes any key).
    await row.getByRole("button", { name: "Set key…" }).click();
    await dialog.getByLabel("API key").fill(`demo-${randomBytes(8).toString("hex")}`);
    await dialog.getByRole("button", { name: "Save key" }).click();
    await expect(row).toContainText("Set (…");
  });

  test("a provider key never appears in an API response, a page, the ledger or the database file", async ({ request }) => {
    const first = `sk-e2e-${randomBytes(20).toString("hex")}Qz9k`;
    const second = `sk-e2e-${randomBytes(20).toString("hex")}Rr2m`;
    const url = "/api/destinations/azure-openai-weu/provider-key";
    const put = await request.put(url, { data: { apiKey: first } });
    expect(put.status()).toBe(200);
    const putText = await put.text();
    expect(JSON.parse(putText)).toMatchObject({ destination: { slug: "azure-openai-weu", providerKey: { set: true, hint: "…Qz9k" } } });
    expect(putText).not.toContain(first);
    const replaced = await request.put(url, { data: { apiKey: second } });
    expect(await replaced.text()).not.toContain(second);
    const invalid = await request.put(url, { data: { apiKey: `${second} trailing` } });
    expect(invalid.status()).toBe(422);
    expect(await invalid.text()).not.toContain(second);

    const records = await request.get("/records?kind=admin_change");
    const recordsHtml = await records.text();
    expect(recordsHtml).toContain("provider key of azure-openai-weu replaced (…Rr2m, was …Qz9k)");
    const recordId = /href="\/records\/([^"]+)"[^>]*>[^<]*provider key of azure-openai-weu replaced/.exec(recordsHtml)?.[1];
    // A proof exists once a checkpoint covers the record (LEDGER_CHECKPOINT_SECONDS=1).
    const proof = `/api/ledger/records/${recordId}/proof`;
    await expect.poll(async () => (await request.get(proof)).status(), { timeout: 15_000 }).toBe(200);
    const responses = await Promise.all([
      request.get("/conduits"),
      request.get("/devices"),
      request.get("/devices/aug-wi-copilot"),
      request.get("/settings"),
      request.get(`/records/${recordId}`),
      request.get(proof),
      request.get("/api/ledger/status"),
      request.get("/api/devices/aug-wi-copilot/credentials"),
    ]);
    for (const res of [records, ...responses]) {
      expect(res.status(), res.url()).toBe(200);
      const text = await res.text();
      expect(text, res.url()).not.toContain(first);
      expect(text, res.url()).not.toContain(second);
    }
    for (const file of fs.readdirSync(e2eDataDir).filter((f) => f.startsWith("conduit-ledger.db"))) {
      const bytes = fs.readFileSync(path.join(e2eDataDir, file));
      expect(bytes.includes(first), file).toBe(false);
      expect(bytes.includes(second), file).toBe(false);
    }
    expect((await request.delete(url)).status()).toBe(200);
    expect((await request.delete(url)).status()).toBe(409);
  });
});
