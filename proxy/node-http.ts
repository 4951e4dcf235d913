// Serves the proxy core on a Node HTTP server without the fetch objects (see answer.ts):
// the standalone edge proxy's whole server, and the app's server (scripts/serve.ts) for
// /api/proxy, ahead of Next.js. The core reads a request body through readBody, here in
// Node, up to one byte past the proxy's body limit and within its body timeout, and only
// once it knows the device: a web stream over the socket cost more CPU per call than most
// of the inspection's steps, and a caller without a valid token must not make the proxy
// hold its body. A body it does not read (a refusal, or one over a limit) stays on the
// connection, which closes after the answer. A whole answer leaves in one write; a
// streamed one chunk by chunk with backpressure, and a client that disconnects cancels the
// stream, which the core turns into a cancelled upstream request and a client_aborted record.
import http from "node:http";
import { AbortFlag, HeaderList, HeadersReader, type AbortSignalLike, type ProxyAnswer, type ProxyRequest } from "@/proxy/answer";
import { bodyTimedOut } from "@/proxy/body";
import { ProxyError } from "@/proxy/errors";
import { forwardedClient } from "@/proxy/source-address";

/** The request and what the server knows about it; readBody reads its body (see readNodeBody). */
export type FetchHandler = (
  request: ProxyRequest,
  info: { path: string; sourceAddress: string | null; readBody: ((options: { maxBytes: number; timeoutMs: number }) => Promise<Buffer>) | undefined },
) => Promise<ProxyAnswer>;

/**
 * The body as far as the core needs it: all of it, or its first maxBytes + 1 bytes when it
 * is larger (enough to refuse it), or nothing when its declared length is already over.
 * Rejects with malformed_request when the client goes away before the body has arrived,
 * and with request_timeout when it has not arrived within timeoutMs.
 */
export function readNodeBody(options: { req: http.IncomingMessage; maxBytes: number; timeoutMs: number }): Promise<Buffer> {
  const { req, maxBytes, timeoutMs } = options;
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(Buffer.alloc(0));
  // Usually the whole body has arrived by the time the core asks for it (it came with the
  // headers): then it is all in the stream's buffer, and taken at once, without listeners
  // or a timer.
  if (req.complete && req.readableFlowing === null) {
    const body = req.read() as Buffer | null;
    return Promise.resolve(body ?? Buffer.alloc(0));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const settle = (outcome: { body: Buffer } | { error: Error }) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if ("body" in outcome) resolve(outcome.body);
      else reject(outcome.error);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.byteLength;
      if (total > maxBytes) {
        req.pause();
        settle({ body: Buffer.concat(chunks, total) });
      }
    };
    const onEnd = () => settle({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) });
    const broken = (message: string) => new ProxyError({ code: "malformed_request", message });
    const onError = () => settle({ error: broken("The request body could not be read.") });
    const onClose = () => settle({ error: broken("The client closed the connection before its request body arrived.") });
    const timer = setTimeout(() => {
      req.pause();
      settle({ error: bodyTimedOut({ timeoutMs }) });
    }, timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * The request's headers as a web Headers, read straight from Node's parsed object (names
 * already in lower case, a repeated field already joined, as a Headers would join it):
 * copying them into a Headers cost more per call than reading the few the core reads.
 * Read-only, as the core only reads them.
 */
export class IncomingHeaders extends HeadersReader {
  constructor(private readonly raw: http.IncomingHttpHeaders) {
    super();
  }

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (typeof value === "string") return value;
    return Array.isArray(value) ? value.join(", ") : null;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  getSetCookie(): string[] {
    const value = this.raw["set-cookie"];
    return Array.isArray(value) ? [...value] : typeof value === "string" ? [value] : [];
  }

  append(): void {
    throw new TypeError("The request's headers are read-only.");
  }

  set(): void {
    throw new TypeError("The request's headers are read-only.");
  }

  delete(): void {
    throw new TypeError("The request's headers are read-only.");
  }

  protected names(): string[] {
    return Object.keys(this.raw);
  }
}

/**
 * The incoming method, URL and headers in the shape the core reads (ProxyRequest), without
 * a web Request: its body goes to the handler beside it.
 */
export function toProxyRequest(options: { req: http.IncomingMessage; url: string; signal: AbortSignalLike }): ProxyRequest {
  const { req } = options;
  return { method: req.method ?? "GET", url: options.url, headers: new IncomingHeaders(req.headers), signal: options.signal, body: null };
}

export async function writeAnswer(options: { answer: ProxyAnswer; req: http.IncomingMessage; res: http.ServerResponse }): Promise<void> {
  const { answer, req, res } = options;
  // Written as name and value pairs: the core's HeaderList as it is, a Headers as it iterates.
  const headers: [string, string][] = answer.headers instanceof HeaderList ? answer.headers.pairs().map(([name, value]) => [name, value]) : [...answer.headers];
  // Answered before the request body was read to its end (a refused oversized body): the
  // rest of it is still on the connection, so the connection cannot carry another request.
  if (!req.complete) {
    const other = headers.filter(([name]) => name !== "connection");
    headers.length = 0;
    headers.push(...other, ["connection", "close"]);
  }
  const body = answer.body;
  if (body instanceof Uint8Array && !headers.some(([name]) => name === "content-length")) headers.push(["content-length", String(body.byteLength)]);
  if (!body || body instanceof Uint8Array) {
    res.writeHead(answer.status, answer.statusText, headers).end(body ?? undefined);
    return;
  }
  const reader = body.getReader();
  // The stream is cancelled whenever the client is gone: the core then cancels the
  // upstream request and records client_aborted. The client may have left already.
  const cancel = () => void reader.cancel().catch(() => undefined);
  if (res.destroyed) return cancel();
  const onClose = () => {
    if (!res.writableFinished) cancel();
  };
  res.on("close", onClose);
  res.writeHead(answer.status, answer.statusText, headers);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return cancel();
      if (!res.write(value)) await drainedOrClosed(res);
      if (res.destroyed) return cancel();
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off("close", onClose);
  }
}

