// Measures writing and verifying a bundle of synthetic records (not a test):
//   npx tsx lib/evidence/bundle/bench.ts [RECORDS=100000] [KEEP-PACK-AT.zip]
// Records are generated and signed first (not timed), kept in a JSONL file and streamed
// back as a database cursor would deliver them; resident memory is sampled throughout.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { webBundleCrypto } from "@/lib/evidence/bundle/crypto";
import { fileSource, nodeBundleCrypto } from "@/lib/evidence/bundle/node-crypto";
import { aiCallBody, fakeCertificatePem, SyntheticLog } from "@/lib/evidence/bundle/testing";
import { verifyBundle } from "@/lib/evidence/bundle/verify-bundle";
import { writeEvidenceBundle, type BundleEntry } from "@/lib/evidence/bundle/writer";
import type { RecordRow } from "@/lib/ledger/store";

const total = Number(process.argv[2] ?? 100_000);
const keepAt = process.argv[3];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
// Process CPU time, worker threads included: the measure that does not depend on what else the machine runs.
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) / 1e6).toFixed(1);
};

function sampleMemory(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

async function main() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "bundle-bench-"));
  try {
    // Two logs, as a plant's edge proxy and the application would have them.
    const edge = new SyntheticLog("edge-augsburg-77c1e0a4b2d9", "edge-augsburg");
    const app = new SyntheticLog("app-3f2a9c1b7d4e", "app");
    let t = performance.now();
    app.append({ count: Math.round(total * 0.02), body: aiCallBody });
    edge.append({ count: total - app.size, body: aiCallBody });
    const rowsFile = path.join(dir, "rows.jsonl");
    const out = fs.createWriteStream(rowsFile);
    for (const log of [app, edge]) for (const row of log.rows) out.write(`${JSON.stringify(row)}\n`);
    await new Promise((resolve) => out.end(resolve));
    for (const log of [app, edge]) log.rows.length = 0;
    console.log(`generated and signed ${total} records in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const logs = { [app.logId]: app, [edge.logId]: edge };
    async function* entries(): AsyncGenerator<BundleEntry> {
      const lines = readline.createInterface({ input: fs.createReadStream(rowsFile), crlfDelay: Infinity });
      for await (const line of lines) {
        const record = JSON.parse(line) as RecordRow;
        yield { record, proof: logs[record.logId]!.proof(record.seq) };
      }
    }

    // What reading the records and computing their proofs costs by itself (the generator's share).
    t = performance.now();
    for await (const entry of entries()) void entry;
    console.log(`reading records and computing proofs alone: ${((performance.now() - t) / 1000).toFixed(1)} s`);

    global.gc?.();
    const base = process.memoryUsage().rss;
    let memory = sampleMemory();
    let cpu = process.cpuUsage();
    t = performance.now();
    const phases: string[] = [];
    let phase = "";
    const written = await writeEvidenceBundle({
      out: path.join(dir, "pack.zip"),
      workDir: dir,
      pack: { id: "bench", name: "Benchmark pack", purpose: "benchmark", scope: {}, generatedAt: "2026-10-02T09:15:00.000Z", generatedBy: "bench@nordwerk.example" },
      logs: [app.input(), edge.input()],
      entries: entries(),
      expectedRecords: total,
      pdf: { bytes: new TextEncoder().encode("%PDF-1.7\n%%EOF\n") },
      pdfCertificatePem: fakeCertificatePem("bench"),
      controls: [],
      signingKey: { logId: app.logId, keyId: app.key.keyId, privateKey: app.key.privateKey },
      onProgress: (p) => {
        if (p.phase !== phase) phases.push(`${(phase = p.phase)} from ${((performance.now() - t) / 1000).toFixed(1)} s`);
      },
    });
    const writeSeconds = (performance.now() - t) / 1000;
    const writePeak = memory.stop();
    console.log(`write:  ${writeSeconds.toFixed(1)} s, ${cpuSeconds(cpu)} s CPU (${Math.round(total / writeSeconds)} records/s; ${phases.join(", ")}), ${mb(written.size)} ZIP, peak RSS ${mb(writePeak)} (${mb(base)} before)`);

    for (const [name, make] of [
      ["node", () => nodeBundleCrypto()],
      ["web ", () => webBundleCrypto()],
    ] as const) {
      global.gc?.();
      const crypto = make();
      const source = await fileSource(written.file);
      memory = sampleMemory();
      cpu = process.cpuUsage();
      t = performance.now();
      const report = await verifyBundle({ source, crypto });
      const seconds = (performance.now() - t) / 1000;
      const peak = memory.stop();
      await source.close();
      await crypto.close?.();
      console.log(`verify (${name} crypto): ${seconds.toFixed(1)} s, ${cpuSeconds(cpu)} s CPU (${Math.round(total / seconds)} records/s), ok=${report.ok} problems=${report.problems.length}, peak RSS ${mb(peak)}`);
    }
    if (keepAt) await fsp.copyFile(written.file, keepAt);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

void main();
