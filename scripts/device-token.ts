// Device credentials from the command line, for OT engineers commissioning a device:
//   npm run device-token -- issue DEVICE --as EMAIL [--label TEXT] [--expires-in-days N | --no-expiry]
//   npm run device-token -- rotate CREDENTIAL_ID --as EMAIL
//   npm run device-token -- revoke CREDENTIAL_ID --as EMAIL
//   npm run device-token -- list DEVICE
// A new token is printed once, on stdout, and stored only as its SHA-256. Every change is
// recorded in the audit ledger under the named account.
import { loadConfig } from "../lib/config";
import { createDb } from "../lib/db";
import { issueDeviceCredential, listDeviceCredentials, revokeDeviceCredential, rotateDeviceCredential } from "../lib/devices/credentials";
import { AppError } from "../lib/errors";
import { openLedgerStore, openLog } from "../lib/ledger";
import { inventoryActor } from "../lib/inventory/as-code/inventory-actor";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (!value || value.startsWith("--")) throw new AppError({ code: "bad_request", message: `${name} needs a value` });
  return value;
}

const usage = "usage: npm run device-token -- issue DEVICE --as EMAIL [--label TEXT] [--expires-in-days N | --no-expiry] | rotate ID --as EMAIL | revoke ID --as EMAIL | list DEVICE";

async function main(argv: string[]): Promise<void> {
  const [command, subject] = argv;
  if (!command || !subject) throw new AppError({ code: "bad_request", message: usage });
  const config = loadConfig();
  const db = createDb(config.database.url);
  try {
    if (command === "list") {
      for (const c of await listDeviceCredentials({ db, device: subject })) {
        const state = c.revokedAt ? "revoked" : c.expiresAt && c.expiresAt < new Date() ? "expired" : "active";
        console.log(`${c.id}  ${c.tokenPrefix}…  ${state.padEnd(7)}  ${c.label}  last used ${c.lastUsedAt?.toISOString() ?? "never"}${c.lastUsedFrom ? ` from ${c.lastUsedFrom}` : ""}`);
      }
      return;
    }
    const email = option(argv, "--as");
    if (!email) throw new AppError({ code: "bad_request", message: `--as EMAIL names the account the change is recorded under. ${usage}` });
    const actor = await inventoryActor({ db, email });
    // Its own log, like the inventory CLI: a log has one writer, and the web application
    // may be writing the "app" log right now.
    const store = openLedgerStore(config.database);
    const log = await openLog({ config, store, logName: "device-token-cli", writer: "cli" });
    const record = (input: { kind: string; body: unknown }) => log.append(input);
    try {
      if (command === "issue" || command === "rotate") {
        const days = option(argv, "--expires-in-days");
        const input = { label: option(argv, "--label"), expiresInDays: argv.includes("--no-expiry") ? null : days ? Number(days) : undefined };
        const { token, credential } =
          command === "issue"
            ? await issueDeviceCredential({ db, record, actor, device: subject, input })
            : await rotateDeviceCredential({ db, record, actor, credentialId: subject, input });
        console.error(`credential ${credential.id} (${credential.tokenPrefix}…) ${credential.expiresAt ? `expires ${credential.expiresAt.toISOString()}` : "does not expire"}; the token is shown this once:`);
        console.log(token);
      } else if (command === "revoke") {
        const credential = await revokeDeviceCredential({ db, record, actor, credentialId: subject });
        console.error(`credential ${credential.id} (${credential.tokenPrefix}…) revoked; the proxy refuses it within ${config.proxy.inventoryRefreshMs / 1000} s`);
      } else throw new AppError({ code: "bad_request", message: usage });
    } finally {
      await log.close();
      await store.close();
    }
  } finally {
    await db.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    // A refused input (an AppError, or a zod issue list) is a usage error: exit 2.
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    const flagOf: Record<string, string> = { expiresInDays: "--expires-in-days", label: "--label" };
    const described = issues?.map((i) => `${flagOf[i.path.join(".")] ?? i.path.join(".")}: ${i.message}`).join("; ");
    const message = error instanceof AppError ? error.message : (described ?? (error as Error).message);
    console.error(`device-token: ${message}`);
    process.exit(error instanceof AppError || issues ? 2 : 1);
  },
);
