import { describe, expect, it } from "vitest";
import { can, isReadOnly, permissions, readOnlyPermissions, roles, type Permission } from "@/lib/auth/roles";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

describe("roles", () => {
  it("lets the auditor read everything and change nothing", () => {
    const all = Object.keys(permissions) as Permission[];
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

  it("lets every role read every section", () => {
    for (const role of roles) for (const p of Object.keys(permissions) as Permission[]) if (p.endsWith(":read")) expect(can(role, p)).toBe(true);
  });
});

describe("safeCallbackUrl", () => {
  it("keeps same-site paths and drops anything that could leave the site", () => {
    expect(safeCallbackUrl("/incidents?x=1")).toBe("/incidents?x=1");
    expect(safeCallbackUrl(["/records"])).toBe("/records");
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", undefined]) {
      expect(safeCallbackUrl(bad)).toBe("/conduits");
    }
  });
});
