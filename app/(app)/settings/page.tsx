import type { Metadata } from "next";
import { Card } from "@/components/card";
import { DataTable, type Row } from "@/components/data-table";
import { PageHeader } from "@/components/page-header";
import { UserAdmin } from "@/components/settings/user-admin";
import { requirePageUser } from "@/lib/auth/session";
import { can, permissions, roleLabels, type Permission } from "@/lib/auth/roles";
import { loadConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { listUsers } from "@/lib/users/manage-users";

export const metadata: Metadata = { title: "Settings" };

const permissionLabels: Record<Permission, string> = {
  "inventory:read": "View zones, conduits and devices",
  "inventory:write": "Change zones, conduits, devices and credentials",
  "records:read": "View audit records",
  "ledger:verify": "Run ledger verification",
  "suppliers:read": "View suppliers and assessments",
  "suppliers:write": "Change suppliers and assessments",
  "incidents:read": "View incidents and reports",
  "incidents:write": "Manage incidents and submit reports",
  "evidence:read": "View evidence packs (once they are built)",
  "evidence:create": "Generate evidence packs",
  "operator:assert": "Vouch for oneself as operator of AI calls",
  "users:read": "View user accounts",
  "users:write": "Manage user accounts",
  "settings:read": "View how this installation is set up",
  "settings:write": "Change system settings",
  "providerKeys:write": "Set and clear AI provider keys",
};

export default async function SettingsPage() {
  const user = await requirePageUser();
  const config = loadConfig();
  // Everyone sees their own account; other people and the installation only with their permissions.
  const users = can(user.role, "users:read") ? await listUsers({ db: db() }) : null;
  const lastSignIn = (d: Date | null) => (d ? formatDateTime({ date: d, timeZone: "UTC" }) : "Never");
  const allowed = (Object.keys(permissions) as Permission[]).filter((p) => can(user.role, p));

  return (
    <>
      <PageHeader
        eyebrow="Administration"
        title="Settings"
        description={users ? "Your account, the people who use Conduit Ledger, and how this installation is set up." : "Your account and what your role may do."}
      />
      <Card id="account" title="Your account">
        <div className="card-body">
          <dl className="facts">
            <dt>Name</dt>
            <dd>{user.name}</dd>
            <dt>E-mail</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd data-testid="account-role">{roleLabels[user.role]}</dd>
            <dt>You may</dt>
            <dd>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {allowed.map((p) => (
                  <li key={p}>{permissionLabels[p]}</li>
                ))}
              </ul>
            </dd>
          </dl>
        </div>
      </Card>
      {users && (
        <Card id="users" title="Users" description="Each person has their own account and exactly one role.">
          {can(user.role, "users:write") ? (
            <UserAdmin
              currentUserId={user.id}
              roleLabels={roleLabels}
              users={users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabledAt !== null, lastSignIn: lastSignIn(u.lastSignInAt) }))}
            />
          ) : (
            <DataTable
              caption="Users"
              columns={[
                { key: "name", header: "User" },
                { key: "role", header: "Role" },
                { key: "status", header: "Status" },
                { key: "lastSignIn", header: "Last sign-in" },
              ]}
              rows={users.map(
                (u): Row => ({
                  id: u.id,
                  name: { text: u.name, sub: u.email },
                  role: roleLabels[u.role],
                  status: u.disabledAt ? { label: "Disabled", tone: "neutral" } : { label: "Active", tone: "ok" },
                  lastSignIn: lastSignIn(u.lastSignInAt),
                }),
              )}
            />
          )}
        </Card>
      )}
      {can(user.role, "settings:read") && (
        <Card id="system" title="Installation" description="Read from the configuration at start-up (see README, Configuration).">
          <div className="card-body">
            <dl className="facts">
              <dt>Database</dt>
              <dd>{config.database.provider === "sqlite" ? "SQLite (embedded)" : "PostgreSQL"}</dd>
              <dt>Data folder</dt>
              <dd className="mono">{config.dataDir}</dd>
              <dt>Session lifetime</dt>
              <dd>{Math.round(config.sessionMaxAgeSeconds / 3600)} h</dd>
              <dt>Sign-in limit</dt>
              <dd>
                {config.signInLimits.maxFailuresPerAccount} failures per account, {config.signInLimits.maxFailuresPerAddress} per address, in {Math.round(config.signInLimits.windowSeconds / 60)} min
              </dd>
            </dl>
          </div>
        </Card>
      )}
    </>
  );
}
