// Runs the Prisma CLI for one database provider, from the single source schema.
//   tsx scripts/prisma.ts generate                 clients for both providers
//   tsx scripts/prisma.ts migrate deploy           apply migrations to the configured database
//   tsx scripts/prisma.ts migrate-new NAME --postgres-url URL
//                                                  create a migration for both providers (development)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { childEnv, loadConfig, type DatabaseProvider } from "../lib/config";

const root = path.resolve(import.meta.dirname, "..");
const providers: DatabaseProvider[] = ["sqlite", "postgresql"];

/** Writes prisma/generated/schema.<provider>.prisma from prisma/schema.prisma. */
export function writeProviderSchema(provider: DatabaseProvider): string {
  const source = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
  const out = source
    .replace(/provider = "sqlite"/, `provider = "${provider}"`)
    .replace('output   = "../lib/generated/prisma/sqlite"', `output   = "../../lib/generated/prisma/${provider}"`);
  if (!out.includes(`provider = "${provider}"`) || !out.includes(`lib/generated/prisma/${provider}"`)) {
    throw new Error("prisma/schema.prisma no longer has the datasource/generator lines scripts/prisma.ts rewrites");
  }
  const file = path.join(root, `prisma/generated/schema.${provider}.prisma`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out);
  return file;
}

export function runPrisma(options: {
  provider: DatabaseProvider;
  url: string;
  args: string[];
  quiet?: boolean;
}): void {
  writeProviderSchema(options.provider);
  const result = spawnSync(path.join(root, "node_modules/.bin/prisma"), options.args, {
    cwd: root,
    env: childEnv({ DATABASE_URL: options.url, PRISMA_HIDE_UPDATE_MESSAGE: "1" }),
    stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  if (result.status !== 0) {
    if (options.quiet) process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`prisma ${options.args.join(" ")} (${options.provider}) failed with exit code ${result.status}`);
  }
}

export function migrateDeploy(options: { url?: string; quiet?: boolean } = {}): void {
  const url = options.url ?? loadConfig().database.url;
  const provider: DatabaseProvider = url.startsWith("file:") ? "sqlite" : "postgresql";
  if (provider === "sqlite") {
    const file = url.slice("file:".length);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Prisma's engine locks a SQLite file for itself even when nothing is pending, which
    // fails while the app or an edge proxy has it open: so it runs only when needed.
    const pending = pendingSqliteMigrations(file);
    if (pending.length === 0) return;
    try {
      runPrisma({ provider, url, args: ["migrate", "deploy"], quiet: options.quiet });
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; ${pending.length} migration(s) to apply (${pending.join(", ")}). ` +
          "Applying them needs the database to itself: stop the app and any edge proxy using it, then start again.",
      );
    }
    return;
  }
  runPrisma({ provider, url, args: ["migrate", "deploy"], quiet: options.quiet });
}

/** The migrations in prisma/migrations/sqlite that the database at `file` has not applied. */
export function pendingSqliteMigrations(file: string): string[] {
  const dir = path.join(root, "prisma/migrations/sqlite");
  const all = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (!fs.existsSync(file)) return all;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (!table) return all;
    const rows = db.prepare(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as { migration_name: string }[];
    const applied = new Set(rows.map((r) => r.migration_name));
    return all.filter((name) => !applied.has(name));
  } finally {
    db.close();
  }
}

/**
 * Writes a new migration for both providers: applies the existing migrations to a
 * scratch database, then diffs that database against the schema. (No shadow database:
 * the Wasm engine cannot replay SQLite history into one.)
 */
async function createMigration(options: { name: string; postgresUrl: string }): Promise<void> {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-migrate-"));
  const scratchDb = `conduit_migrate_${process.pid}`;
  const pgServer = new URL(options.postgresUrl);
  const pgScratch = new URL(options.postgresUrl);
  pgScratch.pathname = `/${scratchDb}`;
  const admin = new pg.Client({ connectionString: pgServer.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratchDb}`);
  try {
    for (const [provider, url] of [["sqlite", `file:${tmp}/scratch.db`], ["postgresql", pgScratch.toString()]] as const) {
      runPrisma({ provider, url, args: ["migrate", "deploy"], quiet: true });
      const dir = path.join(root, `prisma/migrations/${provider}/${stamp}_${options.name}`);
      fs.mkdirSync(dir, { recursive: true });
      runPrisma({
        provider,
        url,
        quiet: true,
        args: ["migrate", "diff", "--from-config-datasource", "--to-schema", writeProviderSchema(provider), "--script", "--output", path.join(dir, "migration.sql")],
      });
      console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratchDb} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "generate") {
    for (const provider of providers) {
      const url = provider === "sqlite" ? "file:./unused.db" : "postgresql://localhost/unused";
      runPrisma({ provider, url, args: ["generate"], quiet: true });
    }
  } else if (command === "migrate" && rest[0] === "deploy") {
    migrateDeploy();
  } else if (command === "migrate-new") {
    const name = rest[0];
    const pgIndex = rest.indexOf("--postgres-url");
    const pgUrl = pgIndex >= 0 ? rest[pgIndex + 1] : undefined;
    if (!name || !/^[a-z0-9_]+$/.test(name) || !pgUrl) {
      throw new Error("usage: tsx scripts/prisma.ts migrate-new NAME --postgres-url URL (NAME in lower_snake_case)");
    }
    await createMigration({ name, postgresUrl: pgUrl });
  } else {
    throw new Error(`unknown command: ${argv.join(" ")}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`scripts/prisma.ts: ${(error as Error).message}`);
    process.exit(1);
  });
}
