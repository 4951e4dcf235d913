"use client";
// Records what the CSIRT or the authority said: a reply, or a request for an
// intermediate report with the due date it set, which then joins the deadlines.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { LocalDateTimeField } from "@/components/incidents/local-date-time";
import { send } from "@/components/incidents/send";

export function AuthorityEventForm(props: { incidentId: string; timeZone: string; defaultSource: string; serverNow: string }) {
  const router = useRouter();
  const [kind, setKind] = useState<"CSIRT_REPLY" | "INTERMEDIATE_REPORT_REQUEST">("CSIRT_REPLY");
  const [at, setAt] = useState<string | null>(props.serverNow);
  const [dueAt, setDueAt] = useState<string | null>(null);
  const [source, setSource] = useState(props.defaultSource);
  const [summary, setSummary] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const result = await send(`/api/incidents/${props.incidentId}/events`, "POST", { kind, at, dueAt: kind === "INTERMEDIATE_REPORT_REQUEST" ? dueAt : null, source, summary });
    setBusy(false);
    if (!result.ok) {
      setMessage({ tone: "error", text: result.message });
      return;
    }
    setMessage({ tone: "ok", text: kind === "CSIRT_REPLY" ? "Reply recorded on the timeline." : "Request recorded: the intermediate report is now among the deadlines." });
    setSummary("");
    setDueAt(null);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} aria-label="Record a CSIRT reply or request" noValidate>
      <div className="card-body">
        {message && (
          <div className={`notice notice-${message.tone}`} role={message.tone === "error" ? "alert" : "status"} style={{ marginBottom: 14 }}>
            <p>{message.text}</p>
          </div>
        )}
        <div className="form-row" style={{ alignItems: "start" }}>
          <div className="field">
            <label htmlFor="event-kind">What came in</label>
            <select id="event-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
              <option value="CSIRT_REPLY">A reply from the CSIRT or authority</option>
              <option value="INTERMEDIATE_REPORT_REQUEST">A request for an intermediate report</option>
            </select>
          </div>
          <LocalDateTimeField id="event-at" label="Received" required value={at} timeZone={props.timeZone} onChange={setAt} />
          {kind === "INTERMEDIATE_REPORT_REQUEST" && (
            <LocalDateTimeField id="event-due" label="Report due by" required value={dueAt} timeZone={props.timeZone} onChange={setDueAt} hint="The date the request set." />
          )}
          <div className="field">
            <label htmlFor="event-source">From</label>
            <input id="event-source" type="text" value={source} maxLength={200} onChange={(e) => setSource(e.target.value)} />
          </div>
        </div>
        <div className="field">
          <label htmlFor="event-summary">What it said or asked</label>
          <textarea id="event-summary" value={summary} maxLength={5000} onChange={(e) => setSummary(e.target.value)} />
        </div>
        <button className="btn btn-secondary" type="submit" disabled={busy}>
          Record on the timeline
        </button>
      </div>
    </form>
  );
}
