// Prisma CLI configuration. Always run the CLI through scripts/prisma.ts, which
// writes the provider's schema copy and passes the resolved DATABASE_URL; this file
// only maps that URL to the provider's schema and migrations folder.
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// Prisma cannot download its native schema engine here (nor in an air-gapped plant),
// so it runs Prisma's Wasm engine through our stand-in. A real binary set in the
// environment still wins.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
  new URL("./scripts/prisma-schema-engine.mjs", import.meta.url),
);

const url = process.env.DATABASE_URL ?? "";
const provider = url.startsWith("file:") ? "sqlite" : "postgresql";

export default defineConfig({
  schema: `prisma/generated/schema.${provider}.prisma`,
  migrations: { path: `prisma/migrations/${provider}` },
  datasource: { url },
});
