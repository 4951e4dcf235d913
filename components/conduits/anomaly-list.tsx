"use client";
// Anomalies as OT security teams work them: what was raised and why (in words), how often,
// and their state; acknowledged with a note, or linked to the incident it belongs to.
import { useId, useState, type FormEvent } from "react";
import { Dialog, DialogActions } from "@/components/dialog";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import type { AnomalyView } from "@/lib/conduits/anomaly-views";

const categoryTone: Record<string, string> = { policy: "danger", anomaly: "warn", operational: "neutral", "shared credential": "danger" };

export function AnomalyList(props: { anomalies: AnomalyView[]; canAct: boolean; emptyText: string }) {
  const [open, setOpen] = useState<AnomalyView | null>(null);
  if (props.anomalies.length === 0) return <p className="table-empty">{props.emptyText}</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="data stack-on-phone">
          <caption className="visually-hidden">Anomalies</caption>
          <thead>
            <tr>
              <th scope="col">Anomaly</th>
              <th scope="col">Why it was raised</th>
              <th scope="col" className="num">
                Times
              </th>
              <th scope="col">First / last seen</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {props.anomalies.map((a) => (
              <tr key={a.id}>
                <td data-label="Anomaly">
                  <span className={`badge badge-${categoryTone[a.category] ?? "neutral"}`}>{a.category}</span> {a.kindLabel}
                  {a.subject && <div className="sub">{a.subject.href ? <a href={a.subject.href}>{a.subject.label}</a> : a.subject.label}</div>}
                </td>
                <td data-label="Why it was raised" className="anomaly-reason">{a.reason}</td>
                <td data-label="Times" className="num">{a.count.toLocaleString("en-GB")}</td>
                <td data-label="First / last seen">
                  {a.firstSeen}
                  <div className="sub">{a.lastSeen}</div>
                </td>
                <td data-label="State">
                  {a.acknowledged ? (
                    <span title={`${a.acknowledged.by}, ${a.acknowledged.at}`}>
                      <span className="badge badge-ok">Acknowledged</span>
                      {a.incident && (
                        <div className="sub">
                          <a href={a.incident.href}>{a.incident.reference}</a>
                        </div>
                      )}
                      {a.acknowledged.note && <div className="sub">{a.acknowledged.note}</div>}
                    </span>
                  ) : props.canAct ? (
                    <button type="button" className="btn btn-sm btn-secondary" onClick={() => setOpen(a)}>
                      Acknowledge
                    </button>
                  ) : (
                    <span className="badge badge-warn">Open</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Dialog open={open !== null} title={`Acknowledge: ${open?.kindLabel ?? ""}`} onClose={() => setOpen(null)}>
        {open && <AcknowledgeForm anomaly={open} onClose={() => setOpen(null)} />}
      </Dialog>
    </>
  );
}

function AcknowledgeForm(props: { anomaly: AnomalyView; onClose: () => void }) {
  const id = useId();
  const { busy, outcome, fieldErrors, run } = useAction();
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const incidentReference = String(form.get("incidentReference") ?? "").trim() || null;
    if (await run({ url: `/api/anomalies/${props.anomaly.id}`, method: "POST", body: { note: String(form.get("note") ?? ""), incidentReference } }, () => "Acknowledged.")) props.onClose();
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <p>{props.anomaly.reason}</p>
      <ActionOutcome outcome={outcome} fieldErrors={fieldErrors} />
      <div className="field">
        <label htmlFor={`${id}-note`}>Note</label>
        <input id={`${id}-note`} name="note" maxLength={500} aria-invalid={fieldErrors.note ? true : undefined} />
        {fieldErrors.note && <p className="field-error">{fieldErrors.note}</p>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-incident`}>Incident it belongs to (optional)</label>
        <input id={`${id}-incident`} name="incidentReference" placeholder="INC-2026-003" maxLength={100} aria-invalid={fieldErrors.incidentReference ? true : undefined} />
        {fieldErrors.incidentReference && <p className="field-error">{fieldErrors.incidentReference}</p>}
      </div>
      <DialogActions confirm="Acknowledge" busy={busy} onCancel={props.onClose} submit />
    </form>
  );
}
