// The app's main sections and the permission each needs to open, so that the
// navigation offers a person only what the server lets them open, and each role lands
// on the screen it works from (an operator has no conduit inventory to land on).
import { can, type Permission } from "@/lib/auth/roles";
import type { Role } from "@/lib/db";

export interface Section {
  href: string;
  label: string;
  icon: string;
  /** null: every signed-in person (their own account). */
  permission: Permission | null;
}

export const sections: readonly Section[] = [
  { href: "/conduits", label: "Conduits", icon: "conduits", permission: "inventory:read" },
  { href: "/devices", label: "Devices", icon: "devices", permission: "inventory:read" },
  { href: "/records", label: "Records", icon: "records", permission: "records:read" },
  { href: "/suppliers", label: "Suppliers", icon: "suppliers", permission: "suppliers:read" },
  { href: "/incidents", label: "Incidents", icon: "incidents", permission: "incidents:read" },
  { href: "/evidence", label: "Evidence", icon: "evidence", permission: "evidence:read" },
  { href: "/operator", label: "Operator assertion", icon: "operator", permission: "operator:assert" },
  { href: "/settings", label: "Settings", icon: "settings", permission: null },
];

export function sectionsFor(role: Role): Section[] {
  return sections.filter((s) => s.permission === null || can(role, s.permission));
}

// The CISO watches incidents and their deadlines, the auditor browses the records,
// the compliance officer and administrator keep the conduit inventory.
const startPages: Record<Role, string> = {
  ADMIN: "/conduits",
  COMPLIANCE_OFFICER: "/conduits",
  CISO: "/incidents",
  AUDITOR: "/records",
  OPERATOR: "/operator",
};

/** Where a role starts after sign-in, and where a page it may not open sends it. */
export function homePath(role: Role): string {
  const sections = sectionsFor(role);
  // Never a page the role may not open (that would redirect back here forever).
  return sections.some((s) => s.href === startPages[role]) ? startPages[role] : (sections[0]?.href ?? "/settings");
}
