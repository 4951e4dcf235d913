// The proxy's client to the AI providers: node:http(s) over keep-alive connections.
// Node's fetch (undici) costs about 1.3 ms of CPU more per call on a 2-core edge box than
// node:http does (measured with `npm run bench:proxy`), more than everything else the
// proxy does for a call, so the hot path does not use it. The answer is read chunk by
// chunk as it arrives, never buffered, and aborting the signal destroys the connection.
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import zlib from "node:zlib";

export interface UpstreamCall {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array | undefined;
  signal: AbortSignal;
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
  const send = (call: UpstreamCall) =>
    new Promise<UpstreamAnswer>((resolve, reject) => {
      const url = new URL(call.url);
      const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
      if (!transport) return reject(new Error(`unsupported protocol ${url.protocol}`));
      const headers: Record<string, string> = Object.fromEntries(call.headers);
      // Plain bytes, so the meter reads usage from the answer; a provider that
      // compresses anyway is decoded below.
      headers["accept-encoding"] = "identity";
      if (call.body !== undefined) headers["content-length"] = String(call.body.byteLength);
      const request = transport.request(url, { method: call.method, headers, agent: agents[url.protocol as keyof typeof agents], signal: call.signal }, (response) => {
        resolve(answerOf({ response, request }));
      });
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

function decoded(response: http.IncomingMessage): Readable {
  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? zlib.createGunzip() : encoding === "deflate" ? zlib.createInflate() : encoding === "br" ? zlib.createBrotliDecompress() : null;
  if (!decoder) return response;
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

function answerOf(options: { response: http.IncomingMessage; request: http.ClientRequest }): UpstreamAnswer {
  const { response, request } = options;
  const headers: [string, string][] = [];
  const raw = response.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  const body = decoded(response);
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return {
    status: response.statusCode ?? 502,
    statusText: response.statusMessage ?? "",
    headers,
    async read() {
      const next = await chunks.next();
      return next.done ? null : next.value;
    },
    cancel() {
      request.destroy();
      body.destroy();
    },
  };
}
