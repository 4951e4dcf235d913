// Assembles one proxy from configuration: the inventory cache, the spool beside the data
// folder, device usage, operator assertions and the core. Both mounts (the Next.js route
// and the standalone edge server) build theirs here, so they behave the same.
import path from "node:path";
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db";
import type { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { loadProviderKeyCipher } from "@/lib/secrets/provider-keys";
import { InspectionProxy, type ProxyLogger } from "@/proxy/core";
import { DeviceUsage } from "@/proxy/device-usage";
import { InventoryCache, loadInventorySnapshot } from "@/proxy/inventory";
import { OperatorResolver } from "@/proxy/operator";
import { Spool } from "@/proxy/spool";
import { createUpstreamClient, type UpstreamClient } from "@/proxy/upstream-client";

export interface ProxyRuntime {
  proxy: InspectionProxy;
  inventory: InventoryCache;
  spool: Spool;
  /** Moves spooled records into the ledger; returns how many went. */
  replaySpool(): Promise<number>;
  close(): Promise<void>;
}

export function createProxyRuntime(options: { config: Config; db: Db; log: LogWriter; store: LedgerStore; logger: ProxyLogger; upstream?: UpstreamClient }): ProxyRuntime {
  const { config, db, log, store, logger } = options;
  const cipher = loadProviderKeyCipher(config);
  const inventory = new InventoryCache({
    load: () => loadInventorySnapshot({ db, cipher, log: (message) => logger.warn({}, message) }),
    refreshMs: config.proxy.inventoryRefreshMs,
    onError: (error) => logger.error({ err: error }, "the proxy could not reload the inventory; it keeps the last one"),
  });
  const spool = new Spool({ file: path.join(config.dataDir, "spool", `${log.logId}.jsonl`) });
  const usage = new DeviceUsage({ db, onError: (error) => logger.error({ err: error }, "device usage could not be written") });
  const upstreamClient = createUpstreamClient({ maxSockets: 512 });
  const ledger = { append: (input: { kind: string; body: unknown; id?: string; canWait?: boolean }) => log.append(input), readRecordById: (id: string) => store.readRecordById(id) };
  const proxy = new InspectionProxy({
    inventory,
    ledger,
    spool,
    usage,
    operators: new OperatorResolver({ maxAgeSeconds: config.proxy.operatorAssertionMaxAgeSeconds }),
    limits: { maxBodyBytes: config.proxy.maxBodyBytes, upstreamTimeoutMs: config.proxy.upstreamTimeoutMs, streamIdleTimeoutMs: config.proxy.streamIdleTimeoutMs },
    logger,
    upstream: options.upstream ?? upstreamClient,
  });
  const replaySpool = () =>
    spool.replay({
      exists: async (id) => (await store.readRecordById(id)) !== null,
      append: (record) => log.append(record),
    });
  // Spooled records go into the ledger as soon as it writes again.
  const replayTimer = setInterval(() => {
    if (spool.size > 0) void replaySpool().catch((error) => logger.warn({ err: error }, "the spool could not be replayed yet"));
  }, 5000);
  replayTimer.unref();
  return {
    proxy,
    inventory,
    spool,
    replaySpool,
    async close() {
      clearInterval(replayTimer);
      inventory.close();
      upstreamClient.close();
      await usage.close().catch((error) => logger.error({ err: error }, "device usage could not be written at shutdown"));
    },
  };
}
