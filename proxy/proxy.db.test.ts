// The standalone proxy end to end, with the providers' official SDKs as clients and a
// test upstream on loopback that speaks each provider's wire format. Every call must
// leave its records in the ledger; every refusal must name its reason.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "@/lib/ledger/verify";
import { recordIdHeader } from "@/proxy/core";
import { startProxyFixture, type ProxyFixture } from "@/proxy/testing/proxy-fixture";
import { answeredModel, behaviourHeaders, replyText, responseIds, upstreamPromptTokens } from "@/proxy/testing/upstream";

let f: ProxyFixture;

beforeAll(async () => {
  f = await startProxyFixture({ env: { PROXY_UPSTREAM_TIMEOUT_MS: "1500", PROXY_MAX_BODY_BYTES: String(256 * 1024) } });
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
      .chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } }, { headers: { [behaviourHeaders.chunkCount]: "5", [behaviourHeaders.chunkIntervalMs]: "40" } })
      .withResponse();
    const arrivals: number[] = [];
    let text = "";
    for await (const chunk of stream) {
      arrivals.push(performance.now());
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(replyText(5));
    // Passed through as the upstream wrote it, not buffered: the chunks arrive spread out.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(120);
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
  const post = (options: { path: string; token?: string; body?: unknown; headers?: Record<string, string> }) =>
    fetch(`${f.proxy.url}${options.path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
      body: typeof options.body === "string" ? options.body : JSON.stringify(options.body ?? chat),
    });

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
    const response = await fetch(`${f.proxy.url}/openai-eu/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens["aug-pdm-spindle"]}`, [behaviourHeaders.delayMs]: "4000" },
      body: JSON.stringify(chat),
    });
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("upstream_timeout");
    const { result } = await recordsOfCall(response.headers.get(recordIdHeader)!);
    expect(result.body).toMatchObject({ outcome: "timed_out", response: { status: null } });
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
