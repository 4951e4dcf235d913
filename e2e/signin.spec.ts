import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { e2eDataDir } from "../playwright.config";
import { demoLogins } from "./support";

async function fillSignIn(page: import("@playwright/test").Page, email: string, password: string) {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a signed-out visitor is sent to sign-in and then to the page they asked for", async ({ page }) => {
  await page.goto("/incidents?from=deep-link");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fincidents%3Ffrom%3Ddeep-link/);
  const ciso = demoLogins().CISO;
  await fillSignIn(page, ciso.email, ciso.password);
  await expect(page).toHaveURL(/\/incidents\?from=deep-link$/);
  await expect(page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toContainText("CISO");
});

test("a sign-in link cannot send the user to another site, before or after signing in", async ({ page, baseURL }) => {
  // Browsers drop the tab, so "/<tab>/evil.example" would become "//evil.example".
  await page.goto("/signin?callbackUrl=/%09/evil.example");
  const ciso = demoLogins().CISO;
  await fillSignIn(page, ciso.email, ciso.password);
  await expect(page).toHaveURL(`${baseURL}/incidents`);
  // Signed in already, the sign-in page redirects at once.
  for (const callbackUrl of ["/%09/evil.example", "/%0A/evil.example", "/%5C/evil.example", "%2F%2Fevil.example", "https://evil.example"]) {
    await page.goto(`/signin?callbackUrl=${callbackUrl}`);
    await expect(page, callbackUrl).toHaveURL(`${baseURL}/incidents`);
  }
});

test("the CISO signs in and lands on incidents, the auditor on records", async ({ page, context }) => {
  await page.goto("/signin");
  const ciso = demoLogins().CISO;
  await fillSignIn(page, ciso.email, ciso.password);
  await expect(page).toHaveURL(/\/incidents$/);
  await expect(page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents" })).toHaveAttribute("aria-current", "page");

  await context.clearCookies();
  await page.goto("/signin");
  const auditor = demoLogins().AUDITOR;
  await fillSignIn(page, auditor.email, auditor.password);
  // The records explorer's own tests look at the page itself.
  await expect(page).toHaveURL(/\/records$/);
});

test("an operator signs in and lands on the page that gets them an operator assertion", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/signin");
  const operator = demoLogins().OPERATOR;
  await fillSignIn(page, operator.email, operator.password);
  await expect(page).toHaveURL(/\/operator$/);
  await expect(page.getByRole("heading", { level: 1, name: "Operator assertion" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toContainText("Operator");
  await page.screenshot({ path: "test-results/screenshots/operator-signed-in.png", fullPage: true });
});

test("a wrong password and missing fields get a clear error and no session", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/signin");
  await page.screenshot({ path: "test-results/screenshots/signin.png" });
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Enter your e-mail address and password" })).toBeVisible();

  const auditor = demoLogins().AUDITOR;
  await fillSignIn(page, auditor.email, `${auditor.password}-wrong`);
  await expect(page.getByRole("alert").filter({ hasText: "e-mail address or password is not correct" })).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
  const session = await (await page.request.get("/api/auth/session")).json();
  expect(session).toEqual({});
});

test("the sign-in rate limit counts the address the server saw, not one the client claims", async ({ request }) => {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: "spoof-check@nordwerk.example", password: "wrong", json: "true" },
    headers: { "x-forwarded-for": "203.0.113.9" },
  });
  expect(res.status()).toBe(401);
  const db = new Database(path.join(e2eDataDir, "conduit-ledger.db"), { readonly: true });
  const rows = db.prepare("SELECT ip FROM SignInAttempt WHERE email = ?").all("spoof-check@nordwerk.example");
  db.close();
  expect(rows).toEqual([{ ip: "127.0.0.1" }]);
});

test("an expired session sends the user back to sign-in and then to the page they wanted", async ({ page, context, baseURL }) => {
  const admin = demoLogins().ADMIN;
  await page.goto("/signin");
  await fillSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/conduits$/);

  // Replace the session with one that expired: same secret, same user, lifetime over.
  const secret = fs.readFileSync(path.join(e2eDataDir, "secrets/nextauth-secret"), "utf8").trim();
  const cookies = await context.cookies();
  const sessionCookie = cookies.find((c) => c.name === "next-auth.session-token");
  expect(sessionCookie).toBeDefined();
  const claims = JSON.parse(JSON.stringify(await (await page.request.get("/api/auth/session")).json()));
  // Expired two minutes ago: well past the 15 s clock tolerance of the token check.
  const expired = await encode({ token: { email: admin.email, name: claims.user.name, uid: claims.user.id, role: "ADMIN", sessionVersion: claims.user.sessionVersion }, secret, maxAge: -120 });
  await context.addCookies([{ ...sessionCookie!, value: expired }]);

  await page.goto(`${baseURL}/settings?tab=users`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fsettings%3Ftab%3Dusers/);
  await fillSignIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/settings\?tab=users$/);
});

test("signing out ends the session", async ({ page }) => {
  const officer = demoLogins().COMPLIANCE_OFFICER;
  await page.goto("/signin");
  await fillSignIn(page, officer.email, officer.password);
  await expect(page.getByTestId("current-user")).toContainText("Compliance officer");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/conduits");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fconduits/);
});
