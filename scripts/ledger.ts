// The ledger's command line, for operators and auditors on the host:
//   npm run ledger:verify [-- --checkpoint FILE] [--all-signatures] [--json]
//                                                           verify the whole ledger (exit 1 on any problem)
//   npm run ledger:checkpoint -- --out FILE [--log ID]      export the latest signed checkpoint
//   npm run ledger -- rotate-key [--log NAME]               new signing key for the next start (old records stay valid)
//   npm run ledger -- keys [--out FILE | --json]             every log's public keys and fingerprints, to compare out of band;
//                                                           the file (conduit-ledger-keys/1) is what receipt:verify --trusted-keys reads
import fs from "node:fs";
import { loadConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { openLedgerStore } from "../lib/ledger";
import { formatFingerprint } from "../lib/ledger/browser-verify";
import { generateSigningKey, writeSigningKey } from "../lib/ledger/keys";
import { parseCheckpointFile } from "../lib/ledger/record";
import { exportCheckpoint, runVerification } from "../lib/ledger/operations";
import { publishedKeys, type PublishedKeys } from "../lib/ledger/published-keys";
import { formatReport } from "../lib/ledger/verify";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (!value || value.startsWith("--")) throw new AppError({ code: "bad_request", message: `${name} needs a value` });
  return value;
}

/** The keys as an operator reads them out: per log, each key's state and fingerprint. */
function formatKeys(keys: PublishedKeys): string {
  const lines = ["Ledger signing keys. Fingerprint: SHA-256 of the public key (DER SubjectPublicKeyInfo), in groups of four."];
  for (const log of keys.logs) {
    lines.push("", `log ${log.logId} (${log.name}, written by ${log.writer === "app" ? "the application" : log.writer})`);
    for (const key of log.keys) {
      lines.push(`  ${key.retiredAt ? `retired ${key.retiredAt}` : `active since ${key.activatedAt}`}`, `    fingerprint ${formatFingerprint(key.keyId)}`, `    public key  ${key.spki}`);
    }
  }
  if (keys.logs.length === 0) lines.push("", "No log yet: the first record creates one.");
  lines.push(
    "",
    "Compare these fingerprints with the ones an auditor sees on the records page (Log keys and checkpoints) or on an",
    "evidence pack's cover. `npm run ledger -- keys --out FILE` writes them for `npm run receipt:verify -- RECEIPT --trusted-keys FILE`.",
  );
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const config = loadConfig();
  if (command === "rotate-key") {
    const logName = option(argv, "--log") ?? "app";
    const key = writeSigningKey({ keysDir: config.ledger.keysDir, logName, key: generateSigningKey() });
    console.log(`new signing key ${key.keyId} for log "${logName}"; it takes over at the next start, the old key stays valid for old records`);
    return 0;
  }
  const store = openLedgerStore(config.database);
  try {
    if (command === "verify") {
      const file = option(argv, "--checkpoint");
      const anchor = file ? parseCheckpointFile(fs.readFileSync(file, "utf8")) : undefined;
      const signatureChecks = argv.includes("--all-signatures") ? "all" : "uncovered";
      const report = await runVerification({ store, anchor, signatureChecks, trigger: "cli" });
      console.log(argv.includes("--json") ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.ok ? 0 : 1;
    }
    if (command === "checkpoint") {
      const out = option(argv, "--out");
      if (!out) throw new AppError({ code: "bad_request", message: "usage: npm run ledger:checkpoint -- --out FILE [--log ID]" });
      const exported = await exportCheckpoint({ store, logId: option(argv, "--log") });
      fs.writeFileSync(out, `${JSON.stringify(exported, null, 2)}\n`);
      console.log(`exported checkpoint of log ${exported.log} at size ${exported.size} (root ${exported.root}) to ${out}`);
      return 0;
    }
    if (command === "keys") {
      const keys = await publishedKeys({ store });
      const out = option(argv, "--out");
      if (out) {
        fs.writeFileSync(out, `${JSON.stringify(keys, null, 2)}\n`);
        console.error(`wrote the public keys of ${keys.logs.length} log${keys.logs.length === 1 ? "" : "s"} to ${out}`);
      }
      console.log(argv.includes("--json") ? JSON.stringify(keys, null, 2) : formatKeys(keys));
      return 0;
    }
    throw new AppError({ code: "bad_request", message: `unknown command "${command ?? ""}": use verify, checkpoint, keys or rotate-key` });
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ledger: ${error instanceof AppError ? error.message : (error as Error).stack}`);
    process.exit(2);
  },
);
