// The proxy's client to the AI providers: node:http(s) over keep-alive connections.
// Node's fetch (undici) costs about 1.3 ms of CPU more per call on a 2-core edge box than
// node:http does (measured with `npm run bench:proxy`), more than everything else the
// proxy does for a call, so the hot path does not use it. The answer is read chunk by
// chunk as it arrives, never buffered, and aborting the signal destroys the connection.
// The signal need not be an AbortSignal: the core passes an AbortFlag (answer.ts), and
// node:http is not given it, as its abort-signal plumbing costs several µs a call.
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { urlToHttpOptions } from "node:url";
import zlib from "node:zlib";
import { HeaderList, type AbortSignalLike } from "@/proxy/answer";

export interface UpstreamCall {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array | undefined;
  /** Aborting it stops the call wherever it is: before the answer, or while it is read. */
  signal: AbortSignalLike;
}

export interface UpstreamAnswer {
  status: number;
  statusText: string;
  /** Header pairs as received, names in lower case (repeated headers repeated). */
  headers: [string, string][];
  /** The next chunk of the (decoded) body as it arrives; null at its end. */
  read(): Promise<Uint8Array | null>;
  /** Stops reading and closes the connection to the provider. */
  cancel(): void;
}

export type UpstreamClient = (call: UpstreamCall) => Promise<UpstreamAnswer>;

export function createUpstreamClient(options: { maxSockets: number }): UpstreamClient & { close(): void } {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
  };
  // A destination's URL recurs call after call: it is parsed into request options once.
  const targets = new Map<string, { transport: typeof http | typeof https; agent: http.Agent; options: http.RequestOptions }>();
  const target = (href: string) => {
    let found = targets.get(href);
    if (found) return found;
    const url = new URL(href);
    const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
    if (!transport) throw new Error(`unsupported protocol ${url.protocol}`);
    found = { transport, agent: agents[url.protocol as keyof typeof agents], options: urlToHttpOptions(url) };
    // Bounded: a query the device chose (an allowed parameter) is part of the URL.
    if (targets.size >= 1000) targets.clear();
    targets.set(href, found);
    return found;
  };
  const send = (call: UpstreamCall) =>
    new Promise<UpstreamAnswer>((resolve, reject) => {
      if (call.signal.aborted) return reject(new Error("The upstream call was aborted."));
      let to: ReturnType<typeof target>;
      try {
        to = target(call.url);
      } catch (error) {
        return reject(error as Error);
      }
      const headers: Record<string, string> = {};
      if (call.headers instanceof HeaderList) {
        for (const [name, value] of call.headers.pairs()) headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      } else {
        call.headers.forEach((value, name) => (headers[name] = value));
      }
      // Plain bytes, so the meter reads usage from the answer; a provider that
      // compresses anyway is decoded below.
      headers["accept-encoding"] = "identity";
      if (call.body !== undefined) headers["content-length"] = String(call.body.byteLength);
      const request = to.transport.request({ ...to.options, method: call.method, headers, agent: to.agent }, (response) => {
        resolve(answerOf({ response, request }));
      });
      const onAbort = () => request.destroy(new Error("The upstream call was aborted."));
      call.signal.addEventListener("abort", onAbort, { once: true });
      request.once("close", () => call.signal.removeEventListener("abort", onAbort));
      request.on("error", reject);
      request.end(call.body);
    });
  return Object.assign(send, {
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  });
}

function decoded(options: { response: http.IncomingMessage; encoding: string }): Readable {
  const { response } = options;
  const encoding = options.encoding.trim().toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? zlib.createGunzip() : encoding === "deflate" ? zlib.createInflate() : encoding === "br" ? zlib.createBrotliDecompress() : null;
  if (!decoder) return response;
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

/**
 * Reads a stream one chunk per call, pausing it while a chunk waits to be read (so nothing
 * piles up): cheaper than the stream's async iterator, which costs a promise and several
 * listeners of its own per chunk. Rejects once the stream fails or closes before its end.
 */
function chunkReader(stream: Readable): () => Promise<Uint8Array | null> {
  const waiting: Buffer[] = [];
  let ended = false;
  let failure: Error | null = null;
  let pending: { resolve: (chunk: Uint8Array | null) => void; reject: (error: Error) => void } | null = null;
  const settle = () => {
    const reader = pending;
    if (!reader) return;
    pending = null;
    if (failure) reader.reject(failure);
    else reader.resolve(null);
  };
  stream.on("data", (chunk: Buffer) => {
    if (pending) {
      const reader = pending;
      pending = null;
      reader.resolve(chunk);
    } else {
      waiting.push(chunk);
      stream.pause();
    }
  });
  stream.on("end", () => {
    ended = true;
    settle();
  });
  stream.on("error", (error) => {
    failure ??= error;
    settle();
  });
  stream.on("close", () => {
    if (!ended) failure ??= new Error("The upstream answer broke off.");
    settle();
  });
  return () => {
    const chunk = waiting.shift();
    if (chunk !== undefined) {
      if (waiting.length === 0 && !ended && !failure) stream.resume();
      return Promise.resolve(chunk);
    }
    if (failure) return Promise.reject(failure);
    if (ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      pending = { resolve, reject };
    });
  };
}

function answerOf(options: { response: http.IncomingMessage; request: http.ClientRequest }): UpstreamAnswer {
  const { response, request } = options;
  const headers: [string, string][] = [];
  let encoding = "identity";
  const raw = response.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === "content-encoding") encoding = raw[i + 1]!;
    headers.push([name, raw[i + 1]!]);
  }
  const body = decoded({ response, encoding });
  const read = chunkReader(body);
  return {
    status: response.statusCode ?? 502,
    statusText: response.statusMessage ?? "",
    headers,
    read,
    cancel() {
      request.destroy();
      body.destroy();
    },
  };
}
