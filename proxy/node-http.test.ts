import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { jsonAnswer, type AbortSignalLike, type ProxyRequest } from "@/proxy/answer";
import { createFetchServer, IncomingHeaders, proxyRequestListener, readNodeBody, type FetchHandler } from "@/proxy/node-http";

let server: http.Server | undefined;
afterEach(
  () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      // Keep-alive connections of fetch would hold close() for seconds.
      server.closeAllConnections();
    }),
);

/** A server that reads each request's body with readNodeBody and reports the outcome. */
async function listen(maxBytes: number, timeoutMs = 5000): Promise<{ port: number; outcomes: Promise<{ bytes: number } | { error: string }>[] }> {
  const outcomes: Promise<{ bytes: number } | { error: string }>[] = [];
  server = http.createServer((req, res) => {
    const outcome = readNodeBody({ req, maxBytes, timeoutMs }).then(
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

  it("takes a body that has already arrived from the stream's buffer, and the connection carries the next request", async () => {
    const bodies: string[] = [];
    server = http.createServer((req, res) => {
      const whenComplete = () => {
        if (!req.complete) return void setImmediate(whenComplete);
        void readNodeBody({ req, maxBytes: 10_000, timeoutMs: 5000 }).then((body) => {
          bodies.push(body.toString("utf8"));
          res.writeHead(200).end(String(body.byteLength));
        });
      };
      whenComplete();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) =>
      new Promise<{ text: string; socket: unknown }>((resolve, reject) => {
        const req = http.request({ port, host: "127.0.0.1", method: "POST", agent, headers: { "content-length": String(Buffer.byteLength(body)) } }, (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d)).on("end", () => resolve({ text, socket: req.socket }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      const first = await post("pump P-101".repeat(100));
      const second = await post("");
      const third = await post("spindle");
      expect([first.text, second.text, third.text]).toEqual(["1000", "0", "7"]);
      expect(bodies).toEqual(["pump P-101".repeat(100), "", "spindle"]);
      expect(third.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
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

  it("cuts off a body that trickles in, with request_timeout, after the body timeout", async () => {
    const { port, outcomes } = await listen(10_000, 300);
    const req = http.request({ port, host: "127.0.0.1", method: "POST", headers: { "content-length": "5000" } });
    req.on("error", () => undefined);
    const trickle = setInterval(() => req.write("x"), 50);
    try {
      await expect.poll(() => outcomes.length, { timeout: 3000 }).toBe(1);
      expect(await outcomes[0]).toEqual({ error: "The request body did not arrive within 300 ms." });
    } finally {
      clearInterval(trickle);
      req.destroy();
    }
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

describe("IncomingHeaders", () => {
  it("reads Node's parsed headers as a web Headers would hold them, and cannot be changed", () => {
    const raw: http.IncomingHttpHeaders = { "content-type": "application/json", authorization: "Bearer t", "set-cookie": ["a=1", "b=2"], "x-empty": "" };
    const headers = new IncomingHeaders(raw);
    const web = new Headers([
      ["content-type", "application/json"],
      ["authorization", "Bearer t"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["x-empty", ""],
    ]);
    for (const name of ["Content-Type", "authorization", "set-cookie", "x-empty", "missing", "constructor", "__proto__"]) {
      expect(headers.get(name)).toBe(web.get(name));
      expect(headers.has(name)).toBe(web.has(name));
    }
    expect([...headers]).toEqual([...web]);
    expect(headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(() => headers.set()).toThrow(TypeError);
  });
});

describe("createFetchServer", () => {
  async function serve(handler: FetchHandler): Promise<number> {
    server = createFetchServer({ handler, origin: "http://edge.local", trustProxyHeaders: false });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  it("hands the core the method, URL, headers and body, and sends a whole answer with its length", async () => {
    let seen: { request: ProxyRequest; body: string } | undefined;
    const port = await serve(async (request, info) => {
      seen = { request, body: (await info.readBody!({ maxBytes: 1000, timeoutMs: 5000 })).toString("utf8") };
      return jsonAnswer({ value: { ok: true }, status: 201, headers: { "x-conduit-record-id": "r-1" } });
    });
    const answer = await fetch(`http://127.0.0.1:${port}/openai-eu/v1/chat/completions?api-version=1`, { method: "POST", headers: { authorization: "Bearer t", "x-two": "a" }, body: "{}" });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("content-length")).toBe(String(Buffer.byteLength('{"ok":true}')));
    expect(answer.headers.get("transfer-encoding")).toBeNull();
    expect(answer.headers.get("x-conduit-record-id")).toBe("r-1");
    expect(await answer.json()).toEqual({ ok: true });
    expect(seen!.request.method).toBe("POST");
    expect(seen!.request.url).toBe("http://edge.local/openai-eu/v1/chat/completions?api-version=1");
    expect(seen!.request.headers.get("authorization")).toBe("Bearer t");
    expect(seen!.body).toBe("{}");
  });

  it("streams a stream answer chunk by chunk, and tells the core through the signal when the client leaves", async () => {
    let release: () => void = () => undefined;
    let signal: AbortSignalLike | undefined;
    const port = await serve(async (request) => {
      signal = request.signal;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
          await new Promise<void>((resolve) => (release = resolve));
        },
      });
      return { status: 200, headers: new Headers({ "content-type": "text/event-stream" }), body };
    });
    const abort = new AbortController();
    const answer = await fetch(`http://127.0.0.1:${port}/s`, { signal: abort.signal });
    expect(answer.headers.get("transfer-encoding")).toBe("chunked");
    const reader = answer.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 1\n\n");
    abort.abort();
    release();
    await expect.poll(() => signal?.aborted).toBe(true);
  });

  it("leaves the body unread until the core asks for it, and closes the connection after a refusal", async () => {
    const port = await serve(async () => jsonAnswer({ value: { error: { code: "invalid_device_token" } }, status: 401 }));
    // The client announces 10 MB and sends 1 KB: a server that read bodies before the core
    // looked at the request would never answer.
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ port, host: "127.0.0.1", method: "POST", path: "/openai-eu/v1/chat/completions", headers: { "content-length": String(10 * 2 ** 20) } }, resolve);
      req.on("error", reject);
      req.write("x".repeat(1024));
    });
    expect(answer.statusCode).toBe(401);
    expect(answer.headers.connection).toBe("close");
    answer.resume();
  });

  it("stops reading a body once it has answered a refusal: the connection is closed under a client still sending", async () => {
    const port = await serve(async () => jsonAnswer({ value: { error: { code: "invalid_device_token" } }, status: 401 }));
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write(`POST /openai-eu/v1/chat/completions HTTP/1.1\r\nHost: edge.local\r\nContent-Length: ${10 * 2 ** 20}\r\n\r\n`);
    const trickle = setInterval(() => socket.writable && socket.write("x".repeat(64)), 20);
    let received = "";
    socket.on("data", (d) => (received += d));
    try {
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
      expect(received).toMatch(/^HTTP\/1\.1 401 /);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });

  it("gives the core the path as sent below its mount, not as URL parsing normalises it", async () => {
    const paths: string[] = [];
    server = http.createServer(
      proxyRequestListener({
        handler: async (_request, info) => {
          paths.push(info.path);
          return jsonAnswer({ value: {}, status: 200 });
        },
        origin: "http://app.local",
        mount: "/api/proxy",
        trustProxyHeaders: false,
      }),
    );
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    for (const target of ["/api/proxy/openai-eu/v1/chat/%2e%2e/completions?x=1", "/api/proxy/openai-eu/v1\\chat/completions"]) {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.end(`GET ${target} HTTP/1.1\r\nHost: app.local\r\nConnection: close\r\n\r\n`));
        socket.on("data", () => undefined).on("end", resolve).on("error", reject);
      });
    }
    expect(paths).toEqual(["/openai-eu/v1/chat/%2e%2e/completions", "/openai-eu/v1\\chat/completions"]);
  });

  it("cancels a streamed answer whose client left before it was ready, instead of waiting on the socket", async () => {
    let cancelled = false;
    const port = await serve(async (request) => {
      await new Promise<void>((resolve) => request.signal.addEventListener("abort", () => resolve(), { once: true }));
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new TextEncoder().encode("data: 1\n\n")),
        cancel: () => void (cancelled = true),
      });
      return { status: 200, headers: new Headers({ "content-type": "text/event-stream" }), body };
    });
    const abort = new AbortController();
    const answer = fetch(`http://127.0.0.1:${port}/s`, { signal: abort.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    abort.abort();
    await answer;
    await expect.poll(() => cancelled).toBe(true);
  });

  it("answers 400 malformed_request, without calling the core, for a request target that is no URL", async () => {
    let called = false;
    const port = await serve(async () => {
      called = true;
      return jsonAnswer({ value: {}, status: 200 });
    });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => socket.end("GET http://[::1/v1 HTTP/1.1\r\nHost: edge.local\r\nConnection: close\r\n\r\n"));
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"malformed_request"');
    expect(called).toBe(false);
  });
});
