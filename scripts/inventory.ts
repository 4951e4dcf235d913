// Inventory as code: plants, zones, workstations, devices, AI destinations and conduits
// kept in a YAML or JSON file that OT engineers review like any other configuration.
//   npm run inventory -- apply FILE --as EMAIL [--prune]    apply a file: one transaction, every change in the audit ledger
//   npm run inventory -- apply FILE --dry-run [--prune]     print the plan, write nothing
//   npm run inventory -- export [--out FILE] [--format yaml|json]
// Entities missing from the file are left alone unless --prune. The format is documented
// in docs/inventory.example.yaml.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { AppError } from "../lib/errors";
import { applyInventoryPlan } from "../lib/inventory/as-code/apply-inventory";
import { exportInventory, type InventoryFileFormat } from "../lib/inventory/as-code/export-inventory";
import { inventoryActor } from "../lib/inventory/as-code/inventory-actor";
import { parseInventoryFile } from "../lib/inventory/as-code/parse-inventory-file";
import { formatPlan, planInventory } from "../lib/inventory/as-code/plan-inventory";
import { openLedgerStore, openLog } from "../lib/ledger";

const usage = [
  "usage: npm run inventory -- apply FILE --as EMAIL [--prune]",
  "       npm run inventory -- apply FILE --dry-run [--prune] [--as EMAIL]",
  "       npm run inventory -- export [--out FILE] [--format yaml|json]",
].join("\n");

const usageError = (message: string) => new AppError({ code: "bad_request", message: `${message}\n${usage}` });

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        as: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        prune: { type: "boolean", default: false },
        out: { type: "string" },
        format: { type: "string" },
      },
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new AppError({ code: "bad_request", message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = readArgs(argv);
  const [command, file, ...extra] = positionals;
  const config = loadConfig();
  const db = createDb(config.database.url);
  try {
    if (command === "export") {
      if (file !== undefined || values.as !== undefined || values["dry-run"] || values.prune) throw usageError("export takes only --out and --format");
      const format = values.format ?? (values.out?.endsWith(".json") ? "json" : "yaml");
      if (format !== "yaml" && format !== "json") throw usageError(`unknown format "${format}": use yaml or json`);
      const text = await exportInventory({ db, format: format as InventoryFileFormat });
      if (values.out) {
        fs.writeFileSync(values.out, text);
        console.log(`exported the inventory to ${values.out}`);
      } else {
        process.stdout.write(text);
      }
      return 0;
    }

    if (command === "apply") {
      if (file === undefined || extra.length > 0) throw usageError("apply takes one FILE");
      if (values.out !== undefined || values.format !== undefined) throw usageError("--out and --format belong to export");
      const dryRun = values["dry-run"];
      if (!dryRun && values.as === undefined) throw usageError("apply needs --as EMAIL: the user the changes are attributed to");
      const actor = values.as === undefined ? null : await inventoryActor({ db, email: values.as });
      const inventoryFile = parseInventoryFile({ text: readFile(file), source: file });
      const plan = await planInventory({ db, file: inventoryFile, prune: values.prune });
      process.stdout.write(formatPlan({ plan }));
      if (dryRun) {
        console.log("dry run: nothing was written");
        return 0;
      }
      if (plan.changes.length === 0) {
        console.log("nothing to apply");
        return 0;
      }
      // The command line writes its own log: a log has one writer, which keeps its head
      // in memory, and the web application may be writing the "app" log right now.
      const store = openLedgerStore(config.database);
      try {
        const log = await openLog({ config, store, logName: "inventory-cli", writer: "cli" });
        try {
          const result = await applyInventoryPlan({ db, record: (input) => log.append(input), actor: actor!, plan });
          console.log(
            `applied: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted; ` +
              `${plan.changes.length} change(s) recorded in the audit ledger (log ${log.logId}) as ${actor!.email}`,
          );
        } finally {
          await log.close();
        }
      } finally {
        await store.close();
      }
      return 0;
    }

    throw usageError(`unknown command "${command ?? ""}"`);
  } finally {
    await db.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof AppError || error instanceof ConfigError;
    console.error(`inventory: ${known ? error.message : (error as Error).stack}`);
    process.exit(1);
  },
);
