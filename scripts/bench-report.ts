// What both benchmarks (bench-ledger.ts, bench-proxy.ts) report with: statistics, the
// machine they ran on, their command-line options and their section of BENCHMARKS.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const benchmarksFile = path.resolve(import.meta.dirname, "..", "BENCHMARKS.md");

/** NaN when there is no value. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile; NaN when there is no value. */
export function percentile(options: { values: number[]; p: number }): number {
  if (options.values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(options.values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((options.p / 100) * sorted.length) - 1))]!;
}

export function option(options: { argv: string[]; name: string }): string | undefined {
  const i = options.argv.indexOf(options.name);
  if (i < 0) return undefined;
  const value = options.argv[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${options.name} needs a value`);
  return value;
}

/** CPU pressure (PSI "some", avg60, percent) where the kernel reports it. */
export function cpuPressure(): number | null {
  try {
    return Number(/some avg10=[\d.]+ avg60=([\d.]+)/.exec(fs.readFileSync("/proc/pressure/cpu", "utf8"))?.[1] ?? Number.NaN);
  } catch {
    return null;
  }
}

/** One line on the machine: CPUs, memory, Node, `software` (versions), OS, and how busy it was. */
export function describeMachine(options: { software: string[]; loadAtStart: number[]; pressureAtStart?: number | null }): string {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown CPU";
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // nproc is coreutils; os.availableParallelism() says the same where it is missing.
  }
  const pressure = options.pressureAtStart ?? null;
  return [
    `${nproc} CPUs (nproc), ${cpu}`,
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `Node ${process.version}`,
    ...options.software,
    `${os.type()} ${os.release()}`,
    // Other work on the machine shows here; the spreads in the notes show it per row.
    `load average ${options.loadAtStart.map((l) => l.toFixed(1)).join(" ")} at start, ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at end`,
    ...(pressure === null ? [] : [`CPU pressure (PSI some, avg60) ${pressure.toFixed(0)}% at start, ${cpuPressure()?.toFixed(0)}% at end`]),
  ].join(", ");
}

/** Replaces the benchmark's section of BENCHMARKS.md (between its markers), or appends it; returns the file's path. */
export function writeBenchmarkSection(options: { benchmark: "ledger" | "proxy" | "records" | "packs" | "conduits"; body: string }): string {
  const sectionStart = `<!-- bench:${options.benchmark}:start -->`;
  const sectionEnd = `<!-- bench:${options.benchmark}:end -->`;
  const section = `${sectionStart}\n${options.body.trim()}\n${sectionEnd}`;
  const current = fs.existsSync(benchmarksFile) ? fs.readFileSync(benchmarksFile, "utf8") : "# Benchmarks\n";
  const start = current.indexOf(sectionStart);
  const end = current.indexOf(sectionEnd);
  const next = start >= 0 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + sectionEnd.length)}` : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(benchmarksFile, next);
  return benchmarksFile;
}
