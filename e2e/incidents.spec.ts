// NIS2 incidents in the running product: the CISO opens an incident and sees its
// deadlines count down in plant time, submits the notification early and sees the
// final-report deadline move; an auditor reads everything and changes nothing.
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { demoIncident, demoIncidentId, storageStateFor } from "./support";

const HOUR = 3600_000;

/** The datetime-local value of an instant in Augsburg's time zone. */
function berlinWall(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The same local clock time one calendar month later; the last day of the month where the date is missing. */
function oneMonthLater(local: string): string {
  const [, year, month, day, time] = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})/.exec(local) ?? [];
  const next = new Date(Date.UTC(Number(year), Number(month), 1));
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(Math.min(Number(day), lastDay))} ${time}`;
}

async function openIncident(page: Page, options: { title: string; awareAt: Date }): Promise<string> {
  await page.goto("/incidents/new");
  await expect(page.getByRole("group", { name: /When \(times in Europe\/Berlin/ })).toBeVisible();
  await page.getByLabel("Title").fill(options.title);
  await page.getByLabel("Detected", { exact: true }).fill(berlinWall(new Date(options.awareAt.getTime() - HOUR)));
  await page.getByLabel("Became aware", { exact: true }).fill(berlinWall(options.awareAt));
  await page.getByRole("button", { name: "Open incident" }).click();
  await expect(page.getByRole("heading", { level: 1, name: options.title })).toBeVisible();
  return new URL(page.url()).pathname.split("/").pop() ?? "";
}

test.describe("CISO", () => {
  test.use({ storageState: storageStateFor("CISO"), viewport: { width: 1440, height: 900 } });

  test("opens an incident with awareness 23 hours ago and sees the early warning due within the hour", async ({ page }) => {
    // Bad input first: awareness before the incident occurred is refused, nothing saved.
    const aware = new Date(Date.now() - 23 * HOUR);
    await page.goto("/incidents/new");
    await page.getByLabel("Title").fill("E2E refused: awareness before occurrence");
    await page.getByLabel("Occurred (optional)").fill(berlinWall(new Date(aware.getTime() + 30 * 60_000)));
    await page.getByLabel("Detected", { exact: true }).fill(berlinWall(new Date(aware.getTime() + 40 * 60_000)));
    await page.getByLabel("Became aware", { exact: true }).fill(berlinWall(aware));
    await page.getByRole("button", { name: "Open incident" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "is before the incident occurred" })).toBeVisible();
    await expect(page).toHaveURL(/\/incidents\/new$/);

    const title = "E2E: copilot token used from the office network";
    await openIncident(page, { title, awareAt: new Date(Date.now() - 23 * HOUR) });
    const earlyWarning = page.getByTestId("deadline-EARLY_WARNING");
    await expect(earlyWarning.getByTestId("deadline-status")).toHaveText("Due within 6 h");
    const timeLeft = earlyWarning.getByTestId("time-left");
    await expect(timeLeft).toHaveText(/^in 5\d min \d{1,2} s$/);
    // The countdown runs in the browser.
    const shown = await timeLeft.innerText();
    await expect(timeLeft).not.toHaveText(shown, { timeout: 5000 });
    // Plant-local time with UTC beside it.
    await expect(earlyWarning.getByTestId("deadline-due")).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T/);
    await expect(earlyWarning.getByTestId("deadline-due")).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await expect(page.getByTestId("deadline-NOTIFICATION").getByTestId("deadline-status")).toHaveText("Upcoming");
    await expect(page.getByRole("region", { name: "Timeline" }).getByRole("listitem").filter({ hasText: "Became aware" })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/ciso-incident-due-soon.png", fullPage: true });

    await page.goto("/incidents");
    const row = page.getByRole("row").filter({ hasText: title });
    await expect(row).toContainText("Early warning");
    await expect(row.getByTestId("deadline-status")).toHaveText("Due within 6 h");
  });

  test("submits the notification early and sees the final-report deadline move", async ({ page }) => {
    const title = "E2E: notification sent early";
    await openIncident(page, { title, awareAt: new Date(Date.now() - 30 * HOUR) });
    const finalDue = page.getByTestId("deadline-FINAL").getByTestId("deadline-due");
    await expect(finalDue).toContainText("Provisional");
    await expect(finalDue).toContainText("depends on the notification");
    const provisional = await finalDue.innerText();

    await page.getByRole("link", { name: "Prepare incident notification" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Incident notification" })).toBeVisible();
    // Required content missing: a clear error, nothing recorded.
    await page.getByRole("button", { name: "Record incident notification as submitted" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Fill in" })).toBeVisible();
    await page.getByLabel("Update of the early warning").fill("The token was copied from the shift lead terminal.");
    await page.getByLabel("Initial assessment of the impact").fill("No production stop; 37 work instructions withdrawn.");
    await page.getByLabel("Channel").fill("E-mail");
    await page.getByRole("button", { name: "Record incident notification as submitted" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

    const notification = page.getByTestId("deadline-NOTIFICATION");
    await expect(notification.getByTestId("deadline-status")).toHaveText("Met");
    await expect(finalDue).not.toContainText("Provisional");
    const submitted = await notification.getByTestId("deadline-submitted").innerText();
    // One month after the notification as sent (42 h before it was due), not after its due date.
    await expect(finalDue).toContainText(oneMonthLater(submitted));
    await expect(finalDue).toContainText("one month after the notification submitted at");
    expect(await finalDue.innerText()).not.toBe(provisional);
    await page.screenshot({ path: "test-results/screenshots/ciso-incident-notified.png", fullPage: true });

    // The report is frozen, downloadable as a PDF, and in the ledger.
    const reports = page.getByRole("region", { name: "Reports submitted" });
    const download = page.waitForEvent("download");
    await reports.getByRole("link", { name: "Download the incident notification as PDF" }).click();
    const pdf = fs.readFileSync((await (await download).path()) ?? "");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await reports.getByRole("link", { name: /#\d+$/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Report submission" })).toBeVisible();
    await expect(page.getByText(/"stage": "NOTIFICATION"/)).toBeVisible();
  });

  test("bad input through the API gets a clear 422 and changes nothing", async ({ request }) => {
    const id = await demoIncidentId(request);
    const demo = await (await request.get(`/api/incidents/${id}`)).json();
    const now = Date.now();
    const base = {
      title: "E2E refused",
      plantIds: [demo.incident.plants[0].id],
      severity: "LOW",
      suspectedMalicious: false,
      crossBorderImpact: false,
      occurredAt: new Date(now - 2 * HOUR).toISOString(),
      detectedAt: new Date(now - 3 * HOUR).toISOString(),
      awareAt: new Date(now - 4 * HOUR).toISOString(),
      entityCategory: "IMPORTANT",
      trustServiceProvider: false,
      memberState: "DE",
    };
    const refused = await request.post("/api/incidents", { data: base });
    expect(refused.status()).toBe(422);
    const body = await refused.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["awareAt", "detectedAt"]));

    const twice = await request.post(`/api/incidents/${id}/reports`, {
      data: { stage: "NOTIFICATION", submittedAt: new Date(now - HOUR).toISOString(), channel: "E-mail", recipient: "BSI", fields: { earlyWarningUpdate: "x", severity: "HIGH", impact: "x", suspectedMalicious: true, crossBorderImpact: false } },
    });
    expect(twice.status()).toBe(422);
    expect((await twice.json()).error.message).toContain("submitted once per incident");
    const future = await request.post(`/api/incidents/${id}/events`, { data: { kind: "CSIRT_REPLY", at: new Date(now + 2 * HOUR).toISOString(), source: "CERT-Bund", summary: "x" } });
    expect(future.status()).toBe(422);
    expect((await future.json()).error.message).toContain("in the future");
    const after = await (await request.get(`/api/incidents/${id}`)).json();
    expect(after.reports.length).toBe(demo.reports.length);
    expect(after.timeline.length).toBe(demo.timeline.length);
  });
});

test.describe("auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR") });

  test("reads incidents and their reports but cannot change them", async ({ page, request }) => {
    await page.goto("/incidents");
    await expect(page.getByRole("link", { name: "Open an incident" })).toHaveCount(0);
    await page.getByRole("link", { name: demoIncident.reference, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: demoIncident.title })).toBeVisible();
    await expect(page.getByTestId("deadline-NOTIFICATION").getByTestId("deadline-status")).toHaveText("Met");
    // Header + the seed's five links (two at opening, three from the demo traffic).
    await expect(page.getByRole("region", { name: "Evidence" }).getByRole("row")).toHaveCount(6);
    for (const action of [/^Change incident$/, /^Prepare/, /^Link evidence$/, /^Assess significance$/]) await expect(page.getByRole("link", { name: action })).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Record a CSIRT reply or request" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Remove the link/ })).toHaveCount(0);

    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    const before = await (await request.get(`/api/incidents/${id}`)).json();
    const pdf = await request.get(`/api/incidents/${id}/reports/${before.reports[0].id}/pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const report = await request.post(`/api/incidents/${id}/reports`, { data: { stage: "INTERMEDIATE", submittedAt: new Date().toISOString(), channel: "E-mail", recipient: "BSI", fields: { statusUpdate: "x" } } });
    expect(report.status()).toBe(403);
    expect((await report.json()).error.code).toBe("forbidden");
    expect((await request.delete(`/api/incidents/${id}/evidence/${before.evidence[0].id}`)).status()).toBe(403);
    const after = await (await request.get(`/api/incidents/${id}`)).json();
    expect([after.reports.length, after.evidence.length]).toEqual([before.reports.length, before.evidence.length]);

    await page.goto("/incidents/new");
    await expect(page.getByText("Your role may read incidents but not open them.")).toBeVisible();
  });
});
