// Serves a fetch-style handler (Request in, Response out) on a Node HTTP server, for the
// standalone edge proxy. Request bodies stream in; response bodies are written chunk by
// chunk with backpressure, and a client that disconnects cancels the response stream,
// which the core turns into a cancelled upstream request and a client_aborted record.
import http from "node:http";
import { Readable } from "node:stream";

export type FetchHandler = (request: Request, info: { sourceAddress: string | null }) => Promise<Response>;

export function toWebRequest(options: { req: http.IncomingMessage; origin: string; signal: AbortSignal }): Request {
  const { req } = options;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", options.origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal: options.signal,
    // @ts-expect-error Node's fetch needs duplex for a streamed request body; not yet in the DOM types.
    duplex: "half",
  });
}

export async function writeWebResponse(options: { response: Response; req: http.IncomingMessage; res: http.ServerResponse }): Promise<void> {
  const { response, req, res } = options;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  // Answered before the request body was read to its end (a refused oversized body): the
  // rest of it is still on the connection, so the connection cannot carry another request.
  if (!req.complete) headers.connection = "close";
  res.writeHead(response.status, response.statusText, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) void reader.cancel().catch(() => undefined);
  };
  res.on("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
      if (res.destroyed) break;
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off("close", onClose);
  }
}

export function createFetchServer(options: { handler: FetchHandler; origin: string; trustProxyHeaders: boolean }): http.Server {
  return http.createServer((req, res) => {
    const abort = new AbortController();
    // The client hung up before the response finished: the request's signal says so.
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const forwarded = options.trustProxyHeaders ? String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() : "";
    const sourceAddress = forwarded || req.socket.remoteAddress || null;
    let request: Request;
    try {
      request = toWebRequest({ req, origin: options.origin, signal: abort.signal });
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "malformed_request", message: "The request could not be read." } }));
      return;
    }
    options
      .handler(request, { sourceAddress })
      .then((response) => writeWebResponse({ response, req, res }))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "internal", message: "An internal error occurred." } }));
      });
  });
}
