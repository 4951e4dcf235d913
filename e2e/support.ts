// Shared helpers for the end-to-end tests: the demo sign-ins the server printed into
// its data folder, and a signed-in browser state per role.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import type Database from "better-sqlite3";
import { e2eDataDir } from "../playwright.config";

export const roles = ["ADMIN", "COMPLIANCE_OFFICER", "CISO", "AUDITOR", "OPERATOR"] as const;
export type Role = (typeof roles)[number];
/** The roles that open the plant's inventory and evidence; the operator opens only their own pages. */
export const staffRoles = roles.filter((r) => r !== "OPERATOR");

export interface Login {
  role: Role;
  email: string;
  password: string;
}

export function demoLogins(): Record<Role, Login> {
  const text = fs.readFileSync(path.join(e2eDataDir, "demo-logins.txt"), "utf8");
  const entries = [...text.matchAll(/^\s+(ADMIN|COMPLIANCE_OFFICER|CISO|AUDITOR|OPERATOR)\s+(\S+@\S+)\s+(\S+)\s*$/gm)].map(
    ([, role, email, password]) => [role, { role, email, password }] as const,
  );
  const logins = Object.fromEntries(entries) as Record<Role, Login>;
  for (const role of roles) if (!logins[role]) throw new Error(`demo-logins.txt has no ${role} line`);
  return logins;
}

export const storageStateFor = (role: Role) => path.resolve("test-results/.auth", `${role}.json`);

/** Signs in through next-auth's credentials endpoint, as the browser form does. */
export async function signInByApi(request: APIRequestContext, login: { email: string; password: string }) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  return request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: login.email, password: login.password, json: "true" },
    maxRedirects: 0,
  });
}

/** The demo incident the seed opens in Augsburg (notification sent, final report pending). */
export const demoIncident = { reference: "INC-2026-001", title: "Copilot device token used from outside the shop floor" };

export async function demoIncidentId(request: APIRequestContext): Promise<string> {
  const overview = (await (await request.get("/api/incidents")).json()) as { open: { id: string; reference: string }[] };
  const incident = overview.open.find((i) => i.reference === demoIncident.reference);
  if (!incident) throw new Error(`the demo incident ${demoIncident.reference} is missing`);
  return incident.id;
}

/** Incident pages below the overview; {demo} stands for the demo incident's id. */
export const incidentPages = [
  { path: "/incidents/{demo}", heading: demoIncident.title, name: "incident" },
  { path: "/incidents/{demo}/edit", heading: "Change incident", name: "incident-edit" },
  { path: "/incidents/{demo}/reports/new?stage=FINAL", heading: "Final report", name: "incident-report" },
  { path: "/incidents/{demo}/significance", heading: "Significance assessment", name: "incident-significance" },
  { path: "/incidents/{demo}/evidence", heading: "Link evidence", name: "incident-evidence" },
  { path: "/incidents/new", heading: "Open an incident", name: "incident-new" },
  { path: "/incidents/settings", heading: "Reporting rules", name: "incident-rules" },
] as const;

export const mainPages = [
  { path: "/conduits", heading: "Conduit inventory", navLabel: "Conduits" },
  { path: "/devices", heading: "Devices", navLabel: "Devices" },
  { path: "/records", heading: "Audit records", navLabel: "Records" },
  { path: "/suppliers", heading: "AI suppliers", navLabel: "Suppliers" },
  { path: "/incidents", heading: "Incidents", navLabel: "Incidents" },
  { path: "/evidence", heading: "Evidence packs", navLabel: "Evidence" },
  { path: "/settings", heading: "Settings", navLabel: "Settings" },
] as const;

/** The operator's start page, where they get an assertion; every role that may assert has it. */
export const operatorPage = { path: "/operator", heading: "Operator assertion", navLabel: "Operator assertion" } as const;

/** Pages below the main ones, on the demo data: a supplier and a conduit with its supplier chain. */
export const detailPages = [
  { path: "/suppliers/openai-ireland", heading: "OpenAI Ireland Ltd", navLabel: "Suppliers" },
  { path: "/conduits/aug-l3-to-openai-eu", heading: "Augsburg operations to OpenAI (EU)", navLabel: "Conduits" },
] as const;

/** Opens the demo's draft assessment (of Anthropic, written by the compliance officer). */
export async function openDemoDraftAssessment(page: Page) {
  await page.goto("/suppliers/anthropic-ireland");
  await page.getByRole("region", { name: "Assessments", exact: true }).getByRole("link").first().click();
  await page.getByRole("heading", { level: 1, name: "Assessment of Anthropic Ireland, Limited" }).waitFor();
}

/**
 * Writes a device token straight into the server's database, as `npm run device-token`
 * would: only its SHA-256 and prefix are stored. The proxy sees it at its next refresh.
 */
export function insertDeviceToken(options: { db: Database.Database; device: string; token: string; label: string }): void {
  const { id } = options.db.prepare(`SELECT id FROM "Device" WHERE slug = ?`).get(options.device) as { id: string };
  options.db
    .prepare(`INSERT INTO "DeviceCredential" ("id", "label", "tokenPrefix", "tokenHash", "deviceId", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`)
    .run(randomUUID(), options.label, options.token.slice(0, 13), createHash("sha256").update(options.token).digest("hex"), id, new Date().toISOString().replace("Z", "+00:00"));
}

/**
 * The page's WCAG 2.1 A/AA violations, one line each. Waits for the page's title first:
 * Next.js streams it with the metadata, which can land after the content (after a server
 * action refreshed the page, say), and axe would report a missing title.
 */
export async function violations(page: Page): Promise<string[]> {
  await expect(page).toHaveTitle(/\S/);
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
