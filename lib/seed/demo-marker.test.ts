import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { databaseIdentity, demoMarkerFile, readDemoMarker, writeDemoMarker } from "@/lib/seed/demo-marker";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-marker-"));
  dirs.push(dir);
  return dir;
}

describe("the demo seed's mark", () => {
  it("is absent until the demo is seeded, then names this database, owner-only", () => {
    const config = parseConfig({ CONDUIT_DATA_DIR: dataDir() });
    expect(readDemoMarker({ config })).toBeNull();
    writeDemoMarker({ config, seededAt: new Date("2026-11-26T10:00:00Z") });
    expect(readDemoMarker({ config })).toEqual({ seededAt: "2026-11-26T10:00:00.000Z", database: databaseIdentity(config.database.url), providerUrl: "http://127.0.0.1:3000/_demo-provider" });
    expect(fs.statSync(demoMarkerFile(config)).mode & 0o777).toBe(0o600);
  });

  it("does not count for another database in the same folder, nor when it is unreadable", () => {
    const dir = dataDir();
    writeDemoMarker({ config: parseConfig({ CONDUIT_DATA_DIR: dir }), seededAt: new Date() });
    expect(readDemoMarker({ config: parseConfig({ CONDUIT_DATA_DIR: dir, DATABASE_URL: "postgresql://conduit:pw@db.plant:5432/ledger" }) })).toBeNull();
    fs.writeFileSync(path.join(dir, "demo-seed.json"), "{not json");
    expect(readDemoMarker({ config: parseConfig({ CONDUIT_DATA_DIR: dir }) })).toBeNull();
  });

  it("names a PostgreSQL database without its credentials", () => {
    expect(databaseIdentity("postgresql://conduit:secret@db.plant:5433/ledger")).toBe("db.plant:5433/ledger");
    expect(databaseIdentity("postgresql://conduit:other@db.plant:5433/ledger")).toBe("db.plant:5433/ledger");
    expect(databaseIdentity("postgres://db.plant/ledger")).toBe("db.plant:5432/ledger");
  });
});
