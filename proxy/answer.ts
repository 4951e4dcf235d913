// What the core takes and gives back. A web Request and Response fit these shapes, so the
// embedded route hands Next.js's Request straight in and gets a Response out (handle).
// The standalone server passes a lighter stand-in for the Request and writes the answer
// itself (answer): building the fetch objects and streaming a whole JSON answer through a
// web stream cost it more CPU per call than several of the inspection's steps.

/** What the core reads of a request. */
export type ProxyRequest = Pick<Request, "method" | "url" | "headers" | "signal" | "body">;

/** Status, headers and a body: bytes when the whole body is known, else a stream of chunks. */
export interface ProxyAnswer {
  status: number;
  statusText?: string;
  headers: Headers;
  body: Uint8Array | ReadableStream<Uint8Array> | null;
}

export function toResponse(answer: ProxyAnswer): Response {
  if (answer instanceof Response) return answer;
  return new Response(answer.body as BodyInit | null, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}

/** A JSON answer with its length, so a server can send it in one write. */
export function jsonAnswer(options: { value: unknown; status: number; headers?: HeadersInit }): ProxyAnswer {
  const body = Buffer.from(JSON.stringify(options.value));
  const headers = new Headers(options.headers);
  headers.set("content-type", "application/json");
  headers.set("content-length", String(body.byteLength));
  return { status: options.status, headers, body };
}
