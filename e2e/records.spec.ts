// The records explorer as an auditor uses it after a fresh start: the demo's AI calls
// are there, a filter by device and outcome lands in the URL, a record leads to its
// device, conduit and related records, and the CSV export holds exactly the filtered
// rows (and is itself recorded). The auditor changes nothing on the way.
import { expect, test } from "@playwright/test";
import { storageStateFor } from "./support";

test.use({ storageState: storageStateFor("AUDITOR"), viewport: { width: 1440, height: 900 } });

interface ApiRow {
  recordId: string;
  kind: string;
  device: string | null;
  conduit: string | null;
  outcome: string | null;
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split("\r\n");
  const columns = header!.split(",");
  // The fields compared here (ids, device, outcome) hold no commas or quotes.
  return lines.map((line) => Object.fromEntries(line.split(",").slice(0, columns.length).map((v, i) => [columns[i], v])));
}

test("the demo's AI calls are there; filter, open, follow and export them", async ({ page }) => {
  const first = (await (await page.request.get("/api/records?kind=ai_call&plant=all")).json()) as { rows: ApiRow[] };
  expect(first.rows.length).toBeGreaterThan(0);
  const { device, outcome } = first.rows[0]!;
  expect(device).toBeTruthy();

  await page.goto("/records?plant=all");
  await expect(page.getByRole("table", { name: "Records matching the filter" }).getByText("AI call", { exact: true }).first()).toBeVisible();

  const form = page.getByRole("form", { name: "Filter records" });
  await form.getByLabel("Device").selectOption(device!);
  await form.getByLabel("Outcome").selectOption(outcome!);
  await form.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`device=${device}.*outcome=${outcome}`));
  await expect(page.getByRole("list", { name: "Active filters" })).toContainText(`Device: ${device}`);
  const table = page.getByRole("table", { name: "Records matching the filter" });
  const shown = await table.locator("tbody tr").count();
  expect(shown).toBeGreaterThan(0);
  for (const row of await table.locator("tbody tr").all()) await expect(row).toContainText(device!);
  await page.screenshot({ path: "test-results/screenshots/auditor-records-filtered.png", fullPage: true });

  // The export holds exactly what the filter matches, in the table's order.
  const exportHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  const csv = await page.request.get(exportHref!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const rows = parseCsv(await csv.text());
  expect(rows.length).toBeGreaterThanOrEqual(shown);
  expect(rows.every((r) => r.device === device && r.outcome === outcome)).toBe(true);
  const linked = await table.locator("tbody tr a[href^='/records/']").evaluateAll((links) => links.map((a) => a.getAttribute("href")!.slice("/records/".length)));
  expect(rows.slice(0, linked.length).map((r) => r.recordId)).toEqual(linked);

  // A record reads as a sentence and links to what it names.
  await table.locator("tbody tr a[href^='/records/']").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const summary = page.getByRole("region", { name: "What this record says" });
  await expect(summary.getByRole("link", { name: device! })).toBeVisible();
  const related = page.getByRole("region", { name: "Related records" });
  if ((await related.count()) > 0) await expect(related.getByRole("link").first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/auditor-record-summary.png", fullPage: true });
  const conduit = summary.getByRole("link").filter({ hasText: /-to-/ });
  if ((await conduit.count()) > 0) {
    await conduit.first().click();
    await expect(page).toHaveURL(/\/conduits\//);
    await page.goBack();
  }
  await summary.getByRole("link", { name: device! }).click();
  await expect(page).toHaveURL(new RegExp(`/devices/${device}`));

  // The export was recorded in the ledger, under the auditor's name.
  await expect(async () => {
    const exports = (await (await page.request.get("/api/records?kind=records_export&plant=all")).json()) as { rows: { summary: string }[] };
    expect(exports.rows.some((r) => r.summary.startsWith("auditor@nordwerk.example exported records as CSV") && r.summary.includes(`device=${device}`))).toBe(true);
  }).toPass({ timeout: 10_000 });
});

test("the auditor sees no control that changes anything on the records pages", async ({ page }) => {
  await page.goto("/records?plant=all");
  const buttons = await page.locator("main").getByRole("button").allTextContents();
  expect(buttons.map((b) => b.trim()).sort()).toEqual(["Apply filters", "Verify ledger now"]);
});

test("a malformed filter is refused naming the field, on the page and in the API", async ({ page }) => {
  await page.goto("/records?devcie=aug-pdm-spindle");
  await expect(page.getByRole("alert").filter({ hasText: "devcie" })).toBeVisible();
  for (const [query, field] of [
    ["from=2026-11-02T10:00&to=2026-11-02T09:00", "to"],
    ["tz=Mars/Olympus_Mons", "tz"],
    ["from=not-a-date", "from"],
    ["level=SECRET", "level"],
  ] as const) {
    const res = await page.request.get(`/api/records?${query}`);
    expect(res.status()).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("bad_request");
    expect(body.error.issues[0].path).toBe(field);
  }
  const exported = await page.request.get("/api/records/export?format=xlsx");
  expect(exported.status()).toBe(400);
  // Over 4 KB the filter is refused by name; beyond the server's 16 KB header limit Node refuses it, still as JSON.
  const long = await page.request.get(`/api/records?operator=x&q=${"f".repeat(5000)}`);
  expect(long.status()).toBe(400);
  expect((await long.json()).error.issues[0].path).toBe("query");
  const huge = await page.request.get(`/api/records?q=${"f".repeat(64 * 1024)}`);
  expect(huge.status()).toBe(431);
  expect((await huge.json()).error.message).toContain("larger than 16 KB");
});
