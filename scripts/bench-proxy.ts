// Benchmark of the inspection proxy against the performance goals of its issues (16 sets
// the current ones), in one run on one machine, with a ~2 KB OT chat prompt (OpenAI chat
// completions) against the test upstream on loopback. Six targets:
//   direct      the test upstream itself (the ceiling of the load generator and upstream),
//   bare        a bare Node pass-through proxy that only forwards (the standalone's limit),
//   emptyRoute  an empty Next.js route handler in the same app (a reference: what a call
//               through Next.js costs; no goal),
//   portkey     the open-source Portkey gateway (@portkey-ai/gateway from npm),
//   standalone  this proxy's edge server, started as `npm run proxy` starts it (scripts/proxy.ts,
//               then the bundle it builds on plain node),
//   embedded    this proxy in the production app (`npm start`: scripts/start.ts, then
//               scripts/serve.ts, which hands /api/proxy/... to the proxy core's Node handler,
//               the standalone's, before Next.js sees it).
// Measured:
//   1. throughput: requests/s at a fixed number of connections (autocannon), p50/p99, and
//      the server process's CPU per call (from /proc),
//   2. added latency at a fixed 200 requests/s over direct, with an open-loop client timed
//      by process.hrtime.bigint() (autocannon's histogram has millisecond resolution); and,
//      as one more step of each latency round, one durable commit measured alone: a process
//      of its own opens a ledger log on a fresh SQLite database as the standalone proxy opens
//      its own and appends ai_call records one at a time, each awaited alone, nothing else
//      running. The latency goal allows the bare proxy's added latency plus that commit,
//   3. 200 concurrent streams: time to first chunk over direct, the gaps between chunks
//      against the upstream's pacing, and the proxy processes' resident memory,
//   4. indexing (issue 15): the standalone proxy's requests/s while, in a process of its
//      own (as the app's timer does beside a proxy), an indexer loops indexPendingRecords
//      on the proxy's database: without the traffic rollups, with them, with them and
//      detectAnomalies every few seconds, and idle, in interleaved rounds. The goal:
//      rollups and baselines cost at most 5% of the throughput.
//
//   npm run bench:proxy [-- --quick] [-- --profile DIR] [-- --only indexing]
//
// Prints one markdown table to stdout (progress goes to stderr) and writes it, with the
// machine and the date, to a section of BENCHMARKS.md (not for --quick or --profile).
// It times; it asserts no goal. It does refuse to report a proxy that fails: every call
// must answer 2xx, and each proxy's ledger must hold a committed ai_call record for each.
//
// Every server runs in its own process (this file with --role, or the real entry points),
// so none steals another's event loop; so does the load generator. Rounds are interleaved
// across targets so that other work on the machine hits them all alike. Every process is
// stopped and the temp folder removed at the end, on failure and on Ctrl-C.
//
// --profile DIR: the standalone proxy and the app's server write V8 CPU profiles into
// DIR/standalone and DIR/app (node --cpu-prof); open them in Chrome DevTools.
//
// --only indexing: starts only the upstream, the load generator and the standalone proxy,
// and measures only 4 (a few minutes); BENCHMARKS.md is left as it was.
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { cpuPressure, describeMachine, median, option, percentile, writeBenchmarkSection } from "./bench-report";
import { edgeProxyBundle } from "./proxy";

const root = path.resolve(import.meta.dirname, "..");
const portkeyVersion = "1.15.2";

interface Settings {
  connections: number;
  warmupSeconds: number;
  throughputRuns: number;
  throughputSeconds: number;
  fixedRate: number;
  latencyRuns: number;
  latencySeconds: number;
  latencyWarmupSeconds: number;
  streams: number;
  streamRuns: number;
  streamSeconds: number;
  /** The upstream's pacing: a stream is streamChunks deltas, streamIntervalMs apart. */
  streamChunks: number;
  streamIntervalMs: number;
  /** Rounds of each indexing condition, and how often the indexer runs detectAnomalies in the one with rollups. */
  indexingRuns: number;
  indexingSeconds: number;
  detectEveryMs: number;
  /** One durable commit alone: appends measured per latency round, after a few not counted. */
  commitAppends: number;
  commitWarmup: number;
}

const fullSettings: Settings = {
  connections: 50,
  warmupSeconds: 5,
  throughputRuns: 5,
  throughputSeconds: 8,
  fixedRate: 200,
  latencyRuns: 3,
  latencySeconds: 10,
  latencyWarmupSeconds: 1,
  streams: 200,
  streamRuns: 3,
  streamSeconds: 6,
  streamChunks: 20,
  streamIntervalMs: 50,
  indexingRuns: 5,
  indexingSeconds: 8,
  // The app runs detection once a minute; every 5 s is harsh on purpose.
  detectEveryMs: 5000,
  commitAppends: 500,
  commitWarmup: 20,
};

const quickSettings: Settings = {
  ...fullSettings,
  warmupSeconds: 2,
  throughputRuns: 1,
  throughputSeconds: 3,
  latencyRuns: 1,
  latencySeconds: 3,
  streamRuns: 1,
  streamSeconds: 3,
  indexingRuns: 1,
  indexingSeconds: 3,
};

// Issue 16's goals.
const goals = {
  standaloneVsPortkey: 3,
  /** Requests/s embedded over standalone. */
  embeddedVsStandalone: 0.9,
  /** Server CPU per call of the standalone proxy, µs. */
  standaloneCpuUs: 450,
  /** Added p50 at most the bare proxy's added p50 + one durable commit (measured alone) + this. */
  addedP50SlackMs: 0.5,
  /** Added p99 at most the bare proxy's added p99 + this. */
  addedP99OverBareMs: 5,
  /** Embedded's time-to-first-chunk overhead (p50) and chunk jitter (p99) within this of the standalone's. */
  embeddedStreamsOverStandaloneMs: 2,
  /** The standalone (edge) proxy's resident memory during the streams; the embedded one is the whole app: no goal. */
  rssBytes: 300 * 2 ** 20,
  /** Requests/s with rollups and detection kept current over without: at most 5% lost. */
  indexingRatio: 0.95,
};

// ---------------------------------------------------------------------------------------
// The workload: what a predictive-maintenance application sends
// ---------------------------------------------------------------------------------------

const systemPrompt =
  "You are MaintainIQ, the predictive-maintenance assistant of the Augsburg gearbox plant. Answer for maintenance planners: " +
  "name the asset, the likely failure mode, the evidence from the data, the recommended action and how urgent it is. Do not invent readings.";

const userPrompt = `Summarise the spindle condition of machining centre HMC-07 (line 3, gear housings) for the last shift and tell me whether the bearing replacement planned for next week should be brought forward.

Historian extract, 06:00-14:00, hourly means:
time   spindle_rpm  vib_rms_mm_s  vib_peak_g  bearing_temp_C  motor_current_A
06:00  8000         1.8           2.1         41.2            18.4
08:00  8000         2.1           2.6         42.8            18.9
09:00  7500         2.3           2.9         43.5            18.1
10:00  8000         2.6           3.4         44.9            19.5
11:00  8000         2.9           3.9         46.1            19.9
12:00  8000         3.3           4.6         47.4            20.4
13:00  8000         3.6           5.2         48.8            20.9
14:00  8000         3.9           5.8         50.1            21.3

Alarm log: 11:42 vibration warning on channel VIB-07-DE (drive end), acknowledged by the shift lead; 13:15 the same warning, not acknowledged yet. No tool changes or crashes in the shift. The envelope spectrum of the drive-end sensor shows a rising peak near the outer-race defect frequency (BPFO, about 187 Hz at 8000 rpm) with two sidebands; the non-drive end is unchanged.

History: spindle bearings replaced 14 months ago (work order WO-2291); lubrication unit serviced 3 weeks ago; a similar trend on HMC-04 last year ended in a bearing failure after about 60 operating hours.

Answer with: 1) the condition in one sentence, 2) the evidence, 3) keep the plan, bring the replacement forward or stop the machine, with the operating hours you estimate are left.`;

const chatRequest = { model: "gpt-4.1-mini", temperature: 0.2, max_tokens: 400, messages: [{ role: "system", content: systemPrompt }, { role: "user", content: userPrompt }] };
const chatBody = JSON.stringify(chatRequest);
const streamBody = JSON.stringify({ ...chatRequest, stream: true, stream_options: { include_usage: true } });
/** The demo device and destination the proxied calls use (conduit aug-l3-to-openai-eu). */
const device = "aug-pdm-spindle";
const destination = "openai-eu";

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

