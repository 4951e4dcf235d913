// Benchmark of evidence packs against the goals of issue 14:
//   1. a pack of 100,000 records in at most 30 s with peak memory at most 512 MB,
//   2. a pack of 1,000,000 records completes with memory that does not grow with the count,
//   3. pack:verify of the 100,000-record pack in at most 15 s,
// each beside ledger:verify's records/s on the same database in the same run.
//
//   npx tsx scripts/bench-packs.ts [--quick] [--records N] [--large N]
//
// A scratch SQLite database is filled by npm run seed:volume (N records, then on to the
// large size), and every step runs as its npm command in a child process: npm run
// ledger:verify, npm run pack -- create and npm run pack:verify, timed from spawn to exit,
// with the largest process's peak resident memory from GNU time. Writes the results
// to the "packs" section of BENCHMARKS.md (not for --quick). Asserts nothing.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { childEnv } from "../lib/config";
import { cpuPressure, describeMachine, option, writeBenchmarkSection } from "./bench-report";
import { Scratch } from "./bench-scratch";

const root = path.resolve(import.meta.dirname, "..");
const goals = { packSeconds: 30, packMb: 512, verifySeconds: 15, records: 100_000 };
const log = (message: string) => process.stderr.write(`[bench-packs] ${message}\n`);
const int = (n: number) => Math.round(n).toLocaleString("en-US");

interface Run {
  seconds: number;
  stdout: string;
  stderr: string;
  code: number | null;
  /** The child's peak resident set size in MB, from GNU time when present. */
  peakMb: number | null;
}

