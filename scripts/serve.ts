// The web server `npm start` runs: Next.js behind a plain Node HTTP server, so that the
// client address Next sees is the one this server observed. (Next keeps any
// X-Forwarded-For a client sends, which would let anyone pick the address the sign-in
// rate limit counts against.) Behind a reverse proxy that sets these headers itself,
// set TRUST_PROXY_HEADERS=true.
//
// Calls to the inspection proxy (/api/proxy/...) go straight to the proxy core's Node
// handler, the one the standalone edge proxy serves, before Next.js sees them: the same
// port, process, ledger and inventory as the app, without Next.js's routing and web-stream
// piping, which cost more per call than the whole inspection. The Next.js route
// (app/api/proxy) stays for `next dev` and calls the same core.
//
// On a database seeded with the demo (its mark in the data folder, lib/seed/demo-marker.ts)
// this server also answers as the built-in demo provider under /_demo-provider, which the
// demo's AI destinations point at; DEMO_PROVIDER=off switches it off.
import http from "node:http";
import path from "node:path";
import next from "next";
import { demoProviderMount, loadConfig } from "../lib/config";
import { readDemoMarker } from "../lib/seed/demo-marker";
import { createDemoProvider } from "../proxy/demo/provider";
import { embeddedProxy, proxyMount } from "../proxy/embedded";
import { proxyRequestListener } from "../proxy/node-http";

const forwardingHeaders = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "forwarded"];

async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const dev = argv.includes("--dev");
  const app = next({ dev, dir: path.resolve(import.meta.dirname, ".."), hostname: config.host, port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  // Streams paced at 30 ms a delta, so a person sees an answer stream in.
  const demoProvider = config.demo.provider === "auto" && readDemoMarker({ config }) ? createDemoProvider({ mount: demoProviderMount, chunkIntervalMs: 30 }) : null;

  const proxy = proxyRequestListener({
    handler: async (request, info) => (await embeddedProxy()).proxy.answer(request, info),
    origin: `http://${config.host}:${config.port}`,
    mount: proxyMount,
    trustProxyHeaders: config.trustProxyHeaders,
  });

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith(`${proxyMount}/`)) return proxy(req, res);
    if (demoProvider && (req.url === demoProviderMount || req.url?.startsWith(`${demoProviderMount}/`))) return demoProvider.handle(req, res);
    if (!config.trustProxyHeaders) {
      for (const header of forwardingHeaders) delete req.headers[header];
      req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "unknown";
    }
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`request failed: ${(error as Error).message}\n`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal", message: "An internal error occurred." } }));
    });
  });
  // A request Node refuses before any handler runs (a URL or headers beyond its 16 KB
  // limit, say a pasted 10 MB filter) still gets a JSON error, not a bare status line.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    const message = tooLarge ? "The request's URL and headers are larger than 16 KB; a records filter fits in 4 KB." : "The request is not valid HTTP.";
    const body = JSON.stringify({ error: { code: "bad_request", message } });
    socket.end(`HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  server.listen(config.port, config.host);
  if (demoProvider) process.stdout.write(`[conduit-ledger] demo provider: the demo's AI destinations are answered at ${config.demo.providerUrl} (canned answers; DEMO_PROVIDER=off switches it off)\n`);

  const stop = () => {
    // Keep-alive connections must not hold the shutdown; a hung hook must not either.
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(async () => {
      // Hooks registered by the app (lib/ledger: flush and write a final checkpoint).
      const hooks = (globalThis as { conduitShutdownHooks?: (() => Promise<void>)[] }).conduitShutdownHooks ?? [];
      const results = await Promise.allSettled(hooks.map((hook) => hook()));
      for (const r of results) if (r.status === "rejected") process.stderr.write(`shutdown hook failed: ${String(r.reason)}\n`);
      process.exit(0);
    });
    server.closeAllConnections();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`[conduit-ledger] server failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
