// Benchmark of the audit ledger against the goals of the issue:
//   1. durable appends per second, one writer, group commit (goal >= 20,000/s on SQLite),
//   2. time to verify a log of 1,000,000 records on SQLite (goal <= 20 s),
//   3. time to produce and to verify an inclusion proof in that log (goal <= 5 ms),
//   4. peak memory of the append and verify phases.
//
//   npx tsx scripts/bench-ledger.ts [--quick] [--records N] [--postgres-url URL | --no-postgres]
//
// Prints one markdown table of medians to stdout (progress goes to stderr) and writes it,
// with the machine and the date, to a section of BENCHMARKS.md (not for a --quick smoke
// run). It times; it asserts nothing. Every run is a child process running this file with
// --phase, so max RSS is that run's own and no heap or page state carries between runs.
// Scratch SQLite files live in one temp folder and PostgreSQL databases are created per
// run; both are removed at the end, on failure and on Ctrl-C.
//
// To see where the time goes: npx tsx --cpu-prof --cpu-prof-dir=DIR scripts/bench-ledger.ts --quick
// (every run's process writes its own profile into DIR).
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openLedgerStore } from "../lib/ledger";
import { generateSigningKey, publicKeyFromSpki } from "../lib/ledger/keys";
import { LogWriter } from "../lib/ledger/log-writer";
import { leafHash, verifyInclusion } from "../lib/ledger/merkle";
import { proveInclusion, type InclusionProofResult } from "../lib/ledger/operations";
import { verifyCheckpointSignature, verifyRecordSignature } from "../lib/ledger/record";
import type { LedgerStore } from "../lib/ledger/store";
import { verifyLedger, type SignatureChecks } from "../lib/ledger/verify";
import { seededRandom } from "../lib/random";
import { adminChange } from "../lib/testing/ledger-fixtures";
import { describeMachine, median, option, percentile, writeBenchmarkSection } from "./bench-report";
import { adminQuery, postgresServer, Scratch } from "./bench-scratch";
import { migrateDeploy } from "./prisma";


// The production defaults of LEDGER_CHECKPOINT_EVERY / LEDGER_CHECKPOINT_SECONDS: a
// checkpoint (one more commit) every 1,000 records is part of the append cost.
const checkpointEvery = 1000;
const checkpointSeconds = 60;
const inflight = 2000;
const runs = 3;
// The big log is verified again (up to `runs` times) only while the whole benchmark is
// projected to end within this, so it stays well under 15 minutes on a 2-core machine.
const repeatVerifyWithinSeconds = 9 * 60;

interface Sizes {
  sqliteAppends: number;
  postgresAppends: number;
  sqliteSingles: number;
  postgresSingles: number;
  bigLog: number;
  proofs: number;
}

const fullSizes: Sizes = { sqliteAppends: 100_000, postgresAppends: 50_000, sqliteSingles: 2000, postgresSingles: 1000, bigLog: 1_000_000, proofs: 1000 };
const quickSizes: Sizes = { sqliteAppends: 10_000, postgresAppends: 5000, sqliteSingles: 200, postgresSingles: 200, bigLog: 20_000, proofs: 200 };

// ---------------------------------------------------------------------------------------
// Measuring helpers
// ---------------------------------------------------------------------------------------

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const log = (message: string) => process.stderr.write(`[bench-ledger] ${message}\n`);

interface Memory {
  /** process.resourceUsage().maxRSS of the run's process, bytes. */
  maxRss: number;
  /** Highest heapUsed seen at a store call. */
  peakHeap: number;
  /** RSS when the phase started (Node, tsx and the modules loaded), for scale. */
  startRss: number;
}

// Sampled at every store call rather than on a timer: a SQLite verification never
// yields to the event loop (its awaits resolve at once), so a timer would not fire.
class MemoryPeak {
  private peakHeap = 0;
  private readonly startRss = process.memoryUsage.rss();

  sample(): void {
    this.peakHeap = Math.max(this.peakHeap, process.memoryUsage().heapUsed);
  }

  result(): Memory {
    this.sample();
    return { maxRss: process.resourceUsage().maxRSS * 1024, peakHeap: this.peakHeap, startRss: this.startRss };
  }
}

/** Wall time spent inside store calls: the database's share of a phase (on SQLite its work, on PostgreSQL also the round trips). */
class StoreClock {
  seconds = 0;
}

/**
 * The store with a memory sample and a clock around each call, and `onCall` told of each
 * call (batch sizes, progress).
 */
