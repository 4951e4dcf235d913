// The ledger of this process: its store (the configured database) and its own log
// ("app" for the web application), opened once and closed cleanly on shutdown so the
// last records are covered by a checkpoint.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Config } from "@/lib/config";
import { loadConfig } from "@/lib/config";
import { writePrivateFile } from "@/lib/data-dir";
import { loadOrCreateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { PostgresLedgerStore } from "@/lib/ledger/store-postgres";
import { SqliteLedgerStore } from "@/lib/ledger/store-sqlite";

export function openLedgerStore(database: Config["database"]): LedgerStore {
  return database.provider === "sqlite"
    ? new SqliteLedgerStore({ file: database.url.slice("file:".length) })
    : new PostgresLedgerStore({ url: database.url });
}

const logIdentitySchema = z.object({ logId: z.string().min(1), name: z.string(), writer: z.string() });

/**
 * Opens this writer's log: its key from `configured` (a setting that names this log's key:
 * LEDGER_SIGNING_KEY for the app, PROXY_LEDGER_SIGNING_KEY for an edge proxy) or from
 * <data>/keys/<log name>, its id from `configured` or kept beside the key. A setting meant
 * for one log never reaches another: two logs under one key or one id would break both.
 */
export async function openLog(options: {
  config: Config;
  store: LedgerStore;
  logName: string;
  writer: string;
  configured?: { signingKey?: string; logId?: string };
  /** The writer's clock (the demo seed writes backdated traffic) and its wait for canWait records; LogWriter's defaults otherwise. */
  now?: () => Date;
  maxWaitMs?: number;
}): Promise<LogWriter> {
  const { config, store, logName, writer, configured = {} } = options;
  const key = loadOrCreateSigningKey({ keysDir: config.ledger.keysDir, logName, configured: configured.signingKey });
  const identityFile = path.join(config.ledger.keysDir, `${logName}.log.json`);
  let logId = configured.logId;
  if (!logId && fs.existsSync(identityFile)) logId = logIdentitySchema.parse(JSON.parse(fs.readFileSync(identityFile, "utf8"))).logId;
  if (!logId) {
    logId = `${logName}-${key.keyId.slice(0, 12)}`;
    if (!configured.signingKey) writePrivateFile({ file: identityFile, content: `${JSON.stringify({ logId, name: logName, writer })}\n` });
  }
  return LogWriter.open({
    store,
    key,
    log: { id: logId, name: logName, writer },
    checkpointEvery: config.ledger.checkpointEvery,
    checkpointSeconds: config.ledger.checkpointSeconds,
    now: options.now,
    maxWaitMs: options.maxWaitMs,
  });
}

interface ProcessLedger {
  store: LedgerStore;
  log: Promise<LogWriter>;
}

const globalForLedger = globalThis as unknown as { conduitLedger?: ProcessLedger; conduitShutdownHooks?: (() => Promise<void>)[] };

/** The web application's ledger: its store and its "app" log. */
export function appLedger(): ProcessLedger {
  if (!globalForLedger.conduitLedger) {
    const config = loadConfig();
    const store = openLedgerStore(config.database);
    const log = openLog({ config, store, logName: "app", writer: "app", configured: config.ledger });
    globalForLedger.conduitLedger = { store, log };
    // A log that failed to open (database unreachable) is tried again on the next call.
    log.catch(() => {
      globalForLedger.conduitLedger = undefined;
      void store.close().catch(() => undefined);
    });
    // scripts/serve.ts runs these before the process exits: the last records get a checkpoint.
    (globalForLedger.conduitShutdownHooks ??= []).push(async () => {
      await (await log).close();
      await store.close();
    });
  }
  return globalForLedger.conduitLedger;
}

/** The application's ledger once its log is open (its key registered, its head restored). */
export async function openAppLedger(): Promise<{ store: LedgerStore; log: LogWriter }> {
  const ledger = appLedger();
  return { store: ledger.store, log: await ledger.log };
}

/** Appends one record to the application's log; resolves once it is durable. */
export async function recordEvent(input: { kind: string; body: unknown }) {
  return (await appLedger().log).append(input);
}
