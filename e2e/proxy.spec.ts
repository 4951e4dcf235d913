// The inspection proxy embedded in the web application (/api/proxy/...), with the
// providers' official SDKs as clients and a test upstream on loopback. The standalone
// mount runs the same core (proxy/proxy.db.test.ts covers it in depth); this checks that
// Next.js passes requests, streams and client aborts through unchanged.
import { randomBytes, randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import OpenAI from "openai";
import { e2eDataDir } from "../playwright.config";
import { loadProviderKeyCipher, providerKeyHint } from "../lib/secrets/provider-keys";
import { behaviourHeaders, replyText, startTestUpstream, type TestUpstream } from "../proxy/testing/upstream";
import { insertDeviceToken, storageStateFor } from "./support";

let upstream: TestUpstream;
const deviceToken = `cl_dev_${randomBytes(32).toString("base64url")}`;
const providerKey = `sk-e2e-${randomBytes(16).toString("hex")}`;
const chat = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "Summarise the spindle vibration trend of press P-101 for the last shift." }] };

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  upstream = await startTestUpstream();
  // Fixture data written straight into the server's database, as an OT engineer's
  // inventory change would arrive: the proxy picks it up at its next refresh.
  const db = new Database(path.join(e2eDataDir, "conduit-ledger.db"));
  const cipher = loadProviderKeyCipher({ providerKeyEncryptionKey: undefined, secretsDir: path.join(e2eDataDir, "secrets") });
  const now = new Date().toISOString().replace("Z", "+00:00");
  // Destinations of its own, so that the demo plant's Anthropic destination (whose supplier
  // assessment e2e/suppliers.spec.ts rates by its conduits) keeps the conduits it has.
  for (const [slug, name, provider] of [
    ["e2e-anthropic", "Anthropic Claude (e2e)", "ANTHROPIC"],
    ["gemini-eu", "Google Gemini (EU)", "GEMINI"],
  ] as const) {
    db.prepare(`INSERT INTO "AiDestination" ("id", "slug", "name", "provider", "baseUrl", "region", "zoneId", "createdAt", "updatedAt")
      SELECT ?, ?, ?, ?, '', 'EU', "zoneId", ?, ? FROM "AiDestination" WHERE slug = 'openai-eu'`).run(randomUUID(), slug, name, provider, now, now);
  }
  // Conduits the demo plant lacks: Augsburg L3 to Anthropic and to Gemini for predictive maintenance.
  for (const [slug, destination, model, endpoints] of [
    ["e2e-aug-l3-to-anthropic", "e2e-anthropic", "claude-*", ["messages"]],
    ["e2e-aug-l3-to-gemini", "gemini-eu", "gemini-*", ["generateContent", "streamGenerateContent"]],
  ] as const) {
    db.prepare(`INSERT INTO "Conduit" ("id", "slug", "name", "status", "validFrom", "allowedPurposes", "allowedModels", "allowedEndpoints", "maxDataClass", "overLimitAction", "failMode", "slTarget", "sourceZoneId", "destinationId", "createdAt", "updatedAt")
      SELECT ?, ?, ?, 'ACTIVE', c."validFrom", '["predictive-maintenance"]', ?, ?, 'CONFIDENTIAL', 'REDACT', 'CLOSED', 2, c."sourceZoneId", d."id", ?, ?
      FROM "Conduit" c, "AiDestination" d WHERE c.slug = 'aug-l3-to-openai-eu' AND d.slug = ?`).run(randomUUID(), slug, slug, JSON.stringify([model]), JSON.stringify(endpoints), now, now, destination);
  }
  for (const slug of ["openai-eu", "e2e-anthropic", "gemini-eu"]) {
    const { id, provider } = db.prepare(`SELECT id, provider FROM "AiDestination" WHERE slug = ?`).get(slug) as { id: string; provider: string };
    const baseUrl = provider === "OPENAI_COMPATIBLE" ? `${upstream.url}/v1` : upstream.url;
    db.prepare(`UPDATE "AiDestination" SET "baseUrl" = ?, "apiKeyCiphertext" = ?, "apiKeyHint" = ? WHERE id = ?`).run(baseUrl, cipher.encrypt({ destinationId: id, apiKey: providerKey }), providerKeyHint(providerKey), id);
  }
  insertDeviceToken({ db, device: "aug-pdm-spindle", token: deviceToken, label: "e2e" });
  db.close();
  await new Promise((resolve) => setTimeout(resolve, 1000));
});

