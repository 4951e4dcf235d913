"use client";
// Candidates for linking, each with an optional note saying why it matters.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { send } from "@/components/incidents/send";

export interface PickerCandidate {
  id: string;
  label: string;
  detail: string;
  at: { local: string; utc: string } | null;
  linked: boolean;
}

export function EvidencePicker(props: { incidentId: string; kind: string; candidates: PickerCandidate[]; caption: string }) {
  const router = useRouter();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  async function link(candidate: PickerCandidate) {
    setBusy(candidate.id);
    const result = await send(`/api/incidents/${props.incidentId}/evidence`, "POST", { kind: props.kind, targetId: candidate.id, note: notes[candidate.id] ?? "" });
    setBusy(null);
    setMessage(result.ok ? { tone: "ok", text: `Linked: ${candidate.label}` } : { tone: "error", text: result.message });
    if (result.ok) router.refresh();
  }

  return (
    <>
      {message && (
        <div className={`notice notice-${message.tone}`} role={message.tone === "error" ? "alert" : "status"} style={{ margin: "12px 18px" }}>
          <p>{message.text}</p>
        </div>
      )}
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">When</th>
              <th scope="col">Note (optional)</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.candidates.map((c) => (
              <tr key={c.id}>
                <td style={{ overflowWrap: "anywhere" }}>
                  {c.label}
                  <span className="sub">{c.detail}</span>
                </td>
                <td className="nowrap">
                  {c.at ? (
                    <>
                      {c.at.local}
                      <span className="sub">{c.at.utc}</span>
                    </>
                  ) : (
                    <span aria-label="none">—</span>
                  )}
                </td>
                <td>
                  {!c.linked && (
                    <>
                      <label className="visually-hidden" htmlFor={`note-${c.id}`}>
                        Note for {c.label}
                      </label>
                      <input id={`note-${c.id}`} type="text" maxLength={2000} value={notes[c.id] ?? ""} onChange={(e) => setNotes((n) => ({ ...n, [c.id]: e.target.value }))} />
                    </>
                  )}
                </td>
                <td>
                  {c.linked ? (
                    <span className="badge badge-ok">Linked</span>
                  ) : (
                    <button type="button" className="btn btn-sm" disabled={busy !== null} aria-label={`Link ${c.label}`} onClick={() => link(c)}>
                      Link
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.candidates.length === 0 && <p className="table-empty">Nothing matches this filter.</p>}
      </div>
    </>
  );
}
