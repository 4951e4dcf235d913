// The web server `npm start` runs: Next.js behind a plain Node HTTP server, so that the
// client address Next sees is the one this server observed. (Next keeps any
// X-Forwarded-For a client sends, which would let anyone pick the address the sign-in
// rate limit counts against.) Behind a reverse proxy that sets these headers itself,
// set TRUST_PROXY_HEADERS=true.
import http from "node:http";
import path from "node:path";
import next from "next";
import { loadConfig } from "../lib/config";

const forwardingHeaders = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "forwarded"];

async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const dev = argv.includes("--dev");
  const app = next({ dev, dir: path.resolve(import.meta.dirname, ".."), hostname: config.host, port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = http.createServer((req, res) => {
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
  server.listen(config.port, config.host);

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
