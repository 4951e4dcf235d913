// Who may do what. Every route and page checks a permission here on the server;
// the UI only hides what the server would refuse anyway. The auditor reads
// everything and changes nothing (IEC 62443-3-3 SR 6.1: read-only audit access).
import type { Role } from "@/lib/db";

export const roles = ["ADMIN", "COMPLIANCE_OFFICER", "CISO", "AUDITOR"] as const satisfies readonly Role[];

export const roleLabels: Record<Role, string> = {
  ADMIN: "Administrator",
  COMPLIANCE_OFFICER: "Compliance officer",
  CISO: "CISO",
  AUDITOR: "Auditor (read-only)",
};

const everyone = roles;

export const permissions = {
  // Conduit inventory: zones, conduits, devices, destinations, device credentials.
  "inventory:read": everyone,
  "inventory:write": ["ADMIN", "COMPLIANCE_OFFICER"],
  "records:read": everyone,
  // Running a verification changes no evidence (it only records that it ran), and
  // checking the ledger is exactly an auditor's job.
  "ledger:verify": everyone,
  "suppliers:read": everyone,
  "suppliers:write": ["ADMIN", "COMPLIANCE_OFFICER"],
  "incidents:read": everyone,
  "incidents:write": ["ADMIN", "CISO", "COMPLIANCE_OFFICER"],
  "evidence:read": everyone,
  "evidence:create": ["ADMIN", "COMPLIANCE_OFFICER", "CISO"],
  // A short-lived operator assertion for oneself, sent with AI calls from plant
  // applications (proxy/operator.ts). Auditors do not operate plant applications.
  "operator:assert": ["ADMIN", "COMPLIANCE_OFFICER", "CISO"],
  "users:read": everyone,
  "users:write": ["ADMIN"],
  "settings:write": ["ADMIN"],
  // Provider API keys: secrets of the whole installation, so the administrator's alone.
  "providerKeys:write": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

/** Permissions that change nothing recorded as evidence, so read-only roles hold them too. */
export const readOnlyPermissions: readonly Permission[] = ["ledger:verify"];

/** Read-only roles hold no permission that changes anything. */
export function isReadOnly(role: Role): boolean {
  return !(Object.keys(permissions) as Permission[]).some((p) => !p.endsWith(":read") && !readOnlyPermissions.includes(p) && can(role, p));
}
