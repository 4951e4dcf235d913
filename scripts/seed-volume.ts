// `npm run seed:volume -- --records N [--days D]`: fills the configured database
// (DATABASE_URL, else <CONDUIT_DATA_DIR>/conduit-ledger.db) with N ledger records of realistic AI calls of
// the inventory's devices over the last D days (default 30), written through the real
// ledger path into a log of their own (volume-<n>, its key in <data>/keys/), then
// brings the records explorer's index up to date. For benchmarks and demos.
//
//   --records N   ledger records, default 20,000: AI calls (an ai_call with its
//                 ai_call_result, or an ai_call_denied) and a few oversight decisions
//   --calls N     AI calls instead (about twice as many records)
//   --days D      spread over the D days before now, default 30
//   --seed S      the traffic's random seed (the same seed and size give the same traffic)
//   --inflight K  appends kept in flight, default calls/500 between 50 and 2000
//   --index-after index once the appends are done (default: a second process indexes
//                 beside the appends, as the app's timer does beside a proxy)
//   --no-index    leave indexing to the app (it catches up when the explorer opens)
//   --json        print the summary as one JSON object
//
// Applies pending migrations first and seeds the demo plant into an empty database, as
// `npm start` does. Progress goes to stderr, the summary to stdout.
import { fork } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { childEnv, loadConfig } from "../lib/config";
import { createDb, type Db } from "../lib/db";
import { demoLoginsFile, ensurePrivateDir, writePrivateFile } from "../lib/data-dir";
import { openLedgerStore, openLog } from "../lib/ledger";
import { loadOrCreateSigningKey } from "../lib/ledger/keys";
import { indexPendingRecords } from "../lib/records/record-index";
import { callsForRecords, defaultInflight, seedVolumeTraffic, volumeLogName, type VolumeCounts } from "../proxy/demo/volume-traffic";
import { formatDemoLogins, isEmptyDatabase, seedDemoPlant } from "../lib/seed/demo-plant";
import { migrateDeploy } from "./prisma";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const say = (message: string) => process.stderr.write(`[seed-volume] ${message}\n`);

