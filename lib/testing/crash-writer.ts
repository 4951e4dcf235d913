// Child process for the crash test: appends records as fast as it can and prints the
// sequence number of each record once its append has resolved (acknowledged).
// Usage: tsx lib/testing/crash-writer.ts <database url> <log id> <PKCS#8 key base64>
import { openLedgerStore } from "../ledger";
import { signingKeyFromPkcs8 } from "../ledger/keys";
import { LogWriter } from "../ledger/log-writer";
import { adminChange } from "./ledger-fixtures";

async function main(): Promise<void> {
  const [url, logId, key] = process.argv.slice(2);
  const store = openLedgerStore({ provider: url!.startsWith("file:") ? "sqlite" : "postgresql", url: url! });
  const writer = await LogWriter.open({
    store,
    key: signingKeyFromPkcs8(key!),
    log: { id: logId!, name: "app", writer: "app" },
    checkpointEvery: 50,
    checkpointSeconds: 3600,
  });
  for (let n = 0; ; n++) {
    // Waves of concurrent appends, so the kill lands inside group commits.
    const wave = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.append(adminChange(n * 20 + i))));
    process.stdout.write(wave.map((a) => `${a.seq}\n`).join(""));
  }
}

void main();
