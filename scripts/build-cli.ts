// Bundles a command-line script (scripts/<name>.ts) into build/<name>.mjs, which
// package.json then runs with plain node: under the TypeScript loader the PDF and
// signing libraries alone take about 150 MB more resident memory (their transforms and
// source maps), which a pack generation of a million records does not need to carry.
//
//   "pack": "tsx scripts/build-cli.ts pack && node --enable-source-maps build/pack.mjs"
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

export async function buildCli(options: { name: string }): Promise<string> {
  const outfile = path.join(root, "build", `${options.name}.mjs`);
  await build({
    entryPoints: [path.join(root, "scripts", `${options.name}.ts`)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Packages load from node_modules, as for the app: native modules cannot be bundled.
    packages: "external",
    sourcemap: true,
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
  });
  return outfile;
}

const name = process.argv[2];
if (!name || !/^[a-z-]+$/.test(name)) {
  console.error("usage: tsx scripts/build-cli.ts NAME (bundles scripts/NAME.ts into build/NAME.mjs)");
  process.exit(2);
}
buildCli({ name }).catch((error: unknown) => {
  console.error(`build-cli: ${(error as Error).message}`);
  process.exit(1);
});
