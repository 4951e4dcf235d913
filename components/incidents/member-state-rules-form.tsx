"use client";
// One Member State's reporting rules: where reports go, and whether day and month
// deadlines roll to the next working day under its law.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { send } from "@/components/incidents/send";

export function MemberStateRulesForm(props: { memberState: string; name: string; competentAuthority: string; csirt: string; nextWorkingDayRoll: boolean; holidays: string[] }) {
  const router = useRouter();
  const [competentAuthority, setAuthority] = useState(props.competentAuthority);
  const [csirt, setCsirt] = useState(props.csirt);
  const [roll, setRoll] = useState(props.nextWorkingDayRoll);
  const [holidays, setHolidays] = useState(props.holidays.join("\n"));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const id = (field: string) => `rules-${props.memberState}-${field}`;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const list = holidays.split(/[\s,]+/).filter((h) => h !== "");
    const result = await send(`/api/incidents/settings/${props.memberState}`, "PUT", { competentAuthority, csirt, nextWorkingDayRoll: roll, holidays: list });
    setBusy(false);
    setMessage(result.ok ? { tone: "ok", text: `Rules for ${props.name} saved.` } : { tone: "error", text: result.message });
    if (result.ok) router.refresh();
  }

  return (
    <form onSubmit={onSubmit} aria-label={`Reporting rules for ${props.name}`} noValidate>
      <div className="card-body">
        {message && (
          <div className={`notice notice-${message.tone}`} role={message.tone === "error" ? "alert" : "status"} style={{ marginBottom: 14 }}>
            <p>{message.text}</p>
          </div>
        )}
        <div className="form-row" style={{ alignItems: "start" }}>
          <div className="field">
            <label htmlFor={id("authority")}>Competent authority</label>
            <input id={id("authority")} type="text" value={competentAuthority} maxLength={200} onChange={(e) => setAuthority(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={id("csirt")}>CSIRT</label>
            <input id={id("csirt")} type="text" value={csirt} maxLength={200} onChange={(e) => setCsirt(e.target.value)} />
          </div>
        </div>
        <div className="field">
          <label className="choice">
            <input type="checkbox" checked={roll} onChange={(e) => setRoll(e.target.checked)} aria-describedby={id("roll-hint")} />
            Month deadlines falling on a weekend or public holiday move to the next working day
          </label>
          <span className="field-hint" id={id("roll-hint")}>
            Only where national law on time limits says so. The 24 h and 72 h deadlines never move.
          </span>
        </div>
        <div className="field">
          <label htmlFor={id("holidays")}>Public holidays (YYYY-MM-DD, one per line)</label>
          <textarea id={id("holidays")} value={holidays} onChange={(e) => setHolidays(e.target.value)} disabled={!roll} />
        </div>
        <button className="btn btn-secondary" type="submit" disabled={busy}>
          Save rules for {props.name}
        </button>
      </div>
    </form>
  );
}
