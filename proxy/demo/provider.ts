// The built-in demo provider: a small local AI endpoint, so that the demo plant's
// destinations answer without a provider account and nothing leaves the machine. It
// speaks each provider's wire format (proxy/demo/wire.ts, shared with the tests'
// upstream): OpenAI chat completions, responses and embeddings with streaming (also on
// Azure's deployment paths), Anthropic messages, Gemini generateContent and
// streamGenerateContent, and the generic vision inference API's verdict. The answers are
// canned (proxy/demo/answers.ts). scripts/serve.ts mounts it under the app's own port
// when the database holds the demo seed; `npm start` runs it alone while it seeds.
//
// Like a provider it wants a key (any will do; the demo destinations hold one), and it
// answers callers on this machine only: it is for the proxy beside it, not the network.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { answerText, deltasOf, embeddingOf, inspectionVerdict, promptText, tokensIn } from "@/proxy/demo/answers";
import { contentReply, errorReply, flavourOf, readWireRequest, responseIdsOf, writeReply, type Reply, type WireRequest } from "@/proxy/demo/wire";

export const demoResponseIds = responseIdsOf("demo");

/** Every answer says where it came from. */
export const demoProviderHeader = "x-demo-provider";

export interface DemoProvider {
  /** Answers a request whose path starts with the mount path. */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** A caller on this machine: loopback, or the address the server itself listens on. */
export function isLocalCaller(socket: Pick<Socket, "remoteAddress" | "localAddress">): boolean {
  const remote = socket.remoteAddress ?? "";
  return remote === socket.localAddress || /^(127\.|::1$|::ffff:127\.)/.test(remote);
}

function hasProviderKey(request: WireRequest): boolean {
  const { headers } = request;
  const bearer = /^bearer\s+\S+/i.test(String(headers.authorization ?? ""));
  return bearer || [headers["x-api-key"], headers["api-key"], headers["x-goog-api-key"]].some((v) => typeof v === "string" && v.trim() !== "") || request.search.has("key");
}

/**
 * `mount` is the path it answers under; below it, the format comes from the path's end
 * (the demo destinations add their slug, lib/seed/demo-plant.ts demoProviderPaths).
 * `chunkIntervalMs` paces streams so a person sees them stream; 0 sends them at once.
 */
export function createDemoProvider(options: { mount: string; chunkIntervalMs: number }): DemoProvider {
  let counter = 0;
  return {
    handle(req, res) {
      const index = ++counter;
      const pathname = new URL(req.url ?? "/", "http://demo").pathname;
      const path = pathname.startsWith(options.mount) ? pathname.slice(options.mount.length) || "/" : pathname;
      readWireRequest({ req, index, path }).then(
        (request) => {
          const reply = replyFor({ request, method: req.method ?? "GET", local: isLocalCaller(req.socket) });
          writeReply({ res, reply: { ...reply, headers: { ...reply.headers, [demoProviderHeader]: "conduit-ledger demo, canned answers" } }, chunkIntervalMs: options.chunkIntervalMs });
        },
        () => res.destroy(),
      );
    },
  };
}

function replyFor(options: { request: WireRequest; method: string; local: boolean }): Reply {
  const { request } = options;
  const flavour = flavourOf(request.path);
  const fail = (status: number, message: string) => errorReply({ flavour, status, index: request.index, ids: demoResponseIds, message });
  if (!options.local) return fail(403, "The demo provider answers callers on this machine only.");
  if (options.method !== "POST") return fail(405, "The demo provider answers POST requests.");
  if (!hasProviderKey(request)) return fail(401, "No API key: send the destination's provider key.");
  if (flavour === "inference") {
    return contentReply({ request, content: { deltas: [], promptTokens: 0, thoughtsTokens: 0 }, ids: demoResponseIds, verdict: inspectionVerdict(request.body) });
  }
  if (Object.keys(request.json).length === 0) return fail(400, "The body is not a JSON object.");
  const prompt = promptText(flavour === "embeddings" ? request.json.input : request.json);
  if (flavour === "embeddings") {
    // text-embedding-3-small's size unless the request asks for fewer dimensions.
    const json = { dimensions: 1536, ...request.json };
    return contentReply({ request: { ...request, json }, content: { deltas: [], promptTokens: tokensIn(prompt), thoughtsTokens: 0, vectorOf: embeddingOf }, ids: demoResponseIds, verdict: {} });
  }
  const text = answerText(prompt);
  const content = { deltas: deltasOf(text), promptTokens: tokensIn(prompt), outputTokens: tokensIn(text), thoughtsTokens: flavour === "gemini" ? 12 : 0 };
  return contentReply({ request, content, ids: demoResponseIds, verdict: {} });
}

/** The demo provider on a server of its own (while `npm start` seeds, and in tests). */
export async function startDemoProvider(options: { host: string; port: number; mount: string; chunkIntervalMs?: number }) {
  const provider = createDemoProvider({ mount: options.mount, chunkIntervalMs: options.chunkIntervalMs ?? 0 });
  const server = createServer((req, res) => provider.handle(req, res));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port, options.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    /** The mount's URL, no trailing slash. */
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}${options.mount}`,
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
