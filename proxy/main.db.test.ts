// `npm run proxy` runs the edge proxy as a bundle on plain node (scripts/proxy.ts builds
// it): the bundle must start over a migrated database, answer, and stop cleanly.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { buildEdgeProxy } from "@/scripts/proxy";

const root = path.resolve(import.meta.dirname, "..");
let database: TestDatabase | undefined;
afterEach(async () => database?.drop());

/** The address the proxy prints once it listens; what it printed instead if it never does. */
async function listeningAt(options: { output: () => string; timeoutMs: number }): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const url = /inspection proxy on (http:\/\/\S+),/.exec(options.output())?.[1];
    if (url) return url;
    if (Date.now() > deadline) throw new Error(`the edge proxy did not start; it printed: ${options.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("builds the edge proxy into one module that node runs alone, which serves and stops on SIGTERM", async () => {
  database = await createTestDatabase();
  fs.mkdirSync(path.join(root, "build"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-edge-"));
  // Inside the repository, as the real bundle: its packages resolve from node_modules.
  const buildDir = fs.mkdtempSync(path.join(root, "build", "test-"));
  const bundle = await buildEdgeProxy({ outfile: path.join(buildDir, "edge-proxy.mjs") });
  const child = spawn(process.execPath, [bundle], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: "production", CONDUIT_DATA_DIR: path.join(dir, "data"), DATABASE_URL: database.url, PROXY_HOST: "127.0.0.1", PROXY_PORT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d));
  child.stderr.on("data", (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  try {
    const url = await listeningAt({ output: () => output, timeoutMs: 30_000 });
    expect(await (await fetch(`${url}/_conduit/health`)).json()).toEqual({ status: "ok", spooled: 0 });
    const refused = await fetch(`${url}/openai-eu/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("device_token_missing");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  } finally {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
});
