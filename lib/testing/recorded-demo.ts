// A test database with the demo plant, and a log of its own that records the changes a
// test makes, as the app's log records them: the setup of the domain tests that check
// both what a change stored and what it wrote to the ledger.
import type { SessionUser } from "@/lib/auth/session";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

export interface RecordedDemo {
  database: TestDatabase;
  store: LedgerStore;
  writer: LogWriter;
  record: LogWriter["append"];
  /** A demo account, as the session would present it. */
  user(email: string): Promise<SessionUser>;
  close(): Promise<void>;
}

export async function startRecordedDemo(options: { logId: string; now?: Date }): Promise<RecordedDemo> {
  const database = await createTestDatabase();
  await seedDemoPlantForTest({ database, now: options.now });
  const store = openLedgerStore({ provider: database.provider, url: database.url });
  const writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: options.logId, name: "app", writer: "app" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
  return {
    database,
    store,
    writer,
    record: (input) => writer.append(input),
    async user(email) {
      const u = await database.db.user.findUniqueOrThrow({ where: { email } });
      return { id: u.id, email: u.email, name: u.name, role: u.role };
    },
    async close() {
      await writer.close();
      await store.close();
      await database.drop();
    },
  };
}
