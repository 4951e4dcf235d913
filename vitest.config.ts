import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };
// Keys a test creates through the app's own paths (the PDF signing identity) go to a
// folder of the test run's, never into a developer's data/.
const CONDUIT_DATA_DIR = path.join(os.tmpdir(), `conduit-ledger-tests-${process.pid}`);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", env: { LOG_LEVEL: "silent", CONDUIT_DATA_DIR }, include: ["**/*.test.ts"], exclude: ["**/*.db.test.ts", "node_modules/**", "e2e/**", ".next/**"], environment: "node" },
      },
      {
        resolve: { alias },
        // Integration tests against a real database: SQLite files by default,
        // PostgreSQL when DATABASE_URL is a postgresql:// URL (.ci/run does both).
        test: {
          name: "db",
          env: { LOG_LEVEL: "silent", CONDUIT_DATA_DIR },
          include: ["**/*.db.test.ts"],
          exclude: ["node_modules/**", ".next/**"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
