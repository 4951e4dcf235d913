import { describe, expect, it } from "vitest";
import { readBody } from "@/proxy/body";

/** A request whose body sends one chunk and then nothing, as a client that trickles and stalls. */
function stalledRequest(): Pick<Request, "headers" | "body"> {
  const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"model":'));
    },
  });
  return { headers: new Headers(), body };
}

describe("readBody from a web stream (the Next.js route under next dev)", () => {
  it("cuts off a body still arriving after the timeout with request_timeout", async () => {
    await expect(readBody({ request: stalledRequest(), maxBytes: 1000, timeoutMs: 50 })).rejects.toMatchObject({ code: "request_timeout", status: 408 });
  });

  it("reads a whole body within the limits, and refuses one past the size limit", async () => {
    const whole = new Request("http://app.local/", { method: "POST", body: "x".repeat(100) });
    expect((await readBody({ request: whole, maxBytes: 1000, timeoutMs: 1000 })).byteLength).toBe(100);
    const large = new Request("http://app.local/", { method: "POST", body: new Blob(["x".repeat(2000)]).stream(), duplex: "half" } as RequestInit);
    await expect(readBody({ request: large, maxBytes: 1000, timeoutMs: 1000 })).rejects.toMatchObject({ code: "payload_too_large" });
  });
});
