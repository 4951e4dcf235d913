// End-to-end tests in Debian's Chromium (never a downloaded browser) against the
// production server, started exactly as `npm start` starts it, on a fresh data folder.
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { behaviourHeaders } from "./proxy/testing/upstream";

// E2E_PORT lets two checkouts on one machine run their end-to-end tests side by side.
export const e2ePort = Number(process.env.E2E_PORT ?? 3199);
export const e2eDataDir = path.resolve("data/e2e");
const baseURL = `http://127.0.0.1:${e2ePort}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-report.json" }]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    { name: "chromium", testMatch: /.*\.spec\.ts/, dependencies: ["setup"] },
  ],
  webServer: {
    command: `rm -rf "${e2eDataDir}" && exec node_modules/.bin/tsx scripts/start.ts`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "pipe",
    stderr: "pipe",
    env: { CONDUIT_DATA_DIR: e2eDataDir, PORT: String(e2ePort), HOST: "127.0.0.1", NEXTAUTH_URL: baseURL, LOG_LEVEL: "warn", LEDGER_CHECKPOINT_SECONDS: "1", PROXY_INVENTORY_REFRESH_MS: "200", PROXY_FORWARDED_HEADERS: Object.values(behaviourHeaders).join(",") },
  },
});
