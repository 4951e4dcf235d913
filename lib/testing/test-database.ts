// A fresh, migrated database for one integration test file: a temporary SQLite file,
// or a new PostgreSQL database on the server named by DATABASE_URL. Migrations run
// through the real Prisma CLI, as `npm start` runs them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { createDb, type Db } from "@/lib/db";
import { migrateDeploy } from "@/scripts/prisma";

export interface TestDatabase {
  db: Db;
  url: string;
  provider: "sqlite" | "postgresql";
  drop: () => Promise<void>;
  /** Runs SQL straight against the database, as someone with file or superuser access would. */
  sql: (statements: string) => Promise<void>;
  /** A copy of the database as it is now (close other connections to it first on PostgreSQL). */
  snapshot: () => Promise<TestDatabase>;
}

async function adminQuery(server: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

function postgresDatabase(server: string, name: string): TestDatabase {
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  return {
    db,
    url: url.toString(),
    provider: "postgresql",
    drop: async () => {
      await db.$disconnect();
      // FORCE may not end a backend of another role, such as an autovacuum worker that
      // happens to be on the database (42501); that one finishes soon, so try again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } catch (error) {
          const retryable = ["42501", "55006"].includes((error as { code?: string }).code ?? "");
          if (!retryable || attempt === 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
    sql: (statements) => adminQuery(url.toString(), statements),
    snapshot: async () => {
      await db.$disconnect();
      const copy = `conduit_test_${randomBytes(6).toString("hex")}`;
      await adminQuery(server, `CREATE DATABASE ${copy} TEMPLATE ${name}`);
      return postgresDatabase(server, copy);
    },
  };
}

function sqliteDatabase(file: string): TestDatabase {
  const url = `file:${file}`;
  const db = createDb(url);
  return {
    db,
    url,
    provider: "sqlite",
    drop: async () => {
      await db.$disconnect();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
    sql: async (statements) => {
      const sqlite = new Database(file);
      try {
        sqlite.exec(statements);
      } finally {
        sqlite.close();
      }
    },
    snapshot: async () => {
      const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "conduit-db-test-")), "test.db");
      const sqlite = new Database(file);
      try {
        sqlite.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`);
      } finally {
        sqlite.close();
      }
      return sqliteDatabase(copy);
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (server && /^postgres(ql)?:\/\//.test(server)) {
    const name = `conduit_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(server, `CREATE DATABASE ${name}`);
    const database = postgresDatabase(server, name);
    migrateDeploy({ url: database.url, quiet: true });
    return database;
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "conduit-db-test-")), "test.db");
  migrateDeploy({ url: `file:${file}`, quiet: true });
  return sqliteDatabase(file);
}
