// The ledger's command line, for operators and auditors on the host:
//   npm run ledger:verify [-- --checkpoint FILE] [--all-signatures] [--json]
//                                                           verify the whole ledger (exit 1 on any problem)
//   npm run ledger:checkpoint -- --out FILE [--log ID]      export the latest signed checkpoint
//   npm run ledger -- rotate-key [--log NAME]               new signing key for the next start (old records stay valid)
import fs from "node:fs";
import { loadConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { openLedgerStore } from "../lib/ledger";
import { generateSigningKey, writeSigningKey } from "../lib/ledger/keys";
import { parseCheckpointFile } from "../lib/ledger/record";
import { exportCheckpoint, runVerification } from "../lib/ledger/operations";
import { formatReport } from "../lib/ledger/verify";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (!value || value.startsWith("--")) throw new AppError({ code: "bad_request", message: `${name} needs a value` });
  return value;
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
    throw new AppError({ code: "bad_request", message: `unknown command "${command ?? ""}": use verify, checkpoint or rotate-key` });
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
