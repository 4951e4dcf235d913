// Reads a request body with a size limit: a declared length over it is refused before a
// byte is read, and a body that grows past it is cut off where it crosses the limit.
import { ProxyError } from "@/proxy/errors";

/**
 * The request's body, read from request.body or by `read` when the server reads it itself
 * (the standalone server does, up to one byte past the proxy's limit; see node-http.ts),
 * held to the same limit.
 */
export async function readBody(options: { request: Pick<Request, "headers" | "body">; maxBytes: number; read?: (options: { maxBytes: number }) => Promise<Uint8Array> }): Promise<Uint8Array> {
  const { request, maxBytes, read } = options;
  const tooLarge = () => new ProxyError({ code: "payload_too_large", message: `The request body exceeds ${maxBytes} bytes.` });
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (read) {
    const body = await read({ maxBytes });
    if (body.byteLength > maxBytes) throw tooLarge();
    return body;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
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