/** Runs an npm script of the repo in the scratch data folder, timed from spawn to exit, as a person runs it. */
function run(options: { script: string; args: string[]; dataDir: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // GNU time reports the largest process's peak memory (npm's and tsx's children included).
    const time = fs.existsSync("/usr/bin/time");
    const npm = ["npm", "run", "--silent", options.script, "--", ...options.args];
    const child = spawn(time ? "/usr/bin/time" : npm[0]!, time ? ["-f", "maxrss-kb %M", ...npm] : npm.slice(1), {
      cwd: root,
      // Its own database in the scratch folder (childEnv would hand on this process's).
      env: childEnv({ CONDUIT_DATA_DIR: options.dataDir, DATABASE_URL: `file:${path.join(options.dataDir, "conduit-ledger.db")}`, LOG_LEVEL: "warn" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      const kb = /maxrss-kb (\d+)/.exec(stderr)?.[1];
      resolve({ seconds: (performance.now() - started) / 1000, stdout, stderr, code, peakMb: kb ? Number(kb) / 1024 : null });
    });
  });
}

function must(result: Run, what: string): Run {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  return result;
}

interface Measured {
  records: number;
  seedSeconds: number;
  ledgerVerify: { seconds: number; records: number };
  pack: { seconds: number; peakMb: number | null; bytes: number; packRecords: number };
  verify: { seconds: number; peakMb: number | null };
}

/** Seeds the database up to `records`, then times ledger:verify, a pack of everything and pack:verify. */
async function measure(options: { dataDir: string; records: number; seeded: number; period: { from: string; to: string } }): Promise<Measured> {
  const { dataDir } = options;
  log(`seed:volume to ${int(options.records)} records`);
  const seed = must(await run({ script: "seed:volume", args: ["--records", String(options.records - options.seeded), "--days", "30", "--json"], dataDir }), "seed:volume");
  log(`  ${seed.seconds.toFixed(1)} s`);
  log("ledger:verify");
  const verified = must(await run({ script: "ledger:verify", args: ["--json"], dataDir }), "ledger:verify");
  const report = JSON.parse(verified.stdout) as { logs: { records: number }[] };
  const ledgerRecords = report.logs.reduce((n, l) => n + l.records, 0);
  log(`  ${int(ledgerRecords)} records in ${verified.seconds.toFixed(1)} s`);
  const out = path.join(dataDir, `pack-${options.records}.zip`);
  log("pack create");
  const pack = must(
    await run({ script: "pack", args: ["create", "--from", options.period.from, "--to", options.period.to, "--name", `Benchmark ${int(options.records)}`, "--out", out, "--as", "auditor@nordwerk.example"], dataDir }),
    "pack create",
  );
  const packRecords = Number(/([\d,]+) records in scope/.exec(pack.stderr)?.[1]?.replace(/,/g, "") ?? 0);
  log(`  ${int(packRecords)} records, ${pack.seconds.toFixed(1)} s, peak ${pack.peakMb?.toFixed(0)} MB`);
  log("pack:verify");
  const check = must(await run({ script: "pack:verify", args: [out], dataDir }), "pack:verify");
  log(`  ${check.seconds.toFixed(1)} s`);
  return {
    records: options.records,
    seedSeconds: seed.seconds,
    ledgerVerify: { seconds: verified.seconds, records: ledgerRecords },
    pack: { seconds: pack.seconds, peakMb: pack.peakMb, bytes: fs.statSync(out).size, packRecords },
    verify: { seconds: check.seconds, peakMb: check.peakMb },
  };
}

async function main(argv: string[]): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg();
  const pressureAtStart = cpuPressure();
  const quick = argv.includes("--quick");
  const size = Number(option({ argv, name: "--records" }) ?? (quick ? 5_000 : goals.records));
  const large = Number(option({ argv, name: "--large" }) ?? (quick ? 20_000 : 1_000_000));
  const scratch = new Scratch({ name: "bench-packs", postgresServer: undefined, log });
  try {
    const dataDir = path.join(scratch.dir, "data");
    fs.mkdirSync(dataDir, { recursive: true });
    // The seed spreads its records over the 30 days before now: a period that holds them all.
    const period = { from: new Date(Date.now() - 32 * 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    const small = await measure({ dataDir, records: size, seeded: 0, period });
    const big = await measure({ dataDir, records: large, seeded: size, period });
    const rows = [small, big].map((m) => {
      const rate = m.pack.packRecords / m.pack.seconds;
      const ledgerRate = m.ledgerVerify.records / m.ledgerVerify.seconds;
      return `| ${int(m.pack.packRecords)} | ${m.pack.seconds.toFixed(1)} s (${int(rate)} records/s) | ${m.pack.peakMb?.toFixed(0) ?? "?"} MB | ${(m.pack.bytes / 2 ** 20).toFixed(1)} MiB | ${m.verify.seconds.toFixed(1)} s (${int(m.pack.packRecords / m.verify.seconds)} records/s) | ${int(ledgerRate)} records/s (${int(m.ledgerVerify.records)} records, ${m.ledgerVerify.seconds.toFixed(1)} s) | ${(rate / ledgerRate).toFixed(2)}× |`;
    });
    const smallMet = small.pack.seconds <= goals.packSeconds && (small.pack.peakMb ?? Infinity) <= goals.packMb;
    const body = [
      "## Evidence packs",
      "",
      `\`${["npx tsx scripts/bench-packs.ts", ...argv].join(" ")}\` on ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - began) / 1000).toFixed(0)} s in all.`,
      "",
      `Machine: ${describeMachine({ software: ["SQLite (better-sqlite3)"], loadAtStart, pressureAtStart })}.`,
      "",
      "Each row is one database filled by `npm run seed:volume` (30 days of AI calls through the ledger), then `npm run ledger:verify`, `npm run pack -- create` of every record (all plants, the whole period) and `npm run pack:verify` of that pack, each as its npm command in a child process, timed from spawn to exit (npm and the bundling step included); peak memory is the largest process's maximum resident set size (GNU time). pack and pack:verify run bundled with plain node, pack with a 256 MB heap cap (package.json).",
      "",
      "| Records in the pack | pack create | Peak memory | ZIP | pack:verify | ledger:verify, same database | Pack rate / ledger:verify rate |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
      `Goals: ${int(goals.records)} records in at most ${goals.packSeconds} s and ${goals.packMb} MB: **${smallMet ? "met" : "not met"}** (${small.pack.seconds.toFixed(1)} s, ${small.pack.peakMb?.toFixed(0)} MB); pack:verify in at most ${goals.verifySeconds} s: **${small.verify.seconds <= goals.verifySeconds ? "met" : "not met"}** (${small.verify.seconds.toFixed(1)} s); memory at ${int(big.pack.packRecords)} records ${big.pack.peakMb?.toFixed(0)} MB against ${small.pack.peakMb?.toFixed(0)} MB at ${int(small.pack.packRecords)}.`,
    ].join("\n");
    process.stdout.write(`${body}\n`);
    if (!quick) log(`wrote ${writeBenchmarkSection({ benchmark: "packs", body })}`);
  } finally {
    await scratch.cleanup();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench-packs: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