/** Waits until the response can take more, or is gone; leaves no listener behind. */
function drainedOrClosed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}

/** The path of a request target (the part before its query). */
function pathOf(target: string): string {
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}

/**
 * Answers one request with the core: `mount` is the path prefix the core's paths sit
 * under ("" on the edge server, "/api/proxy" in the app).
 */
export function proxyRequestListener(options: { handler: FetchHandler; origin: string; mount: string; trustProxyHeaders: boolean }): http.RequestListener {
  let origin: string | null;
  try {
    origin = new URL(options.origin).origin;
  } catch {
    origin = null;
  }
  return (req, res) => {
    // The client hung up before the response finished: the request's signal says so.
    const gone = new AbortFlag();
    res.on("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const forwarded = options.trustProxyHeaders ? forwardedClient(req.headers["x-forwarded-for"]) : null;
    const sourceAddress = forwarded ?? req.socket.remoteAddress ?? null;
    const target = req.url ?? "/";
    let request: ProxyRequest;
    // The path as the client sent it, not as URL parsing normalises it ("%2e%2e" and "\\"
    // resolved): the core refuses a path that would read one way here and another upstream.
    // The usual target, a path, is not parsed here at all: the core reads only its query.
    let path: string;
    try {
      let url: string;
      if (origin !== null && target.startsWith("/")) {
        url = `${origin}${target}`;
        path = pathOf(target);
      } else {
        const parsed = new URL(target, options.origin);
        url = parsed.href;
        path = target.startsWith("/") ? pathOf(target) : parsed.pathname;
      }
      request = toProxyRequest({ req, url, signal: gone });
    } catch {
      res.writeHead(400, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: { code: "malformed_request", message: "The request could not be read." } }));
      return;
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const readBody = hasBody ? ({ maxBytes, timeoutMs }: { maxBytes: number; timeoutMs: number }) => readNodeBody({ req, maxBytes, timeoutMs }) : undefined;
    options
      .handler(request, { path: path.slice(options.mount.length), sourceAddress, readBody })
      .then((answer) => writeAnswer({ answer, req, res }))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "internal", message: "An internal error occurred." } }));
      });
  };
}

export function createFetchServer(options: { handler: FetchHandler; origin: string; trustProxyHeaders: boolean }): http.Server {
  return http.createServer(proxyRequestListener({ ...options, mount: "" }));
}
