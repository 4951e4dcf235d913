import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adapterFor } from "@/proxy/providers";
import { ProviderRequestError } from "@/proxy/providers/errors";
import { forwardRecorded, jsonOf, meterInChunks, meterText, parseRecorded, pixelPng, pixelPngBytes, placesHolding, withChanges } from "@/proxy/testing/provider-fixtures";
import { answeredModel, replyText, responseIds, startTestUpstream, upstreamPromptTokens, type TestUpstream } from "@/proxy/testing/upstream";

const anthropic = adapterFor("ANTHROPIC");
const deviceToken = "dev-tok-claude-91c2";
const model = "claude-sonnet-5-5";
const pdf = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").toString("base64");

let upstream: TestUpstream;
let client: Anthropic;

beforeAll(async () => {
  upstream = await startTestUpstream();
  client = new Anthropic({ apiKey: deviceToken, baseURL: upstream.url, maxRetries: 0 });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.configure({ errorStatus: null, chunkCount: 3 }));

const lastRequest = () => upstream.requests.at(-1)!;

const conversation: Anthropic.MessageCreateParamsNonStreaming = {
  model,
  max_tokens: 256,
  system: [{ type: "text", text: "You are the OptiScan weld inspector.", cache_control: { type: "ephemeral" } }],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "Is seam S-3 acceptable?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: pixelPng } },
        { type: "image", source: { type: "url", url: "https://cdn.nordwerk.example/s3.jpg" } },
        { type: "document", source: { type: "text", media_type: "text/plain", data: "WPS-14: porosity at most 2 %" }, title: "Welding spec" },
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: pdf } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Compare porosity with WPS-14.", signature: "c2lnbmF0dXJl" },
        { type: "redacted_thinking", data: "RU5DUllQVEVE" },
        { type: "tool_use", id: "toolu_1", name: "measure_seam", input: { seam: "S-3", model: "laser-profiler-2", id: "cam-7" } },
      ],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "porosity 1.4 %" }] }] },
  ],
  tools: [
    {
      name: "measure_seam",
      description: "Measures a weld seam with the laser profiler.",
      input_schema: { type: "object", properties: { seam: { type: "string", description: "Seam id on the drawing" } } },
    },
  ],
  metadata: { user_id: "operator-12" },
};

describe("Anthropic messages", () => {
  it("gives the SDK its message and yields endpoint, model, parts and metering from the exact bytes", async () => {
    const message = await client.messages.create(conversation);
    expect(message.content).toEqual([{ type: "text", text: replyText(3) }]);

    const request = lastRequest();
    const parsed = parseRecorded({ adapter: anthropic, request });
    expect(parsed).toMatchObject({ endpoint: "messages", model, stream: false });
    expect(parsed.parts).toEqual([
      { kind: "text", text: "You are the OptiScan weld inspector." },
      { kind: "text", text: "Is seam S-3 acceptable?" },
      { kind: "image", mediaType: "image/png", bytes: pixelPngBytes },
      { kind: "text", text: "https://cdn.nordwerk.example/s3.jpg" },
      { kind: "text", text: "WPS-14: porosity at most 2 %" },
      { kind: "text", text: "Welding spec" },
      { kind: "file", mediaType: "application/pdf", bytes: Buffer.from(pdf, "base64").byteLength },
      { kind: "text", text: "Compare porosity with WPS-14." },
      // The redacted thinking block is opaque and skipped; tool input is free-form, so `model` and `id` there are content.
      { kind: "text", text: "measure_seam" },
      { kind: "text", text: "S-3" },
      { kind: "text", text: "laser-profiler-2" },
      { kind: "text", text: "cam-7" },
      { kind: "text", text: "porosity 1.4 %" },
      { kind: "text", text: "measure_seam" },
      { kind: "text", text: "Measures a weld seam with the laser profiler." },
      { kind: "text", text: "Seam id on the drawing" },
      { kind: "text", text: "operator-12" },
    ]);

    expect(meterInChunks({ adapter: anthropic, endpoint: "messages", outcome: await request.outcome })).toEqual(
      Array(5).fill({
        model: answeredModel(model),
        // 17 fresh input tokens + 4 read from the cache.
        inputTokens: upstreamPromptTokens,
        outputTokens: 3,
        finishReason: "end_turn",
        responseId: responseIds.messages(request.index),
        error: null,
      }),
    );
  });

  it("rewrites the system prompt, a plain-text document and a tool input value in place", async () => {
    await client.messages.create(conversation);
    const parsed = parseRecorded({ adapter: anthropic, request: lastRequest() });
    const rewritten = anthropic.rewriteBody({
      request: parsed,
      replacements: new Map([
        [0, "You are the [VENDOR] weld inspector."],
        [4, "WPS-14: porosity at most [LIMIT]"],
        [10, "[DEVICE]"],
      ]),
    });
    const expected = withChanges({
      json: jsonOf(lastRequest().body),
      changes: [
        [["system", 0, "text"], "You are the [VENDOR] weld inspector."],
        [["messages", 0, "content", 3, "source", "data"], "WPS-14: porosity at most [LIMIT]"],
        [["messages", 1, "content", 2, "input", "model"], "[DEVICE]"],
      ],
    });
    expect(jsonOf(rewritten)).toEqual(expected);
  });

  it("streams the events the SDK's MessageStream accumulates, and meters them", async () => {
    upstream.configure({ chunkCount: 6 });
    const stream = client.messages.stream({ model, max_tokens: 256, system: "Answer in German.", messages: [{ role: "user", content: "Schichtbericht Linie 3?" }] });
    const deltas: string[] = [];
    stream.on("text", (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: "text", text: replyText(6) }]);
    expect(final.usage.output_tokens).toBe(6);
    expect(deltas).toHaveLength(6);

    const request = lastRequest();
    expect(parseRecorded({ adapter: anthropic, request })).toMatchObject({
      endpoint: "messages",
      model,
      stream: true,
      parts: [
        { kind: "text", text: "Answer in German." },
        { kind: "text", text: "Schichtbericht Linie 3?" },
      ],
    });
    expect(meterInChunks({ adapter: anthropic, endpoint: "messages", outcome: await request.outcome })).toEqual(
      Array(5).fill({
        model: answeredModel(model),
        inputTokens: upstreamPromptTokens,
        outputTokens: 6,
        finishReason: "end_turn",
        responseId: responseIds.messages(request.index),
        error: null,
      }),
    );
  });

  it("streams through create({ stream: true }) as well", async () => {
    const stream = await client.messages.create({ model, max_tokens: 64, stream: true, messages: [{ role: "user", content: "ping" }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
  });

  it("meters an overloaded error body and a mid-stream error event", async () => {
    upstream.configure({ errorStatus: 529 });
    await expect(client.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 529 });
    expect(meterInChunks({ adapter: anthropic, endpoint: "messages", outcome: await lastRequest().outcome })[0]).toEqual({
      model: null,
      inputTokens: null,
      outputTokens: null,
      finishReason: null,
      responseId: null,
      error: "overloaded_error",
    });

    const midStream =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_9","type":"message","role":"assistant","model":"claude-haiku-5-5","content":[],"usage":{"input_tokens":12,"output_tokens":1}}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\\"usage\\": {\\"error\\": 1}"}}\n\n' +
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    expect(meterText({ adapter: anthropic, endpoint: "messages", contentType: "text/event-stream", text: midStream })).toEqual({
      model: "claude-haiku-5-5",
      inputTokens: 12,
      outputTokens: 1,
      finishReason: null,
      responseId: "msg_9",
      error: "overloaded_error",
    });
  });
});

