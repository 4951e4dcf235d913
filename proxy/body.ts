// Reads a request body with a size limit and a time limit: a declared length over the size
// is refused before a byte is read, a body that grows past it is cut off where it crosses
// the limit, and one still arriving after timeoutMs is cut off there (a caller that
// trickles its body would otherwise hold a connection and a buffer for as long as it likes).
import { ProxyError } from "@/proxy/errors";

export function bodyTooLarge(options: { maxBytes: number }): ProxyError {
  return new ProxyError({ code: "payload_too_large", message: `The request body exceeds ${options.maxBytes} bytes.` });
}

export function bodyTimedOut(options: { timeoutMs: number }): ProxyError {
  return new ProxyError({ code: "request_timeout", message: `The request body did not arrive within ${options.timeoutMs} ms.` });
}

/**
 * The request's body, read from request.body or by `read` when the server reads it itself
 * (the Node servers do, up to one byte past the proxy's limit; see node-http.ts), held to
 * the same limits.
 */
export async function readBody(options: {
  request: Pick<Request, "headers" | "body">;
  maxBytes: number;
  timeoutMs: number;
  read?: (options: { maxBytes: number; timeoutMs: number }) => Promise<Uint8Array>;
}): Promise<Uint8Array> {
  const { request, maxBytes, timeoutMs, read } = options;
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge({ maxBytes });
  if (read) {
    const body = await read({ maxBytes, timeoutMs });
    if (body.byteLength > maxBytes) throw bodyTooLarge({ maxBytes });
    return body;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel().catch(() => undefined);
  }, timeoutMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) throw bodyTimedOut({ timeoutMs });
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw bodyTooLarge({ maxBytes });
      }
      chunks.push(value);
    }
  } catch (error) {
    if (timedOut) throw bodyTimedOut({ timeoutMs });
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
