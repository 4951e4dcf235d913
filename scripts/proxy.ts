// `npm run proxy`: the standalone inspection proxy for a plant edge. Same core, database
// and rules as the embedded /api/proxy route, its own port (PROXY_HOST:PROXY_PORT) and
// its own ledger log and key (PROXY_LOG_NAME). Applies pending migrations first, as
// `npm start` does, so it can run alone against PostgreSQL or the SQLite file.
import { loadConfig } from "../lib/config";
import { ensurePrivateDir } from "../lib/data-dir";
import { startProxyServer } from "../proxy/server";
import { migrateDeploy } from "./prisma";

async function main(): Promise<void> {
  process.umask(0o077);
  const config = loadConfig();
  ensurePrivateDir(config.dataDir);
  migrateDeploy({ url: config.database.url, quiet: true });
  const server = await startProxyServer({ config });
  console.log(`[conduit-ledger] inspection proxy on ${server.url}, ledger log ${server.logId}`);
  console.log(`[conduit-ledger] point an SDK at ${server.url}/<destination>/... with a device token (npm run device-token -- issue DEVICE)`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[conduit-ledger] proxy shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`[conduit-ledger] proxy failed to start: ${(error as Error).message}`);
  process.exit(1);
});
