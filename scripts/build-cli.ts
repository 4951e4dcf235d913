// Bundles TypeScript entry points into plain ES modules that package.json runs with node:
// under the TypeScript loader the PDF and signing libraries alone take about 150 MB more
// resident memory (their transforms and source maps), and an edge box or a pack of a
// million records need not carry that. Packages stay outside and load from
// node_modules, as for the app: native modules (better-sqlite3, sodium-native) and
// Prisma's engine cannot be bundled.
//
//   "pack": "tsx scripts/build-cli.ts pack && node --enable-source-maps build/pack.mjs"
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

export async function bundleForNode(options: { entry: string; outfile: string }): Promise<string> {
  await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
  });
  return options.outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const name = process.argv[2];
  if (!name || !/^[a-z-]+$/.test(name)) {
    console.error("usage: tsx scripts/build-cli.ts NAME (bundles scripts/NAME.ts into build/NAME.mjs)");
    process.exit(2);
  }
  bundleForNode({ entry: path.join(root, "scripts", `${name}.ts`), outfile: path.join(root, "build", `${name}.mjs`) }).catch((error: unknown) => {
    console.error(`build-cli: ${(error as Error).message}`);
    process.exit(1);
  });
}
