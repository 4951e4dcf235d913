// Server-side authorisation, independent of what the UI shows: every mutating API
// route in app/api is found by reading the source, so a route added later without a
// permission check fails this test.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { demoLogins, mainPages, operatorPage, roles, storageStateFor, type Role } from "./support";

interface MutationRoute {
  method: string;
  url: string;
}

function mutationRoutes(): MutationRoute[] {
  const routes: MutationRoute[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative("app", path.dirname(full));
        // next-auth's own endpoints and the JSON 404 catch-all are not domain mutations; the
        // inspection proxy authenticates devices by token, not people (e2e/proxy.spec.ts);
        // its benchmark baseline (api/proxy-baseline) changes nothing and is off outside the
        // benchmark (tested below).
        if (rel.includes("[...nextauth]") || rel === "api/[...path]" || rel.startsWith("api/proxy/") || rel === "api/proxy-baseline") continue;
        const source = fs.readFileSync(full, "utf8");
        const methods = new Set(
          [...source.matchAll(/export\s+(?:const|async function|function)\s+(POST|PUT|PATCH|DELETE)\b|as\s+(POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1] ?? m[2]),
        );
        const url = "/" + rel.replace(/\[\.\.\.[^\]]+\]/g, "x/y").replace(/\[[^\]]+\]/g, "x");
        for (const method of methods) routes.push({ method: method!, url });
      }
    }
  };
  visit("app/api");
  return routes;
}

// Actions that change no evidence (they only record that they ran) and that an auditor
// must be able to take: lib/auth/roles.ts readOnlyPermissions.
const readOnlyActions = new Set(["POST /api/ledger/verifications", "POST /api/evidence-packs"]);
const allRoutes = mutationRoutes();
const routes = allRoutes.filter((r) => !readOnlyActions.has(`${r.method} ${r.url}`));

async function call(request: APIRequestContext, route: MutationRoute) {
  return request.fetch(route.url, { method: route.method, data: {}, headers: { "content-type": "application/json" } });
}

test("the benchmark's baseline route takes no bodies outside the benchmark", async ({ request }) => {
  const answer = await request.post("/api/proxy-baseline", { data: "x".repeat(1024), headers: { "content-type": "text/plain" } });
  expect(answer.status()).toBe(404);
});

