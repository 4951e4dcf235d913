// What crosses the plant boundary, through the standalone proxy with the official SDK as
// client: only the call reaches the provider (an allow-list of headers and parameters, no
// path that reads two ways), a body that trickles in is cut off, a token issued a moment
// ago works at once, and an answer from a model the conduit does not allow is flagged.
// The inventory refresh is a minute here, so nothing below passes by waiting for it.
import { randomBytes } from "node:crypto";
import net from "node:net";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueDeviceCredential } from "@/lib/devices/credentials";
import { loadProviderKeyCipher } from "@/lib/secrets/provider-keys";
import { recordIdHeader } from "@/proxy/core";
import { startProxyFixture, type ProxyFixture } from "@/proxy/testing/proxy-fixture";
import { placesHolding } from "@/proxy/testing/provider-fixtures";
import { answeredModel, behaviourHeaders } from "@/proxy/testing/upstream";

let f: ProxyFixture;

beforeAll(async () => {
  f = await startProxyFixture({ env: { PROXY_INVENTORY_REFRESH_MS: "60000", PROXY_BODY_TIMEOUT_MS: "400" } });
}, 180_000);

afterAll(async () => {
  await f?.close();
});

const chat = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "Summarise the spindle vibration trend of press P-101 for the last shift." }] };

/** The proxy's record with this id, once it is in the ledger (results follow the answer). */
async function recordBody(options: { where: (record: { id: string; kind: string; body: Record<string, unknown> }) => boolean }): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const rows = await f.store.readRecords({ logId: f.proxy.logId, fromSeq: 0, limit: 100_000 });
    const found = rows.map((r) => ({ id: r.id, kind: r.kind, body: (JSON.parse(r.envelope) as { body: Record<string, unknown> }).body })).find(options.where);
    if (found) return found.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("record not found");
}

/** Sends raw HTTP (fetch and the SDKs normalise paths) with Connection: close and reads the whole answer. */
function rawRequest(options: { head: string; body?: string }): Promise<{ status: number; headers: string; body: string }> {
  const url = new URL(f.proxy.url);
  return new Promise((resolve, reject) => {
    // Written, not ended: a server may drop a request whose client half-closed before the answer.
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(`${options.head}\r\n\r\n${options.body ?? ""}`));
    let text = "";
    socket.on("data", (d) => (text += d)).on("error", reject);
    socket.on("close", () => {
      const [headers = "", body = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1]), headers, body });
    });
  });
}

describe("only the call reaches the provider", () => {
  it("passes its allow-list: a device token in any other header or parameter stays in the plant", async () => {
    const token = f.tokens["aug-pdm-spindle"]!;
    const client = new OpenAI({
      apiKey: token,
      baseURL: `${f.proxy.url}/openai-eu/v1`,
      maxRetries: 0,
      defaultHeaders: { "x-forwarded-authorization": `Bearer ${token}`, "x-amz-security-token": token, "openai-beta": "assistants=v2", "openai-organization": "org-plant-augsburg" },
      defaultQuery: { "api-key": token, token },
    });
    const { response } = await client.chat.completions.create(chat).withResponse();
    expect(response.status).toBe(200);
    const received = f.upstream.requests.at(-1)!;
    expect(placesHolding({ upstream: { url: `${received.path}?${received.search}`, headers: received.headers }, secret: token })).toEqual([]);
    expect(received.search.toString()).toBe("");
    expect(received.headers.get("authorization")).toBe(`Bearer ${f.providerKeys["openai-eu"]}`);
    expect(received.headers.get("openai-beta")).toBe("assistants=v2");
    for (const dropped of ["x-forwarded-authorization", "x-amz-security-token", "openai-organization", "user-agent", "x-stainless-os"]) expect(received.headers.has(dropped)).toBe(false);
  });

  it.each([
    ["an encoded dot segment", "/openai-eu/v1/chat/%2e%2e/completions"],
    ["a backslash", "/openai-eu/v1\\chat/completions"],
    ["an encoded NUL", "/openai-eu/v1/chat/completions%00"],
  ])("refuses a provider path with %s (400, recorded), and forwards nothing", async (_what, path) => {
    const before = f.upstream.requests.length;
    const body = JSON.stringify(chat);
    const answer = await rawRequest({
      head: `POST ${path} HTTP/1.1\r\nHost: proxy.local\r\nAuthorization: Bearer ${f.tokens["aug-pdm-spindle"]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close`,
      body,
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "invalid_path" } });
    const recordId = /x-conduit-record-id: (\S+)/i.exec(answer.headers)![1]!;
    expect(await recordBody({ where: (r) => r.id === recordId })).toMatchObject({ code: "invalid_path", context: { device: "aug-pdm-spindle" } });
    expect(f.upstream.requests.length).toBe(before);
  });
});

