// The demo plant in a test database, its seed changes recorded in a log of their own (as
// `npm start` records them in the app's log).
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { seedDemoPlant } from "@/lib/seed/demo-plant";
import type { TestDatabase } from "@/lib/testing/test-database";

export async function seedDemoPlantForTest(options: { database: TestDatabase; now?: Date }) {
  const { database } = options;
  const store = openLedgerStore({ provider: database.provider, url: database.url });
  const writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "demo-seed", name: "demo-seed", writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
  try {
    return await seedDemoPlant({ db: database.db, record: (input) => writer.append(input), now: options.now });
  } finally {
    await writer.close();
    await store.close();
  }
}
