import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortFlag, HeaderList } from "@/proxy/answer";
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
      } else if (req.url === "/never") {
        // Answers nothing: the caller must be able to stop waiting.
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

  it("takes the core's HeaderList and AbortFlag: headers sent as given, and an abort before the answer rejects", async () => {
    const headers = new HeaderList([
      ["content-type", "text/plain"],
      ["x-two", "a"],
      ["x-two", "b"],
    ]);
    const answer = await client({ url: `${base}/echo?q=1`, method: "POST", headers, body: new TextEncoder().encode("gear"), signal: new AbortFlag() });
    expect(await text(answer)).toBe("GEAR");
    expect(seen.at(-1)!["x-two"]).toBe("a, b");
    const abort = new AbortFlag();
    const pending = client({ url: `${base}/never`, method: "POST", headers, body: new Uint8Array(0), signal: abort });
    await new Promise((resolve) => setTimeout(resolve, 50));
    abort.abort(Symbol("timed out"));
    await expect(pending).rejects.toThrow();
    const aborted = new AbortFlag();
    aborted.abort();
    await expect(client({ url: `${base}/echo`, method: "GET", headers, body: undefined, signal: aborted })).rejects.toThrow();
    await expect(client({ url: "ftp://127.0.0.1/", method: "GET", headers, body: undefined, signal: new AbortFlag() })).rejects.toThrow("unsupported protocol");
  });

  it("rejects when the provider cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client({ url: `http://127.0.0.1:${port}/`, method: "GET", headers: new Headers(), body: undefined, signal: new AbortController().signal })).rejects.toThrow();
  });
});
