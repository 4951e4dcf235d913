// The standalone proxy end to end, with the providers' official SDKs as clients and a
// test upstream on loopback that speaks each provider's wire format. Every call must
// leave its records in the ledger; every refusal must name its reason.
import { generateKeyPairSync } from "node:crypto";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { SignJWT } from "jose";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueDeviceCredential, revokeDeviceCredential } from "@/lib/devices/credentials";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { verifyLedger } from "@/lib/ledger/verify";
import { loadProviderKeyCipher } from "@/lib/secrets/provider-keys";
import { AppError } from "@/lib/errors";
import { appIssuerSlug, issueOperatorAssertion } from "@/lib/operators/assertions";
import { recordIdHeader } from "@/proxy/core";
import { operatorAssertionAudience } from "@/proxy/operator";
import { createProxyRuntime } from "@/proxy/runtime";
import { unidentifiedRecordsPerMinute } from "@/proxy/unidentified-callers";
import { startProxyFixture, type ProxyFixture } from "@/proxy/testing/proxy-fixture";
import { answeredModel, behaviourHeaders, replyText, responseIds, upstreamPromptTokens } from "@/proxy/testing/upstream";

let f: ProxyFixture;

beforeAll(async () => {
  // The upstream timeout leaves room for the test upstream to build a 5 MB answer on a busy machine.
  f = await startProxyFixture({ env: { PROXY_UPSTREAM_TIMEOUT_MS: "4000", PROXY_MAX_BODY_BYTES: String(256 * 1024) } });
}, 180_000);

afterAll(async () => {
  await f?.close();
});

interface StoredRecord {
  id: string;
  kind: string;
  body: Record<string, unknown>;
}

/** The proxy's records, newest last, read from the database as an auditor would. */
async function proxyRecords(): Promise<StoredRecord[]> {
  const rows = await f.store.readRecords({ logId: f.proxy.logId, fromSeq: 0, limit: 100_000 });
  return rows.map((r) => ({ id: r.id, kind: r.kind, body: (JSON.parse(r.envelope) as { body: Record<string, unknown> }).body }));
}

/** The call record and, once written (it follows the response), its result. */
async function recordsOfCall(callRecordId: string): Promise<{ call: StoredRecord; result: StoredRecord }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const records = await proxyRecords();
    const call = records.find((r) => r.id === callRecordId);
    const result = records.find((r) => r.kind === "ai_call_result" && r.body.callRecordId === callRecordId);
    if (call && result) return { call, result };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no call and result records for ${callRecordId}`);
}

async function deniedRecord(recordId: string): Promise<StoredRecord> {
  const record = (await proxyRecords()).find((r) => r.id === recordId);
  if (!record) throw new Error(`no record ${recordId}`);
  expect(record.kind).toBe("ai_call_denied");
  return record;
}

const openai = (device: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ apiKey: f.tokens[device], baseURL: `${f.proxy.url}/openai-eu/v1`, maxRetries: 0, ...extra });

const chat = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "Summarise the spindle vibration trend of press P-101 for the last shift." }] };

/** A JSON POST to the standalone proxy; the body defaults to `chat`. */
const post = (options: { path: string; token?: string; body?: unknown; headers?: Record<string, string> }) =>
  fetch(`${f.proxy.url}${options.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    body: typeof options.body === "string" ? options.body : JSON.stringify(options.body ?? chat),
  });

