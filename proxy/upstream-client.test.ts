import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUpstreamClient, type UpstreamAnswer } from "@/proxy/upstream-client";

let server: http.Server;
let base: string;
const seen: http.IncomingHttpHeaders[] = [];
const client = createUpstreamClient({ maxSockets: 8 });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.url === "/gzip") {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(zlib.gzipSync(JSON.stringify({ echoed: body })));
      } else if (req.url === "/empty") {
        res.writeHead(204).end();
      } else if (req.url === "/slow") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: first\n\n");
        // Never ends by itself: the caller must be able to stop it.
      } else {
        res.writeHead(201, "Made", [["x-one", "1"], ["Set-Thing", "a"], ["Set-Thing", "b"]]).end(body.toUpperCase());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function text(answer: UpstreamAnswer): Promise<string> {
  const chunks: Uint8Array[] = [];
  for (let chunk = await answer.read(); chunk !== null; chunk = await answer.read()) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

const call = (path: string, body?: string, signal = new AbortController().signal) =>
  client({ url: `${base}${path}`, method: body === undefined ? "GET" : "POST", headers: new Headers({ "content-type": "text/plain", "accept-encoding": "gzip, br" }), body: body === undefined ? undefined : new TextEncoder().encode(body), signal });

describe("the proxy's upstream client", () => {
  it("sends the body with its length and relays status, reason and every header as received", async () => {
    const answer = await call("/echo", "spindle");
    expect(answer.status).toBe(201);
    expect(answer.statusText).toBe("Made");
    expect(answer.headers.filter(([name]) => name === "set-thing")).toEqual([["set-thing", "a"], ["set-thing", "b"]]);
    expect(await text(answer)).toBe("SPINDLE");
    expect(seen.at(-1)!["content-length"]).toBe("7");
    // Asks for plain bytes, whatever the device asked for, so the answer can be metered.
    expect(seen.at(-1)!["accept-encoding"]).toBe("identity");
  });

  it("decodes a provider that compresses anyway", async () => {
    const answer = await call("/gzip", "pump P-101");
    expect(JSON.parse(await text(answer))).toEqual({ echoed: "pump P-101" });
  });

  it("ends an answer without a body at once", async () => {
    const answer = await call("/empty");
    expect(answer.status).toBe(204);
    expect(await answer.read()).toBeNull();
  });

  it("stops a stream that never ends when the signal aborts", async () => {
    const abort = new AbortController();
    const answer = await call("/slow", "", abort.signal);
    expect(Buffer.from((await answer.read())!).toString()).toBe("data: first\n\n");
    const next = answer.read();
    abort.abort();
    await expect(next).rejects.toThrow();
  });

  it("rejects when the provider cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client({ url: `http://127.0.0.1:${port}/`, method: "GET", headers: new Headers(), body: undefined, signal: new AbortController().signal })).rejects.toThrow();
  });
});
