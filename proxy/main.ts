// The standalone edge proxy's process: started by `npm run proxy` as plain JavaScript
// (scripts/proxy.ts bundles this file after applying migrations), so the edge box runs
// node alone, without the TypeScript loader's thread and its memory.
import { loadConfig } from "@/lib/config";
import { ensurePrivateDir } from "@/lib/data-dir";
import { startProxyServer } from "@/proxy/server";

async function main(): Promise<void> {
  process.umask(0o077);
  const config = loadConfig();
  ensurePrivateDir(config.dataDir);
  const server = await startProxyServer({ config });
  console.log(`[conduit-ledger] inspection proxy on ${server.url}, ledger log ${server.logId}`);
  console.log(`[conduit-ledger] point an SDK at ${server.url}/<destination>/... with a device token (npm run device-token -- issue DEVICE --as EMAIL)`);
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