describe("OpenAI-compatible, through the standalone proxy", () => {
  it("forwards a chat completion with the provider key and records call and result", async () => {
    const { data, response } = await openai("aug-pdm-spindle").chat.completions.create(chat).withResponse();
    expect(data.choices[0]!.message.content).toBe(replyText(3));
    const callRecordId = response.headers.get(recordIdHeader)!;
    const received = f.upstream.requests.at(-1)!;
    expect(received.headers.get("authorization")).toBe(`Bearer ${f.providerKeys["openai-eu"]}`);
    expect(received.bodyText).not.toContain(f.tokens["aug-pdm-spindle"]);

    const { call, result } = await recordsOfCall(callRecordId);
    expect(call.body).toMatchObject({
      outcome: "allowed",
      conduit: "aug-l3-to-openai-eu",
      destination: "openai-eu",
      endpoint: "chat.completions",
      model: "gpt-4.1-mini",
      stream: false,
      context: { plant: "augsburg", zone: "augsburg-l3-operations", device: "aug-pdm-spindle", purpose: "predictive-maintenance", operator: { id: null, assurance: "none" } },
    });
    expect(result.body).toMatchObject({
      outcome: "completed",
      response: { status: 200 },
      model: answeredModel("gpt-4.1-mini"),
      usage: { inputTokens: upstreamPromptTokens, outputTokens: 3 },
      finishReason: "stop",
      responseId: responseIds.chat(received.index),
    });
  });

  it("streams chunk by chunk and meters the stream", async () => {
    const { data: stream, response } = await openai("aug-pdm-spindle")
      .chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } }, { headers: { [behaviourHeaders.chunkCount]: "5", [behaviourHeaders.chunkIntervalMs]: "80" } })
      .withResponse();
    const arrivals: number[] = [];
    let text = "";
    for await (const chunk of stream) {
      arrivals.push(performance.now());
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(replyText(5));
    // Passed through as the upstream wrote it, not buffered: the chunks arrive spread over
    // the 320 ms the upstream took (half of it allows for a busy machine merging writes).
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(160);
    const { call, result } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(call.body).toMatchObject({ stream: true, outcome: "allowed" });
    expect(result.body).toMatchObject({ outcome: "completed", usage: { inputTokens: upstreamPromptTokens, outputTokens: 5 }, finishReason: "stop" });
  });

  it("forwards embeddings", async () => {
    const { data, response } = await openai("aug-pdm-spindle").embeddings.create({ model: "text-embedding-3-small", input: ["bearing temperature drift"] }).withResponse();
    expect(data.data[0]!.embedding.length).toBeGreaterThan(0);
    const { call } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(call.body).toMatchObject({ endpoint: "embeddings", model: "text-embedding-3-small" });
  });
});

describe("Anthropic, Gemini and Azure OpenAI through the standalone proxy", () => {
  it("Anthropic messages, plain and streamed", async () => {
    const client = new Anthropic({ apiKey: f.tokens["aug-pdm-spindle"], baseURL: `${f.proxy.url}/anthropic`, maxRetries: 0 });
    const { data, response } = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 200, messages: [{ role: "user", content: "Explain the bearing alarm." }] }).withResponse();
    expect(data.content[0]).toMatchObject({ type: "text", text: replyText(3) });
    expect(f.upstream.requests.at(-1)!.headers.get("x-api-key")).toBe(f.providerKeys.anthropic);
    const plain = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(plain.result.body).toMatchObject({ outcome: "completed", responseId: responseIds.messages(f.upstream.requests.at(-1)!.index), finishReason: "end_turn" });

    const stream = client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 200, messages: [{ role: "user", content: "And now streamed." }] });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: replyText(3) });
    const streamed = await recordsOfCall((await stream.withResponse()).response.headers.get(recordIdHeader)!);
    expect(streamed.call.body).toMatchObject({ stream: true, endpoint: "messages" });
    expect(streamed.result.body).toMatchObject({ outcome: "completed", usage: { outputTokens: 3 } });
  });

  it("Gemini generateContent and streamGenerateContent", async () => {
    const client = new GoogleGenAI({ apiKey: f.tokens["aug-pdm-spindle"], httpOptions: { baseUrl: `${f.proxy.url}/gemini-eu` } });
    const reply = await client.models.generateContent({ model: "gemini-2.5-flash", contents: "Which sensor drifts?" });
    expect(reply.text).toBe(replyText(3));
    const received = f.upstream.requests.at(-1)!;
    expect(received.headers.get("x-goog-api-key")).toBe(f.providerKeys["gemini-eu"]);
    let streamed = "";
    for await (const chunk of await client.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Stream it." })) streamed += chunk.text ?? "";
    expect(streamed).toBe(replyText(3));
    const records = await proxyRecords();
    const calls = records.filter((r) => r.kind === "ai_call" && r.body.destination === "gemini-eu");
    expect(calls.map((c) => c.body.endpoint)).toEqual(["generateContent", "streamGenerateContent"]);
  });

  it("Azure OpenAI deployments with the api-key header", async () => {
    const client = new AzureOpenAI({ apiKey: f.tokens["aug-wi-copilot"], endpoint: `${f.proxy.url}/azure-openai-weu`, apiVersion: "2024-10-21", deployment: "gpt-4o", maxRetries: 0 });
    const reply = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Draft the changeover checklist for line 2." }] });
    expect(reply.choices[0]!.message.content).toBe(replyText(3));
    const received = f.upstream.requests.at(-1)!;
    expect(received.path).toBe("/openai/deployments/gpt-4o/chat/completions");
    expect(received.headers.get("api-key")).toBe(f.providerKeys["azure-openai-weu"]);
  });
});

