// The standalone edge proxy: the same core as the embedded route, no Next.js. It writes
// its own ledger log (PROXY_LOG_NAME, own key) into the same database, so a plant edge
// keeps recording when the web application is down. Paths: /<destination>/<provider path>,
// /_conduit/oversight and /_conduit/health.
import { loadConfig, type Config } from "@/lib/config";
import { createDb } from "@/lib/db";
import { openLedgerStore, openLog } from "@/lib/ledger";
import { logger } from "@/lib/logger";
import type { ProxyLogger } from "@/proxy/core";
import { createFetchServer } from "@/proxy/node-http";
import { createProxyRuntime } from "@/proxy/runtime";

export async function startProxyServer(options: { config?: Config; logger?: ProxyLogger } = {}) {
  const config = options.config ?? loadConfig();
  const db = createDb(config.database.url);
  const store = openLedgerStore(config.database);
  const log = await openLog({ config, store, logName: config.proxy.logName, writer: `proxy:${config.proxy.logName}`, configured: { signingKey: config.proxy.signingKey } });
  const runtime = createProxyRuntime({ config, db, log, store, logger: options.logger ?? logger.child({ component: "edge-proxy" }) });
  await runtime.inventory.reload();
  await runtime.replaySpool().catch((error) => logger.warn({ err: error }, "the spool could not be replayed at start"));
  const origin = `http://${config.proxy.host}:${config.proxy.port}`;
  const server = createFetchServer({
    handler: (request, info) => runtime.proxy.answer(request, info),
    origin,
    trustProxyHeaders: config.trustProxyHeaders,
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(config.proxy.port, config.proxy.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.proxy.port;
  return {
    url: `http://${config.proxy.host}:${port}`,
    logId: log.logId,
    runtime,
    /** Stops accepting calls, lets the open ones finish, then closes the log with a final checkpoint. */
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await runtime.close();
      await log.close();
      await store.close();
      await db.$disconnect();
    },
  };
}
