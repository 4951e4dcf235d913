"use client";
// Opening an incident or changing its facts. Instants are entered in the reporting
// time zone (the affected plant's) and sent as UTC; the server checks them against the
// deadline engine's rules and answers with every problem at once.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { LocalDateTimeField } from "@/components/incidents/local-date-time";
import { send } from "@/components/incidents/send";
import { reportingTimeZone } from "@/lib/incidents/member-states";
import { severities } from "@/lib/incidents/report-content";

export interface IncidentFormValues {
  title: string;
  description: string;
  plantIds: string[];
  severity: string;
  suspectedMalicious: boolean;
  crossBorderImpact: boolean;
  occurredAt: string | null;
  detectedAt: string | null;
  awareAt: string | null;
  containedAt: string | null;
  handlingEndedAt: string | null;
  closedAt: string | null;
  entityCategory: "ESSENTIAL" | "IMPORTANT";
  trustServiceProvider: boolean;
  memberState: string;
  competentAuthority: string;
  csirt: string;
}

interface PlantOption {
  id: string;
  name: string;
  memberState: string;
  timeZone: string;
  entityCategory: "ESSENTIAL" | "IMPORTANT";
}

const severityLabels: Record<string, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High", CRITICAL: "Critical" };

export function IncidentForm(props: {
  incidentId?: string;
  initial: IncidentFormValues;
  plants: PlantOption[];
  memberStates: { code: string; name: string }[];
  rules: { memberState: string; competentAuthority: string; csirt: string }[];
}) {
  const router = useRouter();
  const [values, setValues] = useState(props.initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const editing = props.incidentId !== undefined;
  const chosen = props.plants.filter((p) => values.plantIds.includes(p.id));
  const timeZone = reportingTimeZone({ memberState: values.memberState, plants: chosen.length > 0 ? chosen : props.plants });
  const set = <K extends keyof IncidentFormValues>(key: K, value: IncidentFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const error = (key: string) => problem?.fields[key];

  /** The Member State's authority and CSIRT fill in unless someone typed their own. */
  function chooseMemberState(memberState: string) {
    setValues((v) => {
      const previous = props.rules.find((r) => r.memberState === v.memberState);
      const next = props.rules.find((r) => r.memberState === memberState);
      const keep = (current: string, old: string | undefined) => current !== "" && current !== old;
      return {
        ...v,
        memberState,
        competentAuthority: keep(v.competentAuthority, previous?.competentAuthority) ? v.competentAuthority : (next?.competentAuthority ?? ""),
        csirt: keep(v.csirt, previous?.csirt) ? v.csirt : (next?.csirt ?? ""),
      };
    });
  }

  function togglePlant(plant: PlantOption, on: boolean) {
    const plantIds = on ? [...values.plantIds, plant.id] : values.plantIds.filter((id) => id !== plant.id);
    set("plantIds", plantIds);
    // The first plant chosen on a new incident suggests the Member State and entity category.
    if (!editing && on && values.plantIds.length === 0) {
      chooseMemberState(plant.memberState);
      set("entityCategory", plant.entityCategory);
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const result = await send(editing ? `/api/incidents/${props.incidentId}` : "/api/incidents", editing ? "PUT" : "POST", values);
    setBusy(false);
    if (result.ok) {
      router.push(`/incidents/${String(result.data.id)}`);
      router.refresh();
      return;
    }
    setProblem({ message: result.message, fields: Object.fromEntries(result.issues.map((i) => [i.path.split(".")[0] ?? "", i.message])) });
  }

  return (
    <form onSubmit={onSubmit} aria-label={editing ? "Change the incident" : "Open an incident"} noValidate>
      <div className="card-body">
        {problem && (
          <div className="notice notice-error" role="alert" style={{ marginBottom: 16 }}>
            <p data-testid="form-error">{problem.message}</p>
          </div>
        )}
        <fieldset className="group">
          <legend>What happened</legend>
          <div className="field">
            <label htmlFor="incident-title">Title</label>
            <input id="incident-title" type="text" value={values.title} maxLength={200} required aria-invalid={error("title") ? true : undefined} onChange={(e) => set("title", e.target.value)} />
            {error("title") && <span className="field-error">{error("title")}</span>}
          </div>
          <div className="field">
            <label htmlFor="incident-description">Description (optional)</label>
            <textarea id="incident-description" value={values.description} maxLength={20_000} onChange={(e) => set("description", e.target.value)} />
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor="incident-severity">Severity</label>
              <select id="incident-severity" value={values.severity} onChange={(e) => set("severity", e.target.value)}>
                {severities.map((s) => (
                  <option key={s} value={s}>
                    {severityLabels[s]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="choice">
                <input type="checkbox" checked={values.suspectedMalicious} onChange={(e) => set("suspectedMalicious", e.target.checked)} />
                Unlawful or malicious action suspected
              </label>
              <label className="choice">
                <input type="checkbox" checked={values.crossBorderImpact} onChange={(e) => set("crossBorderImpact", e.target.checked)} />
                Possible cross-border impact
              </label>
            </div>
          </div>
          <fieldset className="group" aria-describedby={error("plantIds") ? "incident-plants-error" : undefined}>
            <legend style={{ fontSize: 13, fontWeight: 500 }}>Plants affected</legend>
            <div className="choices">
              {props.plants.map((p) => (
                <label key={p.id} className="choice">
                  <input type="checkbox" checked={values.plantIds.includes(p.id)} onChange={(e) => togglePlant(p, e.target.checked)} />
                  {p.name} ({p.memberState})
                </label>
              ))}
            </div>
            {error("plantIds") && (
              <span className="field-error" id="incident-plants-error">
                {error("plantIds")}
              </span>
            )}
          </fieldset>
        </fieldset>

        <fieldset className="group">
          <legend>When (times in {timeZone}, UTC shown beside)</legend>
          <div className="form-row" style={{ alignItems: "start" }}>
            <LocalDateTimeField id="incident-occurred" label="Occurred" value={values.occurredAt} timeZone={timeZone} onChange={(v) => set("occurredAt", v)} error={error("occurredAt")} hint="When the incident began, if known." />
            <LocalDateTimeField id="incident-detected" label="Detected" required value={values.detectedAt} timeZone={timeZone} onChange={(v) => set("detectedAt", v)} error={error("detectedAt")} hint="When it was first noticed." />
            <LocalDateTimeField
              id="incident-aware"
              label="Became aware"
              required
              value={values.awareAt}
              timeZone={timeZone}
              onChange={(v) => set("awareAt", v)}
              error={error("awareAt")}
              hint="When the initial assessment concluded it is significant: the reporting clock starts here."
            />
          </div>
        </fieldset>

        <fieldset className="group">
          <legend>Handling</legend>
          <div className="form-row" style={{ alignItems: "start" }}>
            <LocalDateTimeField id="incident-contained" label="Contained" value={values.containedAt} timeZone={timeZone} onChange={(v) => set("containedAt", v)} error={error("containedAt")} />
            <LocalDateTimeField id="incident-ended" label="Handling ended" value={values.handlingEndedAt} timeZone={timeZone} onChange={(v) => set("handlingEndedAt", v)} error={error("handlingEndedAt")} />
            <LocalDateTimeField id="incident-closed" label="Closed" value={values.closedAt} timeZone={timeZone} onChange={(v) => set("closedAt", v)} error={error("closedAt")} hint="After the final report, once nothing is left to do." />
          </div>
        </fieldset>

        <fieldset className="group">
          <legend>Reporting entity</legend>
          <div className="form-row" style={{ alignItems: "start" }}>
            <div className="field">
              <label htmlFor="incident-member-state">Member State whose law applies</label>
              <select id="incident-member-state" value={values.memberState} onChange={(e) => chooseMemberState(e.target.value)} aria-invalid={error("memberState") ? true : undefined}>
                {props.memberStates.map((m) => (
                  <option key={m.code} value={m.code}>
                    {m.name} ({m.code})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="incident-category">Entity category</label>
              <select id="incident-category" value={values.entityCategory} onChange={(e) => set("entityCategory", e.target.value as IncidentFormValues["entityCategory"])}>
                <option value="ESSENTIAL">Essential entity</option>
                <option value="IMPORTANT">Important entity</option>
              </select>
            </div>
            <div className="field">
              <label className="choice" style={{ marginTop: 28 }}>
                <input type="checkbox" checked={values.trustServiceProvider} onChange={(e) => set("trustServiceProvider", e.target.checked)} aria-describedby="incident-tsp-hint" />
                Trust service provider
              </label>
              <span className="field-hint" id="incident-tsp-hint">
                The notification is then due 24 h after awareness, not 72 h.
              </span>
            </div>
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor="incident-authority">Competent authority (optional)</label>
              <input id="incident-authority" type="text" value={values.competentAuthority} maxLength={200} onChange={(e) => set("competentAuthority", e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="incident-csirt">CSIRT (optional)</label>
              <input id="incident-csirt" type="text" value={values.csirt} maxLength={200} onChange={(e) => set("csirt", e.target.value)} />
            </div>
          </div>
        </fieldset>

        <div className="form-actions">
          <button className="btn" type="submit" disabled={busy}>
            {editing ? "Save changes" : "Open incident"}
          </button>
          <span className="field-hint">Recorded in the audit ledger with your name.</span>
        </div>
      </div>
    </form>
  );
}
