// A fresh database with one administrator and a ledger log of its own: the setup of the
// tests of user administration and sessions.
import type { SessionUser } from "@/lib/auth/session-user";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

export interface AdminLedger {
  t: TestDatabase;
  store: LedgerStore;
  writer: LogWriter;
  record: LogWriter["append"];
  admin: SessionUser;
  close(): Promise<void>;
}

export async function startAdminLedger(options: { logId: string }): Promise<AdminLedger> {
  const t = await createTestDatabase();
  const store = openLedgerStore({ provider: t.provider, url: t.url });
  const writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: options.logId, name: "app", writer: "app" }, checkpointEvery: 100, checkpointSeconds: 3600 });
  const bootstrap = await t.db.user.create({ data: { email: "admin@test.example", name: "Admin", role: "ADMIN" } });
  return {
    t,
    store,
    writer,
    record: (input) => writer.append(input),
    admin: { id: bootstrap.id, email: bootstrap.email, name: bootstrap.name, role: "ADMIN" },
    async close() {
      await writer.close();
      await store.close();
      await t.drop();
    },
  };
}
