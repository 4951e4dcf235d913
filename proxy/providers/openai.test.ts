import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adapterFor } from "@/proxy/providers";
import { ProviderRequestError } from "@/proxy/providers/errors";
import type { ParsedRequest } from "@/proxy/providers/types";
import {
  base64,
  forwardRecorded,
  jsonOf,
  meterInChunks,
  meterText,
  parseRecorded,
  pixelPng,
  pixelPngBytes,
  placesHolding,
  withChanges,
} from "@/proxy/testing/provider-fixtures";
import { answeredModel, replyText, responseIds, startTestUpstream, upstreamPromptTokens, type TestUpstream } from "@/proxy/testing/upstream";

const openAi = adapterFor("OPENAI_COMPATIBLE");
const azure = adapterFor("AZURE_OPENAI");
const deviceToken = "dev-tok-openai-7f3a";

let upstream: TestUpstream;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startTestUpstream();
  client = new OpenAI({ apiKey: deviceToken, baseURL: `${upstream.url}/v1`, maxRetries: 0 });
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.configure({ errorStatus: null, chunkCount: 3 });
});

const lastRequest = () => upstream.requests.at(-1)!;

function codeOf(run: () => unknown): string {
  try {
    run();
    return "none";
  } catch (error) {
    return error instanceof ProviderRequestError ? `${error.code} ${error.status}` : `not a ProviderRequestError: ${String(error)}`;
  }
}