test.afterAll(async () => {
  await upstream?.close();
});

test("the OpenAI SDK gets answers through the embedded proxy, plain and streamed", async ({ baseURL }) => {
  const client = new OpenAI({ apiKey: deviceToken, baseURL: `${baseURL}/api/proxy/openai-eu/v1`, maxRetries: 0 });
  const { data, response } = await client.chat.completions.create(chat).withResponse();
  expect(data.choices[0]!.message.content).toBe(replyText(3));
  expect(response.headers.get("x-conduit-record-id")).toMatch(/^[0-9a-f-]{36}$/);
  const received = upstream.requests.at(-1)!;
  expect(received.headers.get("authorization")).toBe(`Bearer ${providerKey}`);
  expect(received.bodyText).not.toContain(deviceToken);

  const stream = await client.chat.completions.create({ ...chat, stream: true }, { headers: { [behaviourHeaders.chunkCount]: "6", [behaviourHeaders.chunkIntervalMs]: "100" } });
  const arrivals: number[] = [];
  let text = "";
  for await (const chunk of stream) {
    arrivals.push(Date.now());
    text += chunk.choices[0]?.delta.content ?? "";
  }
  expect(text).toBe(replyText(6));
  expect(arrivals.length).toBeGreaterThanOrEqual(3);
  // Not buffered by the framework: the chunks arrive as the upstream paces them (500 ms
  // from first to last; a buffered stream arrives at once, within a few ms). A loaded
  // machine merges writes (72 ms seen at load average 20), so the bar is set well below.
  expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(50);
});

