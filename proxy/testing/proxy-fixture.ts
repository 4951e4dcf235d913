// A running standalone proxy over a fresh, migrated database with the demo plant, every
// destination pointed at a test upstream on loopback, provider keys encrypted at rest
// and one device token per demo device. For the proxy's integration tests and its
// load benchmark, so both exercise exactly what a plant edge runs.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseConfig, type Config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { issueDeviceCredential } from "@/lib/devices/credentials";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { loadProviderKeyCipher, providerKeyHint } from "@/lib/secrets/provider-keys";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import type { ProxyLogger } from "@/proxy/core";
import { startProxyServer } from "@/proxy/server";
import { behaviourHeaders, startTestUpstream, type TestUpstream } from "@/proxy/testing/upstream";

export interface ProxyFixture {
  database: TestDatabase;
  db: Db;
  config: Config;
  upstream: TestUpstream;
  proxy: Awaited<ReturnType<typeof startProxyServer>>;
  /** Device slug -> its token. */
  tokens: Record<string, string>;
  /** Destination slug -> the provider key the proxy holds for it. */
  providerKeys: Record<string, string>;
  /** Everything the proxy logged, one JSON line per entry. */
  logs: string[];
  /** Appends fixture changes (tokens issued, ...) to a log of its own. */
  record: (input: { kind: string; body: unknown }) => Promise<unknown>;
  actor: { id: string; email: string; name: string; role: "ADMIN" };
  store: LedgerStore;
  close(): Promise<void>;
}

function capturingLogger(lines: string[]): ProxyLogger {
  const write = (level: string) => (fields: object, message: string) => {
    const err = (fields as { err?: unknown }).err;
    lines.push(JSON.stringify({ level, message, ...fields, ...(err instanceof Error ? { err: { message: err.message, stack: err.stack } } : {}) }));
  };
  return { warn: write("warn"), error: write("error") };
}

export async function startProxyFixture(options: { env?: Record<string, string>; upstream?: TestUpstream } = {}): Promise<ProxyFixture> {
  const database = await createTestDatabase();
  const { db } = database;
  await seedDemoPlantForTest({ database });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-proxy-"));
  const config = parseConfig({
    CONDUIT_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    PROXY_PORT: "0",
    PROXY_INVENTORY_REFRESH_MS: "100",
    TRUST_PROXY_HEADERS: "true",
    LOG_LEVEL: "silent",
    // The test upstream takes its behaviour (delays, chunks, errors) from these headers.
    PROXY_FORWARDED_HEADERS: Object.values(behaviourHeaders).join(","),
    ...options.env,
  });
  const upstream = options.upstream ?? (await startTestUpstream());

  // Every destination talks to the test upstream, with a key only the proxy holds.
  const cipher = loadProviderKeyCipher(config);
  const providerKeys: Record<string, string> = {};
  const externalZone = await db.zone.create({ data: { slug: "ext-google-eu", name: "Google Gemini (EU)", kind: "EXTERNAL_AI", purdueLevel: "EXTERNAL", slTarget: 2 } });
  await db.aiDestination.create({ data: { slug: "gemini-eu", name: "Google Gemini (EU)", provider: "GEMINI", baseUrl: "https://generativelanguage.googleapis.com", region: "EU", zoneId: externalZone.id } });
  for (const destination of await db.aiDestination.findMany()) {
    const apiKey = `sk-test-${destination.slug}-${randomBytes(12).toString("hex")}`;
    providerKeys[destination.slug] = apiKey;
    await db.aiDestination.update({
      where: { id: destination.id },
      data: {
        baseUrl: destination.provider === "OPENAI_COMPATIBLE" ? `${upstream.url}/v1` : upstream.url,
        apiKeyCiphertext: cipher.encrypt({ destinationId: destination.id, apiKey }),
        apiKeyHint: providerKeyHint(apiKey),
      },
    });
  }
  // Conduits the demo plant lacks, so every provider has an allowed path from Augsburg L3.
  const l3 = await db.zone.findUniqueOrThrow({ where: { slug: "augsburg-l3-operations" } });
  const destinationId = async (slug: string) => (await db.aiDestination.findUniqueOrThrow({ where: { slug } })).id;
  const conduit = { validFrom: new Date(Date.now() - 86_400_000), maxDataClass: "CONFIDENTIAL" as const, overLimitAction: "REDACT" as const, slTarget: 2, sourceZoneId: l3.id };
  await db.conduit.create({ data: { ...conduit, slug: "aug-l3-to-anthropic-test", name: "Augsburg L3 to Anthropic (test)", allowedPurposes: JSON.stringify(["predictive-maintenance"]), allowedModels: JSON.stringify(["claude-*"]), allowedEndpoints: JSON.stringify(["messages"]), destinationId: await destinationId("anthropic") } });
  await db.conduit.create({ data: { ...conduit, slug: "aug-l3-to-gemini-test", name: "Augsburg L3 to Gemini (test)", allowedPurposes: JSON.stringify(["predictive-maintenance"]), allowedModels: JSON.stringify(["gemini-*"]), allowedEndpoints: JSON.stringify(["generateContent", "streamGenerateContent"]), destinationId: await destinationId("gemini-eu") } });

  const store = openLedgerStore(config.database);
  const writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "fixture", name: "fixture", writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
  const record = (input: { kind: string; body: unknown }) => writer.append(input);
  const admin = await db.user.findFirstOrThrow({ where: { role: "ADMIN" } });
  const actor = { id: admin.id, email: admin.email, name: admin.name, role: "ADMIN" as const };
  const tokens: Record<string, string> = {};
  for (const device of await db.device.findMany()) {
    tokens[device.slug] = (await issueDeviceCredential({ db, record, actor, device: device.slug, input: { label: "test" } })).token;
  }

  const logs: string[] = [];
  const proxy = await startProxyServer({ config, logger: capturingLogger(logs) });
  return {
    database,
    db,
    config,
    upstream,
    proxy,
    tokens,
    providerKeys,
    logs,
    record,
    actor,
    store,
    async close() {
      await proxy.close();
      await writer.close();
      await store.close();
      if (!options.upstream) await upstream.close();
      await db.$disconnect();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
