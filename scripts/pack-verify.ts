// Verifies an evidence pack offline, without a database or a server:
//   npm run pack:verify -- PACK.zip [--trusted-keys KEYS.json] [--previous OLD.zip] [--json]
// Exit 0: the pack is valid (a short summary says what was checked); 1: it is not (each
// problem is named: file, log and record index, reason); 2: bad usage or an unreadable file.
// KEYS.json is a key list obtained out of band: the operator's
// /.well-known/conduit-ledger/keys.json or a pack's keys.json already trusted.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { AppError } from "../lib/errors";
import { fileSource, nodeBundleCrypto } from "../lib/evidence/bundle/node-crypto";
import { parseTrustedKeys, verifyBundle, type BundleProblem, type BundleReport, type PdfVerifier, type TrustedKeys } from "../lib/evidence/bundle/verify-bundle";
import { verifyPdfSignature } from "../lib/pdf/sign-pdf";

const usage = "usage: npm run pack:verify -- PACK.zip [--trusted-keys KEYS.json] [--previous OLD.zip] [--json]";

/**
 * The PDF check: lib/pdf/sign-pdf.ts's PAdES verification (digest, CMS signature, time
 * stamp), plus that the signing certificate is the one keys.json names.
 */
const verifyPdf: PdfVerifier = async ({ pdf, certificateFingerprint }) => {
  const check = await verifyPdfSignature({ pdf });
  const problems = [...check.problems];
  const signer = check.certificateFingerprint;
  if (signer && certificateFingerprint && signer !== certificateFingerprint) {
    problems.push(`It was signed with certificate ${signer.slice(0, 16)}…, not the one keys.json names (${certificateFingerprint.slice(0, 16)}…).`);
  }
  if (!certificateFingerprint) problems.push("keys.json names no PDF certificate to compare the signer with.");
  return { ok: problems.length === 0, detail: problems.length > 0 ? problems.join(" ") : `PAdES${check.level ? ` ${check.level}` : ""}, certificate ${signer?.slice(0, 16)}… as in keys.json` };
};

function parseArgs(argv: string[]): { pack: string; trustedKeys?: string; previous?: string; json: boolean } {
  const files: string[] = [];
  const options: { trustedKeys?: string; previous?: string; json: boolean } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--trusted-keys" || arg === "--previous") {
      const value = argv[++i];
      if (!value || value.startsWith("--")) throw new AppError({ code: "bad_request", message: `${arg} needs a file; ${usage}` });
      options[arg === "--previous" ? "previous" : "trustedKeys"] = value;
    } else if (arg === "--json") options.json = true;
    else if (arg.startsWith("--")) throw new AppError({ code: "bad_request", message: `unknown option ${arg}; ${usage}` });
    else files.push(arg);
  }
  if (files.length !== 1) throw new AppError({ code: "bad_request", message: usage });
  return { pack: files[0]!, ...options };
}

function readTrustedKeys(file: string): TrustedKeys {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new AppError({ code: "bad_request", message: `cannot read the key list ${file}: ${(error as NodeJS.ErrnoException).code ?? "not JSON"}` });
  }
  const keys = parseTrustedKeys(value);
  if (!keys) throw new AppError({ code: "bad_request", message: `${file} is not a key list (logs[].keys[].spki or keys[].spki)` });
  return keys;
}

async function openPack(file: string) {
  try {
    return await fileSource(file);
  } catch (error) {
    throw new AppError({ code: "bad_request", message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
  }
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function formatProblem(p: BundleProblem): string {
  const record = p.logId !== undefined ? ` ${p.logId}${p.index !== undefined ? ` #${p.index}` : ""}` : "";
  const line = p.line !== undefined ? ` (line ${p.line})` : "";
  return `  ${p.file}${record}${line}: ${p.reason}`;
}

function formatReport(options: { file: string; sha256: string; report: BundleReport; trustedKeys?: string; seconds: number }): string {
  const { report } = options;
  if (!report.ok) {
    const count = report.problems.length + report.moreProblems;
    return [
      `${options.file} is NOT valid: ${count} problem${count === 1 ? "" : "s"}`,
      ...report.problems.map(formatProblem),
      ...(report.moreProblems > 0 ? [`  … and ${report.moreProblems} more`] : []),
    ].join("\n");
  }
  const pack = report.pack!;
  const width = Math.max(...report.logs.map((l) => l.logId.length));
  return [
    `${options.file} is valid`,
    `  pack      ${pack.id} "${pack.name}", generated ${pack.generatedAt} by ${pack.generatedBy}`,
    `  sha256    ${options.sha256}`,
    `  manifest  DSSE signature by ledger key ${report.manifestSignedBy}; all ${report.files - 1} files match it, none missing or added`,
    `  records   ${report.records}: each signature, leaf hash, place in order and inclusion proof checked`,
    ...report.logs.map(
      (l, i) =>
        `  ${i === 0 ? "logs      " : "          "}${l.logId.padEnd(width)}  ${l.records} records, checkpoint of ${l.treeSize ?? "-"} signed${l.extendsPrevious === true ? ", extends the previous pack's" : ""}`,
    ),
    ...(report.previous ? [`  previous  pack ${report.previous.packId}: this pack provably extends its checkpoints`] : []),
    `  pdf       ${report.pdf.status === "valid" ? report.pdf.detail : report.pdf.status}`,
    options.trustedKeys
      ? `  keys      every key in keys.json is one of the trusted keys in ${options.trustedKeys}`
      : "  keys      checked against the pack's own keys.json: compare its fingerprints with the operator's (or pass --trusted-keys)",
    `  time      ${options.seconds.toFixed(1)} s`,
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const trustedKeys = args.trustedKeys ? readTrustedKeys(args.trustedKeys) : undefined;
  const source = await openPack(args.pack);
  const previous = args.previous ? await openPack(args.previous) : undefined;
  const crypto = nodeBundleCrypto();
  const started = performance.now();
  try {
    const report = await verifyBundle({ source, previous, trustedKeys, verifyPdf, crypto });
    const seconds = (performance.now() - started) / 1000;
    const sha256 = await fileSha256(args.pack);
    console.log(args.json ? JSON.stringify({ file: args.pack, sha256, ...report }, null, 2) : formatReport({ file: args.pack, sha256, report, trustedKeys: args.trustedKeys, seconds }));
    return report.ok ? 0 : 1;
  } finally {
    await Promise.all([source.close(), previous?.close(), crypto.close()]);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`pack:verify: ${error instanceof AppError ? error.message : (error as Error).stack}`);
    process.exit(2);
  },
);
