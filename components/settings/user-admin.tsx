"use client";
// Administrators add users, change roles, disable accounts and reset passwords. New
// passwords are shown once here and never again; the server keeps only a hash. A role
// change, a reset and disabling each end the person's sessions, so each is confirmed.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Dialog, DialogActions } from "@/components/dialog";
import { sendJson, type SendResult } from "@/components/send-json";
import type { Role } from "@/lib/db";

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  lastSignIn: string;
}

export function UserAdmin(props: { users: UserRow[]; roleLabels: Record<Role, string>; currentUserId: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** A change waiting for the administrator's confirmation. */
  const [pending, setPending] = useState<{ title: string; consequence: string; confirm: string; danger: boolean; apply: () => Promise<void> } | null>(null);

  async function run(action: () => Promise<SendResult>, success: (data: Record<string, unknown>) => string) {
    setBusy(true);
    const result = await action();
    setBusy(false);
    setMessage(result.ok ? { tone: "ok", text: success(result.data) } : { tone: "error", text: result.message });
    if (result.ok) router.refresh();
  }

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    await run(
      () => sendJson("/api/users", "POST", { name: form.get("name"), email: form.get("email"), role: form.get("role") }),
      (data) => {
        target.reset();
        const user = data.user as { email: string };
        return `Account created for ${user.email}. One-time password: ${String(data.password)} (shown once; pass it on securely).`;
      },
    );
  }

  return (
    <div className="card-body">
      {message && (
        <div className={`notice notice-${message.tone}`} role={message.tone === "error" ? "alert" : "status"} style={{ marginBottom: 14 }}>
          <p data-testid="user-admin-message">{message.text}</p>
        </div>
      )}
      <form onSubmit={onCreate} aria-label="Add a user" className="form-row" style={{ marginBottom: 18 }}>
        <div className="field">
          <label htmlFor="new-user-name">Name</label>
          <input id="new-user-name" name="name" type="text" required maxLength={120} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="new-user-email">E-mail</label>
          <input id="new-user-email" name="email" type="email" required maxLength={254} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="new-user-role">Role</label>
          <select id="new-user-role" name="role" defaultValue="AUDITOR">
            {(Object.keys(props.roleLabels) as Role[]).map((r) => (
              <option key={r} value={r}>
                {props.roleLabels[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <button className="btn" type="submit" disabled={busy}>
            Add user
          </button>
        </div>
      </form>
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.name}
                  <span className="sub">{u.email}</span>
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                    Role of {u.name}
                  </label>
                  <select
                    id={`role-${u.id}`}
                    value={u.role}
                    disabled={busy}
                    onChange={(e) => {
                      const role = e.target.value as Role;
                      setPending({
                        title: `Make ${u.name} ${props.roleLabels[role]}?`,
                        consequence: `${u.name} gets the permissions of ${props.roleLabels[role]} instead of ${props.roleLabels[u.role]} and is signed out everywhere.`,
                        confirm: "Change role",
                        danger: false,
                        apply: () => run(() => sendJson(`/api/users/${u.id}`, "PATCH", { role }), () => `Role of ${u.name} changed.`),
                      });
                    }}
                  >
                    {(Object.keys(props.roleLabels) as Role[]).map((r) => (
                      <option key={r} value={r}>
                        {props.roleLabels[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.disabled ? <span className="badge badge-neutral">Disabled</span> : <span className="badge badge-ok">Active</span>}</td>
                <td>{u.lastSignIn}</td>
                <td>
                  <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
                  <button
                    type="button"
                    className="btn btn-secondary btn-sm"
                    disabled={busy}
                    onClick={() =>
                      setPending({
                        title: `Reset the password of ${u.name}?`,
                        consequence: `Their current password stops working at once and they are signed out everywhere. The new one-time password is shown here once, for you to pass on securely.`,
                        confirm: "Reset password",
                        danger: true,
                        apply: () =>
                          run(
                            () => sendJson(`/api/users/${u.id}/password`, "POST"),
                            (data) => `New one-time password for ${u.email}: ${String(data.password)} (shown once).`,
                          ),
                      })
                    }
                  >
                    Reset password
                  </button>
                  {u.id !== props.currentUserId && (
                    <button
                      type="button"
                      className={u.disabled ? "btn btn-secondary btn-sm" : "btn btn-danger btn-sm"}
                      disabled={busy}
                      onClick={() => {
                        const apply = () => run(() => sendJson(`/api/users/${u.id}`, "PATCH", { disabled: !u.disabled }), () => `${u.name} ${u.disabled ? "enabled" : "disabled"}.`);
                        if (u.disabled) return void apply();
                        setPending({ title: `Disable ${u.name}?`, consequence: `${u.name} is signed out everywhere and cannot sign in until the account is enabled again.`, confirm: "Disable", danger: true, apply });
                      }}
                    >
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                  )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Dialog open={pending !== null} title={pending?.title ?? ""} onClose={() => setPending(null)}>
        {pending && (
          <>
            <p>{pending.consequence}</p>
            <DialogActions
              confirm={pending.confirm}
              danger={pending.danger}
              busy={busy}
              onCancel={() => setPending(null)}
              onConfirm={async () => {
                await pending.apply();
                setPending(null);
              }}
            />
          </>
        )}
      </Dialog>
    </div>
  );
}