function option(options: { argv: string[]; name: string }): string | undefined {
  const i = options.argv.indexOf(options.name);
  if (i < 0) return undefined;
  const value = options.argv[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${options.name} needs a value`);
  return value;
}

function positive(options: { argv: string[]; name: string; fallback: number; integer?: boolean }): number {
  const text = option(options);
  if (text === undefined) return options.fallback;
  const value = Number(text.replace(/[_,]/g, ""));
  if (!(value > 0) || (options.integer !== false && !Number.isSafeInteger(value))) throw new Error(`${options.name} needs a positive ${options.integer !== false ? "whole " : ""}number`);
  return value;
}

/** As `npm start` seeds an empty database: the demo plant, its changes in the app's log, the sign-ins kept owner-only. */
async function seedDemoIfEmpty(options: { db: Db }): Promise<boolean> {
  const config = loadConfig();
  if (!(await isEmptyDatabase({ db: options.db }))) return false;
  say("empty database: seeding the demo plant first (Augsburg, DE and Aveiro, PT)");
  const store = openLedgerStore(config.database);
  const log = await openLog({ config, store, logName: "app", writer: "app", configured: config.ledger });
  const logins = await seedDemoPlant({ db: options.db, record: (input) => log.append(input) }).finally(async () => {
    await log.close();
    await store.close();
  });
  writePrivateFile({ file: demoLoginsFile(config), content: formatDemoLogins(logins) });
  say(`demo sign-ins written to ${demoLoginsFile(config)} (mode 0600)`);
  return true;
}

export interface SeedVolumeSummary {
  database: "sqlite" | "postgresql";
  logId: string;
  days: number;
  counts: VolumeCounts;
  demoSeeded: boolean;
  /** How the index was brought up to date: beside the appends (default), after them, or not. */
  indexing: "beside" | "after" | "none";
  /** Wall time: migrations and demo seed; appends (to the final checkpoint); indexing left after the appends; all. */
  seconds: { prepare: number; append: number; index: number; total: number };
  /** Records indexed in all, and of them while the appends ran. */
  indexed: number;
  indexedDuringAppend: number;
}

interface IndexProgressMessage {
  indexed: number;
  behind: number;
}

/**
 * The index follower: a process of its own that indexes what the writer has committed,
 * as the app's timer does beside a proxy, until told the appends are over and it has
 * caught up. It works while the writer waits on its commits and signatures.
 */
async function followIndex(): Promise<void> {
  const db = createDb(loadConfig().database.url);
  let finishing = false;
  process.on("message", () => (finishing = true));
  process.on("disconnect", () => process.exit(1));
  let indexed = 0;
  try {
    for (;;) {
      const wasFinishing = finishing;
      const progress = await indexPendingRecords({ db, batchSize: 2000, budgetMs: 2000 });
      indexed += progress.indexed;
      process.send!({ indexed, behind: progress.behind } satisfies IndexProgressMessage);
      if (wasFinishing && progress.behind === 0) break;
      if (progress.indexed === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.$disconnect();
  }
}

/** Starts the index follower; finish() tells it the appends are over and resolves when it has caught up. */
function startIndexFollower(options: { onProgress: (progress: IndexProgressMessage) => void }) {
  const child = fork(import.meta.filename, ["--index-follower"], { execArgv: process.execArgv, env: childEnv(), stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let latest: IndexProgressMessage = { indexed: 0, behind: 0 };
  const exited = new Promise<IndexProgressMessage>((resolve, reject) => {
    child.on("message", (message) => options.onProgress((latest = message as IndexProgressMessage)));
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 ? resolve(latest) : reject(new Error(`the index follower failed (${signal ?? `exit code ${code}`})`))));
  });
  return {
    progress: () => latest,
    finish: () => {
      child.send("finish");
      return exited;
    },
    stop: () => child.kill(),
  };
}

async function main(argv: string[]): Promise<void> {
  const began = performance.now();
  process.umask(0o077);
  if (argv.includes("--records") && argv.includes("--calls")) throw new Error("give --records or --calls, not both");
  const records = argv.includes("--calls") ? undefined : positive({ argv, name: "--records", fallback: 20_000 });
  const calls = records === undefined ? positive({ argv, name: "--calls", fallback: 10_000 }) : callsForRecords(records);
  const days = positive({ argv, name: "--days", fallback: 30, integer: false });
  const seed = positive({ argv, name: "--seed", fallback: 62443 });
  const inflight = positive({ argv, name: "--inflight", fallback: defaultInflight(calls) });
  const indexing = argv.includes("--no-index") ? "none" : argv.includes("--index-after") ? "after" : "beside";
  const config = loadConfig();
  ensurePrivateDir(config.dataDir);
  say(`database: ${config.database.provider}${config.database.provider === "sqlite" ? ` (${config.database.url.slice(5)})` : ""}`);
  migrateDeploy({ url: config.database.url, quiet: true });
  if (config.database.provider === "sqlite") {
    const sqlite = new Database(config.database.url.slice("file:".length));
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  }
  const db = createDb(config.database.url);
  const store = openLedgerStore(config.database);
  let follower: ReturnType<typeof startIndexFollower> | undefined;
  try {
    const demoSeeded = await seedDemoIfEmpty({ db });

    // A log of its own per run, keyed like every other log (lib/ledger/index.ts openLog).
    const logName = volumeLogName({ existing: (await store.listLogs()).map((l) => l.name) });
    const key = loadOrCreateSigningKey({ keysDir: config.ledger.keysDir, logName });
    const log = { id: `${logName}-${key.keyId.slice(0, 12)}`, name: logName, writer: "seed-volume" };
    writePrivateFile({ file: path.join(config.ledger.keysDir, `${logName}.log.json`), content: `${JSON.stringify({ logId: log.id, name: log.name, writer: log.writer })}\n` });
    const prepared = performance.now();

    if (indexing === "beside") follower = startIndexFollower({ onProgress: () => undefined });
    say(`appending ${records === undefined ? `${int(calls)} AI calls` : `${int(records)} ledger records`} over the last ${days} days to log ${log.id} (${int(inflight)} in flight${follower ? "; indexing beside it" : ""})`);
    const counts = await seedVolumeTraffic({
      db,
      store,
      key,
      log,
      calls,
      records,
      days,
      end: new Date(),
      seed,
      inflight,
      checkpointEvery: config.ledger.checkpointEvery,
      progressEvery: Math.max(1000, Math.round(calls / 10)),
      onProgress: ({ counts: c, seconds }) =>
        say(
          `  ${int(c.calls)} calls, ${int(c.records)}${records === undefined ? "" : ` of ${int(records)}`} ledger records, ${seconds.toFixed(1)} s (${int(c.calls / seconds)} calls/s, ${int(c.records / seconds)} records/s)` +
            (follower ? `; ${int(follower.progress().indexed)} indexed` : ""),
        ),
    });
    const appended = performance.now();
    const appendSeconds = (appended - prepared) / 1000;
    say(`appended ${int(counts.calls)} AI calls as ${int(counts.records)} ledger records in ${appendSeconds.toFixed(1)} s (${int(counts.calls / appendSeconds)} calls/s, ${int(counts.records / appendSeconds)} records/s)`);

    const indexedDuringAppend = follower?.progress().indexed ?? 0;
    let indexed = indexedDuringAppend;
    const report = (progress: { indexed: number; behind: number }) => {
      const seconds = (performance.now() - appended) / 1000;
      say(`  ${int(progress.indexed)} records indexed, ${int(progress.behind)} to go, ${seconds.toFixed(1)} s after the appends`);
    };
    if (follower) {
      say(`indexing: ${int(indexedDuringAppend)} records indexed beside the appends; catching up`);
      indexed = (await follower.finish()).indexed;
      follower = undefined;
    } else if (indexing === "after") {
      say("indexing for the records explorer");
      for (;;) {
        const progress = await indexPendingRecords({ db, batchSize: 2000, budgetMs: 10_000 });
        indexed += progress.indexed;
        report({ indexed, behind: progress.behind });
        if (progress.behind === 0) break;
      }
    }
    const finished = performance.now();
    const summary: SeedVolumeSummary = {
      database: config.database.provider,
      logId: log.id,
      days,
      counts,
      demoSeeded,
      indexing,
      seconds: { prepare: (prepared - began) / 1000, append: appendSeconds, index: (finished - appended) / 1000, total: (finished - began) / 1000 },
      indexed,
      indexedDuringAppend,
    };
    process.stdout.write(argv.includes("--json") ? `${JSON.stringify(summary)}\n` : describe(summary));
  } finally {
    follower?.stop();
    await store.close();
    await db.$disconnect();
  }
}

function describe(summary: SeedVolumeSummary): string {
  const { counts, seconds } = summary;
  const table = (counted: Record<string, number>) =>
    Object.entries(counted)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${int(n)}`)
      .join(", ");
  const indexing =
    summary.indexing === "none"
      ? "no indexing (--no-index)"
      : summary.indexing === "beside"
        ? `${int(summary.indexed)} records indexed, ${int(summary.indexedDuringAppend)} of them beside the appends, the rest in ${seconds.index.toFixed(1)} s after them`
        : `${seconds.index.toFixed(1)} s indexing ${int(summary.indexed)} records (${int(summary.indexed / seconds.index)}/s)`;
  return [
    `Log ${summary.logId} (${summary.database}): ${int(counts.calls)} AI calls (ai_call and ai_call_denied records) over ${summary.days} days, ${int(counts.records)} ledger records in all.`,
    `  records by kind: ${table(counts.byKind)}`,
    `  calls by outcome: ${table(counts.byOutcome)}`,
    `  refusals by code: ${table(counts.byCode)}`,
    `  calls by device: ${table(counts.byDevice)}`,
    `Time: ${seconds.total.toFixed(1)} s in all: ${seconds.prepare.toFixed(1)} s migrations${summary.demoSeeded ? " and demo plant" : ""}, ` +
      `${seconds.append.toFixed(1)} s appending (${int(counts.calls / seconds.append)} calls/s, ${int(counts.records / seconds.append)} ledger records/s); ${indexing}.`,
    "",
  ].join("\n");
}

const argv = process.argv.slice(2);
(argv[0] === "--index-follower" ? followIndex().then(() => process.exit(0)) : main(argv)).catch((error: unknown) => {
  process.stderr.write(`seed-volume: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
