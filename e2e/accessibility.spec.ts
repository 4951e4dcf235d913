// Automated accessibility checks (axe-core, WCAG 2.1 A/AA rules: labels, contrast,
// landmarks, names) on the sign-in page, the public pack verifier and every main page.
import { expect, test } from "@playwright/test";
import { demoIncidentId, detailPages, incidentPages, mainPages, openDemoDraftAssessment, operatorPage, storageStateFor, violations } from "./support";

test("the sign-in page has no WCAG A/AA violations", async ({ page }) => {
  await page.goto("/signin");
  expect(await violations(page)).toEqual([]);
});

test("the public pack verifier has no WCAG A/AA violations", async ({ page }) => {
  // Its results, valid and not, are checked in e2e/evidence.spec.ts, where a pack exists.
  await page.goto("/verify");
  await page.getByLabel("Evidence pack (ZIP)").waitFor();
  expect(await violations(page)).toEqual([]);
});

test.describe("signed in", () => {
  test.use({ storageState: storageStateFor("ADMIN") });

  // One test per page: each gets the whole timeout for its axe run on a busy machine.
  for (const { path } of [...mainPages, ...detailPages]) {
    test(`${path} has no WCAG A/AA violations`, async ({ page }) => {
      await page.goto(path);
      expect(await violations(page)).toEqual([]);
    });
  }

  for (const { path, name } of incidentPages) {
    test(`the ${name} page has no WCAG A/AA violations`, async ({ page, request }) => {
      await page.goto(path.replace("{demo}", await demoIncidentId(request)));
      expect(await violations(page)).toEqual([]);
    });
  }

  test("a ledger record's page, with its signed envelope, has no WCAG A/AA violations", async ({ page }) => {
    await page.goto("/records");
    await page.locator('main a[href^="/records/"]').first().click();
    await page.getByText("Envelope (canonical JSON, as signed)").waitFor();
    expect(await violations(page)).toEqual([]);
  });

  test("the supplier assessment form, as its author edits it, has no WCAG A/AA violations", async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateFor("COMPLIANCE_OFFICER") });
    const page = await context.newPage();
    await openDemoDraftAssessment(page);
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  test("the operator's pages, with an assertion shown, have no WCAG A/AA violations", async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateFor("OPERATOR") });
    const page = await context.newPage();
    await page.goto(operatorPage.path);
    await page.getByRole("button", { name: "Get an operator assertion" }).click();
    await page.getByTestId("operator-assertion").waitFor();
    expect(await violations(page)).toEqual([]);
    await page.goto("/settings");
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  test("the main navigation works from the keyboard", async ({ page }) => {
    await page.goto("/conduits");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Incidents" }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/incidents$/);
  });
});
