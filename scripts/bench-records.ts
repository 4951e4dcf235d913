// Benchmark of the records explorer against the goals of issue 13:
//   1. the explorer's first page (50 rows) with any one filter, and with three filters
//      combined, in at most 150 ms server time p95, with 1,000,000 AI calls in the
//      database (SQLite and PostgreSQL; and 10,000,000 index rows on PostgreSQL),
//   2. CSV export at least 50,000 records/s,
//   3. `npm run seed:volume` writes 1,000,000 ledger records in at most 2 minutes.
//
//   npx tsx scripts/bench-records.ts [--quick] [--records N] [--postgres-url URL | --no-postgres]
//                                    [--postgres-records N] [--postgres-rows N]
//
// Each database is filled by scripts/seed-volume.ts itself (a child process, timed), so
// the seed row is the command's own time: first 1,000,000 records into the new database
// (the goal), then a second run to --records in all (2,000,000: about 1,000,000 calls). Every query is timed in process around
// queryRecords (the explorer's server time), alternating with the same query on an
// empty database of the same provider, and its plan is read with EXPLAIN through
// recordsSql. On PostgreSQL the 1,000,000-call index is then copied in bulk SQL (shifted
// back in time, new ids) up to --postgres-rows index rows, and the queries run again:
// a 10,000,000-call seed through the ledger would take most of an hour here.
//
// Prints the tables to stdout (progress to stderr) and writes them, with the machine and
// the date, to the "records" section of BENCHMARKS.md (not for a --quick smoke run). It
// times; it asserts nothing. Scratch files and databases are removed at the end, on
// failure and on Ctrl-C.
import { fork, spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { childEnv } from "../lib/config";
import { createDb, dbProvider, type Db } from "../lib/db";
import { validateRecordInput } from "../lib/ledger/record";
import { exportRecords } from "../lib/records/export-records";
import { planPage, queryRecords, recordsSql } from "../lib/records/query-records";
import type { RecordFilter, RecordQuery } from "../lib/records/record-filter";
import { cpuPressure, describeMachine, median, option, percentile, writeBenchmarkSection } from "./bench-report";
import { adminQuery, postgresServer, Scratch } from "./bench-scratch";
import { migrateDeploy } from "./prisma";
import type { SeedVolumeSummary } from "./seed-volume";

const root = path.resolve(import.meta.dirname, "..");
const pageSize = 50;
const goals = { p95Ms: 150, exportPerSecond: 50_000, seedSeconds: 120, seedRecords: 1_000_000 };

interface Sizes {
  sqliteRecords: number;
  postgresRecords: number;
  /** Index rows on PostgreSQL after the bulk copies. */
  postgresRows: number;
  runs: number;
  warmups: number;
}

const fullSizes: Sizes = { sqliteRecords: 2_000_000, postgresRecords: 2_000_000, postgresRows: 10_000_000, runs: 40, warmups: 3 };
const quickSizes: Sizes = { sqliteRecords: 40_000, postgresRecords: 20_000, postgresRows: 100_000, runs: 10, warmups: 2 };

const days = 30;
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (n < 10 ? `${n.toFixed(2)} ms` : `${n.toFixed(1)} ms`);
const seconds = (n: number) => `${n.toFixed(1)} s`;
const log = (message: string) => process.stderr.write(`[bench-records] ${message}\n`);

// ---------------------------------------------------------------------------------------
// The queries: the explorer's filters, one at a time and three at a time
// ---------------------------------------------------------------------------------------

/** What a query needs from the seeded data (found by the query phase, not timed). */
interface DataFacts {
  /** The newest record's time: the seed's "now". */
  end: string;
  volumeLog: string;
  appLog: string | null;
  recordId: string;
  leafHash: string;
}

interface QuerySpec {
  name: string;
  filter: RecordFilter;
  /** For a later page: the rows before it, skipped by a keyset cursor. */
  skip?: number;
}

const hoursBefore = (options: { end: string; hours: number }) => new Date(Date.parse(options.end) - options.hours * 3_600_000).toISOString();

/** Filter values are the demo plant's own (lib/seed/demo-plant.ts) and the volume traffic's (proxy/demo/volume-traffic.ts). */
function querySpecs(options: { facts: DataFacts; rows: number }): QuerySpec[] {
  const { facts } = options;
  const midWeek = hoursBefore({ end: facts.end, hours: 14 * 24 });
  const copilotOperator = "operator@nordwerk.example@conduit-ledger";
  return [
    { name: "no filter (newest first)", filter: {} },
    { name: "time range: the last 24 hours", filter: { from: hoursBefore({ end: facts.end, hours: 24 }) } },
    { name: "time range: one day two weeks back", filter: { from: hoursBefore({ end: midWeek, hours: 24 }), to: midWeek } },
    { name: "plant = aveiro", filter: { plant: "aveiro" } },
    { name: "zone = augsburg-l2-supervisory", filter: { zone: "augsburg-l2-supervisory" } },
    { name: "workstation = aug-hmi-h2-07", filter: { workstation: "aug-hmi-h2-07" } },
    { name: "device = aug-wi-copilot", filter: { device: "aug-wi-copilot" } },
    { name: "device = avr-qi-casting (rare)", filter: { device: "avr-qi-casting" } },
    { name: "operator = the demo operator (verified)", filter: { operator: copilotOperator } },
    { name: "operator = compliance@… (rare)", filter: { operator: "compliance@nordwerk.example@conduit-ledger" } },
    { name: "destination = anthropic", filter: { destination: "anthropic" } },
    { name: "conduit = aug-l3-to-gemini-anomaly", filter: { conduit: "aug-l3-to-gemini-anomaly" } },
    { name: "model = claude-sonnet-4-5", filter: { model: "claude-sonnet-4-5" } },
    { name: "outcome = refused", filter: { outcome: "refused" } },
    { name: "outcome = flagged", filter: { outcome: "flagged" } },
    { name: "level = RESTRICTED", filter: { level: "RESTRICTED" } },
    { name: "label = personal_data", filter: { label: "personal_data" } },
    { name: "label = secret (rare)", filter: { label: "secret" } },
    { name: "kind = oversight_decision", filter: { kind: "oversight_decision" } },
    { name: "log = the volume log", filter: { log: facts.volumeLog } },
    ...(facts.appLog ? [{ name: "log = the app's log (rare)", filter: { log: facts.appLog } }] : []),
    { name: "record id", filter: { q: facts.recordId } },
    { name: "leaf hash", filter: { q: facts.leafHash } },
    { name: "3 filters: plant + outcome + level", filter: { plant: "augsburg", outcome: "redacted", level: "CONFIDENTIAL" } },
    { name: "3 filters: device + operator + last 7 days", filter: { device: "aug-wi-copilot", operator: copilotOperator, from: hoursBefore({ end: facts.end, hours: 7 * 24 }) } },
    { name: "3 filters, selective: label secret + plant + kind", filter: { label: "secret", plant: "augsburg", kind: "ai_call" } },
    { name: "3 filters, selective: device + outcome + kind", filter: { device: "avr-qi-casting", outcome: "refused", kind: "ai_call_denied" } },
    { name: "3 filters matching nothing: plant + device + outcome", filter: { plant: "aveiro", device: "aug-qi-camera-l3", outcome: "allowed" } },
    { name: "later page: no filter", filter: {}, skip: Math.floor(options.rows / 2) },
    { name: "later page: device = aug-wi-copilot", filter: { device: "aug-wi-copilot" }, skip: 10_000 },
  ];
}

// ---------------------------------------------------------------------------------------
// Phases: each runs in its own child process and returns its figures to the parent
// ---------------------------------------------------------------------------------------

interface QueryResult {
  name: string;
  matches: number;
  /** Wall time of each queryRecords call, ms. */
  volume: number[];
  empty: number[];
  rowsReturned: number;
  plan: string;
}

/** The indexes a plan uses, in a few words (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL). */
async function planOf(options: { db: Db; sql: string; params: (string | number)[] }): Promise<string> {
  const { db, sql, params } = options;
  if (dbProvider(db) === "sqlite") {
    const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...params);
    return rows
      .map((r) => r.detail.replace(/^(SEARCH|SCAN) (\w+) /, "$1 $2 ").replace(/ \((.+)\)$/, " ($1)"))
      .join("; ");
  }
  const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(`EXPLAIN (FORMAT JSON) ${sql}`, ...params);
  const parts: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    const type = String(node["Node Type"]);
    const index = node["Index Name"] ? ` ${String(node["Index Name"])}` : "";
    const direction = node["Scan Direction"] === "Backward" ? " backward" : "";
    if (type !== "Limit") parts.push(`${type}${direction}${index}${node["Relation Name"] && !index ? ` on ${String(node["Relation Name"])}` : ""}`);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  const plan = (row!["QUERY PLAN"] as { Plan: Record<string, unknown> }[])[0]!.Plan;
  walk(plan);
  return parts.join(" → ");
}