test("the mutation routes were found", () => {
  expect(allRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(
    expect.arrayContaining([
      "POST /api/users",
      "PATCH /api/users/x",
      "POST /api/users/x/password",
      "POST /api/incidents",
      "PUT /api/incidents/x",
      "POST /api/incidents/x/reports",
      "POST /api/incidents/x/events",
      "POST /api/incidents/x/significance",
      "POST /api/incidents/x/evidence",
      "DELETE /api/incidents/x/evidence/x",
      "PUT /api/incidents/settings/x",
      "POST /api/devices/x/credentials",
      "POST /api/device-credentials/x/rotate",
      "POST /api/device-credentials/x/revoke",
      "PUT /api/destinations/x/provider-key",
      "DELETE /api/destinations/x/provider-key",
      "POST /api/operator-assertions",
      ...readOnlyActions,
    ]),
  );
});

test.describe("auditor", () => {
  test.use({ storageState: storageStateFor("AUDITOR") });

  test("gets 403 on every mutation route and can still read", async ({ request }) => {
    for (const route of routes) {
      const res = await call(request, route);
      expect(res.status(), `${route.method} ${route.url}`).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    expect((await request.get("/api/users")).status()).toBe(200);
    const verification = await request.post("/api/ledger/verifications", { headers: { "content-type": "application/json" } });
    expect(verification.status()).toBe(200);
    expect((await verification.json()).ok).toBe(true);
    // A pack reads the ledger and changes none of it: the auditor may ask for one (this empty one is refused for its fields, not its role).
    const pack = await request.post("/api/evidence-packs", { data: {}, headers: { "content-type": "application/json" } });
    expect(pack.status()).toBe(400);
    expect((await pack.json()).error.issues[0].path).toBe("name");
  });
});

test.describe("operator", () => {
  test.use({ storageState: storageStateFor("OPERATOR"), viewport: { width: 1440, height: 900 } });

  test("gets an operator assertion naming them, and 403 from every other route", async ({ request }) => {
    const issued = await request.post("/api/operator-assertions", { headers: { "content-type": "application/json" } });
    expect(issued.status()).toBe(201);
    const body = (await issued.json()) as { assertion: string; operator: string; header: string; expiresAt: string };
    const email = demoLogins().OPERATOR.email;
    expect(body.operator).toBe(`${email}@conduit-ledger`);
    expect(body.header).toBe("x-conduit-operator-assertion");
    const [, payload] = body.assertion.split(".");
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"))).toMatchObject({ iss: "conduit-ledger", sub: email });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());

    for (const route of allRoutes.filter((r) => r.url !== "/api/operator-assertions")) {
      const res = await call(request, route);
      expect(res.status(), `${route.method} ${route.url}`).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    // The reads an auditor has: records, ledger, incidents, evidence files, users, device credentials.
    for (const url of ["/api/ledger/status", "/api/ledger/records/x/proof", "/api/ledger/logs/x/consistency", "/api/incidents", "/api/incidents/x", "/api/incidents/x/evidence", "/api/incidents/x/reports/x/pdf", "/api/certifications/x/evidence", "/api/users", "/api/devices/x/credentials"]) {
      const res = await request.get(url);
      expect(res.status(), url).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
  });

  test("lands on the operator assertion, sees only their own sections and is sent back from the others", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/operator$/);
    await expect(page.getByRole("heading", { level: 1, name: operatorPage.heading })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link")).toHaveText([operatorPage.navLabel, "Settings"]);
    await expect(nav.getByRole("link", { name: operatorPage.navLabel })).toHaveAttribute("aria-current", "page");
    await expect(page.getByLabel("Plant", { exact: true })).toHaveCount(0);

    await page.getByRole("button", { name: "Get an operator assertion" }).click();
    await expect(page.getByTestId("operator-assertion")).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expect(page.getByText(`Assertion for ${demoLogins().OPERATOR.email}@conduit-ledger`)).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/operator-home.png", fullPage: true });

    for (const { path } of mainPages.filter((p) => p.path !== "/settings")) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/operator$/);
    }
    for (const path of ["/conduits/aug-l3-to-openai-eu", "/devices/aug-wi-copilot", "/suppliers/openai-ireland", "/incidents/new", "/records/x"]) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/operator$/);
    }

    await page.goto("/settings");
    await expect(page.getByTestId("account-role")).toHaveText("Operator");
    await expect(page.getByRole("region", { name: "Your account" })).toContainText("Vouch for oneself as operator of AI calls");
    await expect(page.getByRole("region", { name: "Users" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Installation" })).toHaveCount(0);
    await expect(page.getByText(demoLogins().OPERATOR.email)).toBeVisible();
    await expect(page.getByText(demoLogins().AUDITOR.email)).toHaveCount(0);
  });
});

test("the operator assertion page is offered to exactly the roles that may assert", async ({ browser }) => {
  for (const role of roles) {
    const context = await browser.newContext({ storageState: storageStateFor(role) });
    const page = await context.newPage();
    await page.goto("/settings");
    const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: operatorPage.navLabel });
    await expect(link, role).toHaveCount(role === "AUDITOR" ? 0 : 1);
    await page.goto(operatorPage.path);
    if (role === "AUDITOR") await expect(page).toHaveURL(/\/records$/);
    else await expect(page.getByRole("heading", { level: 1, name: operatorPage.heading })).toBeVisible();
    await context.close();
  }
});

test("a request without a session gets 401 on every mutation route", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const route of routes) {
    const res = await call(anonymous, route);
    expect(res.status(), `${route.method} ${route.url}`).toBe(401);
    expect((await res.json()).error.code).toBe("unauthenticated");
  }
  await anonymous.dispose();
});

for (const role of ["CISO", "COMPLIANCE_OFFICER"] as Role[]) {
  test.describe(`${role}`, () => {
    test.use({ storageState: storageStateFor(role) });
    test("cannot manage users", async ({ request }) => {
      for (const route of routes.filter((r) => r.url.startsWith("/api/users"))) {
        expect((await call(request, route)).status(), `${route.method} ${route.url}`).toBe(403);
      }
    });
  });
}