const log = (message: string) => process.stderr.write(`[bench-proxy] ${message}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
/** Milliseconds with microsecond resolution. */
// NaN (no sample) crosses IPC as null.
const ms = (n: number | null) => (n === null || Number.isNaN(n) ? "—" : `${n.toFixed(3)} ms`);
const plusMs = (n: number) => `${n >= 0 ? "+" : "−"}${Math.abs(n).toFixed(3)} ms`;
const perSecond = (n: number) => `${int(n)}/s`;
const times = (n: number) => `${n.toFixed(2)}×`;

function spread(options: { values: number[]; format: (n: number) => string }): string {
  const { values, format } = options;
  return values.length > 1 ? `runs ${format(Math.min(...values))} to ${format(Math.max(...values))}` : "1 run";
}

/** The lowest to the highest of per-round values, or the one value. */
function range(options: { values: number[]; format: (n: number) => string }): string {
  const { values, format } = options;
  return values.length > 1 ? `${format(Math.min(...values))} to ${format(Math.max(...values))}` : values.length === 1 ? format(values[0]!) : none;
}

/** Milliseconds since `start` (a process.hrtime.bigint()), at nanosecond resolution. */
const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------------------
// Roles: what the child processes run (this file with --role NAME ARGS)
// ---------------------------------------------------------------------------------------

/** The test upstream, not recording (the recording would grow without bound under load). */
async function upstreamRole(args: { streamChunks: number; streamIntervalMs: number }): Promise<{ url: string }> {
  const { startTestUpstream } = await import("../proxy/testing/upstream");
  const upstream = await startTestUpstream({ record: false, chunkCount: args.streamChunks, chunkIntervalMs: args.streamIntervalMs });
  return { url: upstream.url };
}

// Hop-by-hop headers (RFC 9110 7.6.1): the only thing a forwarding proxy must not pass on.
const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host"]);

/** The physical limit of a Node proxy: node:http in, node:http out over keep-alive, nothing else. */
async function bareRole(args: { upstream: string }): Promise<{ url: string }> {
  const upstream = new URL(args.upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const strip = (headers: http.IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: strip(req.headers), agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, strip(answer.headers) as http.OutgoingHttpHeaders);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Prepares a data folder (CONDUIT_DATA_DIR) for a proxy: with `seed`, a fresh SQLite
 * database, migrated and seeded with the demo plant as `npm start` does (the standalone
 * proxy's); without, the running app's. Then points the openai-eu destination at the
 * upstream with a provider key encrypted as the product stores it and issues a device
 * token, as the proxy fixture does. Runs before the proxy's first call, so its inventory
 * starts with the change.
 */
async function configureRole(args: { upstream: string; seed: boolean }): Promise<{ token: string }> {
  const { loadConfig } = await import("../lib/config");
  const { createDb } = await import("../lib/db");
  const { ensurePrivateDir } = await import("../lib/data-dir");
  const { issueDeviceCredential } = await import("../lib/devices/credentials");
  const { inventoryActor } = await import("../lib/inventory/as-code/inventory-actor");
  const { openLedgerStore, openLog } = await import("../lib/ledger");
  const { loadProviderKeyCipher, providerKeyHint } = await import("../lib/secrets/provider-keys");
  const { seedDemoPlant } = await import("../lib/seed/demo-plant");
  const { migrateDeploy } = await import("./prisma");
  const config = loadConfig();
  if (args.seed) {
    ensurePrivateDir(config.dataDir);
    migrateDeploy({ url: config.database.url, quiet: true });
  }
  const db = createDb(config.database.url);
  // Opening the store also switches the file to WAL, as the ledger runs it (synchronous=FULL per connection).
  const store = openLedgerStore(config.database);
  try {
    // Its own log, like the CLIs: a log has one writer, and the proxy writes its own.
    const ledger = await openLog({ config, store, logName: "bench-setup", writer: "cli" });
    try {
      if (args.seed) await seedDemoPlant({ db, record: (input) => ledger.append(input) });
      const cipher = loadProviderKeyCipher(config);
      const target = await db.aiDestination.findUniqueOrThrow({ where: { slug: destination } });
      const apiKey = `sk-bench-${randomBytes(12).toString("hex")}`;
      await db.aiDestination.update({
        where: { id: target.id },
        data: { baseUrl: `${args.upstream}/v1`, apiKeyCiphertext: cipher.encrypt({ destinationId: target.id, apiKey }), apiKeyHint: providerKeyHint(apiKey) },
      });
      const actor = await inventoryActor({ db, email: "admin@nordwerk.example" });
      const { token } = await issueDeviceCredential({ db, record: (input) => ledger.append(input), actor, device, input: { label: "bench-proxy" } });
      return { token };
    } finally {
      await ledger.close();
    }
  } finally {
    await store.close();
    await db.$disconnect();
  }
}

type IndexingCondition = "none" | "plain" | "rollups" | "detect";

/** What the indexer does in a round: nothing, index without or with the rollups, and with detection too. */
const indexingModes: Record<IndexingCondition, { index: boolean; rollups: boolean; detect: boolean }> = {
  none: { index: false, rollups: false, detect: false },
  plain: { index: true, rollups: false, detect: false },
  rollups: { index: true, rollups: true, detect: false },
  detect: { index: true, rollups: true, detect: true },
};

/** What the indexer did in a round. */
interface IndexerStats {
  indexed: number;
  /** Records in the ledger not yet indexed when the round ended. */
  behind: number;
  /** Wall time of each detectAnomalies run, ms. */
  detections: number[];
}

/**
 * The indexer beside a proxy: one process for the whole phase, so it is as warm as the
 * app's. It keeps the records index as the app's timer does (batches of 250,
 * lib/records/record-index.ts catchUpRecordIndex), but in a tight loop, in the round's
 * condition: idle, without or with the traffic rollups, and with detectAnomalies every
 * `detectEveryMs` (from the round's start). At a round's start it first indexes what the
 * round before left (untimed), so that a round times only keeping up.
 */
async function indexerRole(args: { url: string; detectEveryMs: number }): Promise<{ drained: number }> {
  const { createDb } = await import("../lib/db");
  const { indexPendingRecords } = await import("../lib/records/record-index");
  const { detectAnomalies } = await import("../lib/conduits/detect-anomalies");
  const db = createDb(args.url);
  const drain = async () => {
    let drained = 0;
    for (;;) {
      const progress = await indexPendingRecords({ db, batchSize: 2000 });
      drained += progress.indexed;
      if (progress.behind === 0) return drained;
    }
  };
  let round: Promise<IndexerStats> | null = null;
  let ending = false;
  const run = async (condition: IndexingCondition): Promise<IndexerStats> => {
    const mode = indexingModes[condition];
    const stats: IndexerStats = { indexed: 0, behind: 0, detections: [] };
    let nextDetection = performance.now();
    while (!ending) {
      if (!mode.index) {
        await sleep(100);
        continue;
      }
      const progress = await indexPendingRecords({ db, batchSize: 250, rollups: mode.rollups });
      stats.indexed += progress.indexed;
      stats.behind = progress.behind;
      if (mode.detect && performance.now() >= nextDetection) {
        nextDetection += args.detectEveryMs;
        const started = performance.now();
        await detectAnomalies({ db, now: new Date() });
        stats.detections.push(performance.now() - started);
      }
      if (progress.indexed === 0) await sleep(100);
    }
    return stats;
  };
  process.on("message", (message: { type: "start"; condition: IndexingCondition } | { type: "end" }) => {
    if (message.type === "start") {
      void drain().then(
        (drained) => {
          ending = false;
          round = run(message.condition);
          process.send!({ type: "started", drained });
        },
        (error: unknown) => process.send!({ type: "failed", error: (error as Error).stack ?? String(error) }),
      );
    } else {
      ending = true;
      void round!.then(
        (stats) => process.send!({ type: "ended", ...stats }),
        (error: unknown) => process.send!({ type: "failed", error: (error as Error).stack ?? String(error) }),
      );
    }
  });
  return { drained: await drain() };
}

/** Sends `message` to a role's process and waits for its `answer` (or "failed"). */
function ask<T>(options: { child: ChildProcess; what: string; message: object; answer: string }): Promise<T> {
  const { child, what } = options;
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; error?: string }) => {
      if (message.type !== options.answer && message.type !== "failed") return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (message.type === "failed") reject(new Error(`${what}: ${message.error}`));
      else resolve(message as T);
    };
    const onExit = (code: number | null, signal: string | null) => reject(new Error(`the ${what} exited (${signal ?? `exit code ${code}`})`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(options.message);
  });
}

/** Talks to the indexer process: a round starts once it has indexed the backlog, and ends with what it did. */
class Indexer {
  constructor(readonly child: ChildProcess) {}

  start(condition: IndexingCondition): Promise<{ drained: number }> {
    return ask({ child: this.child, what: "indexer", message: { type: "start", condition }, answer: "started" });
  }

  end(): Promise<IndexerStats> {
    return ask({ child: this.child, what: "indexer", message: { type: "end" }, answer: "ended" });
  }
}

/**
 * One durable commit, measured alone: a ledger log opened as the standalone proxy opens its
 * own (proxy/server.ts: openLedgerStore on the configured SQLite database, which runs it in
 * WAL with synchronous=FULL and commits on the writer thread; openLog with the proxy's log
 * name, writer and key), on a fresh database (migrated, nothing else in it) in its own data
 * folder. On each "measure" it appends ai_call records one at a time, each awaited alone
 * before the next leaves, `intervalMs` apart from start to start (the latency phase's pace),
 * and answers the wall time of each append, from the call to its promise's resolution:
 * validation, sealing, signing, the hand-offs to and from the writer thread, the
 * transaction and its fsync.
 */
async function commitRole(): Promise<Record<string, never>> {
  const { loadConfig } = await import("../lib/config");
  const { ensurePrivateDir } = await import("../lib/data-dir");
  const { openLedgerStore, openLog } = await import("../lib/ledger");
  const { uuidv7 } = await import("../lib/ledger/log-writer");
  const { migrateDeploy } = await import("./prisma");
  const config = loadConfig();
  ensurePrivateDir(config.dataDir);
  migrateDeploy({ url: config.database.url, quiet: true });
  const store = openLedgerStore(config.database);
  const ledger = await openLog({ config, store, logName: config.proxy.logName, writer: `proxy:${config.proxy.logName}`, configured: { signingKey: config.proxy.signingKey } });
  const measure = async (job: { body: unknown; appends: number; warmup: number; intervalMs: number }): Promise<number[]> => {
    const times: number[] = [];
    const start = performance.now();
    for (let i = 0; i < job.warmup + job.appends; i++) {
      const wait = start + i * job.intervalMs - performance.now();
      if (wait >= 1) await sleep(wait);
      const began = process.hrtime.bigint();
      await ledger.append({ kind: "ai_call", id: uuidv7(), body: job.body });
      const took = msSince(began);
      if (i >= job.warmup) times.push(took);
    }
    return times;
  };
  process.on("message", (message: { type: "measure"; body: unknown; appends: number; warmup: number; intervalMs: number }) => {
    if (message.type !== "measure") return;
    measure(message).then(
      (times) => process.send!({ type: "measured", times }),
      (error: unknown) => process.send!({ type: "failed", error: (error as Error).stack ?? String(error) }),
    );
  });
  return {};
}

/** The body of an ai_call record the standalone proxy wrote for the benchmark's call (the latest). */
async function sampleCallBody(options: { file: string }): Promise<unknown> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(options.file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT json_extract("envelope", '$.body') AS "body" FROM "AuditRecord" WHERE "kind" = 'ai_call' ORDER BY "at" DESC LIMIT 1`).get() as { body: string } | undefined;
    if (!row) throw new Error("the standalone proxy's ledger holds no ai_call record to copy");
    return JSON.parse(row.body) as unknown;
  } finally {
    db.close();
  }
}

/** Talks to the commit process. */
class Committer {
  constructor(
    readonly child: ChildProcess,
    readonly body: unknown,
  ) {}

  async measure(options: { appends: number; warmup: number; intervalMs: number }): Promise<number[]> {
    const answer = await ask<{ times: number[] }>({ child: this.child, what: "commit process", message: { type: "measure", body: this.body, ...options }, answer: "measured" });
    return answer.times;
  }
}

// ---------------------------------------------------------------------------------------
// Load generation (the --role load process)
// ---------------------------------------------------------------------------------------

interface Request {
  url: string;
  headers: Record<string, string>;
  body: string;
}

type LoadJob = { target: string } & (
  | { kind: "throughput"; request: Request; connections: number; seconds: number }
  | { kind: "fixedRate"; request: Request; rate: number; seconds: number; warmupSeconds: number }
  | { kind: "streams"; request: Request; concurrency: number; seconds: number; streamMs: number; intervalMs: number }
);

interface ThroughputResult {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

interface FixedRateResult {
  /** Requests answered 2xx, warm-up included (they reach the ledger too). */
  ok: number;
  failed: number;
  failures: string[];
  measured: number;
  p50: number;
  p99: number;
  max: number;
  /** How late the client sent, p99 (its own timer jitter; latency is timed from the actual send). */
  sendLagP99: number;
}

interface StreamsResult {
  ok: number;
  failed: number;
  failures: string[];
  measured: number;
  ttfcP50: number;
  ttfcP99: number;
  gapP50: number;
  /** p99 of |gap − the upstream's interval|. */
  jitterP99: number;
  /** Share of deltas that arrived in the same read as the delta before them. */
  coalesced: number;
  /** Mean streams open at once over the measured window. */
  concurrency: number;
}

/** autocannon at a fixed number of connections; latencies from its per-response hrtime, not its ms histogram. */
async function throughputJob(job: Extract<LoadJob, { kind: "throughput" }>): Promise<ThroughputResult> {
  const latencies: number[] = [];
  // Imported here, so the server processes (this file in other roles) do not load it.
  const { default: autocannon } = await import("autocannon");
  const instance = autocannon({ url: job.request.url, method: "POST", headers: job.request.headers, body: job.request.body, connections: job.connections, duration: job.seconds, timeout: 30 });
  instance.on("response", (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) latencies.push(responseTime);
  });
  const result = await instance;
  return {
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    perSecond: result["2xx"] / result.duration,
    p50: percentile({ values: latencies, p: 50 }),
    p99: percentile({ values: latencies, p: 99 }),
  };
}

