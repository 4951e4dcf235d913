// Applying migrations while the app or an edge proxy holds the SQLite file open: Prisma's
// engine wants the file to itself, so `npm start` and `npm run proxy` must not run it
// when nothing is pending (the second of the two would fail to start).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDeploy, pendingSqliteMigrations } from "@/scripts/prisma";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-migrate-"));
const file = path.join(dir, "conduit-ledger.db");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(process.env.DATABASE_URL?.startsWith("postgres"))("migrations on SQLite", () => {
  it("lists every migration as pending for a new database, and none once applied", () => {
    const all = fs.readdirSync(path.resolve(import.meta.dirname, "../prisma/migrations/sqlite")).filter((name) => /^\d{14}_/.test(name));
    expect(pendingSqliteMigrations(file)).toEqual(all.sort());
    migrateDeploy({ url: `file:${file}`, quiet: true });
    expect(pendingSqliteMigrations(file)).toEqual([]);
  });

  it("starts beside a process that has the database open when nothing is pending", () => {
    const running = new Database(file);
    running.pragma("journal_mode = WAL");
    try {
      expect(running.prepare(`SELECT count(*) AS n FROM "User"`).get()).toEqual({ n: 0 });
      expect(() => migrateDeploy({ url: `file:${file}`, quiet: true })).not.toThrow();
    } finally {
      running.close();
    }
  });
});

describe.skipIf(process.env.DATABASE_URL?.startsWith("postgres"))("pending migrations while the database is in use", () => {
  it("fails saying which migrations wait and what to do, not only with the engine's error", () => {
    const busy = path.join(dir, "busy.db");
    migrateDeploy({ url: `file:${busy}`, quiet: true });
    // An upgrade brings a migration the running app's database has not applied.
    const running = new Database(busy);
    running.pragma("journal_mode = WAL");
    const [latest] = running.prepare(`SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`).pluck().all() as string[];
    running.prepare(`DELETE FROM _prisma_migrations WHERE migration_name = ?`).run(latest);
    try {
      expect(() => migrateDeploy({ url: `file:${busy}`, quiet: true })).toThrow(`1 migration(s) to apply (${latest}). Applying them needs the database to itself: stop the app and any edge proxy using it, then start again.`);
    } finally {
      running.close();
    }
  });
});