describe("refusals", () => {
  const refusal = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    return deniedRecord(response.headers.get(recordIdHeader)!);
  };
  it("without a token, with an unknown one, and to an unknown destination", async () => {
    const missing = await refusal(await post({ path: "/openai-eu/v1/chat/completions" }), 401, "device_token_missing");
    expect(missing.body).toMatchObject({ destination: "openai-eu", context: { device: null } });
    await refusal(await post({ path: "/openai-eu/v1/chat/completions", token: "cl_dev_not-a-real-token" }), 401, "invalid_device_token");
    const unknown = await refusal(await post({ path: "/nowhere/v1/chat/completions", token: f.tokens["aug-pdm-spindle"] }), 404, "unknown_destination");
    expect(unknown.body).toMatchObject({ destination: null, context: { device: "aug-pdm-spindle" } });
  });

  it("each conduit rule names what failed", async () => {
    const token = f.tokens["aug-pdm-spindle"];
    const noConduit = await refusal(await post({ path: "/azure-openai-weu/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21", token }), 403, "conduit_not_authorized");
    expect(noConduit.body).toMatchObject({ conduit: null, destination: "azure-openai-weu" });
    await refusal(await post({ path: "/openai-eu/v1/chat/completions", token, body: { ...chat, model: "gpt-4o" } }), 403, "model_not_allowed");
    await refusal(await post({ path: "/openai-eu/v1/responses", token, body: { model: "gpt-4.1-mini", input: "hello" } }), 403, "endpoint_not_allowed");
    await refusal(await post({ path: "/openai-eu/v1/chat/completions", token, headers: { "x-conduit-purpose": "marketing" } }), 403, "purpose_not_allowed");
    const expired = await refusal(
      await post({ path: "/anthropic/v1/messages", token: f.tokens["aug-mes-scheduler"], body: { model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "Plan shift B." }] } }),
      403,
      "conduit_expired",
    );
    expect(expired.body.conduit).toBe("aug-l3-to-anthropic-scheduling");
  });

  it("blocks a request above a BLOCK conduit's level and records its labels", async () => {
    const denied = await refusal(
      await post({
        path: "/openai-eu/v1/chat/completions",
        token: f.tokens["avr-pdm-furnace"],
        body: { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Log in to the furnace historian with password=Refrakt0r!2026 and list the alarms." }] },
      }),
      403,
      "data_class_exceeded",
    );
    expect(denied.body).toMatchObject({ conduit: "avr-l2-to-openai-eu-pdm", classification: { level: "RESTRICTED" } });
    expect(JSON.stringify(denied.body)).not.toContain("Refrakt0r");
  });

  it("malformed JSON is a 400 and an oversized body a 413, both recorded", async () => {
    const token = f.tokens["aug-pdm-spindle"];
    await refusal(await post({ path: "/openai-eu/v1/chat/completions", token, body: "{not json" }), 400, "malformed_json");
    const big = { ...chat, messages: [{ role: "user", content: "x".repeat(300 * 1024) }] };
    await refusal(await post({ path: "/openai-eu/v1/chat/completions", token, body: big }), 413, "payload_too_large");
  });

  it("refuses a body that names a member twice: the provider might read the copy that was not classified", async () => {
    const token = f.tokens["aug-pdm-spindle"];
    const forwardedBefore = f.upstream.requests.length;
    const secret = `{"role":"user","content":"Historian login: password=Hunter2-Ventil! on 10.20.30.40"}`;
    const body = `{"model":"gpt-4.1-mini","messages":[${secret}],"messages":[{"role":"user","content":"hello"}]}`;
    const denied = await refusal(await post({ path: "/openai-eu/v1/chat/completions", token, body }), 400, "malformed_json");
    expect(denied.body).toMatchObject({ code: "malformed_json", request: { bytes: Buffer.byteLength(body) } });
    expect(f.upstream.requests.length).toBe(forwardedBefore);
  });
});

