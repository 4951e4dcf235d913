// How many AI calls went to each destination, through which conduit, from which plant,
// at which classification level, counted from the ledger's ai_call records.
//
// The counting happens in the database: the (kind, at) index bounds the scan to the
// ai_call records of the time window, the JSON fields are read there, and only one row
// per (destination, conduit, plant, level, outcome) comes back, never the envelopes.
// The window keeps the cost proportional to recent traffic, not to the whole log.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { dataClasses, type DataClassName } from "@/lib/suppliers/scoring";

export interface CallVolume {
  destination: string;
  conduit: string;
  plant: string | null;
  level: DataClassName;
  outcome: string;
  calls: number;
}

const rowSchema = z.object({
  destination: z.string(),
  conduit: z.string(),
  plant: z.string().nullable(),
  level: z.enum(dataClasses),
  outcome: z.string(),
  calls: z.union([z.number(), z.bigint(), z.string()]).transform(Number),
});

const sqlite = `
  SELECT json_extract("envelope", '$.body.destination') AS "destination",
         json_extract("envelope", '$.body.conduit') AS "conduit",
         json_extract("envelope", '$.body.context.plant') AS "plant",
         json_extract("envelope", '$.body.classification.level') AS "level",
         json_extract("envelope", '$.body.outcome') AS "outcome",
         COUNT(*) AS "calls"
  FROM "AuditRecord"
  WHERE "kind" = 'ai_call' AND "at" >= ? AND "at" < ?
  GROUP BY 1, 2, 3, 4, 5`;

const postgres = `
  SELECT e -> 'body' ->> 'destination' AS "destination",
         e -> 'body' ->> 'conduit' AS "conduit",
         e -> 'body' -> 'context' ->> 'plant' AS "plant",
         e -> 'body' -> 'classification' ->> 'level' AS "level",
         e -> 'body' ->> 'outcome' AS "outcome",
         COUNT(*) AS "calls"
  FROM (SELECT "envelope"::jsonb AS e FROM "AuditRecord" WHERE "kind" = 'ai_call' AND "at" >= CAST($1 AS timestamp(3)) AND "at" < CAST($2 AS timestamp(3))) AS calls
  GROUP BY 1, 2, 3, 4, 5`;

/**
 * The database behind a client. The clients are proxies (instanceof does not see their
 * class) and expose no public accessor, so this reads Prisma's own field, and refuses
 * to guess if a Prisma upgrade renames it (the db tests run this on both providers).
 */
function providerOf(db: Db): "sqlite" | "postgresql" {
  const provider = (db as unknown as { _activeProvider?: unknown })._activeProvider;
  if (provider === "sqlite" || provider === "postgresql") return provider;
  throw new Error(`cannot tell the database provider of this Prisma client (${String(provider)})`);
}

/** Calls recorded in [since, until). */
export async function countCalls(options: { db: Db; since: Date; until: Date }): Promise<CallVolume[]> {
  const { db, since, until } = options;
  // "at" is ISO text on SQLite, which sorts as time, and UTC timestamp(3) on PostgreSQL
  // (lib/ledger/store-*.ts): ISO text bounds suit both.
  const bounds = [since.toISOString(), until.toISOString()];
  const rows = await db.$queryRawUnsafe<unknown[]>(providerOf(db) === "postgresql" ? postgres : sqlite, ...bounds);
  return rows.map((row) => rowSchema.parse(row));
}