test.describe("administrator", () => {
  test.use({ storageState: storageStateFor("ADMIN") });

  test("creates a user; bad input gets a clear error and changes nothing", async ({ request }) => {
    const before = (await (await request.get("/api/users")).json()) as unknown[];

    const invalid = await request.post("/api/users", { data: { email: "not-an-email", name: "", role: "ROOT" } });
    expect(invalid.status()).toBe(422);
    const body = await invalid.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["email", "name", "role"]);

    const oversized = await request.post("/api/users", {
      data: { email: "big@nordwerk.example", name: "x".repeat(2 * 1024 * 1024), role: "AUDITOR" },
    });
    expect(oversized.status()).toBe(413);
    expect((await oversized.json()).error.code).toBe("payload_too_large");

    const notJson = await request.post("/api/users", { data: "email=a", headers: { "content-type": "text/plain" } });
    expect(notJson.status()).toBe(415);

    const crossSite = await request.post("/api/users", {
      data: { email: "csrf@nordwerk.example", name: "CSRF", role: "ADMIN" },
      headers: { origin: "https://attacker.example" },
    });
    expect(crossSite.status()).toBe(403);

    expect(((await (await request.get("/api/users")).json()) as unknown[]).length).toBe(before.length);

    const created = await request.post("/api/users", { data: { email: "e2e-new@nordwerk.example", name: "New Auditor", role: "AUDITOR" } });
    expect(created.status()).toBe(201);
    const { user, password } = await created.json();
    expect(user.email).toBe("e2e-new@nordwerk.example");
    expect(user).not.toHaveProperty("passwordHash");
    expect(password).toMatch(/^\S{20}$/);
    expect((await request.post("/api/users", { data: { email: "e2e-new@nordwerk.example", name: "Again", role: "CISO" } })).status()).toBe(409);
  });

  test("role changes, password resets and disabling each ask for confirmation first", async ({ request, page }) => {
    const created = await request.post("/api/users", { data: { email: "e2e-confirm@nordwerk.example", name: "Confirm Auditor", role: "AUDITOR" } });
    expect(created.status()).toBe(201);
    await page.goto("/settings");
    const role = page.getByLabel("Role of Confirm Auditor");
    const dialog = page.getByRole("dialog");

    await role.selectOption("CISO");
    await expect(dialog).toContainText("signed out everywhere");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(role).toHaveValue("AUDITOR");

    await role.selectOption("CISO");
    await dialog.getByRole("button", { name: "Change role" }).click();
    await expect(page.getByTestId("user-admin-message")).toHaveText("Role of Confirm Auditor changed.");
    await expect(role).toHaveValue("CISO");

    const row = page.getByRole("row").filter({ hasText: "e2e-confirm@nordwerk.example" });
    await row.getByRole("button", { name: "Reset password" }).click();
    await expect(dialog).toContainText("stops working at once");
    await dialog.getByRole("button", { name: "Reset password" }).click();
    await expect(page.getByTestId("user-admin-message")).toContainText("New one-time password for e2e-confirm@nordwerk.example");

    await row.getByRole("button", { name: "Disable" }).click();
    await dialog.getByRole("button", { name: "Disable" }).click();
    await expect(row.getByText("Disabled", { exact: true })).toBeVisible();
  });

  test("a password reset ends the user's sessions: their next page sends them to sign-in", async ({ request, browser }) => {
    const created = await request.post("/api/users", { data: { email: "e2e-reset@nordwerk.example", name: "Reset Auditor", role: "AUDITOR" } });
    expect(created.status()).toBe(201);
    const { user, password } = (await created.json()) as { user: { id: string; email: string }; password: string };

    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    const signIn = async (secret: string) => {
      await page.getByLabel("E-mail").fill(user.email);
      await page.getByLabel("Password").fill(secret);
      await page.getByRole("button", { name: "Sign in" }).click();
    };
    await page.goto("/records");
    await signIn(password);
    await expect(page).toHaveURL(/\/records$/);
    await expect(page.getByTestId("current-user")).toContainText("Auditor");

    const reset = await request.post(`/api/users/${user.id}/password`);
    expect(reset.status()).toBe(200);
    const { password: newPassword } = (await reset.json()) as { password: string };

    // The session cookie is still there and unexpired; the server no longer accepts it.
    await page.goto("/records?after=reset");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Frecords%3Fafter%3Dreset$/);
    expect((await page.request.get("/api/users")).status()).toBe(401);
    await signIn(password);
    await expect(page.getByRole("alert").filter({ hasText: "e-mail address or password is not correct" })).toBeVisible();
    await signIn(newPassword);
    await expect(page).toHaveURL(/\/records\?after=reset$/);
    await context.close();
  });
});

test("unknown routes get a 404: JSON for the API, a page for people", async ({ request, page }) => {
  const api = await request.get("/api/no-such-thing");
  expect(api.status()).toBe(404);
  expect(await api.json()).toEqual({ error: { code: "not_found", message: "No API route at /api/no-such-thing." } });

  const signInTooLarge = await request.post("/api/auth/callback/credentials", {
    form: { email: "a@b.c", password: "x".repeat(20_000) },
  });
  expect(signInTooLarge.status()).toBe(413);

  await page.goto("/signin");
  const res = await page.goto("/this-page-does-not-exist");
  // Signed out: the optimistic check sends the visitor to sign-in first.
  expect(page.url()).toContain("/signin?callbackUrl=%2Fthis-page-does-not-exist");
  expect(res?.status()).toBe(200);
});

test.describe("signed in, unknown page", () => {
  test.use({ storageState: storageStateFor("AUDITOR") });
  test("shows a not-found page with a way back", async ({ page }) => {
    const res = await page.goto("/this-page-does-not-exist");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });
});
