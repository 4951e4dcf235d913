// Timing of the classifier against the proxy's latency budget (1 ms p50 in all; the
// classification of a ~2 KB chat prompt should stay well under 100 µs median), with the
// known secrets a proxy with a few destinations holds.
//
//   npx tsx proxy/classify/bench.ts [--iterations N]
//
// Prints a markdown table: median, p95 and p99 per call over N calls after a warm-up,
// beside a baseline that the proxy pays anyway (JSON.parse of the same request body).
// It times; it asserts nothing. The 200 KB pathological inputs are each classified a
// few times to show that no pattern backtracks catastrophically.
import os from "node:os";
import { createClassifier } from "@/proxy/classify";
import { chatPrompt, pathologicalInputs } from "@/proxy/classify/samples";
import type { ContentPart } from "@/proxy/classify/types";

const iterationsFlag = process.argv.indexOf("--iterations");
const iterations = iterationsFlag === -1 ? 20_000 : Number(process.argv[iterationsFlag + 1]);

const classifier = createClassifier({
  customRules: [
    { label: "customer_name", level: "CONFIDENTIAL", terms: ["Bosch Rexroth", "ZF Friedrichshafen", "Continental", "Schaeffler"] },
    { label: "ot_asset_tag", level: "INTERNAL", pattern: String.raw`\bAUG-[A-Z]{2,4}-\d{2}\b` },
  ],
  // The decrypted keys of the proxy's destinations, as the inventory passes them (made up).
  knownSecrets: [
    "sk-proj-Qm9XbT3kLp7vNc2RwY8sZd4FhJ6aGe1UoI5tKx0Bq",
    "sk-ant-api03-Vb7nMq2LxP9cRt4WkZ8sYd3FhJ6aGe1UoI5tKx0Bq-AbCdEf",
    "3f9c0e1d7a2b4c5d8e6f0a1b2c3d4e5f",
    "Xq7vLm2Pz9TbWc4RkJ8sNd3FhY6aGe1U",
    "AIzaSyB8d3F6g7H8i9J0kLmNoPqRsTuVwXyZ4c1",
    "gsk_Tz8pQ3wL6nV9cX2bR5mK7jH4fD1sA0yU8eI3oP6",
  ],
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}

/** Per-call times in µs, sorted. */
function time(run: () => void, calls: number): number[] {
  const warmUp = Math.min(2000, calls);
  for (let i = 0; i < warmUp; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples.sort((a, b) => a - b);
}

const format = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`);

const rows: string[] = [];
const asParts = (text: string): ContentPart[] => [{ kind: "text", text }];
// The same 2 KB prompt cut into its sentences, one part each, as a conversation of short
// messages: the secrets are also looked for in the text of all parts joined, a second pass.
const inMessages = (text: string): ContentPart[] => text.split(/(?<=\n\n|[.?] )(?=[A-Z])/).map((piece) => ({ kind: "text", text: piece }));
const prompts = [
  { name: "chat prompt", text: chatPrompt({ characters: 2_000 }), split: asParts, goal: "≤ 100 µs" },
  { name: "chat prompt in one part per sentence", text: chatPrompt({ characters: 2_000 }), split: inMessages, goal: "—" },
  { name: "conversation", text: chatPrompt({ characters: 20_000, rest: "conversation" }), split: asParts, goal: "—" },
  { name: "prompt with a pasted historian export", text: chatPrompt({ characters: 20_000, rest: "historian_export" }), split: asParts, goal: "—" },
];
for (const { name, text, split, goal } of prompts) {
  const characters = text.length;
  const parts = split(text);
  const body = JSON.stringify({ model: "gpt-4.1-mini", messages: parts.map((p) => ({ role: "user", content: p.text })) });
  const calls = characters > 2_000 ? Math.ceil(iterations / 5) : iterations;
  const classify = time(() => classifier.classify({ parts }), calls);
  const parse = time(() => JSON.parse(body), calls);
  const findings = classifier.classify({ parts }).findings.length;
  const partsNote = parts.length > 1 ? `${parts.length} parts, ` : "";
  rows.push(
    `| classify(), ${Buffer.byteLength(text)} B ${name} | ${format(percentile(classify, 0.5))} | ${format(percentile(classify, 0.95))} | ${format(percentile(classify, 0.99))} | ${goal} | ${format(percentile(parse, 0.5))} | ${partsNote}${calls} calls, ${findings} findings |`,
  );
}

for (const [name, text] of Object.entries(pathologicalInputs({ characters: 200_000 }))) {
  const times = time(() => classifier.classify({ parts: [{ kind: "text", text }] }), 3);
  const findings = classifier.classify({ parts: [{ kind: "text", text }] }).findings.length;
  rows.push(`| classify(), 200 KB pathological: ${name} | ${format(percentile(times, 0.5))} | — | — | completes | — | 3 calls, ${findings} findings |`);
}

const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(`Classifier timing on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, load average ${load}.\n`);
console.log("| Measurement | Median | p95 | p99 | Goal | Baseline: JSON.parse of the request body, median | Notes |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
