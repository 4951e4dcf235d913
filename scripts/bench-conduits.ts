// Benchmark of the conduit pages against the goals of issue 15 ("Conduit operations and
// monitoring"):
//   1. with 1,000,000 ledger records (`npm run seed:volume`), on SQLite and PostgreSQL,
//      the conduits overview and a conduit's page in at most 300 ms server time p95,
//   2. keeping rollups and baselines current costs at most 5% of the proxy's throughput:
//      measured by `npm run bench:proxy` (its "indexing" phase; `-- --only indexing` runs
//      that phase alone), not here.
//
//   npx tsx scripts/bench-conduits.ts [--quick] [--records N] [--postgres-url URL | --no-postgres]
//
// Each database is filled by scripts/seed-volume.ts (a child process, with its indexer
// beside the appends, so the traffic rollups are written as the app writes them), over a
// migrated database it seeds with the demo plant first. The pages' server-side data is
// then timed in a child process of its own: the same calls, in the same order, as
// app/(app)/conduits/page.tsx and app/(app)/conduits/[slug]/page.tsx make them (sign-in,
// cookies and rendering left out), after the index has caught up, with each run
// rotating through the pages; then one detectAnomalies run as the app's minute timer
// runs it.
//
// Prints the table to stdout (progress to stderr) and writes it, with the machine and the
// date, to the "conduits" section of BENCHMARKS.md (not for a --quick smoke run). It
// times; it asserts nothing. Scratch files and databases are removed at the end, on
// failure and on Ctrl-C.
import { fork, spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { childEnv } from "../lib/config";
import { loadConduitOperations } from "../lib/conduits/conduit-page";
import { loadConduitsOverview } from "../lib/conduits/conduits-overview";
import { detectAnomalies } from "../lib/conduits/detect-anomalies";
import { trafficRange } from "../lib/conduits/traffic-range";
import { createDb, type Db } from "../lib/db";
import { listDestinations } from "../lib/destinations/list-destinations";
import { indexPendingRecords } from "../lib/records/record-index";
import { callWindowDays, loadSupplierOverview } from "../lib/suppliers/overview";
import { cpuPressure, describeMachine, median, option, percentile, writeBenchmarkSection } from "./bench-report";
import { adminQuery, postgresServer, Scratch } from "./bench-scratch";
import type { SeedVolumeSummary } from "./seed-volume";

const root = path.resolve(import.meta.dirname, "..");
const goals = { p95Ms: 300, records: 1_000_000 };

interface Sizes {
  records: number;
  runs: number;
  warmups: number;
  /** detectAnomalies runs after the first (which creates the anomaly rows). */
  detectionRuns: number;
}

const fullSizes: Sizes = { records: goals.records, runs: 40, warmups: 3, detectionRuns: 5 };
const quickSizes: Sizes = { records: 20_000, runs: 5, warmups: 1, detectionRuns: 2 };

const days = 30;
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (n < 10 ? `${n.toFixed(2)} ms` : `${n.toFixed(1)} ms`);
const seconds = (n: number) => `${n.toFixed(1)} s`;
const log = (message: string) => process.stderr.write(`[bench-conduits] ${message}\n`);

/** Pages in a different order each run, so none always finds the others' caches warm. */
function rotated<T>(items: T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

// ---------------------------------------------------------------------------------------
// The pages: what their server components load, call for call
// ---------------------------------------------------------------------------------------

interface PlantRef {
  id: string;
  slug: string;
  timeZone: string;
}

/** app/(app)/conduits/page.tsx: the plant list (lib/plants/selection listPlants), then the overview and the destinations at once. */
async function overviewPage(options: { db: Db; plant: PlantRef | null; viewerId: string; range: string }): Promise<Record<string, number>> {
  const { db } = options;
  await db.plant.findMany({ select: { id: true, slug: true, name: true, memberState: true, timeZone: true }, orderBy: { name: "asc" } });
  const now = new Date();
  const range = trafficRange({ value: options.range, now });
  await Promise.all([loadConduitsOverview({ db, plant: options.plant, viewerId: options.viewerId, range, now }), listDestinations({ db })]);
  return {};
}

/** app/(app)/conduits/[slug]/page.tsx: the conduit, the supplier overview, then its operations; returns the time of each part. */
async function conduitPage(options: { db: Db; slug: string; viewerId: string; range: string }): Promise<Record<string, number>> {
  const { db } = options;
  const t0 = performance.now();
  const conduit = await db.conduit.findUnique({
    where: { slug: options.slug },
    include: {
      sourceZone: { select: { name: true, plant: { select: { name: true, timeZone: true } } } },
      destination: { select: { name: true, slug: true, supplierId: true } },
      approvedBy: { select: { name: true } },
    },
  });
  if (!conduit) throw new Error(`no conduit ${options.slug}`);
  const t1 = performance.now();
  const overview = await loadSupplierOverview({ db, now: new Date() });
  const t2 = performance.now();
  const range = trafficRange({ value: options.range, now: overview.now });
  await loadConduitOperations({ db, conduit, viewerId: options.viewerId, timeZone: conduit.sourceZone.plant?.timeZone ?? "UTC", range, now: overview.now });
  const t3 = performance.now();
  return { conduit: t1 - t0, loadSupplierOverview: t2 - t1, loadConduitOperations: t3 - t2 };
}

// ---------------------------------------------------------------------------------------
// The phase: runs in its own child process and returns its figures to the parent
// ---------------------------------------------------------------------------------------

interface PageResult {
  name: string;
  page: "overview" | "conduit";
  /** Wall time of each run, ms. */
  times: number[];
  /** Wall time of each part of each run (the conduit page), ms. */
  parts: Record<string, number[]>;
}

interface PagesResult {
  facts: { conduit: string; conduitCalls: number; plant: string; plantCalls: number; allCalls: number; rollupRows: number; labelRollupRows: number; indexRows: number; ledgerRecords: number; caughtUp: number };
  pages: PageResult[];
  detection: { first: number; later: number[]; findings: number; created: number };
}

async function pagesPhase(options: { url: string; runs: number; warmups: number; detectionRuns: number }): Promise<PagesResult> {
  // The app runs detection once a minute in the background, started by the first page
  // load (lib/conduits/anomaly-watch.ts). Here it is timed on its own: a run starting in
  // the middle of the page timings would count against whichever page it overlapped.
  const watchTimer = setInterval(() => undefined, 2 ** 30);
  watchTimer.unref();
  (globalThis as unknown as { conduitAnomalyWatch?: unknown }).conduitAnomalyWatch = { running: null, timer: watchTimer };
  const db = createDb(options.url);
  try {
    // The loaders catch the index up before they read; it must be current before timing.
    let caughtUp = 0;
    for (;;) {
      const progress = await indexPendingRecords({ db, batchSize: 2000, budgetMs: 10_000 });
      caughtUp += progress.indexed;
      if (progress.behind === 0) break;
    }
    const range = trafficRange({ value: "7d", now: new Date() });
    const inRange = { hour: { gte: range.from, lt: range.to } };
    const byConduit = await db.trafficRollup.groupBy({ by: ["conduit"], where: { ...inRange, conduit: { not: "" } }, _sum: { calls: true }, orderBy: { _sum: { calls: "desc" } }, take: 1 });
    const byPlant = await db.trafficRollup.groupBy({ by: ["plant"], where: { ...inRange, plant: { not: "" } }, _sum: { calls: true }, orderBy: { _sum: { calls: "desc" } }, take: 1 });
    const all = await db.trafficRollup.aggregate({ where: inRange, _sum: { calls: true } });
    const busiest = byConduit[0];
    const plantSlug = byPlant[0]?.plant;
    if (!busiest || !plantSlug) throw new Error("no traffic in the last 7 days of the benchmark database");
    const plant = await db.plant.findUniqueOrThrow({ where: { slug: plantSlug }, select: { id: true, slug: true, timeZone: true } });
    const viewer = (await db.user.findFirst({ where: { email: "admin@nordwerk.example" }, select: { id: true } })) ?? (await db.user.findFirstOrThrow({ select: { id: true } }));
    const facts: PagesResult["facts"] = {
      conduit: busiest.conduit,
      conduitCalls: busiest._sum.calls ?? 0,
      plant: plant.slug,
      plantCalls: byPlant[0]!._sum.calls ?? 0,
      allCalls: all._sum.calls ?? 0,
      rollupRows: await db.trafficRollup.count(),
      labelRollupRows: await db.trafficLabelRollup.count(),
      indexRows: await db.recordIndex.count(),
      ledgerRecords: await db.auditRecord.count(),
      caughtUp,
    };
    log(`  busiest conduit ${facts.conduit} (${int(facts.conduitCalls)} calls in 7 days), busiest plant ${facts.plant}; ${int(facts.rollupRows)} rollup rows, ${int(facts.labelRollupRows)} label rollup rows`);

    // Detection first, as the app's timer would have run it: the pages then show its anomalies.
    const detect = async () => {
      const started = performance.now();
      const run = await detectAnomalies({ db, now: new Date() });
      return { ms: performance.now() - started, run };
    };
    const first = await detect();
    const later: number[] = [];
    for (let i = 0; i < options.detectionRuns; i++) later.push((await detect()).ms);
    log(`  detectAnomalies: first run ${ms(first.ms)} (${first.run.findings} findings, ${first.run.created} created), later runs p50 ${ms(median(later))}`);

    const viewerId = viewer.id;
    const specs: { name: string; page: PageResult["page"]; run: () => Promise<Record<string, number>> }[] = [
      { name: "Conduits overview, all plants, 7 days", page: "overview", run: () => overviewPage({ db, plant: null, viewerId, range: "7d" }) },
      { name: `Conduits overview, plant ${plant.slug}, 7 days`, page: "overview", run: () => overviewPage({ db, plant, viewerId, range: "7d" }) },
      { name: "Conduits overview, all plants, 30 days", page: "overview", run: () => overviewPage({ db, plant: null, viewerId, range: "30d" }) },
      { name: `Conduit page, ${busiest.conduit}, 7 days`, page: "conduit", run: () => conduitPage({ db, slug: busiest.conduit, viewerId, range: "7d" }) },
      { name: `Conduit page, ${busiest.conduit}, 30 days`, page: "conduit", run: () => conduitPage({ db, slug: busiest.conduit, viewerId, range: "30d" }) },
    ];
    const results: PageResult[] = specs.map((s) => ({ name: s.name, page: s.page, times: [], parts: {} }));
    for (let i = 0; i < options.warmups; i++) for (const spec of specs) await spec.run();
    for (let i = 0; i < options.runs; i++) {
      for (const k of rotated([...specs.keys()], i)) {
        const started = performance.now();
        const parts = await specs[k]!.run();
        const result = results[k]!;
        result.times.push(performance.now() - started);
        for (const [part, t] of Object.entries(parts)) (result.parts[part] ??= []).push(t);
      }
    }
    for (const r of results) log(`  ${r.name}: p50 ${ms(median(r.times))}, p95 ${ms(percentile({ values: r.times, p: 95 }))}`);
    return { facts, pages: results, detection: { first: first.ms, later, findings: first.run.findings, created: first.run.created } };
  } finally {
    await db.$disconnect();
  }
}

const phases = { pages: pagesPhase };
type Phases = typeof phases;

let currentChild: ChildProcess | undefined;

/** Runs one phase in a fresh child process (this file with --phase) on the database at `url`. */
function runPhase<K extends keyof Phases>(phase: { name: K; options: Parameters<Phases[K]>[0] }): Promise<Awaited<ReturnType<Phases[K]>>> {
  const { name, options } = phase;
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ["--phase", name, JSON.stringify(options)], {
      execArgv: process.execArgv,
      // Explicit: childEnv hands on this process's DATABASE_URL, which is not the scratch database.
      env: childEnv({ DATABASE_URL: options.url, LOG_LEVEL: "warn" }),
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
  if (!phase || !process.send) throw new Error(`--phase ${name} is internal to bench-conduits`);
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

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

interface ProviderRun {
  label: string;
  version: string;
  seed: SeedResult;
  pages: PagesResult;
}

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

function resultRows(options: { runs: ProviderRun[] }): string[][] {
  const rows: string[][] = [];
  for (const run of options.runs) {
    const { facts } = run.pages;
    for (const page of run.pages.pages) {
      const p50 = median(page.times);
      const p95 = percentile({ values: page.times, p: 95 });
      const parts = Object.entries(page.parts).map(([part, t]) => `${part} p50 ${ms(median(t))}, p95 ${ms(percentile({ values: t, p: 95 }))}`);
      const what =
        page.page === "overview"
          ? "plant list, then loadConduitsOverview and listDestinations at once"
          : `conduit (findUnique), loadSupplierOverview (the supplier chain and ${callWindowDays} days of call volumes), loadConduitOperations, one after the other; ${int(facts.conduitCalls)} calls through it in 7 days`;
      rows.push([page.name, run.label, ms(p50), ms(p95), `≤ ${goals.p95Ms} ms`, p95 <= goals.p95Ms ? "yes" : "**no**", [what, ...parts].join("; ")]);
    }
    const d = run.pages.detection;
    rows.push([
      "detectAnomalies, one run",
      run.label,
      ms(median(d.later)),
      ms(percentile({ values: d.later, p: 95 })),
      "—",
      "—",
      `first run (no anomaly rows yet) ${ms(d.first)}: ${int(d.findings)} findings, ${int(d.created)} anomalies created; then ${d.later.length} runs (p50, p95 of those); the app runs it once a minute in the background, never while a page waits`,
    ]);
  }
  return rows;
}

function dataLines(options: { runs: ProviderRun[]; records: number }): string[] {
  return options.runs.map((run) => {
    const { summary, wallSeconds } = run.seed;
    const f = run.pages.facts;
    return (
      `- ${run.label}: \`seed:volume --records ${options.records}\` wrote ${int(summary.counts.records)} ledger records (${int(summary.counts.calls)} AI calls) over ${summary.days} days in ${seconds(wallSeconds)} (indexing beside the appends, rollups included; ${int(f.caughtUp)} records left to index before timing). ` +
      `${int(f.ledgerRecords)} ledger records, ${int(f.indexRows)} index rows, ${int(f.rollupRows)} TrafficRollup and ${int(f.labelRollupRows)} TrafficLabelRollup rows; ${int(f.allCalls)} calls in the 7-day range, ${int(f.plantCalls)} of them in ${f.plant}, ${int(f.conduitCalls)} through ${f.conduit}.`
    );
  });
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

async function sqliteRun(options: { scratch: Scratch; sizes: Sizes }): Promise<ProviderRun> {
  const { scratch, sizes } = options;
  const url = `file:${path.join(scratch.dir, "sqlite", "volume.db")}`;
  log(`SQLite: npm run seed:volume -- --records ${sizes.records}`);
  const seed = await runSeed({ url, dataDir: path.join(scratch.dir, "sqlite"), records: sizes.records });
  log(`  ${seconds(seed.wallSeconds)}`);
  log("SQLite: pages");
  const pages = await runPhase({ name: "pages", options: { url, runs: sizes.runs, warmups: sizes.warmups, detectionRuns: sizes.detectionRuns } });
  const probe = new Database(url.slice("file:".length), { readonly: true });
  const version = (probe.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  probe.close();
  return { label: "SQLite", version: `SQLite ${version}`, seed, pages };
}

async function postgresRun(options: { scratch: Scratch; sizes: Sizes; server: string }): Promise<ProviderRun> {
  const { scratch, sizes, server } = options;
  const version = String((await adminQuery({ url: server, sql: "SELECT current_setting('server_version') AS v" })).rows[0].v).split(" ")[0]!;
  const database = await scratch.postgres();
  log(`PostgreSQL: npm run seed:volume -- --records ${sizes.records}`);
  const seed = await runSeed({ url: database.url, dataDir: path.join(scratch.dir, "postgres"), records: sizes.records });
  log(`  ${seconds(seed.wallSeconds)}`);
  // Plans depend on statistics: take them now rather than whenever autovacuum gets to it.
  await adminQuery({ url: database.url, sql: "VACUUM ANALYZE" });
  log("PostgreSQL: pages");
  const pages = await runPhase({ name: "pages", options: { url: database.url, runs: sizes.runs, warmups: sizes.warmups, detectionRuns: sizes.detectionRuns } });
  return { label: "PostgreSQL", version: `PostgreSQL ${version}`, seed, pages };
}

async function main(argv: string[]): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg();
  const pressureAtStart = cpuPressure();
  if (loadAtStart[0]! > os.availableParallelism() / 2) log(`load average is ${loadAtStart[0]!.toFixed(1)}: other work will slow the results down`);
  const quick = argv.includes("--quick");
  const sizes = { ...(quick ? quickSizes : fullSizes) };
  const recordsText = option({ argv, name: "--records" });
  if (recordsText !== undefined) {
    sizes.records = Number(recordsText.replace(/[_,]/g, ""));
    if (!Number.isSafeInteger(sizes.records) || sizes.records < 1) throw new Error("--records needs a positive whole number");
  }
  const postgres = postgresServer({ argv });
  const scratch = new Scratch({ name: "bench-conduits", postgresServer: postgres.url, log });
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
    const runs = [await sqliteRun({ scratch, sizes })];
    if (postgres.url) runs.push(await postgresRun({ scratch, sizes, server: postgres.url }));
    const table = markdownTable({ header: ["Measurement (server-side data of the page)", "Database", "p50", "p95", "Goal (p95)", "Met", "Notes"], rows: resultRows({ runs }) });
    const elapsed = (performance.now() - began) / 1000;
    process.stdout.write(`${table}\n`);
    if (quick) {
      log(`--quick: a smoke run; BENCHMARKS.md left as it was (${elapsed.toFixed(0)} s)`);
      return;
    }
    const benchmarksFile = writeBenchmarkSection({
      // bench-report.ts lists the benchmarks it knew of; its markers work for any name.
      benchmark: "conduits",
      body: [
        "## Conduit pages",
        "",
        `\`${["npx tsx scripts/bench-conduits.ts", ...argv.map(withoutPassword)].join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, ${elapsed.toFixed(0)} s in all.`,
        "",
        `Machine: ${describeMachine({ software: runs.map((r) => r.version), loadAtStart, pressureAtStart })}.`,
        "",
        `Each database was filled by \`npm run seed:volume\` with ${int(sizes.records)} ledger records of ${days} days, the demo plant seeded first. ` +
          `Times are the wall time, in the benchmark's process, of the calls the pages' server components make (app/(app)/conduits/page.tsx and app/(app)/conduits/[slug]/page.tsx; sign-in, cookies and rendering left out), after the records index had caught up (both loaders catch it up first: then a no-op), ` +
          `${sizes.runs} runs after ${sizes.warmups} warm-ups, each run going through the pages in a different order. The app's background anomaly detection was kept from starting during the timings; it is timed on its own. ` +
          `${postgres.url ? "PostgreSQL after VACUUM ANALYZE." : `PostgreSQL was not measured (${postgres.skipped}).`} ` +
          "The proxy's throughput with the rollups and detection kept current against without is measured by `npm run bench:proxy` (its indexing rows, in the proxy section).",
        "",
        ...dataLines({ runs, records: sizes.records }),
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
  console.error(`bench-conduits: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
