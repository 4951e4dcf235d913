// The AI providers' wire formats, written once for the two stand-ins this project runs:
// the built-in demo provider (proxy/demo/provider.ts) and the tests' upstream
// (proxy/testing/upstream.ts). Each builder answers one request in the provider's JSON or
// SSE, closely enough for the official SDKs: OpenAI chat completions, responses and
// embeddings (also on Azure's deployment paths), Anthropic messages, Gemini
// generateContent and streamGenerateContent, and a generic inference API's verdict. What
// is said (the text, the token counts, the verdict) is the caller's; how it is framed is here.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

export type Flavour = "chat" | "responses" | "embeddings" | "messages" | "gemini" | "inference";

/** The format is picked by path suffix, so a stand-in can sit under any base path. */
export function flavourOf(path: string): Flavour {
  if (path.endsWith("/chat/completions")) return "chat";
  if (path.endsWith("/responses")) return "responses";
  if (path.endsWith("/embeddings")) return "embeddings";
  if (path.endsWith("/messages")) return "messages";
  if (/\/models\/[^/]+:(generateContent|streamGenerateContent)$/.test(path)) return "gemini";
  return "inference";
}

/** One request as the builders read it. */
export interface WireRequest {
  /** 1-based per server; response ids derive from it. */
  index: number;
  path: string;
  search: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as a JSON object ({} when it is not one). */
  json: Record<string, unknown>;
}

/** What a reply says: its text as the stream's deltas, and the usage it reports. */
export interface ReplyContent {
  deltas: string[];
  promptTokens: number;
  /** Output tokens (default: one per delta). */
  outputTokens?: number;
  /** Gemini also reports thinking tokens. */
  thoughtsTokens: number;
  /** An embedding per input (default: a fixed pattern by the input's position). */
  vectorOf?: (input: { index: number; text: string; dimensions: number }) => number[];
}

/** What to send: a JSON body, or a stream in writes (each one or more SSE events). */
export type Reply =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "stream"; contentType: string; writes: string[]; headers?: Record<string, string> };

/** Providers answer with a dated snapshot of the model asked for. */
export function answeredModel(requested: string): string {
  return `${requested}-2026-01-15`;
}

/** The ids a stand-in gives its answers, named after it ("upstream", "demo"). */
export function responseIdsOf(source: string) {
  return {
    chat: (index: number) => `chatcmpl-${source}-${index}`,
    responses: (index: number) => `resp_${source}_${index}`,
    messages: (index: number) => `msg_${source}_${index}`,
    gemini: (index: number) => `gemini-${source}-${index}`,
    inference: (index: number) => `inference-${source}-${index}`,
    request: (index: number) => `req_${source}_${index}`,
    fingerprint: `fp_${source}`,
  };
}

type ResponseIds = ReturnType<typeof responseIdsOf>;

/** Reads a request whole; the stand-ins answer only once it is in. */
export function readWireRequest(options: { req: IncomingMessage; index: number; path?: string }): Promise<WireRequest> {
  const { req } = options;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", reject);
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      const body = Buffer.concat(chunks);
      resolve({ index: options.index, path: options.path ?? url.pathname, search: url.searchParams, headers: req.headers, body, json: parseObject(body) });
    });
  });
}

