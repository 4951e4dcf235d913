// The standalone proxy through a PostgreSQL restart (issue 16, "Keeps running"). A
// restart ends every connection of the pools with 57P01 (admin_shutdown), then refuses
// connections for a while. The proxy must not crash on the dead connections, must answer
// as it does while the database is away (fail-closed conduits refuse with
// ledger_unavailable, fail-open ones forward and spool), and must record again by itself
// within seconds once the database is back: new calls in the ledger, the spool replayed,
// the chain intact. PostgreSQL only: SQLite has no server to restart.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import OpenAI, { APIError } from "openai";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { recordIdHeader } from "@/proxy/core";
import { startProxyFixture, type ProxyFixture } from "@/proxy/testing/proxy-fixture";
import { buildEdgeProxy } from "@/scripts/proxy";

const server = process.env.DATABASE_URL ?? "";
const onPostgres = /^postgres(ql)?:\/\//.test(server);
const root = path.resolve(import.meta.dirname, "..");

const chat = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "Summarise the spindle vibration trend of press P-101 for the last shift." }] };
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One answered call: which conduit kind, the status, the error code, the record id the proxy named, when it was made. */
interface Outcome {
  failMode: "closed" | "open";
  status: number;
  code: string | null;
  recordId: string | null;
  startedAt: number;
}

/** SQL on the database server, from a database other than the test's (which may refuse connections). */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

