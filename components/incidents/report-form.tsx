"use client";
// One report stage's form: the fields the law asks for at that stage, then who it went
// to, how and when. Recording the submission freezes the content for good.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { LocalDateTimeField } from "@/components/incidents/local-date-time";
import { send } from "@/components/incidents/send";
import type { ReportStage } from "@/lib/db";
import { severities, stageSpecs, type ReportFields } from "@/lib/incidents/report-content";

const severityLabels: Record<string, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High", CRITICAL: "Critical" };

export function ReportForm(props: {
  incidentId: string;
  stage: ReportStage;
  timeZone: string;
  serverNow: string;
  defaults: ReportFields;
  recipients: string[];
}) {
  const router = useRouter();
  const spec = stageSpecs[props.stage];
  const [fields, setFields] = useState<ReportFields>(props.defaults);
  const [submittedAt, setSubmittedAt] = useState<string | null>(props.serverNow);
  const [channel, setChannel] = useState("");
  const [recipient, setRecipient] = useState(props.recipients[0] ?? "");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const error = (path: string) => problem?.fields[path];
  // The engine names a submission by its place among the incident's reports.
  const timeError = Object.entries(problem?.fields ?? {}).find(([path]) => path === "submittedAt" || path.startsWith("submissions."))?.[1];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const result = await send(`/api/incidents/${props.incidentId}/reports`, "POST", { stage: props.stage, submittedAt, channel, recipient, fields });
    setBusy(false);
    if (result.ok) {
      router.push(`/incidents/${props.incidentId}#reports`);
      router.refresh();
      return;
    }
    setProblem({ message: result.message, fields: Object.fromEntries(result.issues.map((i) => [i.path, i.message])) });
  }

  return (
    <form onSubmit={onSubmit} aria-label={spec.title} noValidate>
      <div className="card-body">
        {problem && (
          <div className="notice notice-error" role="alert" style={{ marginBottom: 16 }}>
            <p data-testid="form-error">{problem.message}</p>
          </div>
        )}
        <fieldset className="group">
          <legend>Content ({spec.article})</legend>
          {spec.fields.map((field) => {
            const id = `report-${field.key}`;
            const fieldError = error(`fields.${field.key}`);
            const describedBy = [`${id}-hint`, fieldError && `${id}-error`].filter(Boolean).join(" ");
            if (field.kind === "yesno") {
              return (
                <fieldset key={field.key} className="group" aria-describedby={describedBy}>
                  <legend style={{ fontSize: 13, fontWeight: 500 }}>{field.label}</legend>
                  <div className="choices">
                    {[true, false].map((answer) => (
                      <label key={String(answer)} className="choice">
                        <input type="radio" name={id} checked={fields[field.key] === answer} onChange={() => setFields((f) => ({ ...f, [field.key]: answer }))} />
                        {answer ? "Yes" : "No"}
                      </label>
                    ))}
                  </div>
                  <span className="field-hint" id={`${id}-hint`}>
                    {field.hint}
                  </span>
                  {fieldError && (
                    <span className="field-error" id={`${id}-error`}>
                      {fieldError}
                    </span>
                  )}
                </fieldset>
              );
            }
            return (
              <div key={field.key} className="field">
                <label htmlFor={id}>
                  {field.label}
                  {field.required ? "" : " (optional)"}
                </label>
                {field.kind === "severity" ? (
                  <select id={id} value={String(fields[field.key] ?? "")} aria-describedby={describedBy} aria-invalid={fieldError ? true : undefined} onChange={(e) => setFields((f) => ({ ...f, [field.key]: e.target.value }))}>
                    {severities.map((s) => (
                      <option key={s} value={s}>
                        {severityLabels[s]}
                      </option>
                    ))}
                  </select>
                ) : (
                  <textarea
                    id={id}
                    value={String(fields[field.key] ?? "")}
                    maxLength={20_000}
                    aria-describedby={describedBy}
                    aria-invalid={fieldError ? true : undefined}
                    onChange={(e) => setFields((f) => ({ ...f, [field.key]: e.target.value }))}
                  />
                )}
                <span className="field-hint" id={`${id}-hint`}>
                  {field.hint}
                </span>
                {fieldError && (
                  <span className="field-error" id={`${id}-error`}>
                    {fieldError}
                  </span>
                )}
              </div>
            );
          })}
        </fieldset>
        <fieldset className="group">
          <legend>Submission</legend>
          <div className="form-row" style={{ alignItems: "start" }}>
            <LocalDateTimeField
              id="report-submitted-at"
              label="Sent at"
              required
              value={submittedAt}
              timeZone={props.timeZone}
              onChange={setSubmittedAt}
              error={timeError}
              hint="When the report actually went out; not in the future."
            />
            <div className="field">
              <label htmlFor="report-recipient">Sent to</label>
              <input id="report-recipient" type="text" list="report-recipients" value={recipient} maxLength={200} aria-invalid={error("recipient") ? true : undefined} onChange={(e) => setRecipient(e.target.value)} />
              <datalist id="report-recipients">
                {props.recipients.map((r) => (
                  <option key={r} value={r} />
                ))}
              </datalist>
              {error("recipient") && <span className="field-error">{error("recipient")}</span>}
            </div>
            <div className="field">
              <label htmlFor="report-channel">Channel</label>
              <input id="report-channel" type="text" list="report-channels" value={channel} maxLength={200} placeholder="e.g. reporting portal" aria-invalid={error("channel") ? true : undefined} onChange={(e) => setChannel(e.target.value)} />
              <datalist id="report-channels">
                {["National reporting portal", "E-mail", "Telephone, confirmed in writing", "Secure messenger"].map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
              {error("channel") && <span className="field-error">{error("channel")}</span>}
            </div>
          </div>
        </fieldset>
        <div className="notice notice-info" style={{ marginBottom: 14 }}>
          <p>Recording the submission freezes this content with its SHA-256 and writes a signed record to the audit ledger. It cannot be edited afterwards; a correction is a later report.</p>
        </div>
        <div className="form-actions">
          <button className="btn" type="submit" disabled={busy}>
            Record {spec.title.toLowerCase()} as submitted
          </button>
        </div>
      </div>
    </form>
  );
}
