// The database client: one Prisma client per process, SQLite or PostgreSQL chosen by
// DATABASE_URL. Secret columns are omitted from every query unless a caller asks for
// them by name (dub's global omit), so they cannot leak into a page or a response by
// accident.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { loadConfig } from "@/lib/config";
import { logger } from "@/lib/logger";
import { PrismaClient as PostgresClient } from "@/lib/generated/prisma/postgresql/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/prisma/sqlite/client";

export * from "@/lib/generated/prisma/sqlite/enums";
export type {
  AiDestination,
  ClassificationRule,
  Conduit,
  Device,
  EvidencePack,
  Plant,
  User,
  Workstation,
  Zone,
} from "@/lib/generated/prisma/sqlite/client";

const omitSecrets = {
  user: { passwordHash: true },
  aiDestination: { apiKeyCiphertext: true },
  deviceCredential: { tokenHash: true },
} as const;

function createSqliteClient(url: string) {
  // busy timeout: wait for a concurrent writer instead of failing with SQLITE_BUSY.
  const adapter = new PrismaBetterSqlite3({ url: url.slice("file:".length), timeout: 5000 });
  return new SqliteClient({ adapter, omit: omitSecrets });
}

/** One client type for both providers: the models are identical by construction (prisma/schema.prisma). */
export type Db = ReturnType<typeof createSqliteClient>;

// Kept on the client itself: Next.js may load this module more than once, and the client
// is shared between those copies through globalThis.
const urlKey = Symbol.for("conduit-ledger.db-url");

function createPostgresClient(url: string) {
  // A database restart ends every pooled connection with 57P01 (admin_shutdown). The
  // adapter listens for the 'error' events pg raises then (one without a listener would
  // end the process); these say so in the log. The pool drops the dead connections and
  // the next query opens a new one.
  const adapter = new PrismaPg(
    { connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true },
    {
      onPoolError: (error) => logger.warn({ err: error, code: (error as { code?: string }).code }, "a database connection ended; the next query opens a new one"),
      onConnectionError: (error) => logger.warn({ err: error, code: (error as { code?: string }).code }, "a database connection ended during a transaction"),
    },
  );
  return new PostgresClient({ adapter, omit: omitSecrets }) as unknown as Db;
}

export function createDb(url: string): Db {
  const client = url.startsWith("file:") ? createSqliteClient(url) : createPostgresClient(url);
  Object.defineProperty(client, urlKey, { value: url, enumerable: false });
  return client;
}

/** The URL a client was made for, for the few modules that reach the database through its driver. */
export function dbUrl(client: Db): string {
  const url = (client as unknown as Record<symbol, string | undefined>)[urlKey];
  if (!url) throw new Error("dbUrl: this client was not made by createDb");
  return url;
}

/** The database behind a client, for the few queries written in SQL (placeholders and plans differ). */
export function dbProvider(client: Db): "sqlite" | "postgresql" {
  return dbUrl(client).startsWith("file:") ? "sqlite" : "postgresql";
}

const globalForDb = globalThis as unknown as { conduitDb?: Db };

/** The process-wide client (kept on globalThis so dev-mode reloads do not open new pools). */
export function db(): Db {
  globalForDb.conduitDb ??= createDb(loadConfig().database.url);
  return globalForDb.conduitDb;
}