function parseObject(body: Buffer): Record<string, unknown> {
  // A camera frame is not worth a failed parse of its bytes.
  if (body.toString("latin1", 0, 64).trimStart()[0] !== "{") return {};
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Writes a reply: a JSON body in one write (or cut off after breakAfterBytes, then the
 * connection broken), a stream one write per element, chunkIntervalMs apart (all at once
 * when 0). `sent` sees exactly the bytes written.
 */
export function writeReply(options: {
  res: ServerResponse;
  reply: Reply;
  chunkIntervalMs: number;
  breakAfterBytes?: number | null;
  started?: (head: { status: number; contentType: string }) => void;
  sent?: (bytes: Buffer) => void;
}): void {
  const { res, reply, chunkIntervalMs } = options;
  if (res.destroyed) return;
  const write = (text: string, last: boolean) => {
    if (res.destroyed) return;
    const bytes = Buffer.from(text, "utf8");
    options.sent?.(bytes);
    if (last) res.end(bytes);
    else res.write(bytes);
  };
  if (reply.kind === "json") {
    const contentType = "application/json";
    options.started?.({ status: reply.status, contentType });
    res.writeHead(reply.status, { "content-type": contentType, ...reply.headers });
    const breakAfterBytes = options.breakAfterBytes ?? null;
    if (breakAfterBytes === null) return write(JSON.stringify(reply.body), true);
    res.write(Buffer.from(JSON.stringify(reply.body), "utf8").subarray(0, breakAfterBytes), () => res.destroy());
    return;
  }
  options.started?.({ status: 200, contentType: reply.contentType });
  res.writeHead(200, { "content-type": reply.contentType, "cache-control": "no-cache", ...reply.headers });
  const { writes } = reply;
  if (chunkIntervalMs <= 0) return write(writes.join(""), true);
  let timer: NodeJS.Timeout | undefined;
  res.on("close", () => clearTimeout(timer));
  const next = (i: number) => {
    write(writes[i]!, i === writes.length - 1);
    if (i < writes.length - 1) timer = setTimeout(() => next(i + 1), chunkIntervalMs);
  };
  next(0);
}

const openAiErrors: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
};
const anthropicErrors: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  529: "overloaded_error",
};
const geminiErrors: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The provider's error body for a status. */
export function errorReply(options: { flavour: Flavour; status: number; index: number; ids: ResponseIds; message: string }): Reply {
  const { flavour, status, index, ids, message } = options;
  if (flavour === "messages") {
    const type = anthropicErrors[status] ?? "api_error";
    return { kind: "json", status, body: { type: "error", error: { type, message }, request_id: ids.request(index) }, headers: { "request-id": ids.request(index) } };
  }
  if (flavour === "gemini") {
    return { kind: "json", status, body: { error: { code: status, message, status: geminiErrors[status] ?? "INTERNAL" } } };
  }
  if (flavour === "inference") return { kind: "json", status, body: { error: { code: `upstream_${status}`, message } } };
  const { type, code } = openAiErrors[status] ?? { type: "server_error", code: "server_error" };
  return { kind: "json", status, body: { error: { message, type, param: null, code } }, headers: { "x-request-id": ids.request(index) } };
}

/** A successful reply in the format the path names (the inference verdict is the caller's). */
export function contentReply(options: { request: WireRequest; content: ReplyContent; ids: ResponseIds; verdict: Record<string, unknown> }): Reply {
  const { request, content, ids } = options;
  switch (flavourOf(request.path)) {
    case "chat":
      return chatReply({ request, content, ids });
    case "responses":
      return responsesReply({ request, content, ids });
    case "embeddings":
      return embeddingsReply({ request, content });
    case "messages":
      return messagesReply({ request, content, ids });
    case "gemini":
      return geminiReply({ request, content, ids });
    case "inference":
      return inferenceReply({ request, ids, verdict: options.verdict });
  }
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;

/** Lays out a stream: the opening events go with the first delta, the closing ones with the last. */
function streamWrites(options: { opening: string; deltas: string[]; closing: string }): string[] {
  const writes = [...options.deltas];
  writes[0] = `${options.opening}${writes[0]}`;
  writes[writes.length - 1] = `${writes.at(-1)}${options.closing}`;
  return writes;
}

function requestedModel(request: WireRequest, fallback: string): string {
  return typeof request.json.model === "string" ? request.json.model : fallback;
}

const outputTokens = (content: ReplyContent) => content.outputTokens ?? content.deltas.length;
const seconds = () => Math.floor(Date.now() / 1000);

type Builder = { request: WireRequest; content: ReplyContent; ids: ResponseIds };

function chatReply({ request, content, ids }: Builder): Reply {
  const { index, json } = request;
  const deployment = /\/deployments\/([^/]+)\//.exec(request.path)?.[1];
  const model = answeredModel(requestedModel(request, deployment ?? "gpt-upstream"));
  const output = outputTokens(content);
  const usage = {
    prompt_tokens: content.promptTokens,
    completion_tokens: output,
    total_tokens: content.promptTokens + output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const base = { id: ids.chat(index), object: "chat.completion.chunk", created: seconds(), model, system_fingerprint: ids.fingerprint };
  if (json.stream !== true) {
    const message = { role: "assistant", content: content.deltas.join(""), refusal: null, annotations: [] };
    return {
      kind: "json",
      status: 200,
      body: { ...base, object: "chat.completion", choices: [{ index: 0, message, logprobs: null, finish_reason: "stop" }], usage, service_tier: "default" },
      headers: { "x-request-id": ids.request(index) },
    };
  }
  const includeUsage = (json.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (delta: object, finishReason: string | null) =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...(includeUsage ? { usage: null } : {}) });
  // Azure opens with a chunk that has no id, model or choices, only its prompt filter results.
  const azureFilter = request.path.includes("/openai/")
    ? sse({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] })
    : "";
  return {
    kind: "stream",
    contentType: "text/event-stream; charset=utf-8",
    writes: streamWrites({
      opening: `${azureFilter}${chunk({ role: "assistant", content: "", refusal: null }, null)}`,
      deltas: content.deltas.map((text) => chunk({ content: text }, null)),
      closing: `${chunk({}, "stop")}${includeUsage ? sse({ ...base, choices: [], usage }) : ""}data: [DONE]\n\n`,
    }),
  };
}

