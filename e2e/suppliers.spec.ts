// The AI supplier chain end to end: a compliance officer adds a provider with a
// hyperscaler sub-processor, links it to an AI destination, uploads a certification and
// completes an assessment; an administrator approves it (the author cannot); the chain
// and exposure appear on the conduit's page. An auditor reads all of it and changes nothing.
import { createHash } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { storageStateFor } from "./support";

test.describe.configure({ mode: "serial" });

const provider = "Fjord AI AB";
const hyperscaler = "Northcloud Hyperscale";
const conduitSlug = "aug-l3-to-anthropic-scheduling";
let assessmentUrl = "";

const status = (page: Page, text: string | RegExp) => page.getByRole("status").filter({ hasText: text });
const alert = (page: Page, text: string | RegExp) => page.getByRole("alert").filter({ hasText: text });

async function addSupplier(page: Page, name: string, kind: string, countries: string) {
  await page.goto("/suppliers");
  const form = page.getByRole("form", { name: "Add a supplier" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Kind").selectOption({ label: kind });
  await form.getByLabel("Countries of processing").fill(countries);
  await form.getByLabel("Contacts").fill("PSIRT; Security contact; psirt@fjord.example");
  await form.getByRole("button", { name: "Add supplier" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

test.describe("compliance officer", () => {
  test.use({ storageState: storageStateFor("COMPLIANCE_OFFICER") });

  test("adds a provider with a hyperscaler sub-processor and links it to a destination", async ({ page }) => {
    await addSupplier(page, hyperscaler, "Cloud or hyperscaler", "SE, FI");
    await addSupplier(page, provider, "AI provider", "SE");

    await page.getByText(`Add a sub-processor of ${provider}`).click();
    const link = page.getByRole("form", { name: `Add a sub-processor of ${provider}` });
    await link.getByLabel("Sub-processor").selectOption({ label: hyperscaler });
    await link.getByLabel("Data passed").fill("Prompts and completions (hosting)");
    await link.getByLabel("Contract reference").fill("Fjord DPA annex 3");
    await link.getByLabel("Breach notification (hours)").fill("24");
    await link.getByLabel("Training on customer data").selectOption("NO");
    await link.getByLabel("Data location").fill("SE (Stockholm)");
    await link.getByRole("button", { name: "Add a sub-processor" }).click();
    await expect(status(page, "Sub-processor added.")).toBeVisible();
    const chain = page.getByRole("list", { name: `Chain of ${provider}` });
    await expect(chain.getByRole("link", { name: hyperscaler })).toBeVisible();
    await expect(chain.getByText("within 24 h")).toBeVisible();

    await page.getByLabel("AI destination operated by this supplier").selectOption({ label: "Anthropic Claude (anthropic), now operated by Anthropic Ireland, Limited" });
    await page.getByRole("button", { name: "Link destination" }).click();
    await expect(status(page, "Destination linked.")).toBeVisible();
    const exposure = page.getByRole("region", { name: "Exposure" });
    // Other specs may add conduits to the same destination, so look at this conduit's row only.
    const pilotRow = exposure.getByRole("row").filter({ has: page.getByRole("link", { name: "Augsburg MES scheduling to Anthropic (pilot)" }) });
    await expect(pilotRow.getByRole("cell", { name: "Direct", exact: true })).toBeVisible();

    // The hyperscaler is exposed through the provider's chain.
    await chain.getByRole("link", { name: hyperscaler }).click();
    await expect(page.getByRole("heading", { level: 1, name: hyperscaler })).toBeVisible();
    const hyperscalerPilotRow = page.getByRole("region", { name: "Exposure" }).getByRole("row").filter({ has: page.getByRole("link", { name: "Augsburg MES scheduling to Anthropic (pilot)" }) });
    await expect(hyperscalerPilotRow.getByText(`Via ${provider}`)).toBeVisible();
  });

  test("refuses a link that would close a cycle, naming it", async ({ page }) => {
    await page.goto("/suppliers/northcloud-hyperscale");
    await page.getByText(`Add a sub-processor of ${hyperscaler}`).click();
    const form = page.getByRole("form", { name: `Add a sub-processor of ${hyperscaler}` });
    await form.getByLabel("Sub-processor").selectOption({ label: provider });
    await form.getByRole("button", { name: "Add a sub-processor" }).click();
    await expect(alert(page, `this link would close one: ${hyperscaler} → ${provider} → ${hyperscaler}.`)).toBeVisible();
    await expect(page.getByRole("list", { name: `Chain of ${hyperscaler}` }).getByRole("link")).toHaveCount(1);
  });

  test("uploads a certification; a wrong type, a file too large or an expiry before issue are refused", async ({ page }) => {
    await page.goto("/suppliers/fjord-ai-ab");
    await page.getByText("Add a certification", { exact: true }).click();
    const form = page.getByRole("form", { name: "Add a certification" });
    await form.getByLabel("Issued by").fill("Nordic Cert AB");
    await form.getByLabel("Issued on").fill("2026-03-01");
    await form.getByLabel("Valid until").fill("2029-02-28");
    const submit = () => form.getByRole("button", { name: "Add certification" }).click();
    const evidence = form.getByLabel("Evidence file");

    await evidence.setInputFiles({ name: "certificate.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>not a pdf</html>") });
    await submit();
    await expect(alert(page, "Evidence must be a PDF, PNG, JPEG file; this file is none of them.")).toBeVisible();

    const tooLarge = Buffer.alloc(6 * 1024 * 1024, 0x20);
    tooLarge.write("%PDF-1.7\n");
    await evidence.setInputFiles({ name: "big.pdf", mimeType: "application/pdf", buffer: tooLarge });
    await submit();
    await expect(alert(page, "The upload is larger than 5 MiB.")).toBeVisible();

    const pdf = Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    await evidence.setInputFiles({ name: "iso27001.pdf", mimeType: "application/pdf", buffer: pdf });
    await form.getByLabel("Valid until").fill("2026-02-01");
    await submit();
    await expect(alert(page, "The certificate expires on or before the day it was issued; check both dates.")).toBeVisible();

    const certifications = page.getByRole("region", { name: "Certifications" });
    await expect(certifications.getByText("No certifications recorded.")).toBeVisible();

    await form.getByLabel("Valid until").fill("2029-02-28");
    await submit();
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    await expect(status(page, `Certification added; evidence iso27001.pdf, SHA-256 ${sha256}.`)).toBeVisible();
    const download = certifications.getByRole("link", { name: "iso27001.pdf" });
    await expect(download).toBeVisible();
    const file = await page.request.get((await download.getAttribute("href"))!);
    expect(file.headers()["x-evidence-sha256"]).toBe(sha256);
    expect(Buffer.from(await file.body()).equals(pdf)).toBe(true);
  });

  test("completes and submits an assessment with progress; its author cannot approve it", async ({ page }) => {
    await page.goto("/suppliers/fjord-ai-ab");
    await page.getByRole("button", { name: "Start assessment" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Assessment of ${provider}` })).toBeVisible();
    assessmentUrl = new URL(page.url()).pathname;

    const progress = page.getByTestId("assessment-progress");
    await expect(progress).toHaveText(/^0 of \d+ answered$/);
    const total = Number((await progress.textContent())!.split(" of ")[1]!.split(" ")[0]);
    const questions = page.locator("fieldset");
    await expect(questions).toHaveCount(total);
    for (let i = 0; i < total; i++) {
      const question = questions.nth(i);
      await question.getByRole("radio", { name: "Yes" }).check();
      if (await question.getByText("Critical: evidence needed").isVisible()) {
        await question.getByRole("button", { name: "Add evidence link" }).click();
        await question.getByLabel("Link text").fill("Fjord DPA");
        await question.getByLabel("URL").fill("https://contracts.nordwerk.example/fjord/dpa.pdf");
        await question.getByRole("button", { name: "Add link", exact: true }).click();
        await expect(question.getByRole("link", { name: "Fjord DPA" })).toBeVisible();
      }
    }
    await expect(progress).toHaveText(`${total} of ${total} answered`);
    await page.getByRole("button", { name: "Submit for approval" }).click();
    // Full marks, but the demo's pilot calls of the last 30 days carried data to the
    // provider before the conduit expired: the exposure makes it medium.
    await expect(status(page, "Submitted for approval: score 100, rating MEDIUM.")).toBeVisible();
    await expect(page.getByTestId("assessment-status")).toHaveText("Awaiting approval");
    await expect(page.getByRole("region", { name: "Your decision" })).toHaveCount(0);

    const id = assessmentUrl.split("/").at(-1);
    const own = await page.request.post(`/api/assessments/${id}/approve`, { data: { approvedDataClass: "CONFIDENTIAL" } });
    expect(own.status()).toBe(403);
    expect((await own.json()).error.message).toBe("You wrote this assessment; another person must approve it (four-eyes principle).");
  });
});

test.describe("administrator", () => {
  test.use({ storageState: storageStateFor("ADMIN") });

  test("approves the assessment; the sign-off is a ledger record", async ({ page }) => {
    await page.goto(assessmentUrl);
    const decision = page.getByRole("region", { name: "Your decision" });
    await decision.getByLabel("Approve this supplier for data up to").selectOption("CONFIDENTIAL");
    await decision.getByRole("button", { name: "Approve and sign off" }).click();
    await expect(status(page, "Assessment approved; the sign-off is recorded in the ledger.")).toBeVisible();
    await expect(page.getByTestId("assessment-status")).toHaveText("Approved");
    await expect(page.getByTestId("assessment-rating")).toHaveText("medium");

    await page.getByRole("link", { name: /^Ledger record / }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Admin change" })).toBeVisible();
    // The record's summary, shown above its signed envelope.
    await expect(page.getByText(/sign-off: assessment of Fjord AI AB \(ai-supplier v1\) approved; score 100, rating MEDIUM, approved for data up to CONFIDENTIAL/).first()).toBeVisible();
  });

  test("sees the whole chain and the exposure on the conduit's page", async ({ page }) => {
    await page.goto("/conduits");
    await page.getByRole("link", { name: "Augsburg MES scheduling to Anthropic (pilot)", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/conduits/${conduitSlug}$`));
    const chain = page.getByRole("list", { name: "Supplier chain of Augsburg MES scheduling to Anthropic (pilot)" });
    await expect(chain.getByRole("link", { name: provider })).toBeVisible();
    await expect(chain.getByText("Risk medium, approved up to CONFIDENTIAL")).toBeVisible();
    await expect(chain.getByRole("link", { name: hyperscaler })).toBeVisible();
    await expect(chain.getByText("Not assessed")).toBeVisible();
    await expect(chain.getByText("SE (Stockholm)")).toBeVisible();
    await expect(page.getByText(`The conduit allows CONFIDENTIAL data, above what ${hyperscaler} is approved for`)).toBeVisible();
    await expect(page.getByRole("region", { name: "Exposure" }).getByRole("row")).toHaveCount(5);
    await expect(page.getByRole("region", { name: "Supplier alerts on this chain" }).getByText(`Chain of ${provider}: ${hyperscaler} has no approved assessment.`)).toBeVisible();
  });
});

test.describe("auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR") });

  test("reads suppliers, evidence and assessments and cannot change them", async ({ page }) => {
    await page.goto("/suppliers");
    await expect(page.getByRole("region", { name: "Suppliers", exact: true }).getByRole("link", { name: provider })).toBeVisible();
    await expect(page.getByRole("form", { name: "Add a supplier" })).toHaveCount(0);

    await page.getByRole("region", { name: "Suppliers", exact: true }).getByRole("link", { name: provider }).click();
    await expect(page.getByRole("heading", { level: 1, name: provider })).toBeVisible();
    await expect(page.getByRole("button", { name: "Start assessment" })).toHaveCount(0);
    await expect(page.getByText("Add a certification", { exact: true })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Change the chain" })).toHaveCount(0);
    const download = page.getByRole("region", { name: "Certifications" }).getByRole("link", { name: "iso27001.pdf" });
    expect((await page.request.get((await download.getAttribute("href"))!)).status()).toBe(200);

    await page.goto(assessmentUrl);
    await expect(page.getByTestId("assessment-status")).toHaveText("Approved");
    await expect(page.getByRole("button", { name: /Save draft|Submit for approval|Approve/ })).toHaveCount(0);
    await expect(page.locator("fieldset").first().getByRole("radio", { name: "Yes" })).toBeDisabled();

    const supplierId = (await page.request.post("/api/suppliers", { data: { name: "Auditor Cloud", kind: "CLOUD" } })).status();
    expect(supplierId).toBe(403);
    expect((await page.request.post(`/api/assessments/${assessmentUrl.split("/").at(-1)}/return`, { data: { note: "no" } })).status()).toBe(403);
  });
});
