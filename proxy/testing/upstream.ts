// A stand-in for the AI providers on loopback, for tests and the load benchmark. It
// answers in each provider's wire format (JSON and SSE) closely enough for the
// official SDKs: OpenAI chat completions, responses and embeddings (also on Azure's
// deployment paths), Anthropic messages, Gemini generateContent and
// streamGenerateContent, and a generic inference API that returns a verdict.
//
// It picks the format by path suffix, so it can sit under any base path. Behaviour
// (errors, delays, stream pacing) is set at start, changed with configure(), or
// overridden per request with x-upstream-* headers, which pass through the proxy.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface UpstreamBehaviour {
  /** Answer with this status and the provider's error body instead of a result. */
  errorStatus: number | null;
  /** Wait this long before the response headers (for timeout tests). */
  delayMs: number;
  /** Pause between the writes of a stream; 0 writes the whole stream at once. */
  chunkIntervalMs: number;
  /** Text deltas in a stream, one write each; also the words (and output tokens) of a reply. */
  chunkCount: number;
  /** Break the connection after this many bytes of a JSON answer (null: answer whole). */
  breakAfterBytes: number | null;
}

/** Per-request overrides of UpstreamBehaviour. */
export const behaviourHeaders = {
  errorStatus: "x-upstream-error-status",
  delayMs: "x-upstream-delay-ms",
  chunkIntervalMs: "x-upstream-chunk-interval-ms",
  chunkCount: "x-upstream-chunk-count",
  breakAfterBytes: "x-upstream-break-after-bytes",
} as const satisfies Record<keyof UpstreamBehaviour, string>;

export interface StartTestUpstreamOptions extends Partial<UpstreamBehaviour> {
  /** Keep what each request sent and got (default true); off for load benchmarks. */
  record?: boolean;
}

export interface UpstreamOutcome {
  status: number;
  contentType: string;
  /** Exactly the bytes written, for feeding a meter. */
  body: Uint8Array;
  writes: number;
  /** The client went away before the response ended. */
  aborted: boolean;
}

export interface UpstreamRequestRecord {
  /** 1-based; response ids are derived from it (see responseIds). */
  index: number;
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Headers;
  body: Uint8Array;
  bodyText: string;
  /** Settles when the response has ended or the client has gone away. */
  outcome: Promise<UpstreamOutcome>;
}

export interface TestUpstream {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  requests: UpstreamRequestRecord[];
  configure(behaviour: Partial<UpstreamBehaviour>): void;
  close(): Promise<void>;
}

/** Every reply reports this many prompt tokens (Anthropic: 17 fresh + 4 read from cache). */
export const upstreamPromptTokens = 21;
/** Gemini's replies also report this many thinking tokens. */
export const upstreamThoughtsTokens = 2;

const replyWords = ["Spindle", "vibration", "on", "press", "P-101", "is", "within", "limits."];