/** One POST over a keep-alive agent, timed from the send to the last byte of the answer. */
function timedPost(options: { agent: http.Agent; request: Request }): Promise<{ status: number; ms: number; error?: string }> {
  const { agent, request } = options;
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const req = http.request(request.url, { method: "POST", agent, headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) } }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: msSince(start) }));
      res.on("error", (error) => resolve({ status: 0, ms: msSince(start), error: error.message }));
    });
    req.on("error", (error) => resolve({ status: 0, ms: msSince(start), error: error.message }));
    req.end(request.body);
  });
}

/**
 * Open loop: request i leaves at start + i / rate whether or not earlier ones have
 * answered, so a slow answer cannot hold back the next request (no coordinated omission).
 */
async function fixedRateJob(job: Extract<LoadJob, { kind: "fixedRate" }>): Promise<FixedRateResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const intervalNs = 1e9 / job.rate;
  const warmup = Math.round(job.warmupSeconds * job.rate);
  const total = warmup + Math.round(job.seconds * job.rate);
  const latencies: number[] = [];
  const lags: number[] = [];
  const failures: string[] = [];
  let ok = 0;
  const answers: Promise<void>[] = [];
  const start = process.hrtime.bigint() + 5_000_000n;
  for (let i = 0; i < total; i++) {
    const due = start + BigInt(Math.round(i * intervalNs));
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    // setTimeout fires about a millisecond late at best; the send time is taken after it.
    if (wait >= 1) await sleep(wait);
    lags.push(Math.max(0, -Number(due - process.hrtime.bigint()) / 1e6));
    answers.push(
      timedPost({ agent, request: job.request }).then((answer) => {
        if (answer.status >= 200 && answer.status < 300) ok++;
        else failures.push(answer.error ?? `HTTP ${answer.status}`);
        if (i >= warmup) latencies.push(answer.ms);
      }),
    );
  }
  await Promise.all(answers);
  agent.destroy();
  return {
    ok,
    failed: failures.length,
    failures: failures.slice(0, 5),
    measured: latencies.length,
    p50: percentile({ values: latencies, p: 50 }),
    p99: percentile({ values: latencies, p: 99 }),
    max: Math.max(...latencies),
    sendLagP99: percentile({ values: lags, p: 99 }),
  };
}

/** A text delta of a chat completion stream (the opening role chunk carries none). */
function isDelta(event: string): boolean {
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "[DONE]") return false;
    try {
      const content = (JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] }).choices?.[0]?.delta?.content;
      return typeof content === "string" && content.length > 0;
    } catch {
      return false;
    }
  }
  return false;
}

interface StreamSample {
  status: number;
  error?: string;
  ttfcMs: number | null;
  /** When each delta arrived, and in which read. */
  deltas: { ms: number; read: number }[];
  endMs: number;
}

function oneStream(options: { agent: http.Agent; request: Request }): Promise<StreamSample> {
  const { agent, request } = options;
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const deltas: StreamSample["deltas"] = [];
    let ttfcMs: number | null = null;
    let reads = 0;
    let buffer = "";
    const req = http.request(request.url, { method: "POST", agent, headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) } }, (res) => {
      const status = res.statusCode ?? 0;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const at = msSince(start);
        ttfcMs ??= at;
        reads++;
        buffer += chunk;
        for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
          if (isDelta(event)) deltas.push({ ms: at, read: reads });
        }
      });
      res.on("end", () => resolve({ status, ttfcMs, deltas, endMs: msSince(start) }));
      res.on("error", (error) => resolve({ status: 0, error: error.message, ttfcMs, deltas, endMs: msSince(start) }));
    });
    req.on("error", (error) => resolve({ status: 0, error: error.message, ttfcMs, deltas, endMs: msSince(start) }));
    req.end(request.body);
  });
}

/**
 * `concurrency` streams open at all times: each slot starts its first stream staggered
 * over one stream's length (so arrivals are steady, not a burst of 200) and a new one as
 * soon as the last ends. Streams started during that ramp are not measured.
 */
async function streamsJob(job: Extract<LoadJob, { kind: "streams" }>): Promise<StreamsResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency + 16 });
  const begin = process.hrtime.bigint();
  const endAt = job.streamMs + job.seconds * 1000;
  const ttfc: number[] = [];
  const gaps: number[] = [];
  const failures: string[] = [];
  let ok = 0;
  let measured = 0;
  let deltas = 0;
  let coalesced = 0;
  let openMs = 0;
  const slot = async (k: number) => {
    await sleep((k * job.streamMs) / job.concurrency);
    while (msSince(begin) < endAt) {
      const startedAt = msSince(begin);
      const sample = await oneStream({ agent, request: job.request });
      if (sample.status !== 200 || sample.deltas.length === 0) {
        failures.push(sample.error ?? `HTTP ${sample.status}, ${sample.deltas.length} deltas`);
        continue;
      }
      ok++;
      if (startedAt < job.streamMs) continue;
      measured++;
      openMs += Math.min(sample.endMs, endAt - startedAt);
      ttfc.push(sample.ttfcMs!);
      sample.deltas.forEach((d, i) => {
        deltas++;
        if (i === 0) return;
        const previous = sample.deltas[i - 1]!;
        gaps.push(d.ms - previous.ms);
        if (d.read === previous.read) coalesced++;
      });
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, k) => slot(k)));
  agent.destroy();
  return {
    ok,
    failed: failures.length,
    failures: failures.slice(0, 5),
    measured,
    ttfcP50: percentile({ values: ttfc, p: 50 }),
    ttfcP99: percentile({ values: ttfc, p: 99 }),
    gapP50: percentile({ values: gaps, p: 50 }),
    jitterP99: percentile({ values: gaps.map((g) => Math.abs(g - job.intervalMs)), p: 99 }),
    coalesced: deltas > 0 ? coalesced / deltas : 0,
    concurrency: openMs / (job.seconds * 1000),
  };
}

/** The load generator: runs one job at a time for the parent, so its CPU is not the parent's. */
async function loadRole(): Promise<Record<string, never>> {
  process.on("message", (message: { id: number; job: LoadJob }) => {
    const { id, job } = message;
    const run = job.kind === "throughput" ? throughputJob(job) : job.kind === "fixedRate" ? fixedRateJob(job) : streamsJob(job);
    run.then(
      (result) => process.send!({ id, result }),
      (error: unknown) => process.send!({ id, error: (error as Error).stack ?? String(error) }),
    );
  });
  return {};
}

const roles = { upstream: upstreamRole, bare: bareRole, configure: configureRole, load: loadRole, indexer: indexerRole, commit: commitRole };
type RoleName = keyof typeof roles;

async function childMain(argv: string[]): Promise<void> {
  const name = argv[1] as RoleName;
  const role = roles[name] as ((args: unknown) => Promise<object>) | undefined;
  if (!role || !process.send) throw new Error(`--role ${name} is internal to bench-proxy`);
  process.on("disconnect", () => process.exit(1)); // the parent is gone: nobody needs this process
  const ready = await role(JSON.parse(argv[2] ?? "{}"));
  process.send({ type: "ready", ...ready });
  if (name === "configure") {
    process.disconnect();
    process.exit(0);
  }
}

// ---------------------------------------------------------------------------------------
// Processes: started detached (own process group), stopped whatever happens
// ---------------------------------------------------------------------------------------

interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
}

class Fleet {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-proxy-"));
  /** Temp folder of the children (os.tmpdir() there), so what they create goes with this one. */
  readonly tmp = path.join(this.dir, "tmp");
  private readonly started: Started[] = [];

  constructor() {
    fs.mkdirSync(this.tmp);
  }

  /** Environment for a child: nothing of the caller's database, proxy or ledger settings. */
  env(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: this.tmp, NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn", ...extra };
    for (const name of Object.keys(env)) {
      if (/^(DATABASE_URL|PROXY_|LEDGER_|NEXTAUTH_|CONDUIT_|HOST$|PORT$|NODE_OPTIONS$|TRUST_PROXY_HEADERS$)/.test(name) && !(name in extra)) delete env[name];
    }
    return env;
  }

  private output(name: string): { fd: number; file: string } {
    const file = path.join(this.dir, `${name}.log`);
    return { fd: fs.openSync(file, "a"), file };
  }