test("Anthropic and Gemini through the embedded proxy, and a refusal with its code", async ({ baseURL }) => {
  const anthropic = new Anthropic({ apiKey: deviceToken, baseURL: `${baseURL}/api/proxy/e2e-anthropic`, maxRetries: 0 });
  const message = await anthropic.messages.create({ model: "claude-sonnet-5-5", max_tokens: 50, messages: [{ role: "user", content: "Explain the bearing alarm." }] });
  expect(message.content[0]).toMatchObject({ type: "text", text: replyText(3) });
  const streamed = await anthropic.messages.stream({ model: "claude-sonnet-5-5", max_tokens: 50, messages: [{ role: "user", content: "Streamed, please." }] }).finalMessage();
  expect(streamed.content[0]).toMatchObject({ type: "text", text: replyText(3) });
  expect(upstream.requests.at(-1)!.headers.get("x-api-key")).toBe(providerKey);

  const gemini = new GoogleGenAI({ apiKey: deviceToken, httpOptions: { baseUrl: `${baseURL}/api/proxy/gemini-eu` } });
  expect((await gemini.models.generateContent({ model: "gemini-2.5-flash", contents: "Which sensor drifts?" })).text).toBe(replyText(3));
  let text = "";
  for await (const chunk of await gemini.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Stream it." })) text += chunk.text ?? "";
  expect(text).toBe(replyText(3));

  // The zone's conduit to this destination is for predictive maintenance only.
  const refused = await anthropic.messages.create({ model: "claude-sonnet-5-5", max_tokens: 50, messages: [{ role: "user", content: "Plan shift B." }] }, { headers: { "x-conduit-purpose": "production-scheduling" } }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
  expect(String((refused as Error).message)).toMatch(/purpose_not_allowed/);

  const stranger = new GoogleGenAI({ apiKey: "cl_dev_not-a-token", httpOptions: { baseUrl: `${baseURL}/api/proxy/gemini-eu` } });
  await expect(stranger.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" })).rejects.toThrow(/invalid_device_token/);
});

test("a client that aborts mid-stream cancels the upstream request", async ({ baseURL }) => {
  const abort = new AbortController();
  const response = await fetch(`${baseURL}/api/proxy/openai-eu/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${deviceToken}`, [behaviourHeaders.chunkCount]: "60", [behaviourHeaders.chunkIntervalMs]: "50" },
    body: JSON.stringify({ ...chat, stream: true }),
    signal: abort.signal,
  });
  const reader = response.body!.getReader();
  await reader.read();
  abort.abort();
  expect((await upstream.requests.at(-1)!.outcome).aborted).toBe(true);
});

/** Raw HTTP to the app: fetch and the SDKs normalise paths and always send whole bodies. */
function rawExchange(options: { baseURL: string; head: string; body?: string; trickle?: boolean }): Promise<string> {
  const url = new URL(options.baseURL);
  return new Promise((resolve, reject) => {
    let trickle: NodeJS.Timeout | undefined;
    const socket = net.connect(Number(url.port), url.hostname, () => {
      socket.write(`${options.head}\r\n\r\n${options.body ?? ""}`);
      // Only after the head: body bytes queued before it would make the request invalid.
      if (options.trickle) trickle = setInterval(() => socket.writable && socket.write("x".repeat(64)), 20);
    });
    let text = "";
    socket.on("data", (d) => (text += d)).on("error", reject);
    socket.on("close", () => {
      clearInterval(trickle);
      resolve(text);
    });
    setTimeout(() => socket.destroy(new Error(`no close within 10 s; received: ${text.slice(0, 200)}`)), 10_000);
  });
}

test("the app's server answers the proxy itself: a refused caller's body is not read on, and an unsafe path is refused", async ({ baseURL }) => {
  // 10 MB announced, trickled in: the answer comes before the body, and the connection
  // closes under a client still sending instead of reading the rest.
  const refused = await rawExchange({ baseURL: baseURL!, head: `POST /api/proxy/openai-eu/v1/chat/completions HTTP/1.1\r\nHost: app.local\r\nAuthorization: Bearer cl_dev_not-a-token\r\nContent-Type: application/json\r\nContent-Length: ${10 * 2 ** 20}`, trickle: true });
  expect(refused).toMatch(/^HTTP\/1\.1 401 /);
  expect(refused).toContain('"code":"invalid_device_token"');

  const before = upstream.requests.length;
  const body = JSON.stringify(chat);
  const unsafe = await rawExchange({ baseURL: baseURL!, head: `POST /api/proxy/openai-eu/v1/chat/%2e%2e/completions HTTP/1.1\r\nHost: app.local\r\nAuthorization: Bearer ${deviceToken}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close`, body });
  expect(unsafe).toMatch(/^HTTP\/1\.1 400 /);
  expect(unsafe).toContain('"code":"invalid_path"');
  expect(upstream.requests.length).toBe(before);
});

test("only the call reaches the provider through the embedded proxy", async ({ baseURL }) => {
  const client = new OpenAI({ apiKey: deviceToken, baseURL: `${baseURL}/api/proxy/openai-eu/v1`, maxRetries: 0, defaultHeaders: { "x-forwarded-authorization": `Bearer ${deviceToken}`, "x-amz-security-token": deviceToken }, defaultQuery: { "api-key": deviceToken } });
  await client.chat.completions.create(chat);
  const received = upstream.requests.at(-1)!;
  expect(received.search.toString()).toBe("");
  expect([...received.headers].filter(([, value]) => value.includes(deviceToken))).toEqual([]);
  expect(received.headers.get("authorization")).toBe(`Bearer ${providerKey}`);
});

test.describe("as an auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR") });

  test("the call's record is in the ledger and verifies in the browser", async ({ page, baseURL }) => {
    const client = new OpenAI({ apiKey: deviceToken, baseURL: `${baseURL}/api/proxy/openai-eu/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create(chat).withResponse();
    const recordId = response.headers.get("x-conduit-record-id")!;
    await page.goto(`/records/${recordId}`);
    await expect(page.getByRole("heading", { level: 1, name: "AI call" })).toBeVisible();
    await expect(page.getByText("aug-pdm-spindle").first()).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("browser-verification-result")).toContainText("Verified in your browser.", { timeout: 2000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.locator("body")).not.toContainText(providerKey);
    await expect(page.locator("body")).not.toContainText(deviceToken);
  });
});
