// `npm start`: everything a fresh clone needs to serve the product.
//  1. build the Next.js app when its sources changed since the last build,
//  2. create the data folder and the session secret (owner-only),
//  3. apply database migrations (SQLite by default, PostgreSQL when configured),
//  4. seed the demo plant into an empty database, with three weeks of AI calls sent
//     through the proxy to the built-in demo provider, and print the demo sign-ins once,
//  5. serve on HOST:PORT and print the URL.
// Flags: --build-only (build and exit), --dev (next dev instead of the production server).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { childEnv, demoProviderMount, loadConfig, type Config } from "../lib/config";
import { createDb, type Db } from "../lib/db";
import { demoLoginsFile, ensureAuthSecret, ensurePrivateDir, writePrivateFile } from "../lib/data-dir";
import type { LedgerAppend } from "../lib/incidents/incident-state";
import { openLedgerStore, openLog } from "../lib/ledger";
import type { LedgerStore } from "../lib/ledger/store";
import { appPdfSigning } from "../lib/pdf/signing-certificate";
import { loadProviderKeyCipher } from "../lib/secrets/provider-keys";
import { writeDemoMarker } from "../lib/seed/demo-marker";
import { formatDemoLogins, isEmptyDatabase, seedDemoPlant, type DemoLogin } from "../lib/seed/demo-plant";
import { startDemoProvider } from "../proxy/demo/provider";
import { seedDemoTraffic } from "../proxy/demo/traffic";
import { indexPendingRecords } from "../lib/records/record-index";
import { detectAnomalies } from "../lib/conduits/detect-anomalies";
import { migrateDeploy } from "./prisma";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules/.bin/next");
const buildInputs = ["app", "components", "lib", "proxy", "public", "types", "next.config.ts", "proxy.ts", "tsconfig.json", "package-lock.json"];
const stampFile = path.join(root, ".next/conduit-build-stamp");

function say(message: string): void {
  process.stdout.write(`[conduit-ledger] ${message}\n`);
}

/** A content hash of everything that goes into the build, so a stale build is never served. */
function sourceHash(): string {
  const hash = createHash("sha256");
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs) || rel.startsWith("lib/generated")) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const entry of fs.readdirSync(abs).sort()) visit(path.join(rel, entry));
    } else if (!/\.test\.tsx?$/.test(rel)) {
      hash.update(rel).update("\0").update(fs.readFileSync(abs)).update("\0");
    }
  };
  buildInputs.forEach(visit);
  return hash.digest("hex");
}

function buildIfNeeded(): void {
  const hash = sourceHash();
  const built = fs.existsSync(path.join(root, ".next/BUILD_ID")) && fs.existsSync(stampFile);
  if (built && fs.readFileSync(stampFile, "utf8") === hash) return;
  say("building the web application (first start or sources changed; takes a minute or two)...");
  const result = spawnSync(nextBin, ["build"], { cwd: root, env: childEnv({ NODE_ENV: "production" }), stdio: "inherit" });
  if (result.status !== 0) throw new Error(`next build failed with exit code ${result.status}`);
  fs.writeFileSync(stampFile, hash);
}

function prepareSqlite(config: Config): void {
  if (config.database.provider !== "sqlite") return;
  // WAL lets readers run beside the writer; FULL sync makes every commit durable.
  const sqlite = new Database(config.database.url.slice("file:".length));
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
}