function responsesReply({ request, content, ids }: Builder): Reply {
  const { index, json } = request;
  const id = ids.responses(index);
  const itemId = ids.messages(index);
  const text = content.deltas.join("");
  const output = outputTokens(content);
  const part = { type: "output_text", text, annotations: [], logprobs: [] };
  const item = { id: itemId, type: "message", status: "completed", role: "assistant", content: [part] };
  const usage = {
    input_tokens: content.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: content.promptTokens + output,
  };
  const response = (status: string, items: unknown[], usageOrNull: unknown) => ({
    id,
    object: "response",
    created_at: seconds(),
    status,
    error: null,
    incomplete_details: null,
    instructions: json.instructions ?? null,
    max_output_tokens: null,
    model: answeredModel(requestedModel(request, "gpt-upstream")),
    output: items,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: usageOrNull,
    user: null,
    metadata: {},
  });
  if (json.stream !== true) return { kind: "json", status: 200, body: response("completed", [item], usage) };
  let sequence = 0;
  const event = (type: string, data: object) => sse({ type, sequence_number: sequence++, ...data }, type);
  const where = { item_id: itemId, output_index: 0, content_index: 0 };
  const opening =
    event("response.created", { response: response("in_progress", [], null) }) +
    event("response.in_progress", { response: response("in_progress", [], null) }) +
    event("response.output_item.added", { output_index: 0, item: { ...item, status: "in_progress", content: [] } }) +
    event("response.content_part.added", { ...where, part: { ...part, text: "" } });
  const deltas = content.deltas.map((delta) => event("response.output_text.delta", { ...where, delta, logprobs: [] }));
  const closing =
    event("response.output_text.done", { ...where, text, logprobs: [] }) +
    event("response.content_part.done", { ...where, part }) +
    event("response.output_item.done", { output_index: 0, item }) +
    event("response.completed", { response: response("completed", [item], usage) });
  return { kind: "stream", contentType: "text/event-stream; charset=utf-8", writes: streamWrites({ opening, deltas, closing }) };
}

const patternVector = (input: { index: number; dimensions: number }) => Array.from({ length: input.dimensions }, (_, j) => ((input.index * 31 + j * 17) % 100) / 100);