  /** Forks this file in a role and waits for its "ready" message. */
  async role<R extends RoleName>(options: { role: R; name?: string; args?: unknown; env?: Record<string, string>; execArgv?: string[]; timeoutMs?: number }): Promise<{ child: ChildProcess; ready: Awaited<ReturnType<(typeof roles)[R]>> }> {
    const { fd, file } = this.output(options.name ?? options.role);
    const child = fork(import.meta.filename, ["--role", options.role, JSON.stringify(options.args ?? {})], {
      execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
      env: this.env(options.env ?? {}),
      stdio: ["ignore", fd, fd, "ipc"],
      detached: true,
    });
    fs.closeSync(fd);
    this.started.push({ name: options.name ?? options.role, child, logFile: file });
    const ready = await new Promise<Awaited<ReturnType<(typeof roles)[R]>>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.role} did not start within ${(options.timeoutMs ?? 180_000) / 1000} s`)), options.timeoutMs ?? 180_000);
      child.on("message", (message: { type?: string }) => {
        if (message.type !== "ready") return;
        clearTimeout(timer);
        resolve(message as Awaited<ReturnType<(typeof roles)[R]>>);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.role} exited before it was ready (${signal ?? `exit code ${code}`}); see its output above`));
      });
    }).catch((error: unknown) => {
      this.printLog(file);
      throw error;
    });
    return { child, ready };
  }

  /** Starts a command (Portkey, the app) with its output in a log file. */
  spawn(options: { name: string; command: string; args: string[]; env: Record<string, string> }): ChildProcess {
    const { fd, file } = this.output(options.name);
    const child = spawn(options.command, options.args, { cwd: root, env: this.env(options.env), stdio: ["ignore", fd, fd], detached: true });
    fs.closeSync(fd);
    this.started.push({ name: options.name, child, logFile: file });
    return child;
  }

  printLog(file: string): void {
    if (!fs.existsSync(file)) return;
    const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-30);
    log(`--- last lines of ${path.basename(file)} ---`);
    for (const line of lines) process.stderr.write(`    ${line}\n`);
  }

  /** Warnings and errors (pino levels 40 and up) the named processes logged. */
  warnings(options: { names: string[] }): string[] {
    return this.started
      .filter((s) => options.names.includes(s.name) && fs.existsSync(s.logFile))
      .flatMap((s) => fs.readFileSync(s.logFile, "utf8").split("\n").filter((line) => /"level":(4|5|6)0\b/.test(line)).map((line) => `${s.name}: ${line.slice(0, 300)}`));
  }

  printLogs(): void {
    for (const s of this.started) this.printLog(s.logFile);
  }

  /** SIGTERM (each stops cleanly: final checkpoint, CPU profile), then SIGKILL to the whole group. */
  async stop(options: { child: ChildProcess; graceMs: number }): Promise<void> {
    const { child } = options;
    if (child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(options.graceMs)]);
    }
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is gone already
    }
  }

  private cleaned: Promise<void> | undefined;

  /** Idempotent: the signal handler and main's finally may both call it. */
  cleanup(options: { graceMs: number }): Promise<void> {
    this.cleaned ??= (async () => {
      // The app first (it may be mid-request to the upstream), the upstream last.
      await Promise.all([...this.started].reverse().map((s) => this.stop({ child: s.child, graceMs: options.graceMs })));
      fs.rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.cleaned;
  }
}

/** Sends jobs to the load process and awaits its answers. */
class LoadGenerator {
  /** When each job ran, on the monotonic clock V8's CPU profiles use (microseconds), to slice profiles by phase. */
  readonly phases: { kind: string; target: string; startUs: number; endUs: number }[] = [];
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(readonly child: ChildProcess) {
    child.on("message", (message: { id?: number; result?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`load generator: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    child.on("exit", () => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error("the load generator exited"));
    });
  }

  run<J extends LoadJob>(job: J): Promise<J["kind"] extends "throughput" ? ThroughputResult : J["kind"] extends "fixedRate" ? FixedRateResult : StreamsResult> {
    const id = this.next++;
    const startUs = Number(process.hrtime.bigint() / 1000n);
    const finished = () => this.phases.push({ kind: job.kind, target: job.target, startUs, endUs: Number(process.hrtime.bigint() / 1000n) });
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (value) => {
          finished();
          (resolve as (value: unknown) => void)(value);
        },
        reject,
      });
      this.child.send({ id, job });
    });
  }
}

// ---------------------------------------------------------------------------------------
// /proc: memory and CPU of the servers
// ---------------------------------------------------------------------------------------

const clockTicks = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** VmRSS and VmHWM (peak) of a process, bytes; null once it is gone. */
function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return null;
  }
}

/** User + system CPU seconds of a process (all its threads). */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return 0;
  }
}

/** Every process below `pid`. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const visit = (p: number) => (parents.get(p) ?? []).forEach((c) => (found.push(c), visit(c)));
  visit(pid);
  return found;
}

/** Runs `work` while sampling the resident memory of `pids` every 100 ms; returns the peaks. */
async function withMemoryPeaks<T>(options: { pids: number[]; work: () => Promise<T> }): Promise<{ result: T; peaks: Map<number, number> }> {
  const peaks = new Map<number, number>();
  const sample = () => {
    for (const pid of options.pids) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, memoryOf(pid)?.rss ?? 0));
  };
  sample();
  const timer = setInterval(sample, 100);
  try {
    const result = await options.work();
    sample();
    return { result, peaks };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------

type TargetName = "direct" | "bare" | "emptyRoute" | "portkey" | "standalone" | "embedded";

interface Target {
  name: TargetName;
  label: string;
  request: Request;
  /** The same call, streamed; absent where nothing is forwarded. */
  streamRequest?: Request;
  /** The server process whose CPU and memory count (null: not measured). */
  pid: number;
}

const targetOrder: TargetName[] = ["direct", "bare", "emptyRoute", "portkey", "standalone", "embedded"];

const labels: Record<TargetName, string> = {
  direct: "direct to the upstream",
  bare: "bare Node pass-through proxy",
  emptyRoute: "empty Next.js route handler",
  portkey: `Portkey gateway ${portkeyVersion}`,
  standalone: "this proxy, standalone",
  embedded: "this proxy, embedded in the app (npm start)",
};

function requestFor(options: { url: string; headers: Record<string, string>; stream: boolean }): Request {
  return { url: options.url, headers: { "content-type": "application/json", ...options.headers }, body: options.stream ? streamBody : chatBody };
}

/** Every target's server and the calls it answers. */
interface Bench {
  settings: Settings;
  fleet: Fleet;
  load: LoadGenerator;
  targets: Map<TargetName, Target>;
  /** 2xx answers per target, warm-ups and probes included: each proxied one must be in the ledger. */
  answered: Map<TargetName, number>;
  /** The proxies' SQLite files (no embedded one with --only indexing). */
  databases: { standalone: string; embedded?: string };
  /** The standalone proxy's data folder, for the indexer beside it. */
  standaloneData: string;
  profileDir: string | undefined;
}

async function waitFor(options: { what: string; timeoutMs: number; check: () => Promise<boolean>; process?: ChildProcess }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (options.process && options.process.exitCode !== null) throw new Error(`${options.what} exited (code ${options.process.exitCode}); see its output above`);
    try {
      if (await options.check()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${options.what} was not ready within ${options.timeoutMs / 1000} s${lastError ? ` (${lastError})` : ""}`);
}

/** One call through a target that must answer 200 with a chat completion. */
async function probe(options: { target: Target }): Promise<{ ok: boolean; detail: string }> {
  const { request } = options.target;
  const response = await fetch(request.url, { method: "POST", headers: request.headers, body: request.body });
  const text = await response.text();
  const ok = response.status === 200 && (options.target.name === "emptyRoute" ? text.includes('"ok":true') : text.includes('"chat.completion"'));
  return { ok, detail: `HTTP ${response.status}: ${text.slice(0, 300)}` };
}

/**
 * node --cpu-prof for a process we do not start ourselves (scripts/start.ts starts
 * scripts/serve.ts), where NODE_OPTIONS may not carry --cpu-prof: a preload module that
 * profiles the server process through the inspector and writes the profile on exit.
 */
function profilePreload(options: { fleet: Fleet; dir: string }): string {
  const file = path.join(options.fleet.dir, "cpu-profile-preload.mjs");
  fs.writeFileSync(
    file,
    `import fs from "node:fs";
import { Session } from "node:inspector";
if (process.argv.some((arg) => arg.endsWith("scripts/serve.ts"))) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.on("exit", () => {
    // A session on the process's own thread answers synchronously, so this runs before exit.
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      fs.mkdirSync(${JSON.stringify(options.dir)}, { recursive: true });
      fs.writeFileSync(${JSON.stringify(options.dir)} + "/serve-" + process.pid + ".cpuprofile", JSON.stringify(result.profile));
    });
  });
}
`,
  );
  return file;
}

/**
 * The standalone proxy is the production entry point (npm run proxy) over a data folder
 * prepared first: its own SQLite database with the demo plant, key file and token.
 */
async function startStandalone(options: { fleet: Fleet; upstreamUrl: string; profileArgs: string[] }): Promise<{ child: ChildProcess; url: string; token: string; dataDir: string }> {
  const { fleet } = options;
  const dataDir = path.join(fleet.dir, "standalone-data");
  const port = await freePort();
  const setup = await fleet.role({ role: "configure", name: "standalone-setup", args: { upstream: options.upstreamUrl, seed: true }, env: { CONDUIT_DATA_DIR: dataDir } });
  // Its two steps, as package.json's proxy script runs them: migrations and the bundle
  // (scripts/proxy.ts), then the bundle on plain node.
  const env = { CONDUIT_DATA_DIR: dataDir, PROXY_HOST: "127.0.0.1", PROXY_PORT: String(port) };
  execFileSync(process.execPath, [...process.execArgv, path.join(root, "scripts/proxy.ts")], { cwd: root, env: fleet.env(env), stdio: ["ignore", "ignore", "inherit"] });
  const child = fleet.spawn({ name: "standalone", command: process.execPath, args: ["--enable-source-maps", ...options.profileArgs, edgeProxyBundle], env });
  const url = `http://127.0.0.1:${port}`;
  await waitFor({ what: "the standalone proxy", timeoutMs: 120_000, process: child, check: async () => (await fetch(`${url}/_conduit/health`)).ok });
  return { child, url, token: setup.ready.token, dataDir };
}

/** Every 2xx answer counts: each proxied one must be in the ledger. */
async function probeAll(options: { targets: Map<TargetName, Target> }): Promise<Map<TargetName, number>> {
  const answered = new Map<TargetName, number>([...options.targets.keys()].map((name) => [name, 0]));
  for (const target of options.targets.values()) {
    let last = "";
    await waitFor({
      what: target.label,
      timeoutMs: 60_000,
      check: async () => {
        const result = await probe({ target });
        last = result.detail;
        return result.ok;
      },
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last answer ${last}`);
    });
    answered.set(target.name, answered.get(target.name)! + 1);
  }
  return answered;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function forwarded(name: TargetName, url: string, headers: Record<string, string>, pid: number): Target {
  return { name, label: labels[name], pid, request: requestFor({ url, headers, stream: false }), streamRequest: requestFor({ url, headers, stream: true }) };
}

/** --only indexing: the upstream, the load generator and the standalone proxy; nothing else is measured. */
async function startIndexingTargets(options: { settings: Settings; fleet: Fleet }): Promise<Bench> {
  const { settings, fleet } = options;
  log("starting the upstream, the load generator and the standalone proxy (scripts/proxy.ts over a fresh SQLite database with the demo plant)");
  const upstream = await fleet.role({ role: "upstream", args: { streamChunks: settings.streamChunks, streamIntervalMs: settings.streamIntervalMs } });
  const loadProcess = await fleet.role({ role: "load" });
  const standalone = await startStandalone({ fleet, upstreamUrl: upstream.ready.url, profileArgs: [] });
  const targets = new Map<TargetName, Target>([["standalone", forwarded("standalone", `${standalone.url}/${destination}/v1/chat/completions`, bearer(standalone.token), standalone.child.pid!)]]);
  const answered = await probeAll({ targets });
  log(`the standalone proxy answers; upstream ${upstream.ready.url}, standalone ${standalone.url}`);
  return {
    settings,
    fleet,
    load: new LoadGenerator(loadProcess.child),
    targets,
    answered,
    databases: { standalone: path.join(standalone.dataDir, "conduit-ledger.db") },
    standaloneData: standalone.dataDir,
    profileDir: undefined,
  };
}

async function startTargets(options: { settings: Settings; fleet: Fleet; profileDir: string | undefined }): Promise<Bench> {
  const { settings, fleet, profileDir } = options;
  const profileArgs = (name: string) => (profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.join(profileDir, name)}`] : []);

  log("building the Next.js app if its sources changed (scripts/start.ts --build-only)");
  const appData = path.join(fleet.dir, "app-data");
  const build = fleet.spawn({ name: "app-build", command: process.execPath, args: [...process.execArgv, path.join(root, "scripts/start.ts"), "--build-only"], env: { CONDUIT_DATA_DIR: appData } });
  const built = await new Promise<number | null>((resolve) => build.once("exit", resolve));
  if (built !== 0) {
    fleet.printLogs();
    throw new Error(`the app build failed (exit code ${built})`);
  }

  log("starting the upstream, the bare pass-through and the load generator");
  const upstream = await fleet.role({ role: "upstream", args: { streamChunks: settings.streamChunks, streamIntervalMs: settings.streamIntervalMs } });
  const upstreamUrl = upstream.ready.url;
  const [bare, loadProcess] = await Promise.all([fleet.role({ role: "bare", args: { upstream: upstreamUrl } }), fleet.role({ role: "load" })]);

  log("starting the Portkey gateway, the app (scripts/start.ts) and the standalone proxy (scripts/proxy.ts over a fresh SQLite database with the demo plant)");
  const portkeyPort = await freePort();
  // start-server.js reads only --port=N (a separate "--port N" is ignored: it would serve on 8787).
  const portkey = fleet.spawn({
    name: "portkey",
    command: process.execPath,
    args: [path.join(root, "node_modules/@portkey-ai/gateway/build/start-server.js"), `--port=${portkeyPort}`, "--headless"],
    env: { NODE_ENV: "production" },
  });
  const appPort = await freePort();
  const app = fleet.spawn({
    name: "app",
    command: process.execPath,
    args: [...process.execArgv, path.join(root, "scripts/start.ts")],
    // The demo's seeded traffic would be counted against the benchmark's calls in the ledger check.
    env: { CONDUIT_DATA_DIR: appData, DEMO_PROVIDER: "off", HOST: "127.0.0.1", PORT: String(appPort), BENCHMARK_BASELINE_ROUTE: "true", ...(profileDir ? { NODE_OPTIONS: `--import ${profilePreload({ fleet, dir: path.join(profileDir, "app") })}` } : {}) },
  });
  const standalone = await startStandalone({ fleet, upstreamUrl, profileArgs: profileArgs("standalone") });
  const appUrl = `http://127.0.0.1:${appPort}`;
  await waitFor({ what: "the app", timeoutMs: 300_000, process: app, check: async () => (await fetch(`${appUrl}/api/health`)).ok });
  const appSetup = await fleet.role({ role: "configure", name: "app-setup", args: { upstream: upstreamUrl, seed: false }, env: { CONDUIT_DATA_DIR: appData } });
  const servePid = descendantsOf(app.pid!).find((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("scripts/serve.ts");
    } catch {
      return false;
    }
  });
  if (servePid === undefined) throw new Error("could not find the app's server process (scripts/serve.ts)");

  const portkeyHeaders = { ...bearer("sk-bench-portkey"), "x-portkey-provider": "openai", "x-portkey-custom-host": `${upstreamUrl}/v1` };
  const targets = new Map<TargetName, Target>([
    ["direct", forwarded("direct", `${upstreamUrl}/v1/chat/completions`, bearer("sk-bench-direct"), upstream.child.pid!)],
    ["bare", forwarded("bare", `${bare.ready.url}/v1/chat/completions`, bearer("sk-bench-bare"), bare.child.pid!)],
    ["emptyRoute", { name: "emptyRoute", label: labels.emptyRoute, pid: servePid, request: requestFor({ url: `${appUrl}/api/proxy-baseline`, headers: {}, stream: false }) }],
    ["portkey", forwarded("portkey", `http://127.0.0.1:${portkeyPort}/v1/chat/completions`, portkeyHeaders, portkey.pid!)],
    ["standalone", forwarded("standalone", `${standalone.url}/${destination}/v1/chat/completions`, bearer(standalone.token), standalone.child.pid!)],
    ["embedded", forwarded("embedded", `${appUrl}/api/proxy/${destination}/v1/chat/completions`, bearer(appSetup.ready.token), servePid)],
  ]);

  const answered = await probeAll({ targets });
  log(`all six targets answer; upstream ${upstreamUrl}, app ${appUrl}, standalone ${standalone.url}, Portkey :${portkeyPort}`);
  return {
    settings,
    fleet,
    load: new LoadGenerator(loadProcess.child),
    targets,
    answered,
    databases: { standalone: path.join(standalone.dataDir, "conduit-ledger.db"), embedded: path.join(appData, "conduit-ledger.db") },
    standaloneData: standalone.dataDir,
    profileDir,
  };
}

/**
 * The process that measures one durable commit alone, on a fresh database in a data folder
 * of its own; the records it appends carry the body of an ai_call record the standalone
 * proxy wrote for the benchmark's call (its probe).
 */
async function startCommitter(bench: Bench): Promise<Committer> {
  log("starting the commit process (a ledger log opened as the standalone proxy opens its own, on a fresh SQLite database)");
  const body = await sampleCallBody({ file: bench.databases.standalone });
  const started = await bench.fleet.role({ role: "commit", env: { CONDUIT_DATA_DIR: path.join(bench.fleet.dir, "commit-data") } });
  return new Committer(started.child, body);
}

// ---------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------

/** Fails the benchmark on any call that did not succeed: the numbers of a failing proxy mean nothing. */
function requireSuccess(options: { target: Target; phase: string; failed: number; detail: string }): void {
  if (options.failed > 0) throw new Error(`${options.target.label}, ${options.phase}: ${options.failed} calls did not succeed (${options.detail}); a benchmark of a failing proxy is worthless`);
}

/** Targets in a different order each round, so drift on a shared machine spreads over all. */
function rotated<T>(items: T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

interface ThroughputRun extends ThroughputResult {
  /** CPU of the target's server process per answered call, microseconds. */
  cpuUsPerCall: number;
}

async function measureThroughput(bench: Bench): Promise<Map<TargetName, ThroughputRun[]>> {
  const { settings, load, targets } = bench;
  const runs = new Map<TargetName, ThroughputRun[]>(targetOrder.map((name) => [name, []]));
  const once = async (target: Target, seconds: number) => {
    const cpu = cpuOf(target.pid);
    const result = await load.run({ kind: "throughput", target: target.name, request: target.request, connections: settings.connections, seconds });
    const cpuSeconds = cpuOf(target.pid) - cpu;
    requireSuccess({ target, phase: "throughput", failed: result.non2xx + result.errors + result.timeouts, detail: `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` });
    if (result.ok === 0) throw new Error(`${target.label}: no call completed within ${seconds} s; the machine is too busy to measure anything`);
    bench.answered.set(target.name, bench.answered.get(target.name)! + result.ok);
    return { ...result, cpuUsPerCall: (cpuSeconds * 1e6) / result.ok };
  };
  for (const name of targetOrder) {
    log(`throughput warm-up: ${labels[name]} (${settings.warmupSeconds} s)`);
    await once(targets.get(name)!, settings.warmupSeconds);
  }
  for (let round = 0; round < settings.throughputRuns; round++) {
    for (const name of rotated(targetOrder, round)) {
      const run = await once(targets.get(name)!, settings.throughputSeconds);
      runs.get(name)!.push(run);
      log(`throughput round ${round + 1}/${settings.throughputRuns}: ${labels[name]} ${perSecond(run.perSecond)}, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, server CPU ${int(run.cpuUsPerCall)} µs/call`);
    }
  }
  return runs;
}

/** The per-append times of one durable commit, measured alone, per latency round (ms). */
type CommitRuns = number[][];

/**
 * Each round goes through the targets at the fixed rate and, as one more step in the
 * rotation, the commit process's appends (only it working then: the load generator is
 * idle between jobs).
 */
async function measureLatency(options: { bench: Bench; committer: Committer }): Promise<{ runs: Map<TargetName, FixedRateResult[]>; commits: CommitRuns }> {
  const { bench, committer } = options;
  const { settings, load, targets } = bench;
  const runs = new Map<TargetName, FixedRateResult[]>(targetOrder.map((name) => [name, []]));
  const commits: CommitRuns = [];
  const steps: (TargetName | "commit")[] = [...targetOrder, "commit"];
  for (let round = 0; round < settings.latencyRuns; round++) {
    for (const name of rotated(steps, round)) {
      if (name === "commit") {
        const times = await committer.measure({ appends: settings.commitAppends, warmup: settings.commitWarmup, intervalMs: 1000 / settings.fixedRate });
        commits.push(times);
        log(`latency round ${round + 1}/${settings.latencyRuns}: one durable commit alone, ${times.length} appends, p50 ${ms(percentile({ values: times, p: 50 }))}, p99 ${ms(percentile({ values: times, p: 99 }))}`);
        continue;
      }
      const target = targets.get(name)!;
      const result = await load.run({ kind: "fixedRate", target: name, request: target.request, rate: settings.fixedRate, seconds: settings.latencySeconds, warmupSeconds: settings.latencyWarmupSeconds });
      requireSuccess({ target, phase: `${settings.fixedRate} requests/s`, failed: result.failed, detail: result.failures.join("; ") });
      bench.answered.set(name, bench.answered.get(name)! + result.ok);
      runs.get(name)!.push(result);
      log(`latency at ${settings.fixedRate}/s, round ${round + 1}/${settings.latencyRuns}: ${labels[name]} p50 ${ms(result.p50)}, p99 ${ms(result.p99)} (client send lag p99 ${ms(result.sendLagP99)})`);
    }
  }
  return { runs, commits };
}

// Portkey 1.15.2 is left out: on this Node (20) every streamed call through it answers 500
// ("TypeError: immutable" from its updateHeaders, appending to a fetch Response's headers).
const streamTargets: TargetName[] = ["direct", "bare", "standalone", "embedded"];

interface StreamsRun extends StreamsResult {
  peakRss: number;
}

async function measureStreams(bench: Bench): Promise<Map<TargetName, StreamsRun[]>> {
  const { settings, load, targets } = bench;
  const runs = new Map<TargetName, StreamsRun[]>(streamTargets.map((name) => [name, []]));
  const streamMs = settings.streamChunks * settings.streamIntervalMs;
  for (let round = 0; round < settings.streamRuns; round++) {
    for (const name of rotated(streamTargets, round)) {
      const target = targets.get(name)!;
      const { result, peaks } = await withMemoryPeaks({
        pids: [target.pid],
        work: () => load.run({ kind: "streams", target: name, request: target.streamRequest!, concurrency: settings.streams, seconds: settings.streamSeconds, streamMs, intervalMs: settings.streamIntervalMs }),
      });
      requireSuccess({ target, phase: `${settings.streams} streams`, failed: result.failed, detail: result.failures.join("; ") });
      bench.answered.set(name, bench.answered.get(name)! + result.ok);
      runs.get(name)!.push({ ...result, peakRss: peaks.get(target.pid) ?? 0 });
      log(
        `${settings.streams} streams, round ${round + 1}/${settings.streamRuns}: ${labels[name]} TTFC p50 ${ms(result.ttfcP50)}, p99 ${ms(result.ttfcP99)}, gap p50 ${ms(result.gapP50)}, jitter p99 ${ms(result.jitterP99)}, ${(result.coalesced * 100).toFixed(1)}% coalesced, ${result.concurrency.toFixed(0)} open, RSS ${mb(peaks.get(target.pid) ?? 0)}`,
      );
    }
  }
  return runs;
}

const indexingConditions: IndexingCondition[] = ["none", "plain", "rollups", "detect"];

const indexingLabels: Record<IndexingCondition, string> = {
  none: "no indexer (reference)",
  plain: "indexer beside it without rollups",
  rollups: "indexer beside it with rollups",
  detect: "indexer beside it with rollups and anomaly detection",
};

interface IndexingRun extends ThroughputResult {
  cpuUsPerCall: number;
  /** CPU seconds of the indexer process during the round. */
  indexerCpu: number;
  indexer: IndexerStats;
}

/**
 * The standalone proxy under the throughput load, round after round, in each condition
 * in turn (each round in a different order): the indexer idle, indexing without the
 * rollups, with them, and with detection too.
 */
async function measureIndexing(bench: Bench): Promise<Map<IndexingCondition, IndexingRun[]>> {
  const { settings, load, fleet } = bench;
  const target = bench.targets.get("standalone")!;
  const url = `file:${bench.databases.standalone}`;
  log("indexing: starting the indexer beside the standalone proxy (it indexes the earlier phases' calls first)");
  const started = await fleet.role({
    role: "indexer",
    args: { url, detectEveryMs: settings.detectEveryMs },
    // Explicit: the indexer must open the proxy's database, whatever the caller's environment says.
    env: { CONDUIT_DATA_DIR: bench.standaloneData, DATABASE_URL: url },
    timeoutMs: 900_000,
  });
  log(`  ${int(started.ready.drained)} records indexed`);
  const indexer = new Indexer(started.child);
  const indexerPid = started.child.pid!;
  const runs = new Map<IndexingCondition, IndexingRun[]>(indexingConditions.map((c) => [c, []]));
  const once = async (condition: IndexingCondition, seconds: number): Promise<IndexingRun> => {
    await indexer.start(condition);
    const cpu = cpuOf(target.pid);
    const indexerCpu = cpuOf(indexerPid);
    const result = await load.run({ kind: "throughput", target: target.name, request: target.request, connections: settings.connections, seconds });
    const cpuSeconds = cpuOf(target.pid) - cpu;
    const indexerSeconds = cpuOf(indexerPid) - indexerCpu;
    const stats = await indexer.end();
    requireSuccess({ target, phase: `throughput, ${indexingLabels[condition]}`, failed: result.non2xx + result.errors + result.timeouts, detail: `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` });
    bench.answered.set(target.name, bench.answered.get(target.name)! + result.ok);
    return { ...result, cpuUsPerCall: (cpuSeconds * 1e6) / result.ok, indexerCpu: indexerSeconds, indexer: stats };
  };
  for (const condition of indexingConditions) {
    log(`indexing warm-up: ${indexingLabels[condition]} (${settings.warmupSeconds} s)`);
    await once(condition, settings.warmupSeconds);
  }
  for (let round = 0; round < settings.indexingRuns; round++) {
    for (const condition of rotated(indexingConditions, round)) {
      const run = await once(condition, settings.indexingSeconds);
      runs.get(condition)!.push(run);
      const detections = run.indexer.detections.length > 0 ? `, ${run.indexer.detections.length} detections p50 ${ms(median(run.indexer.detections))}` : "";
      const detail = condition === "none" ? "" : `; indexer ${int(run.indexer.indexed)} records (${run.indexerCpu.toFixed(2)} CPU s), ${int(run.indexer.behind)} behind at the end${detections}`;
      log(`indexing round ${round + 1}/${settings.indexingRuns}: ${indexingLabels[condition]} ${perSecond(run.perSecond)}, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}${detail}`);
    }
  }
  await fleet.stop({ child: started.child, graceMs: 1000 });
  return runs;
}

interface LedgerCount {
  calls: number;
  denied: number;
  /** ai_call_result outcomes. */
  results: Record<string, number>;
  callOutcomes: Record<string, number>;
}

/** The proxy's own records, read from its database as an auditor would. */
async function countRecords(options: { file: string }): Promise<LedgerCount> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(options.file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT "kind", json_extract("envelope", '$.body.outcome') AS "outcome", COUNT(*) AS "n" FROM "AuditRecord"
         WHERE "kind" IN ('ai_call', 'ai_call_denied', 'ai_call_result') GROUP BY "kind", "outcome"`,
      )
      .all() as { kind: string; outcome: string | null; n: number }[];
    const count: LedgerCount = { calls: 0, denied: 0, results: {}, callOutcomes: {} };
    for (const row of rows) {
      if (row.kind === "ai_call") {
        count.calls += row.n;
        count.callOutcomes[row.outcome ?? "?"] = row.n;
      } else if (row.kind === "ai_call_denied") count.denied += row.n;
      else count.results[row.outcome ?? "?"] = row.n;
    }
    return count;
  } finally {
    db.close();
  }
}

/**
 * Each proxy must have committed one ai_call per answered call (more where autocannon cut
 * calls in flight at the end of a run), refused none, and closed each with a result.
 */
async function checkLedgers(bench: Bench): Promise<{ name: TargetName; answered: number; count: LedgerCount }[]> {
  const checks: { name: TargetName; answered: number; count: LedgerCount }[] = [];
  for (const name of (["standalone", "embedded"] as const).filter((n) => bench.databases[n] !== undefined)) {
    const file = bench.databases[name]!;
    const answered = bench.answered.get(name)!;
    let count = await countRecords({ file });
    // Results are written after the response; give the last ones a moment.
    for (let i = 0; i < 50 && Object.values(count.results).reduce((a, b) => a + b, 0) < count.calls; i++) {
      await sleep(200);
      count = await countRecords({ file });
    }
    const resultCount = Object.values(count.results).reduce((a, b) => a + b, 0);
    const problems = [
      count.calls < answered ? `${int(count.calls)} ai_call records for ${int(answered)} answered calls` : "",
      count.denied > 0 ? `${int(count.denied)} refused calls (ai_call_denied)` : "",
      resultCount !== count.calls ? `${int(resultCount)} ai_call_result records for ${int(count.calls)} ai_call records` : "",
      (count.results.failed ?? 0) + (count.results.timed_out ?? 0) > 0 ? `results failed or timed out: ${JSON.stringify(count.results)}` : "",
      (count.results.completed ?? 0) < answered ? `${int(count.results.completed ?? 0)} completed results for ${int(answered)} answered calls` : "",
    ].filter(Boolean);
    if (problems.length > 0) throw new Error(`${labels[name]}: the ledger does not match the calls: ${problems.join("; ")}`);
    checks.push({ name, answered, count });
  }
  return checks;
}

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

interface Row {
  measurement: string;
  median: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: string;
  runs: string;
  notes: string;
}

const none = "—";
const metText = (met: boolean) => (met ? "yes" : "**no**");

function markdownTable(rows: Row[]): string {
  const header = ["Measurement", "Median", "Baseline", "Ratio", "Goal", "Met", "Runs", "Notes"];
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map((r) => line([r.measurement, r.median, r.baseline, r.ratio, r.goal, r.met, r.runs, r.notes]))].join("\n");
}

function throughputRows(options: { settings: Settings; runs: Map<TargetName, ThroughputRun[]> }): Row[] {
  const { settings, runs } = options;
  const rate = (name: TargetName) => median(runs.get(name)!.map((r) => r.perSecond));
  const runsText = `${settings.throughputRuns} × ${settings.throughputSeconds} s`;
  const note = (name: TargetName, extra: string[] = []) => {
    const rs = runs.get(name)!;
    return [
      `p50 ${ms(median(rs.map((r) => r.p50)))}, p99 ${ms(median(rs.map((r) => r.p99)))}`,
      `server CPU ${int(median(rs.map((r) => r.cpuUsPerCall)))} µs/call`,
      spread({ values: rs.map((r) => r.perSecond), format: perSecond }),
      ...extra,
    ].join("; ");
  };
  /** Per-round ratios: the two targets ran back to back in each round. */
  const paired = (a: TargetName, b: TargetName) => {
    const ratios = runs.get(a)!.map((r, i) => r.perSecond / runs.get(b)![i]!.perSecond);
    return ratios.length > 1 ? `per-round ratio ${times(Math.min(...ratios))} to ${times(Math.max(...ratios))}` : "";
  };
  const versus = (options: { name: TargetName; measurement?: string; baseline: TargetName; goal?: number; notes?: string[] }): Row => {
    const value = rate(options.name);
    const base = rate(options.baseline);
    const ratio = value / base;
    return {
      measurement: options.measurement ?? `Requests/s, ${labels[options.name]}`,
      median: perSecond(value),
      baseline: `${labels[options.baseline]}: ${perSecond(base)}`,
      ratio: times(ratio),
      goal: options.goal === undefined ? none : `≥ ${times(options.goal)}`,
      met: options.goal === undefined ? none : metText(ratio >= options.goal),
      runs: runsText,
      notes: note(options.name, [paired(options.name, options.baseline), ...(options.notes ?? [])].filter(Boolean)),
    };
  };
  const cpuRow = (): Row => {
    const cpu = (name: TargetName) => median(runs.get(name)!.map((r) => r.cpuUsPerCall));
    const us = (n: number) => `${int(n)} µs`;
    const value = cpu("standalone");
    return {
      measurement: `Server CPU per call, ${labels.standalone}`,
      median: us(value),
      baseline: `${labels.bare}: ${us(cpu("bare"))}`,
      ratio: times(value / cpu("bare")),
      goal: `≤ ${us(goals.standaloneCpuUs)}`,
      met: metText(value <= goals.standaloneCpuUs),
      runs: runsText,
      notes: [
        `user + system CPU of the proxy process (all its threads, the ledger's writer thread included) per answered call in the throughput rounds, from /proc`,
        spread({ values: runs.get("standalone")!.map((r) => r.cpuUsPerCall), format: us }),
        `direct ${us(cpu("direct"))}, ${labels.embedded} ${us(cpu("embedded"))} (the whole app server), Portkey ${us(cpu("portkey"))}`,
      ].join("; "),
    };
  };
  return [
    {
      measurement: `Requests/s, ${labels.direct} (${settings.connections} connections, non-streaming)`,
      median: perSecond(rate("direct")),
      baseline: none,
      ratio: none,
      goal: none,
      met: none,
      runs: runsText,
      notes: note("direct", ["the ceiling of the load generator and the upstream sharing this machine"]),
    },
    versus({ name: "bare", baseline: "direct", notes: ["node:http in, node:http out, keep-alive, nothing else"] }),
    versus({ name: "emptyRoute", baseline: "direct", notes: ["a reference, no goal: app/api/proxy-baseline through Next.js, reads the body, answers a small JSON; forwards nothing"] }),
    versus({ name: "portkey", baseline: "direct", notes: ["x-portkey-provider: openai, x-portkey-custom-host to the upstream; NODE_ENV=production, --headless"] }),
    versus({ name: "standalone", baseline: "bare", notes: ["full inspection, ai_call committed (SQLite WAL, synchronous=FULL) before forwarding, ai_call_result after"] }),
    versus({ name: "standalone", measurement: `↳ ${labels.standalone} vs Portkey`, baseline: "portkey", goal: goals.standaloneVsPortkey }),
    versus({
      name: "embedded",
      baseline: "standalone",
      goal: goals.embeddedVsStandalone,
      notes: [
        "/api/proxy/... on npm start's server (scripts/serve.ts hands it to the proxy core's Node handler before Next.js), the app's own ledger log in its SQLite database",
        `against the empty Next.js route ${times(rate("embedded") / rate("emptyRoute"))}`,
      ],
    }),
    cpuRow(),
  ];
}

function indexingRows(options: { settings: Settings; runs: Map<IndexingCondition, IndexingRun[]> }): Row[] {
  const { settings, runs } = options;
  const rate = (c: IndexingCondition) => median(runs.get(c)!.map((r) => r.perSecond));
  const runsText = `${settings.indexingRuns} × ${settings.indexingSeconds} s`;
  /** Per-round ratios: the conditions ran back to back in each round. */
  const paired = (a: IndexingCondition, b: IndexingCondition) => {
    const ratios = runs.get(a)!.map((r, i) => r.perSecond / runs.get(b)![i]!.perSecond);
    return ratios.length > 1 ? `per-round ratio ${times(Math.min(...ratios))} to ${times(Math.max(...ratios))}` : "";
  };
  const note = (c: IndexingCondition, extra: string[]) => {
    const rs = runs.get(c)!;
    const detections = rs.flatMap((r) => r.indexer.detections);
    return [
      `p50 ${ms(median(rs.map((r) => r.p50)))}, p99 ${ms(median(rs.map((r) => r.p99)))}`,
      `proxy CPU ${int(median(rs.map((r) => r.cpuUsPerCall)))} µs/call`,
      c === "none"
        ? ""
        : `indexer ${int(median(rs.map((r) => r.indexer.indexed)) / settings.indexingSeconds)} records/s indexed, ${median(rs.map((r) => r.indexerCpu)).toFixed(2)} CPU s per round, at most ${int(Math.max(...rs.map((r) => r.indexer.behind)))} records behind when a round ended`,
      detections.length > 0 ? `${detections.length} detectAnomalies runs, p50 ${ms(median(detections))}, max ${ms(Math.max(...detections))}` : "",
      spread({ values: rs.map((r) => r.perSecond), format: perSecond }),
      ...extra,
    ]
      .filter(Boolean)
      .join("; ");
  };
  const row = (options: { condition: IndexingCondition; baseline?: IndexingCondition; goal?: number; notes?: string[] }): Row => {
    const { condition, baseline, goal } = options;
    const ratio = baseline ? rate(condition) / rate(baseline) : Number.NaN;
    return {
      measurement: `Requests/s, ${labels.standalone}, ${indexingLabels[condition]}`,
      median: perSecond(rate(condition)),
      baseline: baseline ? `${indexingLabels[baseline]}: ${perSecond(rate(baseline))}` : none,
      ratio: baseline ? times(ratio) : none,
      goal: goal === undefined ? none : `≥ ${times(goal)} (costs ≤ ${Math.round((1 - goal) * 100)}%)`,
      met: goal === undefined ? none : metText(ratio >= goal),
      runs: runsText,
      notes: note(condition, [baseline ? paired(condition, baseline) : "", ...(options.notes ?? [])]),
    };
  };
  const detectEvery = `${settings.detectEveryMs / 1000} s`;
  return [
    row({ condition: "none", notes: [`${settings.connections} connections, non-streaming, as the throughput rows; the indexer process idle; the same proxy process in every condition, its SQLite ledger growing`] }),
    row({ condition: "plain", baseline: "none", notes: ["a separate process looping indexPendingRecords (batches of 250, as the app's timer) with rollups: false"] }),
    row({ condition: "rollups", baseline: "plain", notes: ["the same, the traffic rollups written in each batch's transaction"] }),
    row({
      condition: "detect",
      baseline: "plain",
      goal: goals.indexingRatio,
      notes: [`the same, and detectAnomalies at the round's start and every ${detectEvery} (the app: once a minute)`, `against no indexer ${times(rate("detect") / rate("none"))}`],
    }),
  ];
}

function latencyRows(options: { settings: Settings; runs: Map<TargetName, FixedRateResult[]>; commits: CommitRuns }): Row[] {
  const { settings, runs, commits } = options;
  const runsText = `${settings.latencyRuns} × ${int(settings.latencySeconds * settings.fixedRate)} calls`;
  const p = (name: TargetName, key: "p50" | "p99") => median(runs.get(name)!.map((r) => r[key]));
  /** Per round, the target's percentile minus direct's in the same round; the median over rounds. */
  const added = (name: TargetName, key: "p50" | "p99") => median(runs.get(name)!.map((r, i) => r[key] - runs.get("direct")![i]![key]));
  // One durable commit alone: percentiles over every measured append of every round.
  const appends = commits.flat();
  const commitP50 = percentile({ values: appends, p: 50 });
  const commitP99 = percentile({ values: appends, p: 99 });
  const bareP50 = added("bare", "p50");
  const bareP99 = added("bare", "p99");
  const limits = {
    p50: { value: bareP50 + commitP50 + goals.addedP50SlackMs, text: `bare ${plusMs(bareP50)} + commit ${ms(commitP50)} + ${goals.addedP50SlackMs.toFixed(1)} ms` },
    p99: { value: bareP99 + goals.addedP99OverBareMs, text: `bare ${plusMs(bareP99)} + ${goals.addedP99OverBareMs} ms` },
  };
  const rows: Row[] = [
    {
      measurement: `Latency at ${settings.fixedRate} requests/s, ${labels.direct} (p50 / p99)`,
      median: `${ms(p("direct", "p50"))} / ${ms(p("direct", "p99"))}`,
      baseline: none,
      ratio: none,
      goal: none,
      met: none,
      runs: runsText,
      notes: `open-loop client (node:http keep-alive), timed with process.hrtime.bigint() from the send to the last byte; ${settings.latencyWarmupSeconds} s warm-up per run not counted; ${spread({ values: runs.get("direct")!.map((r) => r.p50), format: ms })} (p50); client send lag p99 ${ms(median(runs.get("direct")!.map((r) => r.sendLagP99)))}`,
    },
    {
      measurement: "One durable commit, measured alone (p50 / p99 per append)",
      median: `${ms(commitP50)} / ${ms(commitP99)}`,
      baseline: none,
      ratio: none,
      goal: none,
      met: none,
      runs: `${commits.length} × ${int(settings.commitAppends)} appends`,
      notes: [
        "a process of its own (this script under tsx) opens a ledger log as the standalone proxy does (proxy/server.ts: openLedgerStore, openLog with its log name and key) on a fresh SQLite database (migrated, nothing else in it; WAL, synchronous=FULL, commits on the writer thread)",
        `and appends ai_call records (the body of one the standalone proxy wrote for this call) one at a time, each awaited alone before the next leaves, ${(1000 / settings.fixedRate).toFixed(0)} ms apart as at ${settings.fixedRate} calls/s`,
        `timed from append() to its resolution (validation, sealing and signing, the thread hand-offs, the transaction and its fsync)`,
        `one step of each latency round, in its rotation, while no load runs; ${settings.commitWarmup} appends per round not counted`,
        `${spread({ values: commits.map((times) => percentile({ values: times, p: 50 })), format: ms })} (p50); mean ${ms(appends.reduce((a, b) => a + b, 0) / appends.length)}, max ${ms(Math.max(...appends))}`,
      ].join("; "),
    },
  ];
  const reference = (name: "bare" | "portkey" | "emptyRoute"): Row => ({
    measurement: `Added latency at ${settings.fixedRate} requests/s, ${labels[name]} (p50 / p99)`,
    median: `${plusMs(added(name, "p50"))} / ${plusMs(added(name, "p99"))}`,
    baseline: `direct: ${ms(p("direct", "p50"))} / ${ms(p("direct", "p99"))}`,
    ratio: times(p(name, "p50") / p("direct", "p50")),
    goal: none,
    met: none,
    runs: runsText,
    notes: name === "emptyRoute" ? "forwards nothing: Next.js's own cost per call against the upstream's" : `${labels[name]} p50 ${ms(p(name, "p50"))}, p99 ${ms(p(name, "p99"))}${name === "bare" ? "; the base of the added-latency goals" : ""}`,
  });
  // The bare proxy first: the goals below are relative to it.
  rows.push(reference("bare"));
  for (const name of ["standalone", "embedded"] as const) {
    for (const key of ["p50", "p99"] as const) {
      const value = added(name, key);
      const limit = limits[key];
      rows.push({
        measurement: `Added latency at ${settings.fixedRate} requests/s, ${labels[name]}, ${key}`,
        median: plusMs(value),
        baseline: `direct ${key}: ${ms(p("direct", key))}`,
        ratio: times(p(name, key) / p("direct", key)),
        goal: `≤ ${plusMs(limit.value)} (${limit.text})`,
        met: metText(value <= limit.value),
        runs: runsText,
        notes: [
          `${labels[name]} ${key} ${ms(p(name, key))}`,
          spread({ values: runs.get(name)!.map((r, i) => r[key] - runs.get("direct")![i]![key]), format: plusMs }),
          ...(key === "p50"
            ? ["goal: at most the bare proxy's added p50 (its p50 over direct's, same rounds) plus one durable commit measured alone (its p50, in its row) plus 0.5 ms"]
            : [
                `max ${ms(median(runs.get(name)!.map((r) => r.max)))}`,
                "goal read as: added p99 at most the bare proxy's added p99 (the bare proxy's p99 latency over direct's, same rounds) plus 5 ms",
              ]),
        ].join("; "),
      });
    }
  }
  rows.push(reference("portkey"), reference("emptyRoute"));
  return rows;
}

function streamRows(options: { settings: Settings; runs: Map<TargetName, StreamsRun[]>; idleRss: Map<TargetName, number>; hwm: Map<TargetName, number> }): Row[] {
  const { settings, runs, idleRss, hwm } = options;
  const m = (name: TargetName, key: Exclude<keyof StreamsRun, "failures">) => median(runs.get(name)!.map((r) => r[key]));
  const runsText = `${settings.streamRuns} × ${settings.streamSeconds} s, ${int(median(runs.get("direct")!.map((r) => r.measured)))} streams`;
  const overhead = (name: TargetName, key: "ttfcP50" | "ttfcP99") => median(runs.get(name)!.map((r, i) => r[key] - runs.get("direct")![i]![key]));
  const pacing = `${settings.streamChunks} deltas ${settings.streamIntervalMs} ms apart`;
  const rows: Row[] = [
    {
      measurement: `Time to first chunk, ${settings.streams} concurrent streams, ${labels.direct} (p50 / p99)`,
      median: `${ms(m("direct", "ttfcP50"))} / ${ms(m("direct", "ttfcP99"))}`,
      baseline: none,
      ratio: none,
      goal: none,
      met: none,
      runs: runsText,
      notes: `streamed chat completions, ${pacing}; ${settings.streams} open at all times (mean ${m("direct", "concurrency").toFixed(0)}), a new stream as soon as one ends; the first ${settings.streamChunks * settings.streamIntervalMs} ms (ramp) not counted; Portkey left out: on Node 20 each streamed call through it answers 500 (TypeError: immutable, in its updateHeaders)`,
    },
  ];
  const within = goals.embeddedStreamsOverStandaloneMs;
  /** Per round, the embedded's value minus the standalone's in the same round. */
  const overStandalone = (key: "ttfcP50" | "jitterP99") => runs.get("embedded")!.map((r, i) => r[key] - runs.get("standalone")![i]![key]);
  for (const name of ["standalone", "embedded"] as const) {
    const value = overhead(name, "ttfcP50");
    const standaloneOverhead = overhead("standalone", "ttfcP50");
    const embedded = name === "embedded";
    rows.push({
      measurement: `Time-to-first-chunk overhead, ${settings.streams} streams, ${labels[name]}, p50`,
      median: plusMs(value),
      baseline: embedded ? `standalone's overhead: ${plusMs(standaloneOverhead)}` : `direct p50: ${ms(m("direct", "ttfcP50"))}`,
      // Overheads near zero make a ratio of two meaningless: only against direct's time.
      ratio: embedded ? none : times(m(name, "ttfcP50") / m("direct", "ttfcP50")),
      goal: embedded ? `≤ ${plusMs(standaloneOverhead + within)} (standalone's + ${within} ms)` : none,
      met: embedded ? metText(value <= standaloneOverhead + within) : none,
      runs: runsText,
      notes: [
        `TTFC p50 ${ms(m(name, "ttfcP50"))}; p99 overhead ${plusMs(overhead(name, "ttfcP99"))}; ${spread({ values: runs.get(name)!.map((r, i) => r.ttfcP50 - runs.get("direct")![i]!.ttfcP50), format: plusMs })}; mean ${m(name, "concurrency").toFixed(0)} open`,
        ...(embedded
          ? [`overhead over direct's p50, median over rounds; per round, embedded minus standalone ${range({ values: overStandalone("ttfcP50"), format: plusMs })}`]
          : ["over direct's p50 in the same round, median over rounds; the embedded's goal is relative to it"]),
      ].join("; "),
    });
  }
  for (const name of ["bare"] as const) {
    rows.push({
      measurement: `Time-to-first-chunk overhead, ${settings.streams} streams, ${labels[name]} (p50 / p99)`,
      median: `${plusMs(overhead(name, "ttfcP50"))} / ${plusMs(overhead(name, "ttfcP99"))}`,
      baseline: `direct: ${ms(m("direct", "ttfcP50"))} / ${ms(m("direct", "ttfcP99"))}`,
      ratio: times(m(name, "ttfcP50") / m("direct", "ttfcP50")),
      goal: none,
      met: none,
      runs: runsText,
      notes: `gap p50 ${ms(m(name, "gapP50"))}, jitter p99 ${ms(m(name, "jitterP99"))}, ${(m(name, "coalesced") * 100).toFixed(1)}% of deltas coalesced`,
    });
  }
  for (const name of ["standalone", "embedded"] as const) {
    const embedded = name === "embedded";
    const jitter = m(name, "jitterP99");
    const directJitter = m("direct", "jitterP99");
    const standaloneJitter = m("standalone", "jitterP99");
    const coalesced = m(name, "coalesced");
    const directCoalesced = m("direct", "coalesced");
    rows.push({
      measurement: `Chunk timing, ${settings.streams} streams, ${labels[name]} (gap p50, jitter p99)`,
      median: `${ms(m(name, "gapP50"))}, ${ms(jitter)}`,
      baseline: embedded ? `standalone: ${ms(m("standalone", "gapP50"))}, ${ms(standaloneJitter)}` : `direct: ${ms(m("direct", "gapP50"))}, ${ms(directJitter)}`,
      ratio: none,
      goal: embedded ? `jitter ≤ standalone's + ${within} ms (${ms(standaloneJitter + within)}), no more coalescing than direct` : none,
      // Coalescing: a share of deltas; within 0.1 point of direct's counts as no more.
      met: embedded ? metText(jitter <= standaloneJitter + within && coalesced <= directCoalesced + 0.001) : none,
      runs: runsText,
      notes: [
        `gap: time between consecutive deltas at the client (upstream pacing ${settings.streamIntervalMs} ms); jitter: |gap − ${settings.streamIntervalMs} ms|`,
        `${(coalesced * 100).toFixed(1)}% of deltas arrived in the same read as the one before (direct ${(directCoalesced * 100).toFixed(1)}%)`,
        embedded ? `direct's jitter p99 ${ms(directJitter)}; per round, embedded minus standalone ${range({ values: overStandalone("jitterP99"), format: plusMs })}` : `direct: gap p50 ${ms(m("direct", "gapP50"))}, jitter p99 ${ms(directJitter)}`,
      ].join("; "),
    });
  }
  for (const name of ["standalone", "embedded"] as const) {
    const peak = m(name, "peakRss");
    const embedded = name === "embedded";
    rows.push({
      measurement: `Resident memory during ${settings.streams} streams, ${labels[name]} (peak VmRSS)`,
      median: mb(peak),
      baseline: `idle: ${mb(idleRss.get(name) ?? 0)}`,
      ratio: none,
      goal: embedded ? none : `≤ ${mb(goals.rssBytes)}`,
      met: embedded ? none : metText(peak <= goals.rssBytes),
      runs: `${settings.streamRuns} × ${settings.streamSeconds} s`,
      notes: `${embedded ? "information, no goal: the whole app server process (web application, Next.js and proxy); " : "the edge proxy process; "}sampled every 100 ms from /proc; peak over the whole benchmark (VmHWM, throughput runs included) ${mb(hwm.get(name) ?? 0)}`,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg();
  const pressureAtStart = cpuPressure();
  if (loadAtStart[0]! > os.availableParallelism() / 2) log(`load average is ${loadAtStart[0]!.toFixed(1)}: other work will slow the results down`);
  const quick = argv.includes("--quick");
  const profileOption = option({ argv, name: "--profile" });
  const profileDir = profileOption ? path.resolve(profileOption) : undefined;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const settings = quick ? quickSettings : fullSettings;
  const only = option({ argv, name: "--only" });
  if (only !== undefined && only !== "indexing") throw new Error(`--only ${only}: the only phase that runs alone is "indexing"`);
  const fleet = new Fleet();
  // Ctrl-C or kill: stop every process and remove the temp folder. `on`, not `once`: tsx
  // may pass the same signal on a second time, which must not end the cleanup.
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping every process and removing ${fleet.dir}`);
      void fleet.cleanup({ graceMs: 3000 }).finally(() => {
        log("stopped");
        process.exit(130);
      });
    });
  }
  try {
    log(`temp folder ${fleet.dir}`);
    if (only === "indexing") {
      const bench = await startIndexingTargets({ settings, fleet });
      const indexing = await measureIndexing(bench);
      log("checking the proxy's ledger against the calls answered");
      await checkLedgers(bench);
      process.stdout.write(`${markdownTable(indexingRows({ settings, runs: indexing }))}\n`);
      log(`--only indexing: BENCHMARKS.md left as it was (${((performance.now() - began) / 1000).toFixed(0)} s)`);
      return;
    }
    const bench = await startTargets({ settings, fleet, profileDir });
    const idleRss = new Map<TargetName, number>(["standalone", "embedded"].map((name) => [name as TargetName, memoryOf(bench.targets.get(name as TargetName)!.pid)?.rss ?? 0]));
    // Started (and migrated) before the measurements, so it is ready and idle when the latency rounds reach it.
    const committer = await startCommitter(bench);
    const throughput = await measureThroughput(bench);
    const { runs: latency, commits } = await measureLatency({ bench, committer });
    const streams = await measureStreams(bench);
    // Last: it needs the proxy's backlog indexed first, and the other phases ran without an indexer.
    const indexing = await measureIndexing(bench);
    const hwm = new Map<TargetName, number>(["standalone", "embedded"].map((name) => [name as TargetName, memoryOf(bench.targets.get(name as TargetName)!.pid)?.hwm ?? 0]));
    log("checking both proxies' ledgers against the calls answered");
    const ledgers = await checkLedgers(bench);
    const warnings = bench.fleet.warnings({ names: ["standalone", "app"] });
    if (warnings.length > 0) log(`the proxies logged ${warnings.length} warnings or errors; first: ${warnings.slice(0, 3).join(" | ")}`);
    const rows = [...throughputRows({ settings, runs: throughput }), ...indexingRows({ settings, runs: indexing }), ...latencyRows({ settings, runs: latency, commits }), ...streamRows({ settings, runs: streams, idleRss, hwm })];
    const table = markdownTable(rows);
    const elapsed = (performance.now() - began) / 1000;
    process.stdout.write(`${table}\n`);
    const ledgerLines = ledgers.map(({ name, answered, count }) => {
      const results = Object.entries(count.results)
        .sort()
        .map(([outcome, n]) => `${int(n)} ${outcome}`)
        .join(", ");
      const outcomes = Object.entries(count.callOutcomes)
        .map(([outcome, n]) => `${int(n)} ${outcome}`)
        .join(", ");
      return `- ${labels[name]}: ${int(answered)} calls answered 2xx (warm-ups and probes included); the ledger holds ${int(count.calls)} ai_call records (${outcomes}), 0 refused, and ${int(Object.values(count.results).reduce((a, b) => a + b, 0))} ai_call_result records (${results}; client_aborted: calls in flight when autocannon stopped a run).`;
    });
    for (const line of ledgerLines) log(line.slice(2));
    if (quick || profileDir) {
      log(`${quick ? "--quick: a smoke run" : "--profile: profiled servers run slower"}; BENCHMARKS.md left as it was (${elapsed.toFixed(0)} s)`);
      if (profileDir) {
        fs.writeFileSync(path.join(profileDir, "phases.json"), `${JSON.stringify(bench.load.phases, null, 1)}\n`);
        log(`CPU profiles in ${profileDir}; phases.json says when each load ran (monotonic µs, as the profiles' timestamps)`);
      }
      return;
    }
    const benchmarksFile = writeBenchmarkSection({
      benchmark: "proxy",
      body: [
        "## Inspection proxy",
        "",
        `\`${["npm run bench:proxy", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, ${elapsed.toFixed(0)} s in all.`,
        "",
        `Machine: ${describeMachine({ software: [], loadAtStart, pressureAtStart })}.`,
        "",
        `One run on this machine: the test upstream (proxy/testing/upstream.ts, not recording), each server and the load generator in its own process; a ${int(Buffer.byteLength(chatBody))}-byte OpenAI chat completion request from a predictive-maintenance application (classified CONFIDENTIAL, within its conduit: forwarded unchanged). ` +
          `Rounds go through the targets in turn, each round in a different order; medians over the rounds. Ratio is the median divided by the baseline's. ` +
          `"Server CPU" is the user and system CPU time of the target's server process per answered call, from /proc, which depends less on other work on the machine than the rates do. ` +
          `"One durable commit, measured alone" is a process of its own that opens a ledger log as the standalone proxy opens its own (openLedgerStore and openLog: SQLite in WAL with synchronous=FULL, commits on the writer thread) on a fresh database and appends ai_call records one at a time, each awaited alone, ${(1000 / settings.fixedRate).toFixed(0)} ms apart, as one more step of each latency round while nothing else runs; the added-latency goals (issue 16) are relative to the bare proxy's added latency in the same rounds: p50 at most the bare's + that commit's p50 + ${goals.addedP50SlackMs} ms, p99 at most the bare's added p99 + ${goals.addedP99OverBareMs} ms. ` +
          `The embedded proxy is /api/proxy/... on \`npm start\`'s server, which hands it to the proxy core's Node handler (the standalone's) before Next.js; its goals are relative to the standalone proxy in the same rounds; the empty Next.js route stays as a reference. ` +
          `The indexing rows (issue 15) load the standalone proxy alone while a separate process keeps its records index, as the app's timer would beside it, in four conditions taken in turn each round: the indexer idle, indexing without the traffic rollups, with them, and with them and detectAnomalies every ${settings.detectEveryMs / 1000} s; at each round's start the indexer first indexes the backlog left by the round before, untimed, and then only keeps up. The goal's ratio is with rollups and detection over without rollups.`,
        "",
        "Every call answered 2xx (the benchmark stops on any other answer), and each proxy's ledger holds a committed record for each:",
        "",
        ...ledgerLines,
        `- Warnings or errors the proxy processes logged: ${warnings.length === 0 ? "none" : `${warnings.length}, first: ${warnings[0]}`}.`,
        "",
        table,
      ].join("\n"),
    });
    log(`wrote the results to ${path.relative(process.cwd(), benchmarksFile)} (${elapsed.toFixed(0)} s)`);
  } catch (error) {
    // After Ctrl-C every step fails as its process goes: that is not worth reporting.
    if (stopping) return;
    fleet.printLogs();
    throw error;
  } finally {
    if (!stopping) log("stopping every process");
    // Idempotent: after a signal this waits for the cleanup the handler started.
    await fleet.cleanup({ graceMs: 15_000 });
  }
}

const argv = process.argv.slice(2);
(argv[0] === "--role" ? childMain(argv) : main(argv)).catch((error: unknown) => {
  console.error(`bench-proxy: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