describe("redaction, upstream failures and aborts", () => {
  it("redacts spans above a REDACT conduit's level: the upstream never sees them", async () => {
    const client = new AzureOpenAI({ apiKey: f.tokens["aug-wi-copilot"], endpoint: `${f.proxy.url}/azure-openai-weu`, apiVersion: "2024-10-21", deployment: "gpt-4o", maxRetries: 0 });
    const secret = "password=Sp1ndel!Wartung";
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: `Write the restart steps for press P-101; the HMI login is ${secret}.` }] })
      .withResponse();
    const received = f.upstream.requests.at(-1)!;
    expect(received.bodyText).not.toContain("Sp1ndel!Wartung");
    expect(received.bodyText).toContain("[REDACTED:secret]");
    const { call } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(call.body.outcome).toBe("redacted");
    expect((call.body.forwarded as { sha256: string }).sha256).not.toBe((call.body.request as { sha256: string }).sha256);
  });

  it("applies a plant's own dictionary: its terms are classified and redacted like built-in labels", async () => {
    const augsburg = await f.db.plant.findUniqueOrThrow({ where: { slug: "augsburg" } });
    await f.db.classificationRule.create({ data: { plantId: augsburg.id, label: "project_codename", level: "RESTRICTED", terms: JSON.stringify(["Projekt Falke"]) } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { response } = await openai("aug-pdm-spindle")
      .chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "Does the spindle drift affect the Projekt Falke prototype run?" }] })
      .withResponse();
    const received = f.upstream.requests.at(-1)!;
    expect(received.bodyText).not.toContain("Projekt Falke");
    expect(received.bodyText).toContain("[REDACTED:project_codename]");
    const { call } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(call.body).toMatchObject({ outcome: "redacted", classification: { level: "RESTRICTED", labels: { project_codename: 1 } } });
  });

  it("passes an upstream error through with its status and records the failure", async () => {
    const error = await openai("aug-pdm-spindle")
      .chat.completions.create(chat, { headers: { [behaviourHeaders.errorStatus]: "429" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const callRecordId = (error as InstanceType<typeof OpenAI.APIError>).headers?.get(recordIdHeader);
    const { result } = await recordsOfCall(callRecordId!);
    expect(result.body).toMatchObject({ outcome: "failed", response: { status: 429 } });
  });

  it("answers 504 when the upstream does not answer in time", async () => {
    const response = await post({ path: "/openai-eu/v1/chat/completions", token: f.tokens["aug-pdm-spindle"], headers: { [behaviourHeaders.delayMs]: "9000" } });
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("upstream_timeout");
    const { result } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(result.body).toMatchObject({ outcome: "timed_out", response: { status: null } });
  });

  it("answers 502 when the upstream breaks off a JSON answer, and records the failure", async () => {
    const response = await post({ path: "/openai-eu/v1/chat/completions", token: f.tokens["aug-pdm-spindle"], headers: { [behaviourHeaders.breakAfterBytes]: "40" } });
    // The client gets a clear error, not half a JSON document under a 200.
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("upstream_unreachable");
    const { result } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(result.body).toMatchObject({ outcome: "failed", error: "upstream_stream_error", response: { status: 200, bytes: 40, sha256: null } });
  });

  it("relays a JSON answer larger than it reads whole, complete and recorded", async () => {
    // About 4.9 MB, over the 4 MiB read whole: the proxy switches to relaying it chunk by chunk.
    const words = 700_000;
    const { data, response } = await openai("aug-pdm-spindle")
      .chat.completions.create(chat, { headers: { [behaviourHeaders.chunkCount]: String(words) } })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(replyText(words));
    const { result } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(result.body).toMatchObject({ outcome: "completed", response: { status: 200 } });
    expect((result.body as { response: { bytes: number } }).response.bytes).toBeGreaterThan(4 * 2 ** 20);
  });

  it("records a call whose stored provider key cannot go into a header as failed, and never logs the key", async () => {
    const destination = await f.db.aiDestination.findUniqueOrThrow({ where: { slug: "openai-eu" }, select: { id: true, apiKeyCiphertext: true } });
    const badKey = "sk-stored-before-checks\u0000-1234";
    const cipher = loadProviderKeyCipher(f.config);
    await f.db.aiDestination.update({ where: { id: destination.id }, data: { apiKeyCiphertext: cipher.encrypt({ destinationId: destination.id, apiKey: badKey }) } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const forwardedBefore = f.upstream.requests.length;
      const answer = await post({ path: "/openai-eu/v1/chat/completions", token: f.tokens["aug-pdm-spindle"] });
      expect(answer.status).toBe(502);
      const { error } = (await answer.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("upstream_unreachable");
      const { result } = await recordsOfCall(answer.headers.get(recordIdHeader)!);
      expect(result.body).toMatchObject({ outcome: "failed", error: "upstream_request_invalid" });
      expect(f.upstream.requests.length).toBe(forwardedBefore);
      expect(f.logs.join("\n")).not.toContain("sk-stored-before-checks");
      expect(error.message).not.toContain("sk-stored-before-checks");
    } finally {
      await f.db.aiDestination.update({ where: { id: destination.id }, data: { apiKeyCiphertext: destination.apiKeyCiphertext } });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  });

  it("cancels the upstream request when the client aborts mid-stream, and says so", async () => {
    const abort = new AbortController();
    const response = await fetch(`${f.proxy.url}/openai-eu/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens["aug-pdm-spindle"]}`, [behaviourHeaders.chunkCount]: "50", [behaviourHeaders.chunkIntervalMs]: "50" },
      body: JSON.stringify({ ...chat, stream: true }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    abort.abort();
    const upstreamOutcome = await f.upstream.requests.at(-1)!.outcome;
    expect(upstreamOutcome.aborted).toBe(true);
    const { result } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(result.body.outcome).toBe("client_aborted");
  });

  it("sends nothing upstream when the client left while the call's record was committed, and records client_aborted", async () => {
    const log = await LogWriter.open({ store: f.store, key: generateSigningKey(), log: { id: "edge-abort", name: "edge-abort", writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
    const client = new AbortController();
    const append = log.append.bind(log);
    log.append = (input) => {
      if (input.kind === "ai_call") client.abort();
      return append(input);
    };
    const runtime = createProxyRuntime({ config: f.config, db: f.db, log, store: f.store, logger: { warn: () => undefined, error: () => undefined } });
    await runtime.inventory.reload();
    const forwardedBefore = f.upstream.requests.length;
    const answer = await runtime.proxy.handle(
      new Request("http://edge.local/openai-eu/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens["aug-pdm-spindle"]}` },
        body: JSON.stringify(chat),
        signal: client.signal,
      }),
      { path: "/openai-eu/v1/chat/completions", sourceAddress: null },
    );
    const callRecordId = answer.headers.get(recordIdHeader)!;
    const result = async () => {
      const records = await f.store.readRecords({ logId: "edge-abort", fromSeq: 0, limit: 10 });
      return records.map((r) => (JSON.parse(r.envelope) as { kind: string; body: { callRecordId?: string; outcome: string } })).find((r) => r.kind === "ai_call_result" && r.body.callRecordId === callRecordId)?.body.outcome;
    };
    await expect.poll(result).toBe("client_aborted");
    expect(f.upstream.requests.length).toBe(forwardedBefore);
    await runtime.close();
    await log.close();
  });
});

describe("device identity", () => {
  const call = (token: string) => post({ path: "/openai-eu/v1/chat/completions", token });
  const refreshed = () => new Promise((resolve) => setTimeout(resolve, 300));

  it("records refusals of an address without a valid token up to its budget, then answers 429 and counts the rest in one anomaly", async () => {
    const flood = { "x-forwarded-for": "198.51.100.77" };
    const denied = (await proxyRecords()).filter((r) => r.kind === "ai_call_denied").length;
    for (let i = 0; i < unidentifiedRecordsPerMinute; i++) {
      const answer = await post({ path: "/openai-eu/v1/chat/completions", token: `cl_dev_junk-${i}`, headers: flood });
      expect(answer.status).toBe(401);
    }
    const over = await post({ path: "/openai-eu/v1/chat/completions", token: "cl_dev_junk-over", headers: flood });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(over.headers.get(recordIdHeader)).toBeNull();
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe("too_many_failed_attempts");
    expect((await proxyRecords()).filter((r) => r.kind === "ai_call_denied").length).toBe(denied + unidentifiedRecordsPerMinute);
    // Another address is not held back by this one, and a device with a valid token never is.
    expect((await post({ path: "/openai-eu/v1/chat/completions", token: "cl_dev_junk", headers: { "x-forwarded-for": "198.51.100.78" } })).status).toBe(401);
    expect((await post({ path: "/openai-eu/v1/chat/completions", token: f.tokens["aug-pdm-spindle"], headers: flood })).status).toBe(200);
    await expect
      .poll(() => f.db.anomaly.findUnique({ where: { kind_subject: { kind: "unidentified_caller", subject: "198.51.100.77" } } }), { timeout: 10_000, interval: 250 })
      .toMatchObject({ count: 1, detail: JSON.stringify({ code: "invalid_device_token" }) });
  });

  it("refuses revoked and expired tokens and disabled devices, each with its own code", async () => {
    const revoked = await issueDeviceCredential({ db: f.db, record: f.record, actor: f.actor, device: "aug-pdm-spindle", input: { label: "to revoke" } });
    await revokeDeviceCredential({ db: f.db, record: f.record, actor: f.actor, credentialId: revoked.credential.id });
    const expired = await issueDeviceCredential({ db: f.db, record: f.record, actor: f.actor, device: "aug-pdm-spindle", input: { label: "old", expiresInDays: 1 }, now: new Date(Date.now() - 2 * 86_400_000) });
    await refreshed();
    expect((await call(revoked.token)).status).toBe(401);
    expect(((await (await call(revoked.token)).json()) as { error: { code: string } }).error.code).toBe("device_token_revoked");
    expect(((await (await call(expired.token)).json()) as { error: { code: string } }).error.code).toBe("device_token_expired");

    await f.db.device.update({ where: { slug: "aug-anomaly-telemetry" }, data: { status: "DISABLED" } });
    await refreshed();
    const disabled = await call(f.tokens["aug-anomaly-telemetry"]!);
    expect(disabled.status).toBe(403);
    expect(((await disabled.json()) as { error: { code: string } }).error.code).toBe("device_disabled");
    await f.db.device.update({ where: { slug: "aug-anomaly-telemetry" }, data: { status: "ACTIVE" } });
  });

  it("flags a token used from two addresses as shared, and keeps its last use", async () => {
    const token = f.tokens["aug-anomaly-telemetry"]!;
    await refreshedInventory();
    const from = (address: string) =>
      fetch(`${f.proxy.url}/openai-eu/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-forwarded-for": address },
        body: JSON.stringify(chat),
      });
    const first = await from("10.20.3.15");
    const second = await from("10.20.3.99");
    expect((await recordsOfCall(first.headers.get(recordIdHeader)!)).call.body.flags).toEqual([]);
    expect((await recordsOfCall(second.headers.get(recordIdHeader)!)).call.body.flags).toEqual(["shared_token"]);
    const device = await f.db.device.findUniqueOrThrow({ where: { slug: "aug-anomaly-telemetry" } });
    let anomaly = null;
    for (let i = 0; i < 80 && !anomaly; i++) {
      anomaly = await f.db.anomaly.findFirst({ where: { kind: "shared_device_token", deviceId: device.id } });
      if (!anomaly) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(JSON.parse(anomaly!.detail)).toEqual({ addresses: ["10.20.3.15", "10.20.3.99"] });
    const credential = await f.db.deviceCredential.findFirstOrThrow({ where: { deviceId: device.id, revokedAt: null } });
    expect(credential.lastUsedFrom).toBe("10.20.3.99");
  });

  async function refreshedInventory() {
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
});

describe("operator identity", () => {
  const mesKey = generateKeyPairSync("ed25519");
  const assertion = (claims: { sub: string; expiresIn?: string; issuer?: string }) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer(claims.issuer ?? "mes-augsburg")
      .setSubject(claims.sub)
      .setAudience(operatorAssertionAudience)
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? "5m")
      .sign(mesKey.privateKey);
  const call = (options: { device: string; headers: Record<string, string> }) =>
    fetch(`${f.proxy.url}/openai-eu/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens[options.device]}`, ...options.headers },
      body: JSON.stringify(chat),
    });

  beforeAll(async () => {
    await f.db.operatorAssertionIssuer.create({ data: { slug: "mes-augsburg", name: "MES Augsburg", publicKeySpki: mesKey.publicKey.export({ format: "der", type: "spki" }).toString("base64") } });
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  it("records a signed assertion as verified, from a registered system and from this app", async () => {
    const fromMes = await call({ device: "aug-pdm-spindle", headers: { "x-conduit-operator-assertion": await assertion({ sub: "op-4711" }) } });
    expect((await recordsOfCall(fromMes.headers.get(recordIdHeader)!)).call.body.context).toMatchObject({ operator: { id: "op-4711@mes-augsburg", assurance: "verified" } });

    const ciso = await f.db.user.findFirstOrThrow({ where: { role: "CISO" } });
    const issued = await issueOperatorAssertion({ db: f.db, config: f.config, user: { id: ciso.id, email: ciso.email, name: ciso.name, role: ciso.role } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fromApp = await call({ device: "aug-pdm-spindle", headers: { [issued.header]: issued.assertion } });
    expect((await recordsOfCall(fromApp.headers.get(recordIdHeader)!)).call.body.context).toMatchObject({ operator: { id: issued.operator, assurance: "verified" } });
  });

  it("takes any e-mail address as the operator, and asking for an assertion never re-enables a revoked issuer", async () => {
    const user = { id: "u-obrien", email: "m.o'brien+shift2@nordwerk.example", name: "M. O'Brien", role: "OPERATOR" as const };
    const issued = await issueOperatorAssertion({ db: f.db, config: f.config, user });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answer = await call({ device: "aug-pdm-spindle", headers: { [issued.header]: issued.assertion } });
    expect((await recordsOfCall(answer.headers.get(recordIdHeader)!)).call.body.context).toMatchObject({ operator: { id: `${user.email}@${appIssuerSlug}`, assurance: "verified" } });

    await f.db.operatorAssertionIssuer.update({ where: { slug: appIssuerSlug }, data: { revokedAt: new Date() } });
    const refused = await issueOperatorAssertion({ db: f.db, config: f.config, user }).catch((e: unknown) => e);
    expect((refused as AppError).code).toBe("conflict");
    expect((await f.db.operatorAssertionIssuer.findUniqueOrThrow({ where: { slug: appIssuerSlug } })).revokedAt).not.toBeNull();
    await f.db.operatorAssertionIssuer.update({ where: { slug: appIssuerSlug }, data: { revokedAt: null } });
  });

  it("refuses expired, forged and unregistered assertions", async () => {
    const expired = await call({ device: "aug-pdm-spindle", headers: { "x-conduit-operator-assertion": await assertion({ sub: "op-4711", expiresIn: "-1m" }) } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "invalid_operator_assertion", message: expect.stringMatching(/expired/) });
    const unknownIssuer = await call({ device: "aug-pdm-spindle", headers: { "x-conduit-operator-assertion": await assertion({ sub: "op-4711", issuer: "someone-else" }) } });
    expect(((await unknownIssuer.json()) as { error: { code: string } }).error.code).toBe("invalid_operator_assertion");
    const forged = (await assertion({ sub: "op-4711" })).replace(/\.[^.]+$/, ".AAAA");
    expect(((await (await call({ device: "aug-pdm-spindle", headers: { "x-conduit-operator-assertion": forged } })).json()) as { error: { code: string } }).error.code).toBe("invalid_operator_assertion");
  });

  it("takes a plain operator id only from a device allowed to assert operators", async () => {
    const refused = await call({ device: "aug-pdm-spindle", headers: { "x-conduit-operator": "op-4711" } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("operator_not_assertable");
    const asserted = await call({ device: "aug-mes-scheduler", headers: { "x-conduit-operator": "op-4711", "x-conduit-purpose": "predictive-maintenance" } });
    expect(asserted.status).toBe(200);
    expect((await recordsOfCall(asserted.headers.get(recordIdHeader)!)).call.body.context).toMatchObject({ operator: { id: "op-4711", assurance: "asserted" }, purpose: "predictive-maintenance" });
  });
});

describe("human oversight", () => {
  const report = (options: { device: string; body: unknown }) =>
    fetch(`${f.proxy.url}/_conduit/oversight`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens[options.device]}` },
      body: JSON.stringify(options.body),
    });

  it("records the operator's decision, linked to the device's own call", async () => {
    const { response } = await openai("aug-pdm-spindle").chat.completions.create(chat).withResponse();
    const callRecordId = response.headers.get(recordIdHeader)!;
    const accepted = await report({ device: "aug-pdm-spindle", body: { callRecordId, decision: "edited", editedOutput: { sha256: "a".repeat(64), bytes: 120 } } });
    expect(accepted.status).toBe(201);
    const { recordId } = (await accepted.json()) as { recordId: string };
    const stored = (await proxyRecords()).find((r) => r.id === recordId)!;
    expect(stored).toMatchObject({ kind: "oversight_decision", body: { callRecordId, decision: "edited", device: "aug-pdm-spindle", operator: { assurance: "none" } } });

    const otherDevice = await report({ device: "aug-wi-copilot", body: { callRecordId, decision: "accepted" } });
    expect(otherDevice.status).toBe(404);
    expect(((await otherDevice.json()) as { error: { code: string } }).error.code).toBe("unknown_call_record");
    const invalid = await report({ device: "aug-pdm-spindle", body: { callRecordId, decision: "edited" } });
    expect(invalid.status).toBe(422);
  });

  it("refuses an oversized report, with or without a declared length", async () => {
    const oversized = JSON.stringify({ decision: "accepted", note: "x".repeat(20_000) });
    const declared = await report({ device: "aug-pdm-spindle", body: JSON.parse(oversized) });
    expect(declared.status).toBe(413);
    // Sent in pieces with no declared length.
    const encoder = new TextEncoder();
    const pieces = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < oversized.length; i += 4096) controller.enqueue(encoder.encode(oversized.slice(i, i + 4096)));
        controller.close();
      },
    });
    const streamed = await fetch(`${f.proxy.url}/_conduit/oversight`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens["aug-pdm-spindle"]}` },
      body: pieces,
      // @ts-expect-error Node's fetch needs duplex for a streamed body; not yet in the DOM types.
      duplex: "half",
    });
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });
});

describe("other payloads and a ledger that cannot write", () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);
  const inspect = (proxy: { handle: (request: Request, call: { path: string; sourceAddress: string | null }) => Promise<Response> }, token: string) =>
    proxy.handle(new Request("http://edge.local/vision-onprem/v1/inspect", { method: "POST", headers: { "content-type": "image/jpeg", authorization: `Bearer ${token}` }, body: jpeg }), {
      path: "/vision-onprem/v1/inspect",
      sourceAddress: "10.20.2.40",
    });

  it("forwards a camera frame to the generic inference destination and labels it product imagery", async () => {
    const response = await fetch(`${f.proxy.url}/vision-onprem/v1/inspect`, { method: "POST", headers: { "content-type": "image/jpeg", authorization: `Bearer ${f.tokens["aug-qi-camera-l3"]}` }, body: jpeg });
    expect(response.status).toBe(200);
    expect(Buffer.from(f.upstream.requests.at(-1)!.body).equals(jpeg)).toBe(true);
    const { call } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(call.body).toMatchObject({ endpoint: "inference", classification: { labels: { product_imagery: 1 } }, request: { bytes: jpeg.byteLength } });
  });

  it("fails closed with 503, or fails open into the spool that is replayed later", async () => {
    const logId = "edge-down";
    const down = await LogWriter.open({ store: f.store, key: generateSigningKey(), log: { id: logId, name: "edge-down", writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
    await down.close(); // every append now fails, as when the database refuses writes
    const silent = { warn: () => undefined, error: () => undefined };
    const broken = createProxyRuntime({ config: f.config, db: f.db, log: down, store: f.store, logger: silent });
    await broken.inventory.reload();

    const closed = await broken.proxy.handle(
      new Request("http://edge.local/openai-eu/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens["aug-pdm-spindle"]}` }, body: JSON.stringify(chat) }),
      { path: "/openai-eu/v1/chat/completions", sourceAddress: null },
    );
    expect(closed.status).toBe(503);
    expect(((await closed.json()) as { error: { code: string } }).error.code).toBe("ledger_unavailable");

    const requestsBefore = f.upstream.requests.length;
    const open = await inspect(broken.proxy, f.tokens["aug-qi-camera-l3"]!);
    expect(open.status).toBe(200);
    await open.arrayBuffer();
    expect(f.upstream.requests.length).toBe(requestsBefore + 1);
    const callRecordId = open.headers.get(recordIdHeader)!;
    for (let i = 0; i < 50 && broken.spool.size < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    // The refused call, the forwarded call and its result wait in the spool.
    expect(broken.spool.size).toBe(3);
    expect(broken.spool.has(callRecordId)).toBe(true);
    // A decision on a call still in the spool: only the device that made the call may
    // report one, and it waits in the spool too.
    const decide = (device: string) =>
      broken.proxy.handle(
        new Request("http://edge.local/_conduit/oversight", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens[device]}` }, body: JSON.stringify({ callRecordId, decision: "accepted" }) }),
        { path: "/_conduit/oversight", sourceAddress: null },
      );
    const fromOther = await decide("aug-pdm-spindle");
    expect(fromOther.status).toBe(404);
    expect(((await fromOther.json()) as { error: { code: string } }).error.code).toBe("unknown_call_record");
    expect((await decide("aug-qi-camera-l3")).status).toBe(201);
    expect(broken.spool.size).toBe(4);
    await broken.close();

    const up = await LogWriter.open({ store: f.store, key: generateSigningKey(), log: { id: logId, name: "edge-down", writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
    const recovered = createProxyRuntime({ config: f.config, db: f.db, log: up, store: f.store, logger: silent });
    expect(await recovered.replaySpool()).toBe(4);
    expect(recovered.spool.size).toBe(0);
    const replayed = await f.store.readRecords({ logId, fromSeq: 0, limit: 10 });
    expect(replayed.map((r) => r.kind).sort()).toEqual(["ai_call", "ai_call_denied", "ai_call_result", "oversight_decision"]);
    expect(replayed.find((r) => r.kind === "ai_call")!.id).toBe(callRecordId);
    // Replaying again finds nothing left and writes nothing twice.
    expect(await recovered.replaySpool()).toBe(0);
    await recovered.close();
    // Operators learn that the edge ran on its spool.
    expect(await f.db.anomaly.findUnique({ where: { kind_subject: { kind: "spool_in_use", subject: logId } } })).toMatchObject({
      count: 1,
      reason: "The ledger log edge-down could not write; 4 records of fail-open conduits waited in the proxy's local spool until it could.",
    });
    await up.close();
  });
});

describe("what never leaks", () => {
  it("no provider key or device token in any record, log line or upstream request", async () => {
    const records = await f.store.readRecords({ logId: f.proxy.logId, fromSeq: 0, limit: 100_000 });
    expect(records.length).toBeGreaterThan(20);
    const everything = [...records.map((r) => r.envelope), ...f.logs].join("\n");
    for (const key of Object.values(f.providerKeys)) expect(everything).not.toContain(key);
    for (const token of Object.values(f.tokens)) {
      expect(everything).not.toContain(token);
      for (const request of f.upstream.requests) {
        expect(request.bodyText).not.toContain(token);
        expect([...request.headers.values()].join(" ")).not.toContain(token);
      }
    }
    expect((await verifyLedger({ store: f.store })).ok).toBe(true);
  });
});
