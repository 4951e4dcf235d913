// A fresh, migrated database for one integration test file: a temporary SQLite file,
// or a new PostgreSQL database on the server named by DATABASE_URL. Migrations run
// through the real Prisma CLI, as `npm start` runs them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type Db } from "@/lib/db";
import { migrateDeploy } from "@/scripts/prisma";

export interface TestDatabase {
  db: Db;
  url: string;
  provider: "sqlite" | "postgresql";
  drop: () => Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (server && /^postgres(ql)?:\/\//.test(server)) {
    const name = `conduit_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    migrateDeploy({ url: url.toString(), quiet: true });
    const db = createDb(url.toString());
    return {
      db,
      url: url.toString(),
      provider: "postgresql",
      drop: async () => {
        await db.$disconnect();
        const cleanup = new pg.Client({ connectionString: server });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-db-test-"));
  const url = `file:${path.join(dir, "test.db")}`;
  migrateDeploy({ url, quiet: true });
  const db = createDb(url);
  return {
    db,
    url,
    provider: "sqlite",
    drop: async () => {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
