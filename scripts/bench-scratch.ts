// Scratch databases for the benchmarks: a temp folder for SQLite files and PostgreSQL
// databases made for one run and removed by cleanup() whatever happens, and the
// PostgreSQL server a run uses.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig } from "../lib/config";
import { option } from "./bench-report";

const root = path.resolve(import.meta.dirname, "..");

export async function adminQuery(options: { url: string; sql: string }): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    return await client.query(options.sql);
  } finally {
    await client.end();
  }
}

export class Scratch {
  readonly dir: string;
  private readonly databases: string[] = [];
  private counter = 0;
  private cleaned: Promise<void> | undefined;

  /** `name` prefixes the temp folder and, in snake case, the databases (bench-ledger, bench-records). */
  constructor(
    private readonly options: { name: string; postgresServer: string | undefined; log: (message: string) => void },
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name}-`));
  }

  get postgresServer(): string | undefined {
    return this.options.postgresServer;
  }

  /** A fresh copy of the migrated SQLite template. */
  sqlite(options: { template: string; name: string }): string {
    const file = path.join(this.dir, `${options.name}.db`);
    this.removeSqlite(file);
    fs.copyFileSync(options.template, file);
    return `file:${file}`;
  }

  removeSqlite(file: string): void {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(`${file}${suffix}`, { force: true });
  }

  /** A new PostgreSQL database, empty or copied from a template database. */
  async postgres(options: { template?: string } = {}): Promise<{ name: string; url: string }> {
    const name = `${this.options.name.replace(/-/g, "_")}_${process.pid}_${this.counter++}`;
    await this.admin(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${options.template}` : ""}`);
    this.databases.push(name);
    const url = new URL(this.postgresServer!);
    url.pathname = `/${name}`;
    return { name, url: url.toString() };
  }

  async dropPostgres(name: string): Promise<void> {
    await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const i = this.databases.indexOf(name);
    if (i >= 0) this.databases.splice(i, 1);
  }

  /**
   * An autovacuum worker may still be in a database just written (or in the template),
   * and a role without superuser can neither copy a database in use nor end that worker
   * (FORCE fails): wait for it to finish, a few seconds at most, rather than fail.
   */
  private async admin(sql: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await adminQuery({ url: this.postgresServer!, sql });
        return;
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Idempotent: the signal handler and main's finally may both call it. */
  cleanup(): Promise<void> {
    this.cleaned ??= (async () => {
      for (const name of [...this.databases]) await this.dropPostgres(name).catch((e: unknown) => this.options.log(`could not drop ${name}: ${(e as Error).message}`));
      fs.rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.cleaned;
  }
}

/** --postgres-url, else a configured PostgreSQL DATABASE_URL, else the repo's local server when PostgreSQL is installed. */
export function postgresServer(options: { argv: string[] }): { url?: string; skipped?: string } {
  if (options.argv.includes("--no-postgres")) return { skipped: "--no-postgres" };
  const configured = loadConfig().database;
  const given = option({ argv: options.argv, name: "--postgres-url" }) ?? (configured.provider === "postgresql" ? configured.url : undefined);
  if (given) return { url: given };
  // setup-postgres.sh would install PostgreSQL when missing; a benchmark should not.
  if (!fs.existsSync("/usr/lib/postgresql")) return { skipped: "PostgreSQL is not installed (scripts/setup-postgres.sh, or --postgres-url)" };
  try {
    const out = execFileSync("bash", [path.join(root, "scripts/setup-postgres.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { url: out.trim().split("\n").at(-1) };
  } catch (error) {
    return { skipped: `scripts/setup-postgres.sh failed: ${(error as Error).message.split("\n")[0]}` };
  }
}
