// Who may do what. Every route and page checks a permission here on the server;
// the UI only hides what the server would refuse anyway. The auditor reads
// everything and changes nothing (IEC 62443-3-3 SR 6.1: read-only audit access). The
// operator only vouches for themself at plant applications and sees no evidence
// (SR 1.1 / SR 2.1: least privilege; an account at a shared HMI must not open the ledger).
import type { Role } from "@/lib/db";

export const roles = ["ADMIN", "COMPLIANCE_OFFICER", "CISO", "AUDITOR", "OPERATOR"] as const satisfies readonly Role[];

export const roleLabels: Record<Role, string> = {
  ADMIN: "Administrator",
  COMPLIANCE_OFFICER: "Compliance officer",
  CISO: "CISO",
  AUDITOR: "Auditor (read-only)",
  OPERATOR: "Operator",
};

// The roles that work with the plant's evidence; every read permission is theirs alone.
const staff = ["ADMIN", "COMPLIANCE_OFFICER", "CISO", "AUDITOR"] as const satisfies readonly Role[];

export const permissions = {
  // Conduit inventory: zones, conduits, devices, destinations, device credentials.
  "inventory:read": staff,
  "inventory:write": ["ADMIN", "COMPLIANCE_OFFICER"],
  "records:read": staff,
  // Running a verification changes no evidence (it only records that it ran), and
  // checking the ledger is exactly an auditor's job.
  "ledger:verify": staff,
  "suppliers:read": staff,
  "suppliers:write": ["ADMIN", "COMPLIANCE_OFFICER"],
  "incidents:read": staff,
  "incidents:write": ["ADMIN", "CISO", "COMPLIANCE_OFFICER"],
  "evidence:read": staff,
  // A pack is read from the ledger and changes none of it (its generation is itself
  // recorded), so the auditor makes the packs they take home.
  "evidence:create": staff,
  // A short-lived operator assertion for oneself, sent with AI calls from plant
  // applications (proxy/operator.ts). Auditors do not operate plant applications.
  "operator:assert": ["ADMIN", "COMPLIANCE_OFFICER", "CISO", "OPERATOR"],
  "users:read": staff,
  "users:write": ["ADMIN"],
  // How this installation is set up (database, data folder, sign-in limits).
  "settings:read": staff,
  "settings:write": ["ADMIN"],
  // Provider API keys: secrets of the whole installation, so the administrator's alone.
  "providerKeys:write": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

/** Permissions that change nothing recorded as evidence, so read-only roles hold them too. */
export const readOnlyPermissions: readonly Permission[] = ["ledger:verify", "evidence:create"];

/** Read-only roles hold no permission that changes anything. */
export function isReadOnly(role: Role): boolean {
  return !(Object.keys(permissions) as Permission[]).some((p) => !p.endsWith(":read") && !readOnlyPermissions.includes(p) && can(role, p));
}
