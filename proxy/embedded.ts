// The proxy inside the web application (the embedded default): the app's own ledger log,
// database and configuration, created on the first proxied call and closed with the app.
import { loadConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { openAppLedger } from "@/lib/ledger";
import { logger } from "@/lib/logger";
import { createProxyRuntime, type ProxyRuntime } from "@/proxy/runtime";

/** Where the app serves the proxy: /api/proxy/<destination>/<provider path>. */
export const proxyMount = "/api/proxy";

const globalForProxy = globalThis as unknown as { conduitProxy?: Promise<ProxyRuntime>; conduitShutdownHooks?: (() => Promise<void>)[] };

export function embeddedProxy(): Promise<ProxyRuntime> {
  if (!globalForProxy.conduitProxy) {
    const runtime = openAppLedger().then(({ log, store }) => createProxyRuntime({ config: loadConfig(), db: db(), log, store, logger: logger.child({ component: "proxy" }) }));
    globalForProxy.conduitProxy = runtime;
    runtime.catch(() => {
      globalForProxy.conduitProxy = undefined;
    });
    // The ledger's own hook closes the log; this one writes the last device usage.
    (globalForProxy.conduitShutdownHooks ??= []).push(async () => (await runtime).close());
  }
  return globalForProxy.conduitProxy;
}

/**
 * After a change made in this process: calls see it at once here, elsewhere within one
 * refresh. The change is saved either way, so a failed reload is logged, not answered:
 * the proxy's own timer tries again.
 */
export async function refreshEmbeddedInventory(): Promise<void> {
  const runtime = globalForProxy.conduitProxy;
  if (!runtime) return;
  try {
    await (await runtime).inventory.reload();
  } catch (error) {
    logger.warn({ err: error }, "the embedded proxy could not reload the inventory after a change; its next refresh will");
  }
}
