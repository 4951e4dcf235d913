import { describe, expect, it } from "vitest";
import { can, isReadOnly, permissions, readOnlyPermissions, roleLabels, roles, type Permission } from "@/lib/auth/roles";
import { homePath, sections, sectionsFor } from "@/lib/auth/sections";

const all = Object.keys(permissions) as Permission[];
const staff = roles.filter((r) => r !== "OPERATOR");

describe("roles", () => {
  it("lets the auditor read everything and change nothing", () => {
    for (const p of all) expect(can("AUDITOR", p)).toBe(p.endsWith(":read") || readOnlyPermissions.includes(p));
    expect(isReadOnly("AUDITOR")).toBe(true);
  });

  it("gives every other role some write permission, and user management only to the administrator", () => {
    for (const role of roles.filter((r) => r !== "AUDITOR")) expect(isReadOnly(role)).toBe(false);
    expect(roles.filter((r) => can(r, "users:write"))).toEqual(["ADMIN"]);
    expect(roles.filter((r) => can(r, "settings:write"))).toEqual(["ADMIN"]);
    expect(roles.filter((r) => can(r, "providerKeys:write"))).toEqual(["ADMIN"]);
    expect(roles.filter((r) => can(r, "inventory:write"))).toEqual(["ADMIN", "COMPLIANCE_OFFICER"]);
  });

  it("lets every role but the operator read every section", () => {
    for (const role of staff) for (const p of all) if (p.endsWith(":read")) expect(can(role, p), `${role} ${p}`).toBe(true);
  });

  it("gives the operator an assertion for themself and nothing else: no evidence, no people, no settings", () => {
    expect(all.filter((p) => can("OPERATOR", p))).toEqual(["operator:assert"]);
    for (const p of ["records:read", "evidence:read", "users:read", "inventory:read", "incidents:read", "suppliers:read", "settings:read", "ledger:verify"] as const) {
      expect(can("OPERATOR", p), p).toBe(false);
    }
    expect(roleLabels.OPERATOR).toBe("Operator");
  });

  it("lets everyone who operates plant applications assert, but not the auditor", () => {
    expect(roles.filter((r) => can(r, "operator:assert"))).toEqual(["ADMIN", "COMPLIANCE_OFFICER", "CISO", "OPERATOR"]);
  });
});

describe("sections", () => {
  it("offers each role only sections it may open, and starts it on one of them", () => {
    for (const role of roles) {
      for (const s of sectionsFor(role)) if (s.permission) expect(can(role, s.permission), `${role} ${s.href}`).toBe(true);
      expect(sectionsFor(role).map((s) => s.href)).toContain(homePath(role));
    }
    expect(sectionsFor("OPERATOR").map((s) => s.href)).toEqual(["/operator", "/settings"]);
  });

  it("starts the CISO on incidents", () => {
    expect(homePath("CISO")).toBe("/incidents");
  });

  it("starts the auditor on records", () => {
    expect(homePath("AUDITOR")).toBe("/records");
  });

  it("starts the compliance officer and the administrator on the conduit inventory", () => {
    expect(homePath("COMPLIANCE_OFFICER")).toBe("/conduits");
    expect(homePath("ADMIN")).toBe("/conduits");
  });

  it("starts the operator on their operator assertion", () => {
    expect(homePath("OPERATOR")).toBe("/operator");
  });

  it("shows the auditor every section but the operator assertion", () => {
    expect(sections.filter((s) => !sectionsFor("AUDITOR").includes(s)).map((s) => s.href)).toEqual(["/operator"]);
  });
});