/** How many rows a filter matches (not timed). */
async function countMatches(options: { db: Db; filter: RecordFilter }): Promise<number> {
  const { sql, params } = recordsSql({ provider: dbProvider(options.db), filter: options.filter, sort: "newest", after: null, limit: 2 ** 31 - 1 });
  const [row] = await options.db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM (${sql}) matched`, ...params);
  return Number(row!.n);
}

/**
 * The keyset cursor after the first `skip` rows of a filter in the explorer's order
 * (found once, not timed): the page's own SQL, selecting only the order columns, with an
 * OFFSET the explorer never uses.
 */
async function cursorAfter(options: { db: Db; filter: RecordFilter; skip: number }): Promise<RecordQuery["after"]> {
  const { sql, params } = recordsSql({ provider: dbProvider(options.db), filter: options.filter, sort: "newest", after: null, limit: 1 });
  const order = options.filter.label !== undefined ? "l" : "r";
  const keys = sql.replace(/^SELECT .+? FROM /, `SELECT ${order}."at" AS "at", ${order}."recordId" AS "recordId" FROM `);
  const [row] = await options.db.$queryRawUnsafe<{ at: string; recordId: string }[]>(`${keys} OFFSET ${options.skip - 1}`, ...params);
  return row ? { at: row.at, recordId: row.recordId } : null;
}

async function dataFacts(options: { db: Db }): Promise<DataFacts> {
  const { db } = options;
  const logs = await db.auditLog.findMany({ select: { id: true, name: true } });
  const volume = logs.find((l) => l.name.startsWith("volume-"));
  if (!volume) throw new Error("no volume log in the benchmark database");
  const [newest] = await db.$queryRawUnsafe<{ at: string }[]>(`SELECT MAX("at") AS "at" FROM "RecordIndex" WHERE "logId" = ${dbProvider(db) === "sqlite" ? "?" : "$1"}`, volume.id);
  // A call from the middle of the volume log: its id and leaf hash are the lookups.
  const size = await db.recordIndex.count({ where: { logId: volume.id } });
  const middle = await db.recordIndex.findFirst({ where: { logId: volume.id, seq: Math.floor(size / 2) }, select: { recordId: true, leafHash: true } });
  return { end: newest!.at, volumeLog: volume.id, appLog: logs.find((l) => l.name === "app")?.id ?? null, recordId: middle!.recordId, leafHash: middle!.leafHash };
}

/** Times every query on the volume database and, alternately, on the empty one. */
async function queriesPhase(options: { volumeUrl: string; emptyUrl: string; runs: number; warmups: number }): Promise<{ facts: DataFacts; rows: number; results: QueryResult[] }> {
  const volume = createDb(options.volumeUrl);
  const empty = createDb(options.emptyUrl);
  try {
    const facts = await dataFacts({ db: volume });
    const rows = await volume.recordIndex.count();
    const results: QueryResult[] = [];
    for (const spec of querySpecs({ facts, rows })) {
      const matches = await countMatches({ db: volume, filter: spec.filter });
      // A later page lies within the rows the filter matches (a smoke run has fewer).
      const skip = spec.skip ? Math.min(spec.skip, Math.floor(matches / 2)) : 0;
      const name = spec.skip ? `${spec.name}, after ${int(skip)} rows` : spec.name;
      const after = skip > 0 ? await cursorAfter({ db: volume, filter: spec.filter, skip }) : null;
      const query = { filter: spec.filter, sort: "newest" as const, after };
      // The plan of the SQL queryRecords runs: with several filters, read through the index of the one it picks.
      const pagePlan = await planPage({ db: volume, filter: spec.filter, bounded: true });
      const { sql, params } = recordsSql({ provider: dbProvider(volume), ...query, limit: pageSize + 1, ...pagePlan });
      const how = [pagePlan.lead && `lead ${pagePlan.lead}`, pagePlan.window && `window ${int(pagePlan.window)}`].filter(Boolean).join(", ");
      const plan = `${how ? `${how}: ` : ""}${await planOf({ db: volume, sql, params })}`;
      const time = async (db: Db) => {
        const started = performance.now();
        const page = await queryRecords({ db, query, limit: pageSize });
        return { ms: performance.now() - started, rows: page.rows.length };
      };
      for (let i = 0; i < options.warmups; i++) {
        await time(volume);
        await time(empty);
      }
      const result: QueryResult = { name, matches, volume: [], empty: [], rowsReturned: 0, plan };
      for (let i = 0; i < options.runs; i++) {
        // Alternating which goes first, so neither always finds the other's caches warm.
        const order = i % 2 === 0 ? [volume, empty] : [empty, volume];
        for (const db of order) {
          const t = await time(db);
          if (db === volume) {
            result.volume.push(t.ms);
            result.rowsReturned = t.rows;
          } else result.empty.push(t.ms);
        }
      }
      log(`  ${name}: p50 ${ms(median(result.volume))}, p95 ${ms(percentile({ values: result.volume, p: 95 }))} (${int(matches)} match; ${plan})`);
      results.push(result);
    }
    return { facts, rows, results };
  } finally {
    await volume.$disconnect();
    await empty.$disconnect();
  }
}

interface ExportResult {
  rows: number;
  bytes: number;
  seconds: number;
  rate: number;
  maxRss: number;
  filter: string;
}

/** Streams a CSV export of the last `days` days through exportRecords and drains it, as a client would. */
async function exportPhase(options: { url: string; days: number }): Promise<ExportResult> {
  const db = createDb(options.url);
  try {
    const facts = await dataFacts({ db });
    const filter: RecordFilter = { from: hoursBefore({ end: facts.end, hours: options.days * 24 }) };
    const started = performance.now();
    // The export's own ledger record is validated as the app would write it, not appended:
    // this database's logs belong to the seed.
    const stream = await exportRecords({
      db,
      record: async (input) => validateRecordInput(input),
      actor: { id: "bench", email: "auditor@nordwerk.example", name: "Benchmark", role: "AUDITOR" },
      filter,
      sort: "newest",
      format: "csv",
    });
    const reader = stream.getReader();
    let bytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (let i = value.indexOf(10); i >= 0; i = value.indexOf(10, i + 1)) lines++;
    }
    const elapsed = (performance.now() - started) / 1000;
    const rows = lines - 1; // the header
    return { rows, bytes, seconds: elapsed, rate: rows / elapsed, maxRss: process.resourceUsage().maxRSS * 1024, filter: `from=${filter.from}` };
  } finally {
    await db.$disconnect();
  }
}

const phases = { queries: queriesPhase, export: exportPhase };
type Phases = typeof phases;

let currentChild: ChildProcess | undefined;

/** Runs one phase in a fresh child process (this file with --phase) and returns its result. */
function runPhase<K extends keyof Phases>(phase: { name: K; options: Parameters<Phases[K]>[0] }): Promise<Awaited<ReturnType<Phases[K]>>> {
  const { name, options } = phase;
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ["--phase", name, JSON.stringify(options)], {
      execArgv: process.execArgv,
      env: childEnv({ LOG_LEVEL: "warn" }),
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
  if (!phase || !process.send) throw new Error(`--phase ${name} is internal to bench-records`);
  process.on("disconnect", () => process.exit(1));
  const result = await phase(JSON.parse(argv[2] ?? "{}"));
  await new Promise((resolve) => process.send!(result, resolve));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
// Seeding: npm run seed:volume itself
// ---------------------------------------------------------------------------------------

interface SeedResult {
  summary: SeedVolumeSummary;
  /** The command's wall time, process start to exit. */
  wallSeconds: number;
}

/** Runs scripts/seed-volume.ts against `url`, with its own data folder for keys. */
function runSeed(options: { url: string; dataDir: string; records: number }): Promise<SeedResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/seed-volume.ts"), "--records", String(options.records), "--days", String(days), "--json"], {
      cwd: root,
      env: childEnv({ DATABASE_URL: options.url, CONDUIT_DATA_DIR: options.dataDir, LOG_LEVEL: "warn" }),
      stdio: ["ignore", "pipe", "inherit"],
    });
    currentChild = child;
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      currentChild = undefined;
      if (code !== 0) return reject(new Error(`seed-volume failed (${signal ?? `exit code ${code}`})`));
      resolve({ summary: JSON.parse(out.trim().split("\n").at(-1)!) as SeedVolumeSummary, wallSeconds: (performance.now() - started) / 1000 });
    });
  });
}

/** The goal's seed into the new database, then a second run to `records` in all. */
async function seedTwice(options: { label: string; url: string; dataDir: string; records: number }): Promise<{ seed: SeedResult; fill?: SeedResult }> {
  const first = Math.min(options.records, goals.seedRecords);
  log(`${options.label}: npm run seed:volume -- --records ${first}`);
  const seed = await runSeed({ url: options.url, dataDir: options.dataDir, records: first });
  log(`  ${seconds(seed.wallSeconds)}`);
  if (options.records <= first) return { seed };
  log(`${options.label}: npm run seed:volume -- --records ${options.records - first} (to the queries' size)`);
  const fill = await runSeed({ url: options.url, dataDir: options.dataDir, records: options.records - first });
  log(`  ${seconds(fill.wallSeconds)}`);
  return { seed, fill };
}

// ---------------------------------------------------------------------------------------
// Scratch databases
// ---------------------------------------------------------------------------------------

/**
 * Grows a PostgreSQL index to about `rows` rows by copying the rows indexed from the
 * ledger (and their labels): copy k is shifted k × `days` back in time, its record ids,
 * call links and log id suffixed "~k" and its leaf hashes rewritten, so that each stays
 * unique.
 */
async function bulkCopies(options: { url: string; rows: number }): Promise<{ copies: number; rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  const started = performance.now();
  try {
    const base = Number((await client.query(`SELECT COUNT(*) AS n FROM "RecordIndex"`)).rows[0].n);
    const copies = Math.max(0, Math.round(options.rows / base) - 1);
    await client.query(`CREATE TEMP TABLE base_labels AS SELECT * FROM "RecordIndexLabel"`);
    // Inserting millions of rows into fifteen indexes row by row runs at a few thousand
    // rows a second here: the secondary indexes are dropped for the copies and built
    // again afterwards from their own definitions (as a REINDEX would leave them).
    const secondary = (await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'RecordIndex' AND indexname <> 'RecordIndex_pkey'`)).rows as { indexname: string; indexdef: string }[];
    for (const index of secondary) await client.query(`DROP INDEX "${index.indexname}"`);
    // "~k" after an id, and "x0k" in place of a hash's first digits, can never equal an original.
    const id = (column: string) => `${column} || '~' || $1::int`;
    const at = (column: string) => `to_char((${column}::timestamptz - make_interval(days => $1::int * ${days})) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    for (let k = 1; k <= copies; k++) {
      const t = performance.now();
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO "RecordIndex" ("recordId","logId","seq","kind","at","plant","zone","workstation","device","operator","assurance","actor","destination","conduit","model","outcome","code","level","labels","callRecordId","leafHash","summary","result","durationMs","inputTokens","outputTokens")
         SELECT ${id(`"recordId"`)}, "logId" || '~' || $1::int, "seq", "kind", ${at(`"at"`)}, "plant","zone","workstation","device","operator","assurance","actor","destination","conduit","model","outcome","code","level","labels",
                ${id(`"callRecordId"`)}, overlay("leafHash" placing 'x' || lpad($1::text, 2, '0') from 1 for 3), "summary","result","durationMs","inputTokens","outputTokens"
         FROM "RecordIndex" WHERE position('~' in "logId") = 0`,
        [k],
      );
      await client.query(`INSERT INTO "RecordIndexLabel" ("label","at","recordId") SELECT "label", ${at(`"at"`)}, ${id(`"recordId"`)} FROM base_labels`, [k]);
      await client.query("COMMIT");
      log(`  copy ${k} of ${copies}: ${seconds((performance.now() - t) / 1000)}`);
    }
    const indexing = performance.now();
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const index of secondary) await client.query(index.indexdef);
    log(`  ${secondary.length} indexes built again in ${seconds((performance.now() - indexing) / 1000)}`);
    // Fresh statistics and visibility map, as autovacuum would leave them after such growth.
    await client.query(`VACUUM ANALYZE "RecordIndex"`);
    await client.query(`VACUUM ANALYZE "RecordIndexLabel"`);
    const total = Number((await client.query(`SELECT COUNT(*) AS n FROM "RecordIndex"`)).rows[0].n);
    return { copies, rows: total, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

/** A database URL as the report may show it: without its password. */
function withoutPassword(arg: string): string {
  if (!/^postgres(ql)?:\/\//.test(arg)) return arg;
  const url = new URL(arg);
  if (url.password) url.password = "***";
  return url.toString();
}

function markdownTable(options: { header: string[]; rows: string[][] }): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(options.header), line(options.header.map(() => "---")), ...options.rows.map(line)].join("\n");
}

/** One table of query timings: p50 and p95 on the full database beside the empty one. */
function queryTable(options: { results: QueryResult[] }): string {
  const rows = options.results.map((r) => {
    const p50 = median(r.volume);
    const p95 = percentile({ values: r.volume, p: 95 });
    const e50 = median(r.empty);
    const e95 = percentile({ values: r.empty, p: 95 });
    return [
      r.name,
      int(r.matches),
      ms(p50),
      ms(p95),
      `${ms(e50)} / ${ms(e95)}`,
      `${(p50 / e50).toFixed(1)}× / ${(p95 / e95).toFixed(1)}×`,
      p95 <= goals.p95Ms ? "yes" : "**no**",
      r.plan,
    ];
  });
  return markdownTable({ header: ["Query (first page of 50, newest first)", "Matching rows", "p50", "p95", "Empty DB p50 / p95", "Ratio p50 / p95", `p95 ≤ ${goals.p95Ms} ms`, "Plan (indexes used)"], rows });
}

interface ProviderRun {
  label: string;
  /** The first seed, into the new database: the one the goal is about. */
  seed: SeedResult;
  /** The second, filling the database to the size the queries run at. */
  fill?: SeedResult;
  queries: Awaited<ReturnType<typeof queriesPhase>>;
  exported?: ExportResult;
  version: string;
}

function summaryRows(runs: ProviderRun[]): string[][] {
  const rows: string[][] = [];
  for (const run of runs) {
    const { summary, wallSeconds } = run.seed;
    const c = summary.counts;
    const goal = (goals.seedSeconds * c.records) / goals.seedRecords;
    const fill = run.fill ? `. The second run, to the queries' size, wrote ${int(run.fill.summary.counts.records)} more records in ${seconds(run.fill.wallSeconds)} into the filled database` : "";
    rows.push([
      `seed:volume, ${run.label}: ${int(c.records)} ledger records`,
      seconds(wallSeconds),
      `≤ ${seconds(goal)}`,
      wallSeconds <= goal ? "yes" : "**no**",
      `${int(c.calls)} AI calls (${Object.entries(c.byKind).map(([k, n]) => `${k} ${int(n)}`).join(", ")}); appending ${seconds(summary.seconds.append)} (${int(c.calls / summary.seconds.append)} calls/s, ${int(c.records / summary.seconds.append)} records/s) with the indexer beside it (${int(summary.indexedDuringAppend)} records indexed meanwhile), the index caught up ${seconds(summary.seconds.index)} after the appends; migrations and demo plant ${seconds(summary.seconds.prepare)}, the rest process start-up${fill}`,
    ]);
    if (run.exported) {
      const e = run.exported;
      rows.push([
        `CSV export, ${run.label}`,
        `${int(e.rate)} records/s`,
        `≥ ${int(goals.exportPerSecond)} records/s`,
        e.rate >= goals.exportPerSecond ? "yes" : "**no**",
        `exportRecords, stream drained: ${int(e.rows)} rows of the last 7 days (${e.filter}) in ${seconds(e.seconds)}, ${(e.bytes / 2 ** 20).toFixed(0)} MiB; max RSS ${Math.round(e.maxRss / 2 ** 20)} MB`,
      ]);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

async function sqliteRun(options: { scratch: Scratch; sizes: Sizes }): Promise<ProviderRun> {
  const { scratch, sizes } = options;
  const dataDir = path.join(scratch.dir, "sqlite");
  const volumeUrl = `file:${path.join(dataDir, "volume.db")}`;
  const { seed, fill } = await seedTwice({ label: "SQLite", url: volumeUrl, dataDir, records: sizes.sqliteRecords });
  const emptyUrl = `file:${path.join(scratch.dir, "empty.db")}`;
  migrateDeploy({ url: emptyUrl, quiet: true });
  log("SQLite: queries");
  const queries = await runPhase({ name: "queries", options: { volumeUrl, emptyUrl, runs: sizes.runs, warmups: sizes.warmups } });
  log("SQLite: CSV export");
  const exported = await runPhase({ name: "export", options: { url: volumeUrl, days: 7 } });
  log(`  ${int(exported.rate)} records/s`);
  const probe = new Database(volumeUrl.slice("file:".length), { readonly: true });
  const version = (probe.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  probe.close();
  return { label: "SQLite", seed, fill, queries, exported, version: `SQLite ${version}` };
}

async function postgresRuns(options: { scratch: Scratch; sizes: Sizes; server: string }): Promise<{ runs: ProviderRun[]; bulk: { copies: number; rows: number; seconds: number } }> {
  const { scratch, sizes, server } = options;
  const version = String((await adminQuery({ url: server, sql: "SELECT current_setting('server_version') AS v" })).rows[0].v).split(" ")[0]!;
  const volume = await scratch.postgres();
  const { seed, fill } = await seedTwice({ label: "PostgreSQL", url: volume.url, dataDir: path.join(scratch.dir, "postgres"), records: sizes.postgresRecords });
  const empty = await scratch.postgres();
  migrateDeploy({ url: empty.url, quiet: true });
  // Plans depend on statistics: take them now rather than whenever autovacuum gets to it.
  for (const url of [volume.url, empty.url]) for (const table of ["RecordIndex", "RecordIndexLabel"]) await adminQuery({ url, sql: `VACUUM ANALYZE "${table}"` });
  log("PostgreSQL: queries");
  const queries = await runPhase({ name: "queries", options: { volumeUrl: volume.url, emptyUrl: empty.url, runs: sizes.runs, warmups: sizes.warmups } });
  log("PostgreSQL: CSV export");
  const exported = await runPhase({ name: "export", options: { url: volume.url, days: 7 } });
  log(`  ${int(exported.rate)} records/s`);
  log(`PostgreSQL: copying the index in bulk to about ${int(sizes.postgresRows)} rows`);
  const bulk = await bulkCopies({ url: volume.url, rows: sizes.postgresRows });
  log(`  ${int(bulk.rows)} rows in ${seconds(bulk.seconds)}`);
  log("PostgreSQL: queries on the bulk index");
  const bigQueries = await runPhase({ name: "queries", options: { volumeUrl: volume.url, emptyUrl: empty.url, runs: sizes.runs, warmups: sizes.warmups } });
  return {
    runs: [
      { label: "PostgreSQL", seed, fill, queries, exported, version: `PostgreSQL ${version}` },
      { label: `PostgreSQL, ${int(bulk.rows)} index rows`, seed, fill, queries: bigQueries, version: `PostgreSQL ${version}` },
    ],
    bulk,
  };
}

async function main(argv: string[]): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg();
  const pressureAtStart = cpuPressure();
  if (loadAtStart[0]! > os.availableParallelism() / 2) log(`load average is ${loadAtStart[0]!.toFixed(1)}: other work will slow the results down`);
  const quick = argv.includes("--quick");
  const sizes = { ...(quick ? quickSizes : fullSizes) };
  const whole = (name: string) => {
    const text = option({ argv, name });
    if (text === undefined) return undefined;
    const n = Number(text.replace(/[_,]/g, ""));
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} needs a positive whole number`);
    return n;
  };
  sizes.sqliteRecords = whole("--records") ?? sizes.sqliteRecords;
  sizes.postgresRecords = whole("--postgres-records") ?? whole("--records") ?? sizes.postgresRecords;
  sizes.postgresRows = whole("--postgres-rows") ?? sizes.postgresRows;
  const postgres = postgresServer({ argv });
  const scratch = new Scratch({ name: "bench-records", postgresServer: postgres.url, log });
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
    log(`temp folder ${scratch.dir}`);
    const sqlite = await sqliteRun({ scratch, sizes });
    const onPostgres = postgres.url ? await postgresRuns({ scratch, sizes, server: postgres.url }) : undefined;
    const runs = [sqlite, ...(onPostgres?.runs ?? [])];

    const summary = markdownTable({ header: ["Measurement", "Result", "Goal", "Met", "Notes"], rows: summaryRows(runs.filter((r) => !r.label.includes("index rows"))) });
    const sections = runs.map((run) => {
      const calls = run.seed.summary.counts.calls + (run.fill?.summary.counts.calls ?? 0);
      const title =
        run.label.includes("index rows") && onPostgres
          ? `### ${run.label}: the ${int(calls)}-call index and ${onPostgres.bulk.copies} bulk copies of it`
          : `### ${run.label}: ${int(calls)} AI calls, ${int(run.queries.rows)} index rows`;
      return [title, "", queryTable({ results: run.queries.results })].join("\n");
    });
    const elapsed = (performance.now() - began) / 1000;
    const report = [summary, "", ...sections.flatMap((s) => [s, ""])].join("\n");
    process.stdout.write(`${report}\n`);
    if (quick) {
      log(`--quick: a smoke run; BENCHMARKS.md left as it was (${elapsed.toFixed(0)} s)`);
      return;
    }
    const bulkNote = onPostgres
      ? `On PostgreSQL the index of ${int(sizes.postgresRecords)} records (${int(onPostgres.runs[0]!.queries.rows)} rows) was then copied ${onPostgres.bulk.copies} times in bulk SQL (each copy shifted ${days} days further back, record ids, call links and log ids suffixed "~k", leaf hashes rewritten, the secondary indexes dropped for the copies and built again after them; ${seconds(onPostgres.bulk.seconds)}, not a result) to ${int(onPostgres.bulk.rows)} index rows, and the queries ran again: a seed of 10,000,000 records through the ledger would take about ${Math.round((onPostgres.runs[0]!.seed.wallSeconds * 10_000_000) / onPostgres.runs[0]!.seed.summary.counts.records / 60)} minutes at the first seed's rate.`
      : `PostgreSQL was not measured (${postgres.skipped}).`;
    const benchmarksFile = writeBenchmarkSection({
      // bench-report.ts names the benchmarks it knows; "records" is this one's section.
      benchmark: "records",
      body: [
        "## Records explorer",
        "",
        `\`${["npx tsx scripts/bench-records.ts", ...argv.map(withoutPassword)].join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, ${elapsed.toFixed(0)} s in all.`,
        "",
        `Machine: ${describeMachine({ software: [...new Set(runs.map((r) => r.version))], loadAtStart, pressureAtStart })}.`,
        "",
        `Each database was filled by \`npm run seed:volume\` (scripts/seed-volume.ts, timed as a whole: migrations, the demo plant, the appends through a LogWriter and the indexing) with ${days} days of AI calls: ${int(goals.seedRecords)} records into the new database (the seed goal), then a second run to the size the queries ran at. ` +
          `Query times are the wall time of one queryRecords call in the benchmark's process (the explorer's server time: SQL and row mapping, no HTTP), ${sizes.runs} runs after ${sizes.warmups} warm-ups, each run alternating with the same query on an empty database (migrated, no records) of the same provider. ` +
          `Plans are EXPLAIN QUERY PLAN (SQLite, no ANALYZE statistics, as the app leaves it) and EXPLAIN (PostgreSQL, after VACUUM ANALYZE) of the page's SQL from recordsSql, with the filter planPage picks to lead where there are several ("lead …"; "window N" where none is rare and the page reads at most N entries of the leading index before it says how far back it searched); queryRecords' time includes that pick. ` +
          bulkNote,
        "",
        summary,
        "",
        ...sections.flatMap((s) => [s, ""]),
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
  console.error(`bench-records: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