describe("OpenAI chat completions", () => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: "system", content: "You assist maintenance technicians in Augsburg hall 2." },
    {
      role: "user",
      content: [
        { type: "text", text: "Why does press P-101 vibrate?" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${pixelPng}`, detail: "low" } },
        { type: "image_url", image_url: { url: "https://cdn.nordwerk.example/p101.jpg" } },
        { type: "file", file: { filename: "spindle.log", file_data: `data:text/plain;base64,${base64("spindle temp 81 C")}` } },
      ],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "read_tag", arguments: '{"tag":"P101.VIB.RMS"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: "4.2 mm/s" },
  ];

  it("gives the SDK its completion and yields endpoint, model, parts and metering from the exact bytes", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages, metadata: { model: "line-3 copilot" } });
    expect(completion.choices[0]!.message.content).toBe(replyText(3));
    expect(completion.usage?.prompt_tokens).toBe(upstreamPromptTokens);

    const request = lastRequest();
    const parsed = parseRecorded({ adapter: openAi, request });
    expect(parsed).toMatchObject({ endpoint: "chat.completions", model: "gpt-4o-mini", stream: false });
    expect(parsed.parts).toEqual([
      { kind: "text", text: "You assist maintenance technicians in Augsburg hall 2." },
      { kind: "text", text: "Why does press P-101 vibrate?" },
      { kind: "image", mediaType: "image/png", bytes: pixelPngBytes },
      { kind: "text", text: "https://cdn.nordwerk.example/p101.jpg" },
      { kind: "text", text: "spindle.log" },
      { kind: "file", mediaType: "text/plain", bytes: 17, text: "spindle temp 81 C" },
      { kind: "text", text: "read_tag" },
      { kind: "text", text: '{"tag":"P101.VIB.RMS"}' },
      { kind: "text", text: "4.2 mm/s" },
      // Metadata is the caller's own: its `model` key is content here.
      { kind: "text", text: "line-3 copilot" },
    ]);

    const outcome = await request.outcome;
    expect(meterInChunks({ adapter: openAi, endpoint: parsed.endpoint, outcome })).toEqual(
      Array(5).fill({
        model: answeredModel("gpt-4o-mini"),
        inputTokens: upstreamPromptTokens,
        outputTokens: 3,
        finishReason: "stop",
        responseId: responseIds.chat(request.index),
        error: null,
      }),
    );
  });

  it("rewrites exactly the replaced parts, re-encoding a textual file the way it came", async () => {
    await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const parsed = parseRecorded({ adapter: openAi, request: lastRequest() });
    const rewritten = openAi.rewriteBody({
      request: parsed,
      replacements: new Map([
        [1, "Why does press [ASSET] vibrate?"],
        [5, "spindle temp [REDACTED]"],
        [7, '{"tag":"[TAG]"}'],
      ]),
    });

    const expected = withChanges({
      json: jsonOf(lastRequest().body),
      changes: [
        [["messages", 1, "content", 0, "text"], "Why does press [ASSET] vibrate?"],
        [["messages", 1, "content", 3, "file", "file_data"], `data:text/plain;base64,${base64("spindle temp [REDACTED]")}`],
        [["messages", 2, "tool_calls", 0, "function", "arguments"], '{"tag":"[TAG]"}'],
      ],
    });
    expect(jsonOf(rewritten)).toEqual(expected);

    // Read back, the body has the new texts at the same indexes and nothing else changed.
    const reparsed = openAi.parseRequest({ method: "POST", path: "/v1/chat/completions", search: new URLSearchParams(), contentType: "application/json", body: rewritten });
    const changed = reparsed.parts.flatMap((part, i) => (JSON.stringify(part) === JSON.stringify(parsed.parts[i]) ? [] : [i]));
    expect(changed).toEqual([1, 5, 7]);
    expect(reparsed.parts[5]).toEqual({ kind: "file", mediaType: "text/plain", bytes: 23, text: "spindle temp [REDACTED]" });
    // The parsed request is left as it was, so it can be rewritten again.
    expect(jsonOf(parsed.body.raw)).toEqual(jsonOf(lastRequest().body));
  });

  it("returns the original bytes when nothing is replaced, and refuses to turn an image into text", async () => {
    await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const parsed = parseRecorded({ adapter: openAi, request: lastRequest() });
    expect(openAi.rewriteBody({ request: parsed, replacements: new Map() })).toBe(lastRequest().body);
    expect(() => openAi.rewriteBody({ request: parsed, replacements: new Map([[2, "[image removed]"]]) })).toThrow(TypeError);
    expect(() => openAi.rewriteBody({ request: parsed, replacements: new Map([[99, "x"]]) })).toThrow(RangeError);
  });

  it("streams with include_usage and meters usage, finish reason, id and model from the chunks", async () => {
    upstream.configure({ chunkCount: 5 });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Status of line 3? Überprüfe die Presse." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage ??= chunk.usage;
    }
    expect(text).toBe(replyText(5));
    expect(usage?.completion_tokens).toBe(5);

    const request = lastRequest();
    const parsed = parseRecorded({ adapter: openAi, request });
    expect(parsed).toMatchObject({ endpoint: "chat.completions", stream: true, parts: [{ kind: "text", text: "Status of line 3? Überprüfe die Presse." }] });
    expect(meterInChunks({ adapter: openAi, endpoint: parsed.endpoint, outcome: await request.outcome })).toEqual(
      Array(5).fill({
        model: answeredModel("gpt-4o-mini"),
        inputTokens: upstreamPromptTokens,
        outputTokens: 5,
        finishReason: "stop",
        responseId: responseIds.chat(request.index),
        error: null,
      }),
    );
  });

  it("meters no usage when the stream was not asked for it", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();
    const request = lastRequest();
    expect(request.bodyText).not.toContain("stream_options");
    const [metered] = meterInChunks({ adapter: openAi, endpoint: "chat.completions", outcome: await request.outcome });
    expect(metered).toEqual({
      model: answeredModel("gpt-4o-mini"),
      inputTokens: null,
      outputTokens: null,
      finishReason: "stop",
      responseId: responseIds.chat(request.index),
      error: null,
    });
  });

  it("meters an upstream error body and a mid-stream error event", async () => {
    upstream.configure({ errorStatus: 429 });
    await expect(client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 429 });
    const outcome = await lastRequest().outcome;
    expect(outcome.status).toBe(429);
    expect(meterInChunks({ adapter: openAi, endpoint: "chat.completions", outcome })[0]).toEqual({
      model: null,
      inputTokens: null,
      outputTokens: null,
      finishReason: null,
      responseId: null,
      error: "rate_limit_exceeded",
    });

    const midStream =
      'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}\n\n' +
      'data: {"error":{"message":"The server had an error","type":"server_error","code":null}}\n\n';
    expect(meterText({ adapter: openAi, endpoint: "chat.completions", contentType: "text/event-stream", text: midStream })).toEqual({
      model: "gpt-4o-mini",
      inputTokens: null,
      outputTokens: null,
      finishReason: null,
      responseId: "chatcmpl-9",
      error: "server_error",
    });
  });
});

describe("OpenAI responses", () => {
  const input: OpenAI.Responses.ResponseInput = [
    { role: "developer", content: "Answer as the line-3 copilot." },
    {
      role: "user",
      content: [
        { type: "input_text", text: "Compare these two frames from camera C-7." },
        { type: "input_image", image_url: `data:image/png;base64,${pixelPng}`, detail: "auto" },
        { type: "input_file", filename: "recipe.csv", file_data: `data:text/csv;base64,${base64("step;temp\n1;180")}` },
      ],
    },
    { type: "function_call", call_id: "fc_1", name: "lookup_order", arguments: '{"order":"4711"}' },
    { type: "function_call_output", call_id: "fc_1", output: "Order 4711: 300 housings" },
  ];

  it("gives the SDK its response and parses instructions, items, tool calls and tool output", async () => {
    const response = await client.responses.create({ model: "gpt-5", instructions: "Be brief.", input });
    expect(response.output_text).toBe(replyText(3));

    const request = lastRequest();
    const parsed = parseRecorded({ adapter: openAi, request });
    expect(parsed).toMatchObject({ endpoint: "responses", model: "gpt-5", stream: false });
    expect(parsed.parts).toEqual([
      { kind: "text", text: "Be brief." },
      { kind: "text", text: "Answer as the line-3 copilot." },
      { kind: "text", text: "Compare these two frames from camera C-7." },
      { kind: "image", mediaType: "image/png", bytes: pixelPngBytes },
      { kind: "text", text: "recipe.csv" },
      { kind: "file", mediaType: "text/csv", bytes: 15, text: "step;temp\n1;180" },
      { kind: "text", text: "lookup_order" },
      { kind: "text", text: '{"order":"4711"}' },
      { kind: "text", text: "Order 4711: 300 housings" },
    ]);
    expect(meterInChunks({ adapter: openAi, endpoint: "responses", outcome: await request.outcome })).toEqual(
      Array(5).fill({
        model: answeredModel("gpt-5"),
        inputTokens: upstreamPromptTokens,
        outputTokens: 3,
        finishReason: "completed",
        responseId: responseIds.responses(request.index),
        error: null,
      }),
    );
  });

  it("streams events the SDK's stream helper accumulates, and meters them", async () => {
    upstream.configure({ chunkCount: 4 });
    const stream = client.responses.stream({ model: "gpt-5", input: "Summarise the night shift." });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(replyText(4));
    expect(deltas).toHaveLength(4);

    const request = lastRequest();
    expect(parseRecorded({ adapter: openAi, request })).toMatchObject({
      endpoint: "responses",
      stream: true,
      parts: [{ kind: "text", text: "Summarise the night shift." }],
    });
    expect(meterInChunks({ adapter: openAi, endpoint: "responses", outcome: await request.outcome })).toEqual(
      Array(5).fill({
        model: answeredModel("gpt-5"),
        inputTokens: upstreamPromptTokens,
        outputTokens: 4,
        finishReason: "completed",
        responseId: responseIds.responses(request.index),
        error: null,
      }),
    );
  });

  it("meters an incomplete response and an error event from servers that omit event names", () => {
    const incomplete =
      'data: {"type":"response.created","response":{"id":"resp_1","object":"response","model":"gpt-5","status":"in_progress","usage":null}}\n\n' +
      'data: {"type":"response.incomplete","response":{"id":"resp_1","object":"response","model":"gpt-5","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":9,"output_tokens":16}}}\n\n';
    expect(meterText({ adapter: openAi, endpoint: "responses", contentType: "text/event-stream", text: incomplete })).toEqual({
      model: "gpt-5",
      inputTokens: 9,
      outputTokens: 16,
      finishReason: "max_output_tokens",
      responseId: "resp_1",
      error: null,
    });
    const failed = 'event: error\ndata: {"type":"error","code":"server_error","message":"boom","param":null,"sequence_number":3}\n\n';
    expect(meterText({ adapter: openAi, endpoint: "responses", contentType: "text/event-stream", text: failed }).error).toBe("server_error");
  });
});

describe("OpenAI embeddings", () => {
  it("gives the SDK decoded vectors, parses every input and meters input tokens", async () => {
    const result = await client.embeddings.create({ model: "text-embedding-3-small", input: ["bearing noise at 3 kHz", "oil pressure drop"], dimensions: 4 });
    expect(result.data.map((item) => item.embedding.length)).toEqual([4, 4]);
    expect(result.data[1]!.embedding[1]).toBeCloseTo(0.48, 5);

    const request = lastRequest();
    // The SDK asks for base64 vectors unless told otherwise.
    expect(jsonOf(request.body)).toMatchObject({ encoding_format: "base64" });
    expect(parseRecorded({ adapter: openAi, request })).toMatchObject({
      endpoint: "embeddings",
      model: "text-embedding-3-small",
      stream: false,
      parts: [
        { kind: "text", text: "bearing noise at 3 kHz" },
        { kind: "text", text: "oil pressure drop" },
      ],
    });
    expect(meterInChunks({ adapter: openAi, endpoint: "embeddings", outcome: await request.outcome })[0]).toEqual({
      model: answeredModel("text-embedding-3-small"),
      inputTokens: upstreamPromptTokens,
      outputTokens: null,
      finishReason: null,
      responseId: null,
      error: null,
    });
  });

  it("parses a single string input", () => {
    const parsed = openAi.parseRequest({
      method: "POST",
      path: "/v1/embeddings",
      search: new URLSearchParams(),
      contentType: "application/json",
      body: new TextEncoder().encode('{"model":"m","input":"one line"}'),
    });
    expect(parsed.parts).toEqual([{ kind: "text", text: "one line" }]);
  });
});

describe("OpenAI-compatible credentials", () => {
  it("finds the bearer token the SDK sends and forwards the provider key instead, everywhere", async () => {
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    const request = lastRequest();
    expect(request.headers.get("authorization")).toBe(`Bearer ${deviceToken}`);
    expect(openAi.deviceToken({ headers: request.headers, search: request.search })).toBe(deviceToken);

    const forwarded = forwardRecorded({ adapter: openAi, request, apiKey: "sk-provider-key", baseUrl: "https://eu.api.openai.com/v1" });
    expect(forwarded.url).toBe("https://eu.api.openai.com/v1/chat/completions");
    expect(forwarded.headers.get("authorization")).toBe("Bearer sk-provider-key");
    expect(placesHolding({ upstream: forwarded, secret: deviceToken })).toEqual([]);
    // The SDK's user agent and telemetry describe the plant's machine: they stay here.
    expect(forwarded.headers.get("user-agent")).toBeNull();
    expect(forwarded.headers.get("content-type")).toBe("application/json");
    expect(forwarded.headers.has("host")).toBe(false);
    expect(forwarded.headers.has("connection")).toBe(false);
    expect(forwarded.headers.has("content-length")).toBe(false);
  });
});

describe("Azure OpenAI", () => {
  let azureClient: AzureOpenAI;
  beforeAll(() => {
    azureClient = new AzureOpenAI({ apiKey: deviceToken, endpoint: upstream.url, apiVersion: "2024-10-21", deployment: "gpt4o-weu", maxRetries: 0 });
  });

  it("streams a deployment's chat completion past Azure's empty prompt-filter chunk", async () => {
    const stream = await azureClient.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Draft a work instruction for changing filter F-12." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe(replyText(3));

    const request = lastRequest();
    expect(request.path).toBe("/openai/deployments/gpt4o-weu/chat/completions");
    expect(request.search.get("api-version")).toBe("2024-10-21");
    const parsed = parseRecorded({ adapter: azure, request });
    // Azure runs the deployment in the path; the body's model is ignored.
    expect(parsed).toMatchObject({ endpoint: "chat.completions", model: "gpt4o-weu", stream: true });
    expect(parsed.parts).toEqual([{ kind: "text", text: "Draft a work instruction for changing filter F-12." }]);

    const outcome = await request.outcome;
    expect(new TextDecoder().decode(outcome.body)).toMatch(/^data: \{"choices":\[\],"created":0,"id":"","model":""/);
    expect(meterInChunks({ adapter: azure, endpoint: "chat.completions", outcome })).toEqual(
      Array(5).fill({
        model: answeredModel("gpt-4o"),
        inputTokens: upstreamPromptTokens,
        outputTokens: 3,
        finishReason: "stop",
        responseId: responseIds.chat(request.index),
        error: null,
      }),
    );
  });

  it("embeds on a deployment path and forwards with the key in api-key, keeping api-version", async () => {
    await azureClient.embeddings.create({ model: "text-embedding-3-large", input: "vibration spectrum of pump 4" });
    const request = lastRequest();
    expect(request.path).toBe("/openai/deployments/gpt4o-weu/embeddings");
    expect(request.headers.get("api-key")).toBe(deviceToken);
    expect(request.headers.has("authorization")).toBe(false);
    expect(parseRecorded({ adapter: azure, request })).toMatchObject({ endpoint: "embeddings", model: "gpt4o-weu", parts: [{ kind: "text", text: "vibration spectrum of pump 4" }] });

    expect(azure.deviceToken({ headers: request.headers, search: request.search })).toBe(deviceToken);
    const forwarded = forwardRecorded({ adapter: azure, request, apiKey: "azure-provider-key", baseUrl: "https://nordwerk-weu.openai.azure.com" });
    expect(forwarded.url).toBe("https://nordwerk-weu.openai.azure.com/openai/deployments/gpt4o-weu/embeddings?api-version=2024-10-21");
    expect(forwarded.headers.get("api-key")).toBe("azure-provider-key");
    expect(forwarded.headers.has("authorization")).toBe(false);
    expect(placesHolding({ upstream: forwarded, secret: deviceToken })).toEqual([]);
  });

  it("takes the responses API on /openai/responses, with the deployment as the body's model", async () => {
    const plain = new AzureOpenAI({ apiKey: deviceToken, endpoint: upstream.url, apiVersion: "2025-04-01-preview", maxRetries: 0 });
    const response = await plain.responses.create({ model: "gpt-5-weu", input: "Which lines run tonight?" });
    expect(response.output_text).toBe(replyText(3));
    const request = lastRequest();
    expect(request.path).toBe("/openai/responses");
    expect(parseRecorded({ adapter: azure, request })).toMatchObject({ endpoint: "responses", model: "gpt-5-weu", parts: [{ kind: "text", text: "Which lines run tonight?" }] });
  });

  it("takes the v1 API through the plain OpenAI client, whose key comes as a bearer token", async () => {
    const v1 = new OpenAI({ apiKey: deviceToken, baseURL: `${upstream.url}/openai/v1`, maxRetries: 0 });
    await v1.chat.completions.create({ model: "gpt-4o-weu", messages: [{ role: "user", content: "hi" }] });
    const request = lastRequest();
    expect(request.path).toBe("/openai/v1/chat/completions");
    expect(parseRecorded({ adapter: azure, request })).toMatchObject({ endpoint: "chat.completions", model: "gpt-4o-weu" });
    expect(azure.deviceToken({ headers: request.headers, search: request.search })).toBe(deviceToken);
    const forwarded = forwardRecorded({ adapter: azure, request, apiKey: "azure-provider-key", baseUrl: "https://nordwerk-weu.openai.azure.com" });
    expect(forwarded.headers.get("api-key")).toBe("azure-provider-key");
    expect(placesHolding({ upstream: forwarded, secret: deviceToken })).toEqual([]);
  });
});

describe("bad requests", () => {
  const parse = (options: { method?: string; path?: string; body: string | Uint8Array }) =>
    openAi.parseRequest({
      method: options.method ?? "POST",
      path: options.path ?? "/v1/chat/completions",
      search: new URLSearchParams(),
      contentType: "application/json",
      body: typeof options.body === "string" ? new TextEncoder().encode(options.body) : options.body,
    });

  it("gives typed errors with their statuses", () => {
    expect(codeOf(() => parse({ body: '{"model":"gpt-4o","messages":[' }))).toBe("malformed_json 400");
    expect(codeOf(() => parse({ body: "" }))).toBe("malformed_json 400");
    expect(codeOf(() => parse({ body: Uint8Array.of(0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d) }))).toBe("malformed_json 400");
    expect(codeOf(() => parse({ body: '["not","an","object"]' }))).toBe("invalid_body 400");
    expect(codeOf(() => parse({ body: `{"a":${"[".repeat(200)}${"]".repeat(200)}}` }))).toBe("invalid_body 400");
    expect(codeOf(() => parse({ path: "/v1/models", body: "{}" }))).toBe("unsupported_endpoint 404");
    expect(codeOf(() => parse({ path: "/v1/chat/completions/abc", body: "{}" }))).toBe("unsupported_endpoint 404");
    expect(codeOf(() => parse({ path: "/v1/audio/transcriptions", body: "{}" }))).toBe("unsupported_endpoint 404");
    expect(codeOf(() => parse({ method: "GET", body: "" }))).toBe("method_not_allowed 405");
    expect(codeOf(() => azure.parseRequest({ method: "POST", path: "/openai/deployments/%E0%A4%A/chat/completions", search: new URLSearchParams(), contentType: null, body: new TextEncoder().encode("{}") }))).toBe(
      "invalid_path 400",
    );
    expect(codeOf(() => parse({ body: '{"model":"gpt-4o","messages":[]}' }))).toBe("none");
  });

  it("reads a model that is not a string as unknown and a stream flag that is not true as false", () => {
    const parsed: ParsedRequest = parse({ body: '{"model":42,"stream":"yes","messages":[]}' });
    expect(parsed).toMatchObject({ model: null, stream: false });
  });
});