/** What a restart does to open connections: ends every backend of the test database with 57P01. */
const terminateBackends = (database: string) =>
  onServer(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND usename = current_user AND pid <> pg_backend_pid()`);

/** A database that is down: its connections end and new ones are refused until `bringBack`. */
async function takeDown(database: string): Promise<void> {
  await onServer(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
  await terminateBackends(database);
}
const bringBack = (database: string) => onServer(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);

async function waitFor<T>(options: { what: string; timeoutMs: number; check: () => Promise<T | undefined | false> }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await options.check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await sleep(50);
  }
}

/** Calls through one proxy: a fail-closed conduit with the OpenAI SDK, a fail-open one with fetch. */
function callers(options: { url: string; tokens: Record<string, string> }) {
  const openai = new OpenAI({ apiKey: options.tokens["aug-pdm-spindle"], baseURL: `${options.url}/openai-eu/v1`, maxRetries: 0, timeout: 20_000 });
  const closed = async (): Promise<Outcome> => {
    const startedAt = Date.now();
    try {
      const { response } = await openai.chat.completions.create(chat).withResponse();
      return { failMode: "closed", status: response.status, code: null, recordId: response.headers.get(recordIdHeader), startedAt };
    } catch (error) {
      if (!(error instanceof APIError) || error.status === undefined) throw error;
      return { failMode: "closed", status: error.status, code: String(error.code ?? ""), recordId: error.headers?.get(recordIdHeader) ?? null, startedAt };
    }
  };
  const open = async (): Promise<Outcome> => {
    const startedAt = Date.now();
    const response = await fetch(`${options.url}/vision-onprem/v1/inspect`, {
      method: "POST",
      headers: { "content-type": "image/jpeg", authorization: `Bearer ${options.tokens["aug-qi-camera-l3"]}` },
      body: jpeg,
    });
    const body = await response.text();
    const code = response.ok ? null : ((JSON.parse(body) as { error?: { code?: string } }).error?.code ?? null);
    return { failMode: "open", status: response.status, code, recordId: response.headers.get(recordIdHeader), startedAt };
  };
  const spooled = async () => ((await (await fetch(`${options.url}/_conduit/health`)).json()) as { spooled: number }).spooled;
  return { closed, open, spooled };
}

/** Several callers in a loop until stopped; every outcome kept, the first call that got no answer thrown at stop. */
function load(options: { closed: () => Promise<Outcome>; open: () => Promise<Outcome>; concurrency: number }) {
  const outcomes: Outcome[] = [];
  const failures: unknown[] = [];
  let running = true;
  const workers = Array.from({ length: options.concurrency }, async (_, i) => {
    const call = i % 3 === 2 ? options.open : options.closed;
    try {
      while (running) outcomes.push(await call());
    } catch (error) {
      failures.push(error);
    }
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(workers);
      if (failures.length > 0) throw new Error(`${failures.length} calls got no answer, the first: ${String(failures[0])}`, { cause: failures[0] });
    },
  };
}

/** What must hold of every answer, whatever the database did at the time. */
function expectAnswersAsSpecified(outcomes: Outcome[]) {
  for (const o of outcomes) {
    expect(o.recordId).toMatch(/^[0-9a-f-]{36}$/);
    if (o.failMode === "open") expect(o).toMatchObject({ status: 200, code: null });
    else if (o.status !== 200) expect(o).toMatchObject({ status: 503, code: "ledger_unavailable" });
  }
}

async function ledgerIds(store: LedgerStore, logId: string): Promise<Set<string>> {
  return new Set((await store.readRecords({ logId, fromSeq: 0, limit: 1_000_000 })).map((r) => r.id));
}

describe.runIf(onPostgres)("a PostgreSQL restart under the standalone proxy", () => {
  let f: ProxyFixture;
  let database: string;

  beforeAll(async () => {
    f = await startProxyFixture({ env: { LEDGER_CHECKPOINT_EVERY: "50", LEDGER_CHECKPOINT_SECONDS: "1" } });
    database = databaseName(f.database.url);
  }, 180_000);

  afterAll(async () => {
    if (database) await bringBack(database).catch(() => undefined);
    await f?.close();
  });

  it("survives 57P01 on every connection and an outage under load, answers as specified meanwhile, and records again within seconds", async () => {
    // An 'error' event nobody listens to is thrown as an uncaught exception: in the edge
    // process, that is the crash of issue 16.
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      await restartUnderLoad();
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  async function restartUnderLoad() {
    const c = callers({ url: f.proxy.url, tokens: f.tokens });
    const upstreamBefore = f.upstream.requests.length;
    const traffic = load({ ...c, concurrency: 6 });
    try {
      await waitFor({ what: "calls recorded before the restart", timeoutMs: 10_000, check: async () => traffic.outcomes.filter((o) => o.status === 200).length >= 30 });

      // 1. Every connection ends at once, three times, with the proxy's pools busy.
      for (let i = 0; i < 3; i++) {
        await terminateBackends(database);
        await sleep(300);
      }
      const afterTerminate = Date.now();
      await waitFor({
        what: "a fail-closed call recorded after the connections were ended",
        timeoutMs: 5_000,
        check: async () => traffic.outcomes.some((o) => o.failMode === "closed" && o.status === 200 && o.startedAt > afterTerminate),
      });

      // 2. The database is down: new connections are refused.
      await takeDown(database);
      const downAt = Date.now();
      await sleep(300);
      const refused = await c.closed();
      expect(refused).toMatchObject({ status: 503, code: "ledger_unavailable" });
      const forwarded = await c.open();
      expect(forwarded).toMatchObject({ status: 200, code: null });
      expect(await c.spooled()).toBeGreaterThan(0);
      await sleep(1500);
      expect(traffic.outcomes.filter((o) => o.startedAt > downAt && o.failMode === "closed").every((o) => o.status === 503)).toBe(true);

      // 3. Back: calls are recorded again within seconds, and the spool goes into the ledger.
      await bringBack(database);
      const backAt = Date.now();
      const recordedAt = await waitFor({
        what: "a fail-closed call recorded after the database came back",
        timeoutMs: 5_000,
        check: async () => traffic.outcomes.some((o) => o.failMode === "closed" && o.status === 200 && o.startedAt > backAt) && Date.now(),
      });
      const replayedAt = await waitFor({ what: "the spool replayed", timeoutMs: 15_000, check: async () => (await c.spooled()) === 0 && Date.now() });
      console.log(`database back: first fail-closed call recorded after ${recordedAt - backAt} ms, spool replayed after ${replayedAt - backAt} ms`);
      expect(recordedAt - backAt).toBeLessThan(5_000);
      // The first append that succeeds starts the replay; the timer would within 5 s.
      expect(replayedAt - backAt).toBeLessThan(7_000);
      await sleep(500);
    } finally {
      await traffic.stop();
    }

    const outcomes = traffic.outcomes;
    expectAnswersAsSpecified(outcomes);
    expect(outcomes.some((o) => o.failMode === "closed" && o.status === 503)).toBe(true);
    // A refused call never reached the provider; every forwarded one did.
    expect(f.upstream.requests.length - upstreamBefore).toBe(outcomes.filter((o) => o.status === 200).length + 1);

    // Every record the proxy named is in its log once the spool is empty (results are written
    // after the answer: give them a moment), and the log verifies: no fork, no gap.
    await waitFor({ what: "the spool empty", timeoutMs: 15_000, check: async () => (await c.spooled()) === 0 });
    const ids = await waitFor({
      what: "every named record in the ledger",
      timeoutMs: 15_000,
      check: async () => {
        const held = await ledgerIds(f.store, f.proxy.logId);
        return outcomes.every((o) => held.has(o.recordId!)) && held;
      },
    });
    expect(ids.size).toBeGreaterThan(0);
    const report = await verifyLedger({ store: f.store, signatureChecks: "all" });
    expect(report.logs.flatMap((l) => l.problems)).toEqual([]);
    expect(report.ok).toBe(true);
    const proxyLog = report.logs.find((l) => l.logId === f.proxy.logId)!;
    expect(proxyLog.records).toBeGreaterThan(outcomes.length);
    expect(f.logs.some((line) => line.includes("the ledger could not append a call record"))).toBe(true);
  }

  it("keeps the bundled edge proxy process running through the same restart", async () => {
    fs.mkdirSync(path.join(root, "build"), { recursive: true });
    const buildDir = fs.mkdtempSync(path.join(root, "build", "test-"));
    const bundle = await buildEdgeProxy({ outfile: path.join(buildDir, "edge-proxy.mjs") });
    const child = spawn(process.execPath, [bundle], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        CONDUIT_DATA_DIR: f.config.dataDir,
        DATABASE_URL: f.database.url,
        PROXY_HOST: "127.0.0.1",
        PROXY_PORT: "0",
        PROXY_LOG_NAME: "edge-bundled",
        PROXY_INVENTORY_REFRESH_MS: "100",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve((exitCode = code))));
    const store = openLedgerStore(f.config.database);
    try {
      const started = await waitFor({ what: `the edge proxy to listen (it printed: ${output})`, timeoutMs: 30_000, check: async () => /inspection proxy on (http:\/\/\S+), ledger log (\S+)/.exec(output) ?? undefined });
      const [, url, logId] = started as unknown as [string, string, string];
      const c = callers({ url, tokens: f.tokens });
      const traffic = load({ ...c, concurrency: 6 });
      try {
        await waitFor({ what: "calls through the bundle", timeoutMs: 10_000, check: async () => traffic.outcomes.filter((o) => o.status === 200).length >= 30 });
        for (let i = 0; i < 3; i++) {
          await terminateBackends(database);
          await sleep(300);
        }
        await takeDown(database);
        await sleep(1000);
        expect(exitCode, output).toBeUndefined();
        expect(await c.closed()).toMatchObject({ status: 503, code: "ledger_unavailable" });
        expect(await c.open()).toMatchObject({ status: 200 });
        await bringBack(database);
        const backAt = Date.now();
        const recordedAt = await waitFor({
          what: "a fail-closed call recorded by the bundle after the database came back",
          timeoutMs: 5_000,
          check: async () => traffic.outcomes.some((o) => o.failMode === "closed" && o.status === 200 && o.startedAt > backAt) && Date.now(),
        });
        await waitFor({ what: "the bundle's spool replayed", timeoutMs: 15_000, check: async () => (await c.spooled()) === 0 });
        console.log(`bundled proxy: first fail-closed call recorded ${recordedAt - backAt} ms after the database came back`);
      } finally {
        await traffic.stop();
      }
      expect(exitCode, output).toBeUndefined();
      expect(output).not.toMatch(/Unhandled 'error' event|uncaught/i);
      expectAnswersAsSpecified(traffic.outcomes);
      await waitFor({
        what: "every record the bundle named in its log",
        timeoutMs: 15_000,
        check: async () => {
          const held = await ledgerIds(store, logId);
          return traffic.outcomes.every((o) => held.has(o.recordId!));
        },
      });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const report = await verifyLedger({ store, signatureChecks: "all" });
      expect(report.logs.flatMap((l) => l.problems)).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      child.kill("SIGKILL");
      await store.close();
      fs.rmSync(buildDir, { recursive: true, force: true });
    }
  });
});