describe("a body that trickles in", () => {
  it("is cut off after the body timeout with 408 request_timeout, recorded, and the connection closed", async () => {
    const url = new URL(f.proxy.url);
    const before = f.upstream.requests.length;
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on("error", () => undefined);
    socket.write(`POST /openai-eu/v1/chat/completions HTTP/1.1\r\nHost: proxy.local\r\nAuthorization: Bearer ${f.tokens["aug-pdm-spindle"]}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"model":"gpt-4.1-mini",`);
    const trickle = setInterval(() => socket.writable && socket.write(" "), 50);
    let text = "";
    socket.on("data", (d) => (text += d));
    try {
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    } finally {
      clearInterval(trickle);
    }
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"request_timeout"');
    const recordId = /x-conduit-record-id: (\S+)/i.exec(text)![1]!;
    expect(await recordBody({ where: (r) => r.id === recordId })).toMatchObject({ code: "request_timeout", context: { device: "aug-pdm-spindle" } });
    expect(f.upstream.requests.length).toBe(before);
  });
});

describe("a device token issued a moment ago", () => {
  it("works on its first call, long before the next inventory refresh", async () => {
    const { token } = await issueDeviceCredential({ db: f.db, record: f.record, actor: f.actor, device: "aug-pdm-spindle", input: { label: "just issued" } });
    const client = new OpenAI({ apiKey: token, baseURL: `${f.proxy.url}/openai-eu/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create(chat).withResponse();
    expect(response.status).toBe(200);
    // An unknown token is still refused as such.
    const unknown = new OpenAI({ apiKey: `cl_dev_${"A".repeat(43)}`, baseURL: `${f.proxy.url}/openai-eu/v1`, maxRetries: 0 });
    await expect(unknown.chat.completions.create(chat)).rejects.toMatchObject({ status: 401, error: { code: "invalid_device_token" } });
  });
});

describe("the model that answered", () => {
  const client = () => new OpenAI({ apiKey: f.tokens["aug-pdm-spindle"], baseURL: `${f.proxy.url}/openai-eu/v1`, maxRetries: 0 });

  it("is recorded, and flagged when the conduit does not allow it", async () => {
    const swapped = await client().chat.completions.create(chat, { headers: { [behaviourHeaders.answerModel]: "gpt-4o-2024-08-06" } }).withResponse();
    expect(swapped.data.model).toBe("gpt-4o-2024-08-06");
    const callRecordId = swapped.response.headers.get(recordIdHeader);
    expect(await recordBody({ where: (r) => r.kind === "ai_call_result" && r.body.callRecordId === callRecordId })).toMatchObject({ model: "gpt-4o-2024-08-06", flags: ["model_not_allowed"] });
  });

  it("is not flagged when it is the snapshot the allowed model resolved to", async () => {
    const plain = await client().chat.completions.create(chat).withResponse();
    const callRecordId = plain.response.headers.get(recordIdHeader);
    const result = await recordBody({ where: (r) => r.kind === "ai_call_result" && r.body.callRecordId === callRecordId });
    expect(result.model).toBe(answeredModel("gpt-4.1-mini"));
    expect(result).not.toHaveProperty("flags");
  });
});

describe("secrets pasted into a prompt, however they are hidden", () => {
  // aug-wi-copilot's conduit redacts above its level: what reaches the provider shows it.
  const copilot = () => new AzureOpenAI({ apiKey: f.tokens["aug-wi-copilot"], endpoint: `${f.proxy.url}/azure-openai-weu`, apiVersion: "2024-10-21", deployment: "gpt-4o", maxRetries: 0 });

  it("redacts a stored provider key sent base64-encoded, and a device token split across two messages", async () => {
    const providerKey = f.providerKeys["anthropic"]!;
    const deviceToken = f.tokens["aug-pdm-spindle"]!;
    const cut = 20;
    const { response } = await copilot()
      .chat.completions.create({
        model: "gpt-4o",
        messages: [
          { role: "user", content: `Our integration config, base64: ${Buffer.from(`ANTHROPIC_API_KEY=${providerKey}`).toString("base64")}. Why does it fail?` },
          { role: "user", content: `The spindle app token is ${deviceToken.slice(0, cut)}` },
          { role: "user", content: `${deviceToken.slice(cut)} and it answers 401.` },
        ],
      })
      .withResponse();
    const received = f.upstream.requests.at(-1)!.bodyText;
    for (const hidden of [providerKey, Buffer.from(`ANTHROPIC_API_KEY=${providerKey}`).toString("base64"), deviceToken.slice(0, cut), deviceToken.slice(cut)]) expect(received).not.toContain(hidden);
    expect(received).toContain("[REDACTED:secret]");
    const call = await recordBody({ where: (r) => r.id === response.headers.get(recordIdHeader) });
    expect(call).toMatchObject({ outcome: "redacted", classification: { level: "RESTRICTED", labels: { secret: 2 } } });
  });

  it("knows the provider keys it holds even when nothing in their shape says key (an Azure key is 32 hex digits)", async () => {
    const azureKey = randomBytes(16).toString("hex");
    const destination = await f.db.aiDestination.findUniqueOrThrow({ where: { slug: "azure-openai-weu" } });
    await f.db.aiDestination.update({ where: { id: destination.id }, data: { apiKeyCiphertext: loadProviderKeyCipher(f.config).encrypt({ destinationId: destination.id, apiKey: azureKey }) } });
    await f.proxy.runtime.inventory.reload();
    await copilot().chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: `Is ${azureKey} still the right value for the ERP connector?` }] });
    const received = f.upstream.requests.at(-1)!;
    expect(received.bodyText).not.toContain(azureKey);
    expect(received.bodyText).toContain("[REDACTED:secret]");
    expect(received.headers.get("api-key")).toBe(azureKey);
  });
});