async function seedIfEmpty(config: Config): Promise<void> {
  const db = createDb(config.database.url);
  try {
    if (!(await isEmptyDatabase({ db }))) {
      const file = demoLoginsFile(config);
      if (fs.existsSync(file)) say(`demo sign-ins: see ${file} (readable by its owner only)`);
      return;
    }
    say("empty database: seeding the demo plant (Augsburg, DE and Aveiro, PT)...");
    const started = performance.now();
    // The demo incidents' steps go into the application's log, as the server would write them.
    const store = openLedgerStore(config.database);
    const log = await openLog({ config, store, logName: "app", writer: "app", configured: config.ledger });
    const logins = await seedDemo({ config, db, store, record: (input) => log.append(input) }).finally(async () => {
      await log.close();
      await store.close();
    });
    say(`demo seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(`\n${formatDemoLogins(logins)}\n`);
    say(`these passwords are shown once; a copy is in ${demoLoginsFile(config)} (mode 0600)`);
  } finally {
    await db.$disconnect();
  }
}

/**
 * The demo plant and, unless DEMO_PROVIDER=off, its AI destinations pointed at the demo
 * provider and three weeks of AI calls sent through the proxy to it.
 */
async function seedDemo(options: { config: Config; db: Db; store: LedgerStore; record: LedgerAppend }): Promise<DemoLogin[]> {
  const { config, db, store, record } = options;
  const now = new Date();
  const keepLogins = (logins: DemoLogin[]) => {
    writePrivateFile({ file: demoLoginsFile(config), content: formatDemoLogins(logins) });
    return logins;
  };
  if (config.demo.provider === "off") {
    say("DEMO_PROVIDER=off: the demo's AI destinations keep their providers' addresses, without keys, and no AI calls are seeded");
    return keepLogins(await seedDemoPlant({ db, record, now }));
  }
  // The demo provider answers where the server will mount it (its port is free until then).
  const where = new URL(config.demo.providerUrl);
  const demoProvider = await startDemoProvider({ host: where.hostname.replace(/^\[|\]$/g, ""), port: Number(where.port), mount: demoProviderMount });
  try {
    const logins = keepLogins(await seedDemoPlant({ db, record, now, demoProvider: { url: config.demo.providerUrl, cipher: loadProviderKeyCipher(config) } }));
    // From here on this database is the demo's: the server runs the demo provider for it.
    writeDemoMarker({ config, seededAt: now });
    if (config.demo.trafficCalls === 0) return logins;
    const count = (n: number) => n.toLocaleString("en-US");
    say(`demo traffic: sending about ${count(config.demo.trafficCalls)} AI calls of the last three weeks through the proxy to the demo provider...`);
    const traffic = await seedDemoTraffic({ config, db, store, record, calls: config.demo.trafficCalls, now, onProgress: ({ sent, of }) => say(`demo traffic: ${count(sent)} / ${count(of)} calls`) });
    say(`demo traffic: ${count(traffic.calls)} calls (${count(traffic.forwarded)} answered, ${count(traffic.calls - traffic.forwarded)} refused), ${traffic.oversightDecisions} oversight decisions, ${traffic.evidenceLinks} evidence links, in logs ${traffic.logs.augsburg} and ${traffic.logs.aveiro}`);
    // The records explorer would catch up on its first pages; done here, they open at once.
    await indexPendingRecords({ db });
    // Anomalies are found once a minute while the server runs; the first look finds them already.
    await detectAnomalies({ db, now: new Date() });
    return logins;
  } finally {
    await demoProvider.close();
  }
}

async function waitUntilServing(url: string, child: ReturnType<typeof spawn>): Promise<void> {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(argv: string[]): Promise<void> {
  // Everything this process creates (database, WAL, secrets) is for its owner only.
  process.umask(0o077);
  const config = loadConfig();
  const dev = argv.includes("--dev");
  if (!dev) buildIfNeeded();
  if (argv.includes("--build-only")) return;

  ensurePrivateDir(config.dataDir);
  const secret = ensureAuthSecret(config);
  say(`database: ${config.database.provider}${config.database.provider === "sqlite" ? ` (${config.database.url.slice(5)})` : ""}`);
  migrateDeploy({ url: config.database.url, quiet: true });
  prepareSqlite(config);
  await seedIfEmpty(config);
  // The PDF signing identity: a configured one is checked now (a wrong passphrase is said
  // at start, not at the first pack), else a self-signed certificate is created.
  const db = createDb(config.database.url);
  const { identity } = await appPdfSigning({ db, config }).finally(() => db.$disconnect());
  say(`PDF signing certificate: ${identity.certificate.subject} (${identity.source}), SHA-256 ${identity.certificate.sha256Fingerprint.slice(0, 16)}…`);

  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/serve.ts"), ...(dev ? ["--dev"] : [])], {
    cwd: root,
    env: childEnv({ NEXTAUTH_SECRET: secret, NEXTAUTH_URL: config.publicUrl, NODE_ENV: dev ? "development" : "production" }),
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
  await waitUntilServing(`http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`, child);
  if (child.exitCode === null) say(`Conduit Ledger is serving on ${config.publicUrl}  (Ctrl+C stops it)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`[conduit-ledger] start failed: ${(error as Error).message}\n`);
  process.exit(1);
});