/** The text deltas of a reply of `count` chunks. */
export function replyDeltas(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${replyWords[i % replyWords.length]}${i < count - 1 ? " " : ""}`);
}

export function replyText(count: number): string {
  return replyDeltas(count).join("");
}

/** Providers answer with a dated snapshot of the model asked for. */
export function answeredModel(requested: string): string {
  return `${requested}-2026-01-15`;
}

export const responseIds = {
  chat: (index: number) => `chatcmpl-upstream-${index}`,
  responses: (index: number) => `resp_upstream_${index}`,
  messages: (index: number) => `msg_upstream_${index}`,
  gemini: (index: number) => `gemini-upstream-${index}`,
  inference: (index: number) => `inference-${index}`,
};

type Flavour = "chat" | "responses" | "embeddings" | "messages" | "gemini" | "inference";

function flavourOf(path: string): Flavour {
  if (path.endsWith("/chat/completions")) return "chat";
  if (path.endsWith("/responses")) return "responses";
  if (path.endsWith("/embeddings")) return "embeddings";
  if (path.endsWith("/messages")) return "messages";
  if (/\/models\/[^/]+:(generateContent|streamGenerateContent)$/.test(path)) return "gemini";
  return "inference";
}

interface Exchange {
  index: number;
  path: string;
  search: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
  json: Record<string, unknown>;
  behaviour: UpstreamBehaviour;
}

/** What to send: a JSON body, or a stream in writes (each one or more SSE events). */
type Reply =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "stream"; contentType: string; writes: string[]; headers?: Record<string, string> };

export async function startTestUpstream(options: StartTestUpstreamOptions = {}): Promise<TestUpstream> {
  const { record = true, ...initial } = options;
  let defaults: UpstreamBehaviour = { errorStatus: null, delayMs: 0, chunkIntervalMs: 0, chunkCount: 3, breakAfterBytes: null, ...initial };
  const requests: UpstreamRequestRecord[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://upstream");
      const body = Buffer.concat(chunks);
      const exchange: Exchange = {
        index: ++counter,
        path: url.pathname,
        search: url.searchParams,
        headers: req.headers,
        body,
        json: parseObject(body),
        behaviour: behaviourFor(defaults, req.headers),
      };
      const recorder = record ? recordRequest({ requests, exchange, method: req.method ?? "GET", res }) : null;
      respond({ exchange, res, recorder });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    configure(behaviour) {
      defaults = { ...defaults, ...behaviour };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function behaviourFor(defaults: UpstreamBehaviour, headers: IncomingMessage["headers"]): UpstreamBehaviour {
  const number = (name: string) => {
    const value = headers[name];
    return typeof value === "string" && value !== "" && Number.isFinite(Number(value)) ? Number(value) : undefined;
  };
  return {
    errorStatus: number(behaviourHeaders.errorStatus) ?? defaults.errorStatus,
    delayMs: number(behaviourHeaders.delayMs) ?? defaults.delayMs,
    chunkIntervalMs: number(behaviourHeaders.chunkIntervalMs) ?? defaults.chunkIntervalMs,
    chunkCount: Math.max(1, number(behaviourHeaders.chunkCount) ?? defaults.chunkCount),
    breakAfterBytes: number(behaviourHeaders.breakAfterBytes) ?? defaults.breakAfterBytes,
  };
}

function parseObject(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

interface Recorder {
  written: Buffer[];
  status: number;
  contentType: string;
}

function recordRequest(options: { requests: UpstreamRequestRecord[]; exchange: Exchange; method: string; res: ServerResponse }): Recorder {
  const { exchange, res } = options;
  const recorder: Recorder = { written: [], status: 0, contentType: "" };
  const headers = new Headers();
  for (const [name, value] of Object.entries(exchange.headers)) {
    for (const item of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, item);
  }
  options.requests.push({
    index: exchange.index,
    method: options.method,
    path: exchange.path,
    search: exchange.search,
    headers,
    body: new Uint8Array(exchange.body),
    bodyText: exchange.body.toString("utf8"),
    outcome: new Promise((resolve) => {
      res.on("close", () =>
        resolve({
          status: recorder.status,
          contentType: recorder.contentType,
          body: new Uint8Array(Buffer.concat(recorder.written)),
          writes: recorder.written.length,
          aborted: !res.writableFinished,
        }),
      );
    }),
  });
  return recorder;
}

function respond(options: { exchange: Exchange; res: ServerResponse; recorder: Recorder | null }): void {
  const { exchange, res, recorder } = options;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  res.on("close", () => timers.forEach(clearTimeout));

  const send = () => {
    if (res.destroyed) return;
    const reply = replyFor(exchange);
    const write = (text: string, last: boolean) => {
      if (res.destroyed) return;
      const bytes = Buffer.from(text, "utf8");
      recorder?.written.push(bytes);
      if (last) res.end(bytes);
      else res.write(bytes);
    };
    if (reply.kind === "json") {
      const contentType = "application/json";
      if (recorder) Object.assign(recorder, { status: reply.status, contentType });
      res.writeHead(reply.status, { "content-type": contentType, ...reply.headers });
      const { breakAfterBytes } = exchange.behaviour;
      if (breakAfterBytes === null) return write(JSON.stringify(reply.body), true);
      res.write(Buffer.from(JSON.stringify(reply.body), "utf8").subarray(0, breakAfterBytes), () => res.destroy());
      return;
    }
    if (recorder) Object.assign(recorder, { status: 200, contentType: reply.contentType });
    res.writeHead(200, { "content-type": reply.contentType, "cache-control": "no-cache", ...reply.headers });
    const { writes } = reply;
    const { chunkIntervalMs } = exchange.behaviour;
    if (chunkIntervalMs <= 0) {
      write(writes.join(""), true);
      return;
    }
    const next = (i: number) => {
      write(writes[i]!, i === writes.length - 1);
      if (i < writes.length - 1) later(chunkIntervalMs, () => next(i + 1));
    };
    next(0);
  };
  if (exchange.behaviour.delayMs > 0) later(exchange.behaviour.delayMs, send);
  else send();
}

function replyFor(exchange: Exchange): Reply {
  const flavour = flavourOf(exchange.path);
  const { errorStatus } = exchange.behaviour;
  if (errorStatus !== null) return errorReply({ flavour, status: errorStatus, index: exchange.index });
  const malformed = flavour !== "inference" && Object.keys(exchange.json).length === 0;
  if (malformed) return errorReply({ flavour, status: 400, index: exchange.index });
  switch (flavour) {
    case "chat":
      return chatReply(exchange);
    case "responses":
      return responsesReply(exchange);
    case "embeddings":
      return embeddingsReply(exchange);
    case "messages":
      return messagesReply(exchange);
    case "gemini":
      return geminiReply(exchange);
    case "inference":
      return inferenceReply(exchange);
  }
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

function errorReply(options: { flavour: Flavour; status: number; index: number }): Reply {
  const { flavour, status, index } = options;
  const message = `The test upstream was told to fail with ${status}.`;
  if (flavour === "messages") {
    const type = anthropicErrors[status] ?? "api_error";
    return { kind: "json", status, body: { type: "error", error: { type, message }, request_id: `req_upstream_${index}` }, headers: { "request-id": `req_upstream_${index}` } };
  }
  if (flavour === "gemini") {
    return { kind: "json", status, body: { error: { code: status, message, status: geminiErrors[status] ?? "INTERNAL" } } };
  }
  if (flavour === "inference") return { kind: "json", status, body: { error: { code: `upstream_${status}`, message } } };
  const { type, code } = openAiErrors[status] ?? { type: "server_error", code: "server_error" };
  return { kind: "json", status, body: { error: { message, type, param: null, code } }, headers: { "x-request-id": `req_upstream_${index}` } };
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;

/** Lays out a stream: the opening events go with the first delta, the closing ones with the last. */
function streamWrites(options: { opening: string; deltas: string[]; closing: string }): string[] {
  const writes = [...options.deltas];
  writes[0] = `${options.opening}${writes[0]}`;
  writes[writes.length - 1] = `${writes.at(-1)}${options.closing}`;
  return writes;
}

function requestedModel(exchange: Exchange, fallback: string): string {
  return typeof exchange.json.model === "string" ? exchange.json.model : fallback;
}

const now = () => Math.floor(Date.now() / 1000);

function chatReply(exchange: Exchange): Reply {
  const { index, behaviour, json } = exchange;
  const deployment = /\/deployments\/([^/]+)\//.exec(exchange.path)?.[1];
  const model = answeredModel(requestedModel(exchange, deployment ?? "gpt-upstream"));
  const count = behaviour.chunkCount;
  const usage = {
    prompt_tokens: upstreamPromptTokens,
    completion_tokens: count,
    total_tokens: upstreamPromptTokens + count,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const base = { id: responseIds.chat(index), object: "chat.completion.chunk", created: now(), model, system_fingerprint: "fp_upstream" };
  if (json.stream !== true) {
    const message = { role: "assistant", content: replyText(count), refusal: null, annotations: [] };
    return {
      kind: "json",
      status: 200,
      body: { ...base, object: "chat.completion", choices: [{ index: 0, message, logprobs: null, finish_reason: "stop" }], usage, service_tier: "default" },
      headers: { "x-request-id": `req_upstream_${index}` },
    };
  }
  const includeUsage = (json.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (delta: object, finishReason: string | null) =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...(includeUsage ? { usage: null } : {}) });
  // Azure opens with a chunk that has no id, model or choices, only its prompt filter results.
  const azureFilter = exchange.path.includes("/openai/")
    ? sse({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] })
    : "";
  return {
    kind: "stream",
    contentType: "text/event-stream; charset=utf-8",
    writes: streamWrites({
      opening: `${azureFilter}${chunk({ role: "assistant", content: "", refusal: null }, null)}`,
      deltas: replyDeltas(count).map((content) => chunk({ content }, null)),
      closing: `${chunk({}, "stop")}${includeUsage ? sse({ ...base, choices: [], usage }) : ""}data: [DONE]\n\n`,
    }),
  };
}

function responsesReply(exchange: Exchange): Reply {
  const { index, behaviour, json } = exchange;
  const count = behaviour.chunkCount;
  const id = responseIds.responses(index);
  const itemId = `msg_upstream_${index}`;
  const text = replyText(count);
  const part = { type: "output_text", text, annotations: [], logprobs: [] };
  const item = { id: itemId, type: "message", status: "completed", role: "assistant", content: [part] };
  const usage = {
    input_tokens: upstreamPromptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: count,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: upstreamPromptTokens + count,
  };
  const response = (status: string, output: unknown[], usageOrNull: unknown) => ({
    id,
    object: "response",
    created_at: now(),
    status,
    error: null,
    incomplete_details: null,
    instructions: json.instructions ?? null,
    max_output_tokens: null,
    model: answeredModel(requestedModel(exchange, "gpt-upstream")),
    output: output,
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
  const deltas = replyDeltas(count).map((delta) => event("response.output_text.delta", { ...where, delta, logprobs: [] }));
  const closing =
    event("response.output_text.done", { ...where, text, logprobs: [] }) +
    event("response.content_part.done", { ...where, part }) +
    event("response.output_item.done", { output_index: 0, item }) +
    event("response.completed", { response: response("completed", [item], usage) });
  return { kind: "stream", contentType: "text/event-stream; charset=utf-8", writes: streamWrites({ opening, deltas, closing }) };
}

function embeddingsReply(exchange: Exchange): Reply {
  const { json } = exchange;
  const input = json.input;
  const inputs = Array.isArray(input) && !input.every((item) => typeof item === "number") ? input : [input];
  const dimensions = typeof json.dimensions === "number" ? json.dimensions : 8;
  const data = inputs.map((_, i) => {
    const vector = Array.from({ length: dimensions }, (_, j) => ((i * 31 + j * 17) % 100) / 100);
    // The openai SDK asks for base64 unless told otherwise and decodes it itself.
    const embedding = json.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index: i, embedding };
  });
  const model = answeredModel(requestedModel(exchange, "text-embedding-upstream"));
  return { kind: "json", status: 200, body: { object: "list", data, model, usage: { prompt_tokens: upstreamPromptTokens, total_tokens: upstreamPromptTokens } } };
}

function messagesReply(exchange: Exchange): Reply {
  const { index, behaviour, json } = exchange;
  const count = behaviour.chunkCount;
  const headers = { "request-id": `req_upstream_${index}` };
  const usage = { input_tokens: upstreamPromptTokens - 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: count, service_tier: "standard" };
  const message = {
    id: responseIds.messages(index),
    type: "message",
    role: "assistant",
    model: answeredModel(requestedModel(exchange, "claude-upstream")),
    content: [{ type: "text", text: replyText(count) }],
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
  const deltas = replyDeltas(count).map((text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }));
  const closing =
    event("content_block_stop", { index: 0 }) +
    event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null, stop_details: null }, usage: { output_tokens: count } }) +
    event("message_stop");
  return { kind: "stream", contentType: "text/event-stream; charset=utf-8", writes: streamWrites({ opening, deltas, closing }), headers };
}

function geminiReply(exchange: Exchange): Reply {
  const { index, behaviour, path, search } = exchange;
  const count = behaviour.chunkCount;
  const call = /\/models\/([^/:]+):(\w+)$/.exec(path)!;
  const base = { modelVersion: answeredModel(decodeURIComponent(call[1]!)), responseId: responseIds.gemini(index) };
  const usage = {
    promptTokenCount: upstreamPromptTokens,
    candidatesTokenCount: count,
    thoughtsTokenCount: upstreamThoughtsTokens,
    totalTokenCount: upstreamPromptTokens + count + upstreamThoughtsTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: upstreamPromptTokens }],
  };
  const chunk = (text: string, last: boolean) => ({
    candidates: [{ content: { parts: [{ text }], role: "model" }, ...(last ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: last ? usage : { promptTokenCount: upstreamPromptTokens, totalTokenCount: upstreamPromptTokens },
    ...base,
  });
  if (call[2] === "generateContent") return { kind: "json", status: 200, body: chunk(replyText(count), true) };
  const chunks = replyDeltas(count).map((text, i) => chunk(text, i === count - 1));
  // Gemini ends SSE events with CRLF pairs; without alt=sse it streams one JSON array.
  if (search.get("alt") === "sse") {
    return { kind: "stream", contentType: "text/event-stream", writes: chunks.map((data) => `data: ${JSON.stringify(data)}\r\n\r\n`) };
  }
  return { kind: "stream", contentType: "application/json; charset=UTF-8", writes: chunks.map((data, i) => `${i === 0 ? "[" : ",\r\n"}${JSON.stringify(data)}${i === count - 1 ? "]" : ""}`) };
}

function inferenceReply(exchange: Exchange): Reply {
  const { index, headers, body, json } = exchange;
  return {
    kind: "json",
    status: 200,
    body: {
      id: responseIds.inference(index),
      model: answeredModel(requestedModel(exchange, "optiscan-defect")),
      verdict: "pass",
      confidence: 0.97,
      received: { contentType: headers["content-type"] ?? null, bytes: body.byteLength, fields: Object.keys(json) },
    },
  };
}
