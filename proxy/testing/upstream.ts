// A stand-in for the AI providers on loopback, for tests and the load benchmark. It
// answers in each provider's wire format (JSON and SSE) closely enough for the
// official SDKs: OpenAI chat completions, responses and embeddings (also on Azure's
// deployment paths), Anthropic messages, Gemini generateContent and
// streamGenerateContent, and a generic inference API that returns a verdict.
//
// The formats are written once, in proxy/demo/wire.ts, which the built-in demo provider
// shares; this file adds what tests need around them. It picks the format by path
// suffix, so it can sit under any base path. Behaviour (errors, delays, stream pacing)
// is set at start, changed with configure(), or overridden per request with
// x-upstream-* headers, which pass through the proxy.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answeredModel, contentReply, errorReply, flavourOf, readWireRequest, responseIdsOf, writeReply, type Reply, type WireRequest } from "@/proxy/demo/wire";

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
  /** Name this model in a JSON answer instead of the one asked for (a provider swapping models). */
  answerModel: string | null;
}

/** Per-request overrides of UpstreamBehaviour. */
export const behaviourHeaders = {
  errorStatus: "x-upstream-error-status",
  delayMs: "x-upstream-delay-ms",
  chunkIntervalMs: "x-upstream-chunk-interval-ms",
  chunkCount: "x-upstream-chunk-count",
  breakAfterBytes: "x-upstream-break-after-bytes",
  answerModel: "x-upstream-answer-model",
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

export { answeredModel };

export const responseIds = responseIdsOf("upstream");

export async function startTestUpstream(options: StartTestUpstreamOptions = {}): Promise<TestUpstream> {
  const { record = true, ...initial } = options;
  let defaults: UpstreamBehaviour = { errorStatus: null, delayMs: 0, chunkIntervalMs: 0, chunkCount: 3, breakAfterBytes: null, answerModel: null, ...initial };
  const requests: UpstreamRequestRecord[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    const index = ++counter;
    void readWireRequest({ req, index }).then((request) => {
      const behaviour = behaviourFor(defaults, req.headers);
      const recorder = record ? recordRequest({ requests, request, method: req.method ?? "GET", res }) : null;
      respond({ request, behaviour, res, recorder });
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
    answerModel: (headers[behaviourHeaders.answerModel] as string | undefined) ?? defaults.answerModel,
  };
}

interface Recorder {
  written: Buffer[];
  status: number;
  contentType: string;
}

function recordRequest(options: { requests: UpstreamRequestRecord[]; request: WireRequest; method: string; res: ServerResponse }): Recorder {
  const { request, res } = options;
  const recorder: Recorder = { written: [], status: 0, contentType: "" };
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    for (const item of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, item);
  }
  options.requests.push({
    index: request.index,
    method: options.method,
    path: request.path,
    search: request.search,
    headers,
    body: new Uint8Array(request.body),
    bodyText: request.body.toString("utf8"),
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

function respond(options: { request: WireRequest; behaviour: UpstreamBehaviour; res: ServerResponse; recorder: Recorder | null }): void {
  const { request, behaviour, res, recorder } = options;
  const send = () =>
    writeReply({
      res,
      reply: replyFor({ request, behaviour }),
      chunkIntervalMs: behaviour.chunkIntervalMs,
      breakAfterBytes: behaviour.breakAfterBytes,
      started: (head) => recorder && Object.assign(recorder, head),
      sent: (bytes) => recorder?.written.push(bytes),
    });
  if (behaviour.delayMs <= 0) return send();
  const timer = setTimeout(send, behaviour.delayMs);
  res.on("close", () => clearTimeout(timer));
}

function replyFor(options: { request: WireRequest; behaviour: UpstreamBehaviour }): Reply {
  const { request, behaviour } = options;
  const flavour = flavourOf(request.path);
  const fail = (status: number) => errorReply({ flavour, status, index: request.index, ids: responseIds, message: `The test upstream was told to fail with ${status}.` });
  if (behaviour.errorStatus !== null) return fail(behaviour.errorStatus);
  if (flavour !== "inference" && Object.keys(request.json).length === 0) return fail(400);
  const content = { deltas: replyDeltas(behaviour.chunkCount), promptTokens: upstreamPromptTokens, thoughtsTokens: upstreamThoughtsTokens };
  const reply = contentReply({ request, content, ids: responseIds, verdict: { verdict: "pass", confidence: 0.97 } });
  if (behaviour.answerModel !== null && reply.kind === "json" && reply.body && typeof reply.body === "object") {
    const body = reply.body as Record<string, unknown>;
    body[body.modelVersion === undefined ? "model" : "modelVersion"] = behaviour.answerModel;
  }
  return reply;
}
