// Evidence packs in the real browser, as an auditor uses them: a pack of Augsburg over the
// demo's three weeks is generated on the Evidence page, downloaded (its SHA-256 is the one
// the server announces), verified by the command line (and a copy with one byte changed
// is caught, the file named), verified again by the public browser verifier in a context
// that never signed in (and sent nothing to the server), and its PDF's signature checked
// by poppler's pdfsig and its pages rendered to PNG for a person to look at.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { bytesSource, readZipDirectory } from "../lib/evidence/bundle/zip-read";
import { e2eDataDir } from "../playwright.config";
import { demoLogins, storageStateFor, violations } from "./support";

const outDir = path.resolve("test-results/evidence");
const shots = path.resolve("test-results/screenshots");

function run(command: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CONDUIT_DATA_DIR: e2eDataDir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  const result = spawnSync(command, args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, out: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** npx tsx, as an auditor runs the command line (node_modules/.bin/tsx is what npx finds). */
const tsx = (...args: string[]) => run(path.resolve("node_modules/.bin/tsx"), args);

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Where an entry's data starts in the ZIP: after its local header, name and extra field. */
async function entryData(zip: Uint8Array, name: string): Promise<{ start: number; size: number; method: number }> {
  const directory = await readZipDirectory(bytesSource(zip));
  if (!directory.ok) throw new Error(directory.reason);
  const entry = directory.entries.find((e) => e.path === name);
  if (!entry) throw new Error(`${name} is not in the pack`);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const start = entry.localHeaderOffset + 30 + view.getUint16(entry.localHeaderOffset + 26, true) + view.getUint16(entry.localHeaderOffset + 28, true);
  return { start, size: entry.compressedSize, method: entry.method };
}

async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

test.describe("as auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR"), viewport: { width: 1440, height: 900 } });

  test("generates a pack of Augsburg, downloads it, and the CLI, the browser verifier and pdfsig each verify it; one changed byte is caught and named", async ({ page, browser }) => {
    test.setTimeout(420_000);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const name = `Augsburg e2e ${Date.now()}`;

    // --- Generate ---------------------------------------------------------------------
    await page.goto("/evidence");
    const form = page.getByRole("form", { name: "Generate a pack" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Purpose").fill("end-to-end test of the evidence pack");
    const plants = form.getByRole("group", { name: "Plants" });
    await plants.getByRole("checkbox", { name: /^Augsburg Gearbox Plant/ }).check();
    await plants.getByRole("checkbox", { name: /^Aveiro Casting Plant/ }).uncheck();
    // The period is read in the plant's zone; the demo's traffic runs over the three weeks
    // before the first start, so the last 30 days hold it all.
    await expect(form.getByLabel("Time zone")).toHaveValue("Europe/Berlin");
    await form.getByRole("button", { name: "Last 30 days" }).click();
    await form.getByRole("button", { name: "Generate pack" }).click();
    const queued = form.getByRole("status").filter({ hasText: "is queued" });
    await expect(queued).toContainText(`"${name}" is queued:`);
    const queuedRecords = Number((/queued: ([\d,]+) records/.exec((await queued.textContent()) ?? "")?.[1] ?? "0").replace(/,/g, ""));
    expect(queuedRecords).toBeGreaterThan(1000);

    const row = page.getByRole("region", { name: "Packs" }).getByRole("row").filter({ hasText: name });
    await expect(row).toHaveAttribute("data-status", /QUEUED|RUNNING|READY/);
    await page.screenshot({ path: `${shots}/evidence-generating-1440.png`, fullPage: true });
    await expect(row).toHaveAttribute("data-status", "READY", { timeout: 300_000 });
    await expect(row).toContainText("Ready");
    await expect(row).toContainText("PAdES");
    const listedSha = await row.locator("code[title]").first().getAttribute("title");
    expect(listedSha).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: `${shots}/evidence-ready-1440.png`, fullPage: true });

    // --- Download ---------------------------------------------------------------------
    const link = row.getByRole("link", { name: `Download ${name}` });
    const [download, response] = await Promise.all([page.waitForEvent("download"), page.waitForResponse((r) => r.url().includes("/download")), link.click()]);
    const packFile = path.join(outDir, "pack.zip");
    await download.saveAs(packFile);
    const packBytes = new Uint8Array(fs.readFileSync(packFile));
    const packSha = sha256(packBytes);
    expect(response.headers()["x-content-sha256"]).toBe(packSha);
    expect(packSha).toBe(listedSha);
    expect(response.headers()["content-type"]).toBe("application/zip");

    // --- The command line ---------------------------------------------------------------
    const verified = tsx("scripts/pack-verify.ts", packFile);
    fs.writeFileSync(path.join(outDir, "pack-verify.txt"), verified.out);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain(`${packFile} is valid`);
    expect(verified.out).toContain(`"${name}"`);
    expect(verified.out).toContain(`<${demoLogins().AUDITOR.email}>`);
    expect(verified.out).toContain(`sha256    ${packSha}`);
    expect(verified.out).toMatch(/manifest {2}DSSE signature by ledger key [0-9a-f]{64}; all \d+ files match it, none missing or added/);
    expect(verified.out).toMatch(/edge-augsburg\S*\s+\d+ records, checkpoint of \d+ signed/);
    expect(verified.out).not.toMatch(/edge-aveiro/);
    expect(verified.out).toMatch(/pdf {7}PAdES B-[BT], certificate [0-9a-f]{16}… as in keys\.json/);
    const cliRecords = Number(/records {3}(\d+):/.exec(verified.out)?.[1]);
    expect(cliRecords).toBeGreaterThan(1000);

    // One byte of evidence.pdf (stored, so the byte on disk is the PDF's) changed.
    const pdfEntry = await entryData(packBytes, "evidence.pdf");
    expect(pdfEntry.method).toBe(0);
    const flipAt = pdfEntry.start + Math.floor(pdfEntry.size / 2);
    const tamperedBytes = new Uint8Array(packBytes);
    tamperedBytes[flipAt] = tamperedBytes[flipAt]! ^ 0x01;
    const tamperedFile = path.join(outDir, "tampered.zip");
    fs.writeFileSync(tamperedFile, tamperedBytes);
    const tampered = tsx("scripts/pack-verify.ts", tamperedFile);
    fs.writeFileSync(path.join(outDir, "pack-verify-tampered.txt"), tampered.out);
    expect(tampered.code, tampered.out).toBe(1);
    expect(tampered.out).toContain(`${tamperedFile} is NOT valid`);
    expect(tampered.out).toMatch(/^ {2}evidence\.pdf: its SHA-256 [0-9a-f]{16}… \(\d+ bytes\) is not the [0-9a-f]{16}… \(\d+ bytes\) of the signed manifest: the file was changed$/m);
    expect(tampered.out).toMatch(/^ {2}evidence\.pdf: PDF signature: /m);

    // --- The PDF, with standard tools ------------------------------------------------------
    const pdfFile = path.join(outDir, "evidence.pdf");
    const unzipped = spawnSync("unzip", ["-p", packFile, "evidence.pdf"], { maxBuffer: 256 * 1024 * 1024 });
    expect(unzipped.status, String(unzipped.stderr)).toBe(0);
    fs.writeFileSync(pdfFile, unzipped.stdout);
    expect(unzipped.stdout.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pdfsig = run("pdfsig", [pdfFile]);
    fs.writeFileSync(path.join(outDir, "pdfsig.txt"), pdfsig.out);
    // pdfsig exits 0 on a digest mismatch too: what it prints is the verdict.
    expect(pdfsig.out, pdfsig.out).toContain("Signature Validation: Signature is Valid.");
    expect(pdfsig.out).toContain("ETSI.CAdES.detached");
    expect(pdfsig.out).not.toMatch(/Digest Mismatch/i);
    const tamperedPdf = path.join(outDir, "evidence-tampered.pdf");
    fs.writeFileSync(tamperedPdf, tamperedBytes.subarray(pdfEntry.start, pdfEntry.start + pdfEntry.size));
    const pdfsigTampered = run("pdfsig", [tamperedPdf]);
    fs.writeFileSync(path.join(outDir, "pdfsig-tampered.txt"), pdfsigTampered.out);
    expect(pdfsigTampered.out).toContain("Signature Validation: Digest Mismatch.");

    const pages = path.join(outDir, "pdf-pages");
    fs.mkdirSync(pages, { recursive: true });
    const rendered = run("pdftoppm", ["-png", "-r", "50", pdfFile, path.join(pages, "page")]);
    expect(rendered.code, rendered.out).toBe(0);
    const pngs = fs.readdirSync(pages).filter((f) => f.endsWith(".png"));
    // Cover, summary, inventory, suppliers, incidents, control map, appendix, checkpoints, how to verify.
    expect(pngs.length).toBeGreaterThanOrEqual(5);
    for (const png of pngs) expect(fs.statSync(path.join(pages, png)).size, png).toBeGreaterThan(2000);

    const keysFile = path.join(outDir, "keys.json");
    fs.writeFileSync(keysFile, spawnSync("unzip", ["-p", packFile, "keys.json"]).stdout);

    // --- The browser verifier, never signed in -----------------------------------------------
    const anonymous = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const verifier = await anonymous.newPage();
    await verifier.goto("/verify");
    await expect(verifier).toHaveURL(/\/verify$/);
    await expect(verifier.getByRole("heading", { level: 1, name: "Verify an evidence pack" })).toBeVisible();
    // From here on the page may fetch its own scripts (and the browser its icon), nothing else.
    const sent: string[] = [];
    verifier.on("request", (request) => {
      const { pathname } = new URL(request.url());
      if (!pathname.startsWith("/_next/static/") && !pathname.startsWith("/favicon")) sent.push(`${request.method()} ${request.url()}`);
    });

    const packInput = verifier.getByLabel("Evidence pack (ZIP)");
    const verdict = verifier.getByTestId("verify-verdict");
    await packInput.setInputFiles(packFile);
    // Thousands of records take seconds: the page shows how far it got.
    await expect(verifier.getByTestId("verify-progress")).toBeVisible();
    // A look at the progress for the screenshots; on a quiet machine it may be done before the shot.
    await verifier.getByTestId("verify-progress").screenshot({ path: `${shots}/verify-progress-1440.png`, timeout: 2_000 }).catch(() => undefined);
    await expect(verdict).toHaveText("Valid: every check passed", { timeout: 180_000 });
    const result = verifier.getByTestId("verify-result");
    await expect(verifier.getByTestId("verify-sha256")).toContainText(packSha);
    await expect(verifier.getByTestId("verify-pack-name")).toContainText(name);
    await expect(verifier.getByTestId("verify-scope")).toContainText("Plants: augsburg");
    await expect(verifier.getByTestId("verify-scope")).toContainText("Europe/Berlin");
    await expect(verifier.getByTestId("verify-generated")).toContainText(demoLogins().AUDITOR.email);
    await expect(verifier.getByTestId("verify-signer")).toContainText(/ledger key [0-9a-f]{64}/);
    await expect(result).toContainText(`${cliRecords.toLocaleString("en-GB")} records`);
    await expect(verifier.getByTestId("verify-pdf")).toContainText("Its SHA-256 matches the signed manifest.");
    await expect(verifier.getByTestId("verify-pdf")).toContainText("PDF signature: check with pdfsig or npm run pack:verify");
    await expect(verifier.getByTestId("verify-pdf")).toContainText("carries the certificate keys.json names");
    const logRows = verifier.getByTestId("verify-logs").getByRole("row").filter({ hasText: "edge-augsburg" });
    await expect(logRows).toHaveCount(1);
    await expect(logRows).toContainText(/[0-9a-f]{64}/);
    await expect(logRows).toContainText("no previous pack given");
    await expect(verifier.getByTestId("verify-problems")).toHaveCount(0);
    await verifier.screenshot({ path: `${shots}/verify-valid-1440.png`, fullPage: true });
    expect(await violations(verifier)).toEqual([]);

    // The pack's own keys given as trusted keys; a file that is no key list is refused beside its field.
    const keysInput = verifier.getByLabel("Trusted keys (optional)");
    await keysInput.setInputFiles({ name: "not-keys.json", mimeType: "application/json", buffer: Buffer.from('{"hello":1}') });
    await expect(verifier.locator(".field-error")).toContainText("not-keys.json is not a key list");
    await expect(keysInput).toHaveAttribute("aria-invalid", "true");
    // Dropped on the drop zone, as a file manager would.
    const keysJson = fs.readFileSync(keysFile, "utf8");
    const dropped = await verifier.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], "keys.json", { type: "application/json" }));
      return transfer;
    }, keysJson);
    await verifier.getByTestId("verify-drop").dispatchEvent("drop", { dataTransfer: dropped });
    await expect(verifier.getByTestId("verify-chosen-keys")).toContainText("keys.json");
    await expect(verifier.getByTestId("verify-signer")).toContainText("Every key in keys.json is one of the trusted keys in keys.json.", { timeout: 180_000 });
    await expect(verdict).toHaveText("Valid: every check passed");

    // The pack as its own previous pack: the same checkpoints, so each log trivially extends them.
    await verifier.getByLabel("Previous pack of the same scope (optional)").setInputFiles(packFile);
    await expect(verifier.getByTestId("verify-previous")).toContainText("this pack provably extends its checkpoints.", { timeout: 180_000 });
    await expect(logRows).toContainText("Yes, proven");
    await expect(verdict).toHaveText("Valid: every check passed");
    await verifier.getByRole("button", { name: "Remove the previous pack" }).click();
    await expect(logRows).toContainText("no previous pack given", { timeout: 180_000 });

    // The copy with one changed byte: not valid, evidence.pdf named.
    await verifier.getByRole("button", { name: "Remove the trusted keys" }).click();
    await packInput.setInputFiles(tamperedFile);
    await expect(verdict).toHaveText(/^Not valid: \d+ problems?$/, { timeout: 180_000 });
    const problems = verifier.getByTestId("verify-problems");
    await expect(problems.getByRole("row").filter({ hasText: "evidence.pdf" }).filter({ hasText: "the file was changed" })).toHaveCount(1);
    await expect(problems.getByRole("row").filter({ hasText: "evidence.pdf" }).filter({ hasText: "Digest mismatch" })).toHaveCount(1);
    await expect(verifier.getByTestId("verify-pdf")).toContainText("Its bytes are not those the signed manifest lists.");
    await verifier.screenshot({ path: `${shots}/verify-invalid-1440.png`, fullPage: true });
    expect(await violations(verifier)).toEqual([]);

    // A phone: the same results, nothing wider than the screen.
    await verifier.setViewportSize({ width: 390, height: 844 });
    await noHorizontalScroll(verifier);
    await verifier.screenshot({ path: `${shots}/verify-invalid-390.png`, fullPage: true });
    await packInput.setInputFiles(packFile);
    await expect(verdict).toHaveText("Valid: every check passed", { timeout: 180_000 });
    await noHorizontalScroll(verifier);
    await verifier.screenshot({ path: `${shots}/verify-valid-390.png`, fullPage: true });

    expect(sent, "the verifier sent requests while it checked").toEqual([]);
    await anonymous.close();
  });

  test("a period that ends before it starts is refused beside its field, and nothing is queued", async ({ page }) => {
    await page.goto("/evidence");
    const form = page.getByRole("form", { name: "Generate a pack" });
    await form.getByLabel("Name").fill("Backwards");
    await form.getByLabel("Purpose").fill("a period the wrong way round");
    await form.getByLabel("From (inclusive)").fill("2026-03-10T00:00");
    await form.getByLabel("To (exclusive)").fill("2026-03-01T00:00");
    const before = ((await (await page.request.get("/api/evidence-packs")).json()) as { packs: unknown[] }).packs.length;
    await form.getByRole("button", { name: "Generate pack" }).click();
    const to = form.getByLabel("To (exclusive)");
    await expect(to).toHaveAttribute("aria-invalid", "true");
    await expect(to).toBeFocused();
    await expect(to).toHaveAccessibleDescription(/the period must end after it starts/);
    await expect(form.locator(".field-error")).toHaveText("the period must end after it starts.");
    await expect(form.getByTestId("pack-form-error")).toContainText("The pack was not queued");
    await expect(form.getByLabel("From (inclusive)")).not.toHaveAttribute("aria-invalid", "true");
    await form.screenshot({ path: `${shots}/evidence-bad-period-1440.png` });
    expect(((await (await page.request.get("/api/evidence-packs")).json()) as { packs: unknown[] }).packs.length).toBe(before);
  });
});

test.describe("as operator", () => {
  test.use({ storageState: storageStateFor("OPERATOR") });

  test("is sent back from the Evidence page and gets 403 from the pack API", async ({ page, request }) => {
    await page.goto("/evidence");
    await expect(page).toHaveURL(/\/operator$/);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Evidence" })).toHaveCount(0);
    for (const [method, url] of [
      ["GET", "/api/evidence-packs"],
      ["POST", "/api/evidence-packs"],
      ["GET", "/api/evidence-packs/x/download"],
    ] as const) {
      const res = await request.fetch(url, { method, data: method === "POST" ? {} : undefined, headers: { "content-type": "application/json" } });
      expect(res.status(), `${method} ${url}`).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
  });
});

test("without a session the Evidence page asks for sign-in while the verifier opens", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/evidence");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fevidence$/);
  await page.goto("/verify");
  await expect(page).toHaveURL(/\/verify$/);
  await expect(page.getByLabel("Evidence pack (ZIP)")).toBeVisible();
  expect((await context.request.get("/api/evidence-packs")).status()).toBe(401);
  await context.close();
});
