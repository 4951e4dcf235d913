"use client";
// AI destinations and whether the proxy holds a provider key for each. The administrator
// sets or clears a key here; the key goes to the server once and never comes back, only
// its hint (the last four characters) does.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Dialog, DialogActions } from "@/components/dialog";
import { sendJson, type SendResult } from "@/components/send-json";

export interface DestinationRow {
  slug: string;
  name: string;
  provider: string;
  baseUrl: string;
  region: string;
  zone: string;
  providerKey: { set: boolean; hint: string | null };
}

type Pending = { action: "set" | "clear"; destination: DestinationRow } | null;

export function DestinationKeys(props: { destinations: DestinationRow[]; canManage: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  async function run(action: () => Promise<SendResult>, success: string) {
    setBusy(true);
    const result = await action();
    setBusy(false);
    setPending(null);
    setMessage(result.ok ? { tone: "ok", text: success } : { tone: "error", text: result.message });
    if (result.ok) router.refresh();
  }

  async function onSet(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!pending) return;
    const apiKey = String(new FormData(event.currentTarget).get("apiKey") ?? "");
    const { slug, name } = pending.destination;
    await run(() => sendJson(`/api/destinations/${encodeURIComponent(slug)}/provider-key`, "PUT", { apiKey }), `Provider key of ${name} saved.`);
  }

  return (
    <div className="card-body">
      {message && (
        <div className={`notice notice-${message.tone}`} role={message.tone === "error" ? "alert" : "status"} style={{ marginBottom: 14 }}>
          <p>{message.text}</p>
        </div>
      )}
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">AI destinations</caption>
          <thead>
            <tr>
              <th scope="col">Destination</th>
              <th scope="col">Provider API</th>
              <th scope="col">Base URL</th>
              <th scope="col">Region</th>
              <th scope="col">Provider key</th>
              {props.canManage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {props.destinations.map((d) => (
              <tr key={d.slug} data-testid={`destination-${d.slug}`}>
                <td>
                  {d.name}
                  <span className="sub">{d.slug}</span>
                </td>
                <td>{d.provider}</td>
                <td className="mono">{d.baseUrl}</td>
                <td>
                  {d.region || "—"}
                  <span className="sub">{d.zone}</span>
                </td>
                <td>
                  {d.providerKey.set ? (
                    <span className="badge badge-ok">Set ({d.providerKey.hint ?? "no hint"})</span>
                  ) : (
                    <span className="badge badge-warn">Not set</span>
                  )}
                </td>
                {props.canManage && (
                  <td>
                    <div className="row-actions">
                      <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => setPending({ action: "set", destination: d })}>
                        {d.providerKey.set ? "Replace key…" : "Set key…"}
                      </button>
                      {d.providerKey.set && (
                        <button type="button" className="btn btn-danger btn-sm" disabled={busy} onClick={() => setPending({ action: "clear", destination: d })}>
                          Clear…
                        </button>
                      )}
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Dialog
        open={pending !== null}
        title={pending?.action === "clear" ? `Clear the provider key of ${pending.destination.name}?` : `Provider key for ${pending?.destination.name ?? ""}`}
        onClose={() => setPending(null)}
      >
        {pending?.action === "set" && (
          <form onSubmit={onSet}>
            <div className="field">
              <label htmlFor="provider-api-key">API key</label>
              <input id="provider-api-key" name="apiKey" type="password" required minLength={8} maxLength={4096} autoComplete="off" spellCheck={false} />
              <span className="field-hint">Stored encrypted and used only by the proxy. Nobody can read it back here; the list shows its last four characters.</span>
            </div>
            <DialogActions confirm="Save key" submit busy={busy} onCancel={() => setPending(null)} />
          </form>
        )}
        {pending?.action === "clear" && (
          <>
            <p>The proxy no longer holds a key for {pending.destination.name}; calls that need one fail until a new key is set.</p>
            <DialogActions
              confirm="Clear key"
              danger
              busy={busy}
              onCancel={() => setPending(null)}
              onConfirm={() => run(() => sendJson(`/api/destinations/${encodeURIComponent(pending.destination.slug)}/provider-key`, "DELETE"), `Provider key of ${pending.destination.name} cleared.`)}
            />
          </>
        )}
      </Dialog>
    </div>
  );
}
