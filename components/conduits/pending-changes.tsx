"use client";
// Conduit changes waiting for a second person: what each would allow that is not allowed
// now, who asked and why; approve or reject it (or withdraw one's own).
import Link from "next/link";
import { useState } from "react";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import type { PendingChangeView } from "@/lib/conduits/pending-changes";

export function PendingChanges(props: { changes: PendingChangeView[]; canDecide: boolean }) {
  // A decided change leaves the list when the page refreshes: its confirmation is kept here.
  const [decided, setDecided] = useState<string | null>(null);
  return (
    <>
      {decided && (
        <div className="notice notice-ok" role="status" style={{ marginBottom: 14 }}>
          <p>{decided}</p>
        </div>
      )}
      {props.changes.length === 0 ? (
        <p className="table-empty">No conduit change waits for approval.</p>
      ) : (
        <ul className="pending-changes">
          {props.changes.map((change) => (
            <PendingChange key={change.id} change={change} canDecide={props.canDecide} onDecided={setDecided} />
          ))}
        </ul>
      )}
    </>
  );
}

function PendingChange(props: { change: PendingChangeView; canDecide: boolean; onDecided: (text: string) => void }) {
  const { change } = props;
  const { busy, outcome, run } = useAction();
  const [note, setNote] = useState("");
  const act = async (request: { url: string; method: string; body?: unknown }, text: string) => {
    if (await run(request, () => text)) props.onDecided(text);
  };
  const decide = (decision: "approve" | "reject") =>
    act({ url: `/api/conduit-changes/${change.id}`, method: "POST", body: { decision, note } }, decision === "approve" ? `Approved ${change.slug}; in force within one inventory refresh.` : `Rejected the change to ${change.slug}.`);
  return (
    <li className="pending-change" aria-label={`${change.action === "create" ? "New conduit" : "Change to"} ${change.slug}`}>
      <div className="pending-change-head">
        <strong>{change.action === "create" ? "New conduit " : "Widen "}</strong>
        {change.href ? <Link href={change.href}>{change.slug}</Link> : <span className="mono">{change.slug}</span>}
        <span className="field-hint">
          {" "}
          proposed by {change.proposedBy}, {change.proposedAt}
        </span>
      </div>
      <p>{change.reason}</p>
      <table className="data compact">
        <caption className="visually-hidden">Fields of {change.slug}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">{change.action === "create" ? "" : "Now"}</th>
            <th scope="col">Proposed</th>
          </tr>
        </thead>
        <tbody>
          {change.changes.map((c) => (
            <tr key={c.label} className={c.widens ? "widens" : undefined}>
              <th scope="row">
                {c.label}
                {c.widens && <span className="badge badge-warn">allows more</span>}
              </th>
              <td>{c.before}</td>
              <td>{c.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* Success is confirmed above the list, which outlives this item. */}
      <ActionOutcome outcome={outcome?.tone === "error" ? outcome : null} />
      {props.canDecide && (
        <div className="button-row">
          {change.own ? (
            <>
              <span className="field-hint">You proposed this; another person approves it.</span>
              <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => act({ url: `/api/conduit-changes/${change.id}`, method: "DELETE" }, `Withdrew the change to ${change.slug}.`)}>
                Withdraw
              </button>
            </>
          ) : (
            <>
              <label className="visually-hidden" htmlFor={`note-${change.id}`}>
                Note on your decision
              </label>
              <input id={`note-${change.id}`} placeholder="Note (optional)" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
              <button type="button" className="btn" disabled={busy} onClick={() => decide("approve")}>
                Approve
              </button>
              <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => decide("reject")}>
                Reject
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}