describe("Anthropic credentials", () => {
  it("finds the SDK's bearer token (SDK 1.x) and forwards the provider key in x-api-key", async () => {
    await client.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
    const request = lastRequest();
    expect(request.headers.get("authorization")).toBe(`Bearer ${deviceToken}`);
    expect(anthropic.deviceToken({ headers: request.headers, search: request.search })).toBe(deviceToken);

    const forwarded = forwardRecorded({ adapter: anthropic, request, apiKey: "sk-ant-provider", baseUrl: "https://api.anthropic.com" });
    expect(forwarded.url).toBe("https://api.anthropic.com/v1/messages");
    expect(forwarded.headers.get("x-api-key")).toBe("sk-ant-provider");
    expect(forwarded.headers.has("authorization")).toBe(false);
    expect(forwarded.headers.get("anthropic-version")).toBe(request.headers.get("anthropic-version"));
    expect(placesHolding({ upstream: forwarded, secret: deviceToken })).toEqual([]);
  });

  it("finds a token sent in x-api-key, as older SDKs and curl examples do, and strips it", () => {
    const headers = new Headers({ "x-api-key": deviceToken, "anthropic-version": "2023-06-01", "content-type": "application/json" });
    expect(anthropic.deviceToken({ headers, search: new URLSearchParams() })).toBe(deviceToken);
    const forwarded = anthropic.upstreamRequest({ baseUrl: "https://api.anthropic.com", path: "/v1/messages", search: new URLSearchParams("beta=true"), headers, apiKey: "sk-ant-provider" });
    expect(forwarded.url).toBe("https://api.anthropic.com/v1/messages?beta=true");
    expect(forwarded.headers.get("x-api-key")).toBe("sk-ant-provider");
    expect(placesHolding({ upstream: forwarded, secret: deviceToken })).toEqual([]);
  });
});

describe("Anthropic bad requests", () => {
  const codeOf = (path: string, body: string, method = "POST") => {
    try {
      anthropic.parseRequest({ method, path, search: new URLSearchParams(), contentType: "application/json", body: new TextEncoder().encode(body) });
      return "none";
    } catch (error) {
      return error instanceof ProviderRequestError ? error.code : String(error);
    }
  };

  it("gives typed errors", () => {
    expect(codeOf("/v1/messages", "{model")).toBe("malformed_json");
    expect(codeOf("/v1/messages", "null")).toBe("invalid_body");
    expect(codeOf("/v1/messages/count_tokens", "{}")).toBe("unsupported_endpoint");
    expect(codeOf("/v1/complete", "{}")).toBe("unsupported_endpoint");
    expect(codeOf("/v1/messages", "", "GET")).toBe("method_not_allowed");
    expect(codeOf("/v1/messages", '{"model":"claude-haiku-5-5","messages":[]}')).toBe("none");
  });

  it("names the path it refuses and what the destination serves, so a wrong base URL is easy to spot", () => {
    expect(() => anthropic.parseRequest({ method: "POST", path: "/v1/chat/completions", search: new URLSearchParams(), contentType: "application/json", body: new TextEncoder().encode("{}") })).toThrow(
      "The proxy does not forward /v1/chat/completions to an Anthropic destination; it forwards .../v1/messages.",
    );
  });
});