/** A vector of `dimensions` per input. */
function embeddingsReply(options: { request: WireRequest; content: ReplyContent }): Reply {
  const { request, content } = options;
  const { json } = request;
  const input = json.input;
  const inputs = Array.isArray(input) && !input.every((item) => typeof item === "number") ? input : [input];
  const dimensions = typeof json.dimensions === "number" ? json.dimensions : 8;
  const data = inputs.map((item, i) => {
    const vector = (content.vectorOf ?? patternVector)({ index: i, text: typeof item === "string" ? item : JSON.stringify(item ?? null), dimensions });
    // The openai SDK asks for base64 unless told otherwise and decodes it itself.
    const embedding = json.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index: i, embedding };
  });
  const model = answeredModel(requestedModel(request, "text-embedding-upstream"));
  return { kind: "json", status: 200, body: { object: "list", data, model, usage: { prompt_tokens: content.promptTokens, total_tokens: content.promptTokens } } };
}

function messagesReply({ request, content, ids }: Builder): Reply {
  const { index, json } = request;
  const output = outputTokens(content);
  const headers = { "request-id": ids.request(index) };
  // Part of the prompt is read from the cache, as a system prompt repeated call after call is.
  const cached = Math.min(4, content.promptTokens);
  const usage = { input_tokens: content.promptTokens - cached, cache_creation_input_tokens: 0, cache_read_input_tokens: cached, output_tokens: output, service_tier: "standard" };
  const message = {
    id: ids.messages(index),
    type: "message",
    role: "assistant",
    model: answeredModel(requestedModel(request, "claude-upstream")),
    content: [{ type: "text", text: content.deltas.join("") }],
    stop_reason: "end_turn",
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage,
  };
  if (json.stream !== true) return { kind: "json", status: 200, body: message, headers };
  const event = (type: string, data: object = {}) => sse({ type, ...data }, type);
  const opening =
    event("message_start", { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }) +
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }) +
    event("ping");
  const deltas = content.deltas.map((text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }));
  const closing =
    event("content_block_stop", { index: 0 }) +
    event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null, stop_details: null }, usage: { output_tokens: output } }) +
    event("message_stop");
  return { kind: "stream", contentType: "text/event-stream; charset=utf-8", writes: streamWrites({ opening, deltas, closing }), headers };
}

function geminiReply({ request, content, ids }: Builder): Reply {
  const { index, path, search } = request;
  const { deltas, promptTokens, thoughtsTokens } = content;
  const output = outputTokens(content);
  const call = /\/models\/([^/:]+):(\w+)$/.exec(path)!;
  const base = { modelVersion: answeredModel(decodeURIComponent(call[1]!)), responseId: ids.gemini(index) };
  const usage = {
    promptTokenCount: promptTokens,
    candidatesTokenCount: output,
    thoughtsTokenCount: thoughtsTokens,
    totalTokenCount: promptTokens + output + thoughtsTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }],
  };
  const chunk = (text: string, last: boolean) => ({
    candidates: [{ content: { parts: [{ text }], role: "model" }, ...(last ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: last ? usage : { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
    ...base,
  });
  if (call[2] === "generateContent") return { kind: "json", status: 200, body: chunk(deltas.join(""), true) };
  const chunks = deltas.map((text, i) => chunk(text, i === deltas.length - 1));
  // Gemini ends SSE events with CRLF pairs; without alt=sse it streams one JSON array.
  if (search.get("alt") === "sse") {
    return { kind: "stream", contentType: "text/event-stream", writes: chunks.map((data) => `data: ${JSON.stringify(data)}\r\n\r\n`) };
  }
  return { kind: "stream", contentType: "application/json; charset=UTF-8", writes: chunks.map((data, i) => `${i === 0 ? "[" : ",\r\n"}${JSON.stringify(data)}${i === chunks.length - 1 ? "]" : ""}`) };
}

function inferenceReply(options: { request: WireRequest; ids: ResponseIds; verdict: Record<string, unknown> }): Reply {
  const { request } = options;
  return {
    kind: "json",
    status: 200,
    body: {
      id: options.ids.inference(request.index),
      model: answeredModel(requestedModel(request, "optiscan-defect")),
      ...options.verdict,
      received: { contentType: request.headers["content-type"] ?? null, bytes: request.body.byteLength, fields: Object.keys(request.json) },
    },
  };
}
