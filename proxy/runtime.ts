// Assembles one proxy from configuration: the inventory cache, the spool beside the data
// folder, device usage, operator assertions and the core. Both mounts (the Next.js route
// and the standalone edge server) build theirs here, so they behave the same.
import path from "node:path";
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db";
import type { AppendedRecord, LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { loadProviderKeyCipher } from "@/lib/secrets/provider-keys";
import { InspectionProxy, type ProxyLedger, type ProxyLogger } from "@/proxy/core";
import { DeviceUsage } from "@/proxy/device-usage";
import { InventoryCache, loadInventorySnapshot } from "@/proxy/inventory";
import { OperatorResolver } from "@/proxy/operator";
import { Spool } from "@/proxy/spool";
import { createUpstreamClient, type UpstreamCall, type UpstreamClient } from "@/proxy/upstream-client";

/** What one core reports about the calls it handles; see ProxyRuntime.observed. */
export interface ProxyObserver {
  /** The request as it leaves for the provider: redacted where the conduit says so, with the provider key. */
  forwarding?(call: UpstreamCall): void;
  /** Each record the core appends; `appended` rejects when the record went to the spool instead. */
  recording?(options: { record: { kind: string; body: unknown; id?: string }; appended: Promise<AppendedRecord> }): void;
}

export interface ProxyRuntime {
  proxy: InspectionProxy;
  /**
   * A core over the same inventory, ledger, spool and device usage that reports to an
   * observer, for a test call from the app (proxy/test-call.ts). Devices call `proxy`,
   * which has no observer, so their calls cost nothing more.
   */
  observed(observer: ProxyObserver): InspectionProxy;
  inventory: InventoryCache;
  spool: Spool;
  /** Moves spooled records into the ledger; returns how many went. */
  replaySpool(): Promise<number>;
  close(): Promise<void>;
}

export function createProxyRuntime(options: { config: Config; db: Db; log: LogWriter; store: LedgerStore; logger: ProxyLogger; upstream?: UpstreamClient; now?: () => number }): ProxyRuntime {
  const { config, db, log, store, logger } = options;
  const cipher = loadProviderKeyCipher(config);
  const inventory = new InventoryCache({
    load: () => loadInventorySnapshot({ db, cipher, log: (message) => logger.warn({}, message) }),
    credentialExists: async (tokenHash) => (await db.deviceCredential.findUnique({ where: { tokenHash }, select: { id: true } })) !== null,
    refreshMs: config.proxy.inventoryRefreshMs,
    onError: (error) => logger.error({ err: error }, "the proxy could not reload the inventory; it keeps the last one"),
  });
  const spool = new Spool({ file: path.join(config.dataDir, "spool", `${log.logId}.jsonl`) });
  const usage = new DeviceUsage({ db, onError: (error) => logger.error({ err: error }, "device usage could not be written") });
  const upstreamClient = createUpstreamClient({ maxSockets: 512 });
  // Spooled records go into the ledger as soon as it writes again: the first append that
  // succeeds while records wait starts a replay (at most one a second), and a timer tries
  // every few seconds in case no call comes.
  let replaying = false;
  let lastTriggeredReplay = 0;
  const replayNow = () => {
    const now = Date.now();
    if (replaying || spool.size === 0 || now - lastTriggeredReplay < 1000) return;
    replaying = true;
    lastTriggeredReplay = now;
    replaySpool()
      .catch((error: unknown) => logger.warn({ err: error }, "the spool could not be replayed yet"))
      .finally(() => (replaying = false));
  };
  const ledger: ProxyLedger = {
    append: (input) =>
      log.append(input).then((record) => {
        if (spool.size > 0) replayNow();
        return record;
      }),
    readRecordById: (id) => store.readRecordById(id),
  };
  const upstream = options.upstream ?? upstreamClient;
  const operators = new OperatorResolver({ maxAgeSeconds: config.proxy.operatorAssertionMaxAgeSeconds });
  const core = (parts: { ledger: ProxyLedger; upstream: UpstreamClient }) =>
    new InspectionProxy({
      inventory,
      ledger: parts.ledger,
      spool,
      usage,
      operators,
      limits: { maxBodyBytes: config.proxy.maxBodyBytes, upstreamTimeoutMs: config.proxy.upstreamTimeoutMs, streamIdleTimeoutMs: config.proxy.streamIdleTimeoutMs, bodyTimeoutMs: config.proxy.bodyTimeoutMs },
      forwardedHeaders: config.proxy.forwardedHeaders,
      logger,
      upstream: parts.upstream,
      now: options.now,
    });
  const proxy = core({ ledger, upstream });
  const replaySpool = () => {
    if (spool.size > 0) usage.spoolInUse({ logId: log.logId, records: spool.size, now: options.now?.() ?? Date.now() });
    return spool.replay({
      exists: async (id) => (await store.readRecordById(id)) !== null,
      append: (record) => log.append(record),
    });
  };
  const replayTimer = setInterval(() => {
    if (spool.size > 0 && !replaying) void replaySpool().catch((error) => logger.warn({ err: error }, "the spool could not be replayed yet"));
  }, 5000);
  replayTimer.unref();
  return {
    proxy,
    observed(observer) {
      return core({
        ledger: {
          ...ledger,
          append(input) {
            const appended = ledger.append(input);
            observer.recording?.({ record: input, appended });
            return appended;
          },
        },
        upstream(call) {
          observer.forwarding?.(call);
          return upstream(call);
        },
      });
    },
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
