// `npm test`: every check, in the order that fails fastest.
//   type check -> lint -> unit tests -> database integration tests -> end-to-end tests
// Prints one closing line "tests: N passed, N failed, N skipped" over all test runners
// and exits non-zero on any failure. `--only <step>` runs one step (e.g. --only e2e).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules/.bin", name);
const results = path.join(root, "test-results");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
const total: Counts = { passed: 0, failed: 0, skipped: 0 };

function run(title: string, command: string, args: string[], env: Record<string, string | undefined> = {}): boolean {
  process.stdout.write(`\n=== ${title} ===\n`);
  const childEnv: Record<string, string | undefined> = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: childEnv as NodeJS.ProcessEnv });
  return result.status === 0;
}

function addVitest(file: string): void {
  if (!fs.existsSync(file)) return;
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  total.passed += report.numPassedTests;
  total.failed += report.numFailedTests;
  total.skipped += report.numPendingTests + report.numTodoTests;
}

function addPlaywright(file: string): void {
  if (!fs.existsSync(file)) return;
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  total.passed += report.stats.expected + report.stats.flaky;
  total.failed += report.stats.unexpected;
  total.skipped += report.stats.skipped;
}

const steps: Record<string, () => boolean> = {
  typecheck: () => run("type check (tsc --noEmit)", bin("tsc"), ["--noEmit"]),
  lint: () => run("lint (eslint)", bin("eslint"), ["--max-warnings", "0", "."]),
  unit: () => {
    const out = path.join(results, "unit-report.json");
    const ok = run("unit tests (vitest)", bin("vitest"), ["run", "--project", "unit", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
    addVitest(out);
    return ok;
  },
  db: () => {
    const out = path.join(results, "db-report.json");
    const which = /^postgres/.test(process.env.DATABASE_URL ?? "") ? "PostgreSQL" : "SQLite";
    const ok = run(`database integration tests on ${which} (vitest)`, bin("vitest"), ["run", "--project", "db", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
    addVitest(out);
    return ok;
  },
  e2e: () => {
    if (!fs.existsSync(chromium)) {
      process.stderr.write(
        `\nEnd-to-end tests need Debian's Chromium at ${chromium}, and it is missing.\n` +
          `Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n` +
          `(or set CHROMIUM_PATH to another Chromium). Never use 'npx playwright install' here.\n`,
      );
      total.failed += 1;
      return false;
    }
    const out = path.join(results, "e2e-report.json");
    fs.rmSync(out, { force: true });
    // The e2e server gets its own data folder and must not inherit a PostgreSQL URL meant for the db step.
    const ok = run("end-to-end tests (Playwright on Debian Chromium)", bin("playwright"), ["test"], { DATABASE_URL: undefined });
    addPlaywright(out);
    return ok;
  },
};

function main(argv: string[]): number {
  const onlyIndex = argv.indexOf("--only");
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
  if (only && !steps[only]) {
    process.stderr.write(`unknown step "${only}"; steps: ${Object.keys(steps).join(", ")}\n`);
    return 2;
  }
  fs.mkdirSync(results, { recursive: true });
  const failedSteps: string[] = [];
  for (const [name, step] of Object.entries(steps)) {
    if (only && name !== only) continue;
    if (!step()) failedSteps.push(name);
  }
  process.stdout.write(`\n${failedSteps.length ? `failed steps: ${failedSteps.join(", ")}` : "all steps passed"}\n`);
  process.stdout.write(`tests: ${total.passed} passed, ${total.failed + (failedSteps.length && total.failed === 0 ? 1 : 0)} failed, ${total.skipped} skipped\n`);
  return failedSteps.length ? 1 : 0;
}

process.exit(main(process.argv.slice(2)));
