import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readNodeBody } from "@/proxy/node-http";

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that reads each request's body with readNodeBody and reports the outcome. */
async function listen(maxBytes: number): Promise<{ port: number; outcomes: Promise<{ bytes: number } | { error: string }>[] }> {
  const outcomes: Promise<{ bytes: number } | { error: string }>[] = [];
  server = http.createServer((req, res) => {
    const outcome = readNodeBody({ req, maxBytes }).then(
      (body) => ({ bytes: body.byteLength }),
      (error: Error) => ({ error: error.message }),
    );
    outcomes.push(outcome);
    void outcome.then((o) => {
      if (!res.destroyed) res.writeHead(200, { connection: "close" }).end(JSON.stringify(o));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, outcomes };
}

describe("readNodeBody", () => {
  it("reads a body whole, however it is chunked", async () => {
    const { port } = await listen(1000);
    const answer = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x".repeat(1000) });
    expect(await answer.json()).toEqual({ bytes: 1000 });
  });

  it("stops one byte past the limit, leaving the rest unread, and reads nothing of a body declared too large", async () => {
    const { port } = await listen(1000);
    const pieces = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 64; i++) controller.enqueue(new Uint8Array(4096));
        controller.close();
      },
    });
    // @ts-expect-error Node's fetch needs duplex for a streamed body; not yet in the DOM types.
    const streamed = (await (await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: pieces, duplex: "half" })).json()) as { bytes: number };
    expect(streamed.bytes).toBeGreaterThan(1000);
    expect(streamed.bytes).toBeLessThan(64 * 4096);
    const declared = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x".repeat(5000) });
    expect(await declared.json()).toEqual({ bytes: 0 });
  });

  it("rejects, instead of waiting forever, when the client goes away before its body has arrived", async () => {
    const { port, outcomes } = await listen(10_000);
    const req = http.request({ port, host: "127.0.0.1", method: "POST", headers: { "content-length": "5000" } });
    req.on("error", () => undefined);
    req.write("x".repeat(100));
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    await expect.poll(() => outcomes.length).toBe(1);
    expect(await outcomes[0]).toEqual({ error: expect.any(String) });
  });
});
