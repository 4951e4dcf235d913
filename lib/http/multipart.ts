// Reads a multipart/form-data body (file uploads) for an API route, refusing more than
// maxBytes even when Content-Length lies or is absent, like readJsonBody does for JSON.
import { AppError } from "@/lib/errors";

export async function readMultipartForm(options: { request: Request; maxBytes: number }): Promise<FormData> {
  const { request, maxBytes } = options;
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw new AppError({ code: "unsupported_media_type", message: "Send the form as multipart/form-data." });
  }
  const tooLarge = () => new AppError({ code: "payload_too_large", message: `The upload is larger than ${Math.floor(maxBytes / 1024 / 1024)} MiB.` });
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError({ code: "bad_request", message: "The body is not a valid multipart form." });
  }
}
