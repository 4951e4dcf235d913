// Reads a request body with a size limit: a declared length over it is refused before a
// byte is read, and a body that grows past it is cut off where it crosses the limit.
import { ProxyError } from "@/proxy/errors";

/**
 * The request's body, or `alreadyRead` when the server has read it (the standalone server
 * does, up to one byte past the proxy's limit; see node-http.ts), held to the same limit.
 */
export async function readBody(options: { request: Pick<Request, "headers" | "body">; maxBytes: number; alreadyRead?: Uint8Array }): Promise<Uint8Array> {
  const { request, maxBytes, alreadyRead } = options;
  const tooLarge = () => new ProxyError({ code: "payload_too_large", message: `The request body exceeds ${maxBytes} bytes.` });
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (alreadyRead) {
    if (alreadyRead.byteLength > maxBytes) throw tooLarge();
    return alreadyRead;
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
