"use client";
// A device's tokens. Those who may manage credentials issue, rotate and revoke them here;
// a new token is shown once, in this component's state only, and is gone on reload:
// the server keeps nothing but its hash.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Dialog, DialogActions } from "@/components/dialog";
import { SecretLine } from "@/components/secret-line";
import { sendJson, type SendResult } from "@/components/send-json";
import { openAiSnippet } from "@/lib/devices/sdk-setup";

export interface CredentialRow {
  id: string;
  label: string;
  tokenPrefix: string;
  state: "active" | "expired" | "revoked";
  issued: string;
  expires: string;
  lastUsed: string;
  lastUsedFrom: string | null;
  sharedFrom: string[] | null;
}

const stateBadge = {
  active: { label: "Active", tone: "ok" },
  expired: { label: "Expired", tone: "warn" },
  revoked: { label: "Revoked", tone: "neutral" },
} as const;

const expiryChoices = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "730", label: "2 years" },
  { value: "", label: "No expiry" },
];

type Pending = { action: "rotate" | "revoke"; credential: CredentialRow } | null;
interface Issued {
  token: string;
  prefix: string;
}

function OneTimeToken(props: { issued: Issued; deviceName: string; openAiDestinations: { name: string; baseUrl: string }[]; onDone: () => void }) {
  return (
    <section className="one-time" aria-labelledby="one-time-title">
      <h3 id="one-time-title">
        New token for {props.deviceName} <span className="mono">({props.issued.prefix}…)</span>
      </h3>
      <div className="notice notice-warn" role="note">
        <p>
          <strong>Shown once.</strong> Copy the token into the application&apos;s configuration now. Conduit Ledger keeps only a hash of it and cannot
          show it again; if it is lost, rotate it.
        </p>
      </div>
      <SecretLine value={props.issued.token} noun="token" testId="new-token" ariaLabel="New device token" />
      {props.openAiDestinations.map((d) => {
        const snippet = openAiSnippet({ baseUrl: d.baseUrl, token: props.issued.token });
        return (
          <div key={d.baseUrl} className="snippet">
            <h4>OpenAI SDK for {d.name}</h4>
            <p className="field-hint">Environment of the application (the official OpenAI SDKs read both variables):</p>
            <pre data-testid="sdk-environment">{snippet.environment}</pre>
            <p className="field-hint">Or in Python, with the token from that environment:</p>
            <pre>{snippet.python}</pre>
          </div>
        );
      })}
      <button type="button" className="btn btn-secondary btn-sm one-time-done" onClick={props.onDone}>
        I have stored the token
      </button>
    </section>
  );
}

export function DeviceCredentials(props: {
  device: { slug: string; name: string };
  credentials: CredentialRow[];
  canManage: boolean;
  openAiDestinations: { name: string; baseUrl: string }[];
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  async function run(action: () => Promise<SendResult>, onSuccess: (data: Record<string, unknown>) => void) {
    setBusy(true);
    setError(null);
    setNotice(null);
    const result = await action();
    setBusy(false);
    setPending(null);
    if (!result.ok) return setError(result.message);
    onSuccess(result.data);
    router.refresh();
  }

  const showToken = (data: Record<string, unknown>) => {
    const credential = data.credential as { tokenPrefix: string };
    setIssued({ token: String(data.token), prefix: credential.tokenPrefix });
  };

  async function onIssue(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = event.currentTarget;
    const form = new FormData(target);
    const days = String(form.get("expiresInDays") ?? "");
    await run(
      () => sendJson(`/api/devices/${encodeURIComponent(props.device.slug)}/credentials`, "POST", { label: form.get("label"), expiresInDays: days === "" ? null : Number(days) }),
      (data) => {
        target.reset();
        showToken(data);
      },
    );
  }

  async function onConfirm() {
    if (!pending) return;
    const { action, credential } = pending;
    if (action === "rotate") return run(() => sendJson(`/api/device-credentials/${credential.id}/rotate`, "POST", {}), showToken);
    await run(
      () => sendJson(`/api/device-credentials/${credential.id}/revoke`, "POST"),
      () => setNotice(`Token ${credential.tokenPrefix}… revoked.`),
    );
  }

  return (
    <div className="card-body">
      {error && (
        <div className="notice notice-error" role="alert" style={{ marginBottom: 14 }}>
          <p>{error}</p>
        </div>
      )}
      {notice && (
        <div className="notice notice-ok" role="status" style={{ marginBottom: 14 }}>
          <p>{notice}</p>
        </div>
      )}
      {issued && <OneTimeToken issued={issued} deviceName={props.device.name} openAiDestinations={props.openAiDestinations} onDone={() => setIssued(null)} />}
      {props.canManage && (
        <form onSubmit={onIssue} aria-label="Issue a token" className="form-row" style={{ marginBottom: 18 }}>
          <div className="field">
            <label htmlFor="credential-label">Label</label>
            <input id="credential-label" name="label" type="text" required maxLength={120} placeholder="e.g. historian node, 2026" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="credential-expiry">Expires after</label>
            <select id="credential-expiry" name="expiresInDays" defaultValue="365">
              {expiryChoices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <button className="btn" type="submit" disabled={busy}>
              Issue token
            </button>
          </div>
        </form>
      )}
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Credentials of {props.device.name}</caption>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">State</th>
              <th scope="col">Issued</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              {props.canManage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {props.credentials.map((c) => (
              <tr key={c.id} data-testid={`credential-${c.tokenPrefix}`}>
                <td>
                  <span className="mono">{c.tokenPrefix}…</span>
                  <span className="sub">{c.label}</span>
                </td>
                <td>
                  <span className={`badge badge-${stateBadge[c.state].tone}`}>{stateBadge[c.state].label}</span>{" "}
                  {c.sharedFrom && (
                    <>
                      <span className="badge badge-danger">Shared</span>
                      <span className="sub">seen from {c.sharedFrom.length > 0 ? c.sharedFrom.join(", ") : "several places"}</span>
                    </>
                  )}
                </td>
                <td>{c.issued}</td>
                <td>{c.expires}</td>
                <td>
                  {c.lastUsed}
                  {c.lastUsedFrom && <span className="sub">from {c.lastUsedFrom}</span>}
                </td>
                {props.canManage && (
                  <td>
                    {c.state !== "revoked" && (
                      <div className="row-actions">
                        <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => setPending({ action: "rotate", credential: c })}>
                          Rotate…
                        </button>
                        <button type="button" className="btn btn-danger btn-sm" disabled={busy} onClick={() => setPending({ action: "revoke", credential: c })}>
                          Revoke…
                        </button>
                      </div>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {props.credentials.length === 0 && <p className="table-empty">No tokens yet: the proxy refuses this device until it has one.</p>}
      </div>
      <Dialog open={pending !== null} title={pending?.action === "rotate" ? "Rotate this token?" : "Revoke this token?"} onClose={() => setPending(null)}>
        {pending && (
          <>
            <p>
              {pending.action === "rotate"
                ? `A new token with the label "${pending.credential.label}" and the same lifetime replaces ${pending.credential.tokenPrefix}…, which is revoked at once. ${props.device.name} fails until it has the new token.`
                : `Calls with ${pending.credential.tokenPrefix}… are refused from the proxy's next inventory refresh, within seconds. This cannot be undone.`}
            </p>
            <DialogActions confirm={pending.action === "rotate" ? "Rotate token" : "Revoke token"} danger={pending.action !== "rotate"} busy={busy} onCancel={() => setPending(null)} onConfirm={onConfirm} />
          </>
        )}
      </Dialog>
    </div>
  );
}
