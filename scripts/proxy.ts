// `npm run proxy`, first step: prepares the standalone inspection proxy for a plant edge.
// Applies pending migrations (as `npm start` does, so the proxy can run alone against
// PostgreSQL or the SQLite file) and bundles proxy/main.ts into plain JavaScript, which
// the second step runs with node: an edge box then runs no TypeScript loader, whose
// thread and transforms cost about 25 MB of resident memory for nothing.
//
//   npm run proxy   = tsx scripts/proxy.ts && node --enable-source-maps build/edge-proxy.mjs
import path from "node:path";
import { loadConfig } from "../lib/config";
import { ensurePrivateDir } from "../lib/data-dir";
import { bundleForNode } from "./build-cli";
import { migrateDeploy } from "./prisma";

const root = path.resolve(import.meta.dirname, "..");

/** Where the bundle goes; package.json's proxy script runs it from there. */
export const edgeProxyBundle = path.join(root, "build/edge-proxy.mjs");

/** Bundles the edge proxy's own code (proxy/, lib/) into one ES module. */
export async function buildEdgeProxy(options: { outfile?: string } = {}): Promise<string> {
  return bundleForNode({ entry: path.join(root, "proxy/main.ts"), outfile: options.outfile ?? edgeProxyBundle });
}

async function main(): Promise<void> {
  process.umask(0o077);
  const config = loadConfig();
  ensurePrivateDir(config.dataDir);
  migrateDeploy({ url: config.database.url, quiet: true });
  await buildEdgeProxy();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(`[conduit-ledger] the proxy could not be prepared: ${(error as Error).message}`);
    process.exit(1);
  });
}