function instrumented(options: { store: LedgerStore; memory: MemoryPeak; clock: StoreClock; onCall?: (method: string, args: unknown[]) => void }): LedgerStore {
  const { store, memory, clock, onCall } = options;
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        onCall?.(String(property), args);
        memory.sample();
        const started = performance.now();
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        clock.seconds += (performance.now() - started) / 1000;
        memory.sample();
        return result;
      };
    },
  });
}

/** CPU seconds (user + system, all threads of this process) since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Small seeded PRNG (mulberry32), so every run proves the same records. */
// ---------------------------------------------------------------------------------------
// Phases: each runs in its own child process and returns its figures to the parent
// ---------------------------------------------------------------------------------------

interface AppendResult {
  records: number;
  seconds: number;
  /** CPU time over the same span: well below `seconds` means waiting on the disk, the server or other processes. */
  cpuSeconds: number;
  /** Part of `seconds` spent inside store calls (null for the raw baseline, which is all store). */
  storeSeconds: number | null;
  perSecond: number;
  medianBatch: number;
  memory: Memory;
}

/** Appends `records` through a LogWriter keeping `inflight` appends outstanding (1 = one at a time). */
async function appendPhase(options: { url: string; records: number; inflight: number; progress?: boolean }): Promise<AppendResult> {
  const memory = new MemoryPeak();
  const batches: number[] = [];
  const clock = new StoreClock();
  const provider = options.url.startsWith("file:") ? "sqlite" : "postgresql";
  const store = instrumented({
    store: openLedgerStore({ provider, url: options.url }),
    memory,
    clock,
    onCall: (method, args) => method === "appendBatch" && batches.push((args[0] as { records: unknown[] }).records.length),
  });
  const writer = await LogWriter.open({
    store,
    key: generateSigningKey(),
    log: { id: "bench", name: "bench", writer: "bench" },
    checkpointEvery,
    checkpointSeconds,
  });
  // Each input is made when it is appended (about a microsecond), as a caller would: a
  // million prebuilt inputs would hold ~2 GB and swamp the memory figures.
  const step = Math.max(1, Math.floor(options.records / 10));
  let next = 0;
  clock.seconds = 0; // LogWriter.open's reads are not appends
  const cpu = process.cpuUsage();
  const started = performance.now();
  // `inflight` workers each await one append at a time: exactly that many are outstanding.
  const worker = async () => {
    while (next < options.records) {
      const n = next++;
      await writer.append(adminChange(n));
      if (options.progress && (n + 1) % step === 0) {
        log(`  built ${int(n + 1)} of ${int(options.records)} records (${int((n + 1) / ((performance.now() - started) / 1000))}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inflight, options.records) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  const storeSeconds = clock.seconds;
  await writer.close(); // final checkpoint, so proofs can cover every record
  await store.close();
  return { records: options.records, seconds, cpuSeconds: cpuUsed, storeSeconds, perSecond: options.records / seconds, medianBatch: median(batches), memory: memory.result() };
}

/**
 * What SQLite and the disk allow for the same rows: the records and tree nodes a LogWriter
 * run wrote (read from its database, so ids, sizes and all are the real ones), inserted
 * again into a fresh copy of the migrated schema (same indexes and triggers, same pragmas
 * as the store) with plain better-sqlite3, one transaction per `batchSize` records.
 */
async function rawSqlitePhase(options: { file: string; source: string; batchSize: number }): Promise<AppendResult> {
  const memory = new MemoryPeak();
  const source = new Database(options.source, { readonly: true });
  const logs = source.prepare(`SELECT "id","writer","name","createdAt" FROM "AuditLog"`).all();
  const records = source.prepare(`SELECT "id","logId","seq","kind","at","envelope","leafHash","signature","keyId" FROM "AuditRecord" ORDER BY "seq"`).all() as { seq: number }[];
  const nodes = source.prepare(`SELECT "logId","level","idx","hash" FROM "MerkleNode"`).all() as { level: number; idx: number }[];
  source.close();
  // Each batch takes the tree nodes its records completed: node (level, idx) is completed by leaf (idx + 1) * 2^level - 1.
  const batches = Array.from({ length: Math.ceil(records.length / options.batchSize) }, (_, b) => ({
    records: records.slice(b * options.batchSize, (b + 1) * options.batchSize),
    nodes: [] as unknown[],
  }));
  for (const node of nodes) batches[Math.floor(((node.idx + 1) * 2 ** node.level - 1) / options.batchSize)]?.nodes.push(node);

  const db = new Database(options.file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  const insertLog = db.prepare(`INSERT INTO "AuditLog" ("id","writer","name","createdAt") VALUES (@id,@writer,@name,@createdAt)`);
  for (const log of logs) insertLog.run(log);
  const insertRecord = db.prepare(
    `INSERT INTO "AuditRecord" ("id","logId","seq","kind","at","envelope","leafHash","signature","keyId")
     VALUES (@id,@logId,@seq,@kind,@at,@envelope,@leafHash,@signature,@keyId)`,
  );
  const insertNode = db.prepare(`INSERT INTO "MerkleNode" ("logId","level","idx","hash") VALUES (@logId,@level,@idx,@hash)`);
  const commit = db.transaction((batch: { records: unknown[]; nodes: unknown[] }) => {
    for (const record of batch.records) insertRecord.run(record);
    for (const node of batch.nodes) insertNode.run(node);
  });
  memory.sample();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const batch of batches) commit(batch);
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  memory.sample();
  db.close();
  return { records: records.length, seconds, cpuSeconds: cpuUsed, storeSeconds: null, perSecond: records.length / seconds, medianBatch: options.batchSize, memory: memory.result() };
}

interface VerifyResult {
  records: number;
  seconds: number;
  cpuSeconds: number;
  storeSeconds: number;
  checkpoints: number;
  signaturesChecked: number;
  memory: Memory;
}

async function verifyPhase(options: { url: string; records: number; signatureChecks: SignatureChecks }): Promise<VerifyResult> {
  const memory = new MemoryPeak();
  const step = Math.max(1, Math.floor(options.records / 5));
  let reported = 0;
  const clock = new StoreClock();
  const store = instrumented({
    store: openLedgerStore({ provider: "sqlite", url: options.url }),
    memory,
    clock,
    onCall: (method, args) => {
      if (method !== "readRecords") return;
      const { fromSeq } = args[0] as { fromSeq: number };
      if (fromSeq < reported + step) return;
      reported = fromSeq;
      log(`  verified ${int(fromSeq)} of ${int(options.records)} records`);
    },
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await verifyLedger({ store, signatureChecks: options.signatureChecks });
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  await store.close();
  // Timing a verification that found problems would time the wrong thing.
  if (!report.ok) throw new Error(`the benchmark log does not verify: ${JSON.stringify(report.logs.flatMap((l) => l.problems).slice(0, 3))}`);
  return {
    records: report.records,
    seconds,
    cpuSeconds: cpuUsed,
    storeSeconds: clock.seconds,
    checkpoints: report.logs.reduce((n, l) => n + l.checkpoints, 0),
    signaturesChecked: report.logs.reduce((n, l) => n + l.signaturesChecked, 0),
    memory: memory.result(),
  };
}

/** What a client does with a proof: recompute the leaf, check the path to the signed root and both signatures. */
function checkProof(proof: InclusionProofResult): boolean {
  if (!proof.publicKey) return false;
  const publicKey = publicKeyFromSpki(proof.publicKey); // the benchmark log has one key: it signed the record and the checkpoint
  const leaf = leafHash(Buffer.from(proof.record.envelope, "utf8"));
  return (
    leaf.toString("hex") === proof.record.leafHash &&
    verifyRecordSignature({ text: proof.record.envelope, signature: proof.record.signature, publicKey }) &&
    verifyCheckpointSignature({ checkpoint: proof.checkpoint, publicKey }) &&
    verifyInclusion({
      leafHash: leaf,
      index: proof.record.seq,
      size: proof.checkpoint.size,
      proof: proof.proof.map((h) => Buffer.from(h, "hex")),
      root: Buffer.from(proof.checkpoint.root, "hex"),
    })
  );
}

interface ProveResult {
  samples: number;
  treeSize: number;
  proveMs: number[];
  checkMs: number[];
}

async function provePhase(options: { url: string; samples: number }): Promise<ProveResult> {
  const store = openLedgerStore({ provider: "sqlite", url: options.url });
  const [logRow] = await store.listLogs();
  const checkpoint = logRow && (await store.latestCheckpoint(logRow.id));
  if (!logRow || !checkpoint) throw new Error("the benchmark log has no checkpoint");
  // Random records covered by the latest checkpoint, looked up before the clock starts.
  const random = seededRandom(62443);
  const ids: string[] = [];
  for (let i = 0; i < options.samples; i++) {
    const [row] = await store.readRecords({ logId: logRow.id, fromSeq: Math.floor(random() * checkpoint.treeSize), limit: 1 });
    ids.push(row!.id);
  }
  const proveMs: number[] = [];
  const checkMs: number[] = [];
  for (const recordId of ids) {
    const t0 = performance.now();
    const proof = await proveInclusion({ store, recordId });
    const t1 = performance.now();
    const ok = checkProof(proof);
    const t2 = performance.now();
    if (!ok) throw new Error(`the inclusion proof of record ${recordId} does not verify`);
    proveMs.push(t1 - t0);
    checkMs.push(t2 - t1);
  }
  await store.close();
  return { samples: ids.length, treeSize: checkpoint.treeSize, proveMs, checkMs };
}

const phases = {
  append: appendPhase,
  raw: rawSqlitePhase,
  verify: verifyPhase,
  prove: provePhase,
};
type Phases = typeof phases;

let currentChild: ChildProcess | undefined;

/** Runs one phase in a fresh child process (this file with --phase) and returns its result. */
function runPhase<K extends keyof Phases>(phase: { name: K; options: Parameters<Phases[K]>[0] }): Promise<Awaited<ReturnType<Phases[K]>>> {
  const { name, options } = phase;
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ["--phase", name, JSON.stringify(options)], {
      execArgv: process.execArgv, // tsx's loader, and --cpu-prof when profiling
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    currentChild = child;
    let result: Awaited<ReturnType<Phases[K]>> | undefined;
    child.on("message", (message) => (result = message as Awaited<ReturnType<Phases[K]>>));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      currentChild = undefined;
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`phase ${name} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

async function childMain(argv: string[]): Promise<void> {
  const name = argv[1] as keyof Phases;
  const phase = phases[name] as (options: unknown) => Promise<unknown>;
  if (!phase || !process.send) throw new Error(`--phase ${name} is internal to bench-ledger`);
  process.on("disconnect", () => process.exit(1)); // the parent is gone: nobody wants the result
  const result = await phase(JSON.parse(argv[2] ?? "{}"));
  await new Promise((resolve) => process.send!(result, resolve));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
// Scratch databases
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

interface Row {
  measurement: string;
  median: string;
  goal: string;
  ratio: string;
  met: string;
  runs: string;
  notes: string;
}

/** A row with a goal: ratio is median ÷ goal, so >= 1 meets an "at least" goal and <= 1 an "at most" goal. */
function goalRow(options: {
  measurement: string;
  value: number;
  format: (n: number) => string;
  goal?: { value: number; atMost?: boolean };
  runs: string;
  notes: string;
}): Row {
  const { goal, value } = options;
  return {
    measurement: options.measurement,
    median: options.format(value),
    goal: goal ? `${goal.atMost ? "≤" : "≥"} ${options.format(goal.value)}` : "—",
    ratio: goal ? `${(value / goal.value).toFixed(2)}×` : "—",
    met: goal ? ((goal.atMost ? value <= goal.value : value >= goal.value) ? "yes" : "**no**") : "—",
    runs: options.runs,
    notes: options.notes,
  };
}

function markdownTable(rows: Row[]): string {
  const header = ["Measurement", "Median", "Goal", "Median ÷ goal", "Met", "Runs", "Notes"];
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map((r) => line([r.measurement, r.median, r.goal, r.ratio, r.met, r.runs, r.notes]))].join("\n");
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

/** Runs `run` `count` times in a row, with progress on stderr. */
async function repeat<T>(options: { label: string; count: number; run: (i: number) => Promise<T> }): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < options.count; i++) {
    log(`${options.label}: run ${i + 1} of ${options.count}`);
    results.push(await options.run(i));
  }
  return results;
}

const perSecond = (n: number) => `${int(n)}/s`;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const seconds = (n: number) => `${n.toFixed(1)} s`;
const runsOf = (options: { count: number; size: number }) => `${options.count} × ${int(options.size)} records`;

/**
 * How far the runs spread, and CPU ÷ wall time: well under 1 means waiting (disk, server,
 * or other processes on the CPU); over 1, V8's helper threads (GC) working alongside.
 */
function spreadNote(options: { results: { seconds: number; cpuSeconds: number }[]; value: (r: { seconds: number }) => number; format: (n: number) => string }): string {
  const values = options.results.map(options.value);
  const cpu = median(options.results.map((r) => r.cpuSeconds / r.seconds)).toFixed(2);
  return values.length > 1 ? `runs ${options.format(Math.min(...values))} to ${options.format(Math.max(...values))}; CPU ÷ wall ${cpu}` : `CPU ÷ wall ${cpu}`;
}

/** The database's share of the wall time (on PostgreSQL including round trips and the server's commit). */
const storeNote = (results: { seconds: number; storeSeconds: number | null }[]) =>
  `${(median(results.map((r) => (r.storeSeconds ?? 0) / r.seconds)) * 100).toFixed(0)}% of the time inside store calls`;

const memoryNote = (results: { memory: Memory }[]) =>
  `peak heap ${mb(median(results.map((r) => r.memory.peakHeap)))} (sampled at store calls); RSS ${mb(median(results.map((r) => r.memory.startRss)))} at start`;

/** What every measurement needs: the sizes, the scratch space, the migrated SQLite template. */
interface Bench {
  sizes: Sizes;
  scratch: Scratch;
  template: string;
  /** performance.now() when the benchmark started, for its time budget. */
  began: number;
}

/** Runs `work` on a fresh copy of the migrated SQLite template, removed afterwards. */
async function withSqlite<T>(options: { bench: Bench; name: string; work: (url: string) => Promise<T> }): Promise<T> {
  const url = options.bench.scratch.sqlite({ template: options.bench.template, name: options.name });
  try {
    return await options.work(url);
  } finally {
    options.bench.scratch.removeSqlite(url.slice("file:".length));
  }
}

/** 1. Durable appends on SQLite: LogWriter with group commit, raw inserts beside it, and one append at a time. */
async function sqliteAppends(options: { bench: Bench }): Promise<{ rows: Row[]; appendRuns: AppendResult[] }> {
  const { bench } = options;
  const { sizes } = bench;
  // The first run's database is kept until the baseline has re-inserted its rows.
  const source = bench.scratch.sqlite({ template: bench.template, name: "append-source" });
  const appendRuns = await repeat({
    label: `SQLite appends (${int(sizes.sqliteAppends)}, ${int(inflight)} in flight)`,
    count: runs,
    run: (i) =>
      i === 0
        ? runPhase({ name: "append", options: { url: source, records: sizes.sqliteAppends, inflight } })
        : withSqlite({ bench, name: `append-${i}`, work: (url) => runPhase({ name: "append", options: { url, records: sizes.sqliteAppends, inflight } }) }),
  });
  // The baseline commits the batch size LogWriter actually reached.
  const batchSize = Math.round(median(appendRuns.map((r) => r.medianBatch)));
  const sourceFile = source.slice("file:".length);
  const rawRuns = await repeat({
    label: `raw better-sqlite3 inserts (${int(sizes.sqliteAppends)}, ${batchSize} a transaction)`,
    count: runs,
    run: (i) => withSqlite({ bench, name: `raw-${i}`, work: (url) => runPhase({ name: "raw", options: { file: url.slice("file:".length), source: sourceFile, batchSize } }) }),
  });
  bench.scratch.removeSqlite(sourceFile);
  const singleRuns = await repeat({
    label: `SQLite single appends (${int(sizes.sqliteSingles)})`,
    count: runs,
    run: (i) => withSqlite({ bench, name: `single-${i}`, work: (url) => runPhase({ name: "append", options: { url, records: sizes.sqliteSingles, inflight: 1 } }) }),
  });
  const appendRate = median(appendRuns.map((r) => r.perSecond));
  const rawRate = median(rawRuns.map((r) => r.perSecond));
  const singleRate = median(singleRuns.map((r) => r.perSecond));
  const rates = (results: AppendResult[]) => spreadNote({ results, value: (r) => (results[0]!.records / r.seconds), format: perSecond });
  const rows = [
    goalRow({
      measurement: "Durable appends/s, SQLite (WAL, synchronous=FULL), LogWriter, group commit",
      value: appendRate,
      format: perSecond,
      goal: { value: 20_000 },
      runs: runsOf({ count: runs, size: sizes.sqliteAppends }),
      notes: `${int(inflight)} appends in flight; median batch ${batchSize} records; validation, sealing (Ed25519) and a checkpoint every ${int(checkpointEvery)} records included; ${storeNote(appendRuns)}; ${rates(appendRuns)}`,
    }),
    goalRow({
      measurement: "↳ baseline: raw better-sqlite3 inserts/s, same rows and batch size",
      value: rawRate,
      format: perSecond,
      runs: runsOf({ count: runs, size: sizes.sqliteAppends }),
      notes: `what SQLite and the disk allow: the rows and tree nodes of the first run above inserted again into the same schema with the same pragmas, ${batchSize} records a transaction, no hashing, signing or checkpoints; LogWriter reaches ${((appendRate / rawRate) * 100).toFixed(0)}% of it; ${rates(rawRuns)}`,
    }),
    goalRow({
      measurement: "↳ single-record durable commits/s, SQLite (one append awaited at a time)",
      value: singleRate,
      format: perSecond,
      runs: runsOf({ count: runs, size: sizes.sqliteSingles }),
      notes: `one fsync'd transaction per record; group commit gives ${(appendRate / singleRate).toFixed(0)}× this; ${rates(singleRuns)}`,
    }),
  ];
  return { rows, appendRuns };
}

/** The same on PostgreSQL: each run on its own database, copied from a migrated template database. */
async function postgresAppends(options: { bench: Bench; server: string }): Promise<{ rows: Row[]; version: string }> {
  const { bench, server } = options;
  const { sizes, scratch } = bench;
  const settings = (
    await adminQuery({
      url: server,
      sql: "SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc",
    })
  ).rows[0] as { version: string; fsync: string; sc: string };
  const template = await scratch.postgres();
  log(`migrating PostgreSQL template database ${template.name}`);
  migrateDeploy({ url: template.url, quiet: true });
  const onPostgres = (phase: { records: number; inflight: number }) => async () => {
    const database = await scratch.postgres({ template: template.name });
    const result = await runPhase({ name: "append", options: { url: database.url, ...phase } });
    await scratch.dropPostgres(database.name);
    return result;
  };
  const appendRuns = await repeat({ label: `PostgreSQL appends (${int(sizes.postgresAppends)})`, count: runs, run: onPostgres({ records: sizes.postgresAppends, inflight }) });
  const singleRuns = await repeat({ label: `PostgreSQL single appends (${int(sizes.postgresSingles)})`, count: runs, run: onPostgres({ records: sizes.postgresSingles, inflight: 1 }) });
  const appendRate = median(appendRuns.map((r) => r.perSecond));
  const singleRate = median(singleRuns.map((r) => r.perSecond));
  const rates = (results: AppendResult[]) => spreadNote({ results, value: (r) => results[0]!.records / r.seconds, format: perSecond });
  const rows = [
    goalRow({
      measurement: "Durable appends/s, PostgreSQL, LogWriter, group commit",
      value: appendRate,
      format: perSecond,
      runs: runsOf({ count: runs, size: sizes.postgresAppends }),
      notes: `no goal of its own; ${int(inflight)} in flight, median batch ${Math.round(median(appendRuns.map((r) => r.medianBatch)))} records; local server; ${storeNote(appendRuns)}; ${rates(appendRuns)} (this process only; the server works too)`,
    }),
    goalRow({
      measurement: "↳ single-record durable commits/s, PostgreSQL",
      value: singleRate,
      format: perSecond,
      runs: runsOf({ count: runs, size: sizes.postgresSingles }),
      notes: `group commit gives ${(appendRate / singleRate).toFixed(0)}× this; ${rates(singleRuns)}`,
    }),
  ];
  return { rows, version: `${settings.version.split(" ")[0]} (fsync=${settings.fsync}, synchronous_commit=${settings.sc})` };
}

/** 2 and 3. The big log, built once with LogWriter (the build is not a result), verified, then proofs in it. */
async function bigLog(options: { bench: Bench }): Promise<{ rows: Row[]; build: AppendResult; verifyRuns: VerifyResult[] }> {
  const { sizes, scratch, template, began } = options.bench;
  log(`building a log of ${int(sizes.bigLog)} records on SQLite (once; not timed as a result)`);
  const url = scratch.sqlite({ template, name: "big" });
  const build = await runPhase({ name: "append", options: { url, records: sizes.bigLog, inflight, progress: true } });
  log(`  built in ${seconds(build.seconds)} (${perSecond(build.perSecond)})`);

  const verifyRuns: VerifyResult[] = [];
  for (let i = 0; i < runs; i++) {
    log(`verifying ${int(sizes.bigLog)} records: run ${i + 1}`);
    verifyRuns.push(await runPhase({ name: "verify", options: { url, records: sizes.bigLog, signatureChecks: "uncovered" } }));
    log(`  ${seconds(verifyRuns.at(-1)!.seconds)}`);
    const elapsed = (performance.now() - began) / 1000;
    if (elapsed + 1.5 * Math.max(...verifyRuns.map((r) => r.seconds)) > repeatVerifyWithinSeconds) break;
  }
  const verifySeconds = median(verifyRuns.map((r) => r.seconds));
  const fewerRuns =
    verifyRuns.length < runs ? `**${verifyRuns.length} run(s) only**, to end within ${repeatVerifyWithinSeconds / 60} minutes (a smaller --records gets ${runs}); ` : "";
  const scaled = sizes.bigLog !== 1_000_000 ? "; goal scaled from 20 s per 1,000,000 records" : "";
  // The record-by-record check as the baseline, once: it takes about four times as long.
  log(`verifying ${int(sizes.bigLog)} records, every record's signature too`);
  const everySignature = await runPhase({ name: "verify", options: { url, records: sizes.bigLog, signatureChecks: "all" } });
  log(`  ${seconds(everySignature.seconds)}`);

  log(`proving and checking ${int(sizes.proofs)} random records`);
  const proofs = await runPhase({ name: "prove", options: { url, samples: sizes.proofs } });
  const rows = [
    goalRow({
      measurement: `Verify a log of ${int(sizes.bigLog)} records (verifyLedger), SQLite`,
      value: verifySeconds,
      format: seconds,
      goal: { value: (20 * sizes.bigLog) / 1_000_000, atMost: true },
      runs: runsOf({ count: verifyRuns.length, size: sizes.bigLog }),
      notes: `${fewerRuns}default mode: every leaf, chain link, tree node, checkpoint (${int(verifyRuns[0]!.checkpoints)}: signature, root, consistency with the one before); record signatures where no matching checkpoint vouches for the record (${int(verifyRuns[0]!.signaturesChecked)} here: the tail after the last checkpoint); warm page cache; ${storeNote(verifyRuns)} (SQLite reads); ${spreadNote({ results: verifyRuns, value: (r) => r.seconds, format: seconds })}; the log was built at ${perSecond(build.perSecond)} (1 run, not a result)${scaled}`,
    }),
    {
      measurement: "↳ baseline: the same with every record's signature (--all-signatures)",
      median: seconds(everySignature.seconds),
      goal: "—",
      ratio: "—",
      met: "—",
      runs: runsOf({ count: 1, size: sizes.bigLog }),
      notes: `${int(everySignature.signaturesChecked)} Ed25519 verifications on the worker threads; the default mode takes ${(verifySeconds / everySignature.seconds).toFixed(2)}× its time; ${storeNote([everySignature])}; CPU ÷ wall ${(everySignature.cpuSeconds / everySignature.seconds).toFixed(2)}`,
    },
    goalRow({
      measurement: "↳ verification rate",
      value: sizes.bigLog / verifySeconds,
      format: (n) => `${int(n)} records/s`,
      goal: { value: 50_000 },
      runs: runsOf({ count: verifyRuns.length, size: sizes.bigLog }),
      notes: "the same runs; goal derived: 1,000,000 records in 20 s",
    }),
    goalRow({
      measurement: "Produce an inclusion proof (proveInclusion), SQLite",
      value: median(proofs.proveMs),
      format: ms,
      goal: { value: 5, atMost: true },
      runs: `${int(proofs.samples)} random records`,
      notes: `tree of ${int(proofs.treeSize)}; p95 ${ms(percentile({ values: proofs.proveMs, p: 95 }))}, max ${ms(Math.max(...proofs.proveMs))}; record, checkpoint, tree nodes and key read from the store`,
    }),
    goalRow({
      measurement: "Verify an inclusion proof (client side)",
      value: median(proofs.checkMs),
      format: ms,
      goal: { value: 5, atMost: true },
      runs: `${int(proofs.samples)} random records`,
      notes: `p95 ${ms(percentile({ values: proofs.checkMs, p: 95 }))}; leaf hash, verifyInclusion, record and checkpoint Ed25519 signatures, key parsing`,
    }),
  ];
  return { rows, build, verifyRuns };
}

/** 4. Memory of the append and verify phases (each run is its own process, so max RSS is its own). */
function memoryRows(options: { sizes: Sizes; appendRuns: AppendResult[]; build: AppendResult; verifyRuns: VerifyResult[] }): Row[] {
  const { sizes, appendRuns, build, verifyRuns } = options;
  const noGoal = { goal: "—", ratio: "—", met: "—" };
  return [
    {
      measurement: `Peak memory, appends (SQLite, ${int(sizes.sqliteAppends)} records, ${int(inflight)} in flight)`,
      median: `${mb(median(appendRuns.map((r) => r.memory.maxRss)))} max RSS`,
      ...noGoal,
      runs: runsOf({ count: appendRuns.length, size: sizes.sqliteAppends }),
      notes: `${memoryNote(appendRuns)}; building ${int(sizes.bigLog)} records: ${mb(build.memory.maxRss)} max RSS (1 run)`,
    },
    {
      measurement: `Peak memory, verify (${int(sizes.bigLog)} records)`,
      median: `${mb(median(verifyRuns.map((r) => r.memory.maxRss)))} max RSS`,
      ...noGoal,
      runs: runsOf({ count: verifyRuns.length, size: sizes.bigLog }),
      notes: memoryNote(verifyRuns),
    },
  ];
}

async function main(argv: string[]): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg();
  if (loadAtStart[0]! > os.availableParallelism() / 2) log(`load average is ${loadAtStart[0]!.toFixed(1)}: other work will slow the results down`);
  const quick = argv.includes("--quick");
  const sizes = { ...(quick ? quickSizes : fullSizes) };
  const recordsOption = option({ argv, name: "--records" });
  if (recordsOption !== undefined) {
    sizes.bigLog = Number(recordsOption.replace(/[_,]/g, ""));
    if (!Number.isSafeInteger(sizes.bigLog) || sizes.bigLog < 1) throw new Error("--records needs a positive whole number");
  }
  const postgres = postgresServer({ argv });
  const scratch = new Scratch({ name: "bench-ledger", postgresServer: postgres.url, log });
  // Ctrl-C or kill: stop the running child and remove what this run created. `on`, not
  // `once`: tsx may pass the same signal on a second time, which must not end the cleanup.
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: cleaning up`);
      currentChild?.kill("SIGKILL");
      void scratch.cleanup().finally(() => process.exit(130));
    });
  }
  try {
    log(`temp folder ${scratch.dir}; migrating a template database`);
    const template = path.join(scratch.dir, "template.db");
    migrateDeploy({ url: `file:${template}`, quiet: true });
    const probe = new Database(template, { readonly: true });
    const sqliteVersion = (probe.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
    probe.close();
    const bench: Bench = { sizes, scratch, template, began };

    const sqlite = await sqliteAppends({ bench });
    const onPostgres = postgres.url ? await postgresAppends({ bench, server: postgres.url }) : undefined;
    const big = await bigLog({ bench });
    const rows = [
      ...sqlite.rows,
      ...(onPostgres?.rows ?? [{ measurement: "Durable appends/s, PostgreSQL", median: "skipped", goal: "—", ratio: "—", met: "—", runs: "—", notes: postgres.skipped ?? "" }]),
      ...big.rows,
      ...memoryRows({ sizes, appendRuns: sqlite.appendRuns, build: big.build, verifyRuns: big.verifyRuns }),
    ];

    const table = markdownTable(rows);
    const elapsed = (performance.now() - began) / 1000;
    process.stdout.write(`${table}\n`);
    if (quick) {
      log(`--quick: a smoke run; BENCHMARKS.md left as it was (${elapsed.toFixed(0)} s)`);
      return;
    }
    const benchmarksFile = writeBenchmarkSection({
      benchmark: "ledger",
      body: [
        "## Audit ledger",
        "",
        `\`${["npx tsx scripts/bench-ledger.ts", ...argv].join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, ${elapsed.toFixed(0)} s in all.`,
        "",
        `Machine: ${describeMachine({ software: [`SQLite ${sqliteVersion}`, onPostgres?.version ? `PostgreSQL ${onPostgres.version}` : "PostgreSQL not measured"], loadAtStart })}.`,
        "",
        "Medians over the runs shown (each run a fresh process and, for appends, a fresh database). " +
          'Median ÷ goal is the measured median divided by the goal: at least 1 meets an "≥" goal, at most 1 a "≤" goal.',
        "",
        table,
      ].join("\n"),
    });
    log(`wrote the results to ${path.relative(process.cwd(), benchmarksFile)} (${elapsed.toFixed(0)} s)`);
  } finally {
    currentChild?.kill("SIGKILL");
    await scratch.cleanup();
  }
}

const argv = process.argv.slice(2);
(argv[0] === "--phase" ? childMain(argv) : main(argv)).catch((error: unknown) => {
  console.error(`bench-ledger: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
