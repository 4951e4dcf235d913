// Each role signs in and sees each main page; screenshots land in test-results/screenshots.
import { expect, test } from "@playwright/test";
import { demoIncidentId, detailPages, incidentPages, mainPages, openDemoDraftAssessment, roles, staffRoles, storageStateFor } from "./support";

// The operator's pages: e2e/authorization.spec.ts.
for (const role of staffRoles) {
  test.describe(`${role}`, () => {
    test.use({ storageState: storageStateFor(role), viewport: { width: 1440, height: 900 } });

    test(`sees every main and detail page`, async ({ page }) => {
      for (const { path, heading, navLabel } of [...mainPages, ...detailPages]) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: navLabel })).toHaveAttribute("aria-current", "page");
        await page.screenshot({ path: `test-results/screenshots/${role.toLowerCase()}${path.replaceAll("/", "-")}.png`, fullPage: true });
      }
    });

    for (const { path, heading, name } of incidentPages) {
      test(`sees the ${name} page`, async ({ page, request }) => {
        await page.goto(path.replace("{demo}", await demoIncidentId(request)));
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents" })).toHaveAttribute("aria-current", "page");
        await page.screenshot({ path: `test-results/screenshots/${role.toLowerCase()}-${name}.png`, fullPage: true });
      });
    }
  });
}

test.describe("conduit inventory", () => {
  test.use({ storageState: storageStateFor("COMPLIANCE_OFFICER") });

  test("shows the demo plant with one expired conduit and filters by plant", async ({ page }) => {
    await page.goto("/conduits");
    const conduits = page.getByRole("region", { name: "Conduits", exact: true });
    // Header + the demo plant's 7 conduits; e2e/proxy.spec.ts and e2e/conduits.spec.ts add "e2e-" conduits of their own to the shared server.
    await expect(conduits.getByRole("row").filter({ hasNotText: "e2e-" })).toHaveCount(8);
    await expect(conduits.getByText("Expired", { exact: true })).toHaveCount(1);

    await page.getByLabel("Plant", { exact: true }).selectOption("aveiro");
    await expect(conduits.getByRole("row").filter({ hasNotText: "e2e-" })).toHaveCount(3);
    await expect(page.getByText("Aveiro Casting Plant. Anything not listed", { exact: false })).toBeVisible();

    await conduits.getByLabel("Filter conduits").fill("furnace");
    await expect(conduits.getByRole("row")).toHaveCount(2);
  });
});

test.describe("supplier assessment", () => {
  test.use({ storageState: storageStateFor("COMPLIANCE_OFFICER"), viewport: { width: 1440, height: 900 } });

  test("shows its author the questionnaire with progress", async ({ page }) => {
    await openDemoDraftAssessment(page);
    await expect(page.getByTestId("assessment-progress")).toHaveText(/^12 of \d+ answered$/);
    await page.screenshot({ path: "test-results/screenshots/compliance_officer-supplier-assessment.png", fullPage: true });
  });
});

test.describe("settings per role", () => {
  test("only the administrator gets user management", async ({ browser }) => {
    for (const role of roles) {
      const context = await browser.newContext({ storageState: storageStateFor(role) });
      const page = await context.newPage();
      await page.goto("/settings");
      const addUser = page.getByRole("form", { name: "Add a user" });
      if (role === "ADMIN") await expect(addUser).toBeVisible();
      else await expect(addUser).toHaveCount(0);
      await context.close();
    }
  });
});
