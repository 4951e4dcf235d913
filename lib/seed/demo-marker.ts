// The demo seed's mark in the data folder, <data>/demo-seed.json. `npm start` writes it
// when it seeds the demo plant into an empty database, and only then; the built-in demo
// provider runs while it is there (scripts/serve.ts), so a deployment whose database was
// never seeded with the demo never runs it. The mark names the database it was written
// for: the same folder pointed at another database (DATABASE_URL) does not count.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Config } from "@/lib/config";
import { writePrivateFile } from "@/lib/data-dir";

const markerSchema = z.object({ seededAt: z.string(), database: z.string(), providerUrl: z.string() });

export type DemoMarker = z.infer<typeof markerSchema>;

export function demoMarkerFile(config: Pick<Config, "dataDir">): string {
  return path.join(config.dataDir, "demo-seed.json");
}

/** Which database a URL names, without its credentials (a changed password is the same database). */
export function databaseIdentity(url: string): string {
  if (url.startsWith("file:")) return path.resolve(url.slice("file:".length));
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

export function writeDemoMarker(options: { config: Pick<Config, "dataDir" | "database" | "demo">; seededAt: Date }): void {
  const { config } = options;
  const marker: DemoMarker = { seededAt: options.seededAt.toISOString(), database: databaseIdentity(config.database.url), providerUrl: config.demo.providerUrl };
  writePrivateFile({ file: demoMarkerFile(config), content: `${JSON.stringify(marker, null, 2)}\n` });
}

/** The mark, when it is there and was written for this database; otherwise null. */
export function readDemoMarker(options: { config: Pick<Config, "dataDir" | "database"> }): DemoMarker | null {
  const file = demoMarkerFile(options.config);
  if (!fs.existsSync(file)) return null;
  let parsed;
  try {
    parsed = markerSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return null;
  }
  if (!parsed.success || parsed.data.database !== databaseIdentity(options.config.database.url)) return null;
  return parsed.data;
}
