"use client";
// The significance checklist: an answer and its reasoning per criterion, then the
// conclusion the entity draws. The server works out the findings (significance.ts)
// and keeps them with the answers.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { LocalDateTimeField } from "@/components/incidents/local-date-time";
import { send } from "@/components/incidents/send";

interface Answer {
  applies: boolean;
  reasoning: string;
}

export interface SignificanceFormValues {
  plannedMaintenance: Answer;
  financialLoss: { directLossEur: string; annualTurnoverEur: string; reasoning: string };
  tradeSecretsExfiltrated: Answer;
  deathCaused: Answer;
  considerableHealthDamage: Answer;
  maliciousUnauthorisedAccess: Answer;
  rootCause: string;
  earlierIncidents: { reference: string; occurredAt: string | null; rootCause: string; directLossEur: string }[];
  significant: boolean;
  reasoning: string;
}

type AnswerKey = "plannedMaintenance" | "tradeSecretsExfiltrated" | "deathCaused" | "considerableHealthDamage" | "maliciousUnauthorisedAccess";

const questions: { key: AnswerKey; question: string }[] = [
  { key: "plannedMaintenance", question: "Is this planned maintenance (then it is not an incident)?" },
  { key: "tradeSecretsExfiltrated", question: "Were trade secrets exfiltrated, or could they be?" },
  { key: "deathCaused", question: "Did it cause, or could it cause, the death of a person?" },
  { key: "considerableHealthDamage", question: "Did it cause, or could it cause, considerable damage to a person's health?" },
  { key: "maliciousUnauthorisedAccess", question: "Was there successful, suspected malicious and unauthorised access able to cause severe operational disruption?" },
];

function YesNo(props: { name: string; legend: string; value: boolean; onChange: (value: boolean) => void }) {
  return (
    <fieldset className="group" style={{ marginBottom: 8 }}>
      <legend style={{ fontSize: 13, fontWeight: 500 }}>{props.legend}</legend>
      <div className="choices">
        {[true, false].map((answer) => (
          <label key={String(answer)} className="choice">
            <input type="radio" name={props.name} checked={props.value === answer} onChange={() => props.onChange(answer)} />
            {answer ? "Yes" : "No"}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function SignificanceForm(props: { incidentId: string; timeZone: string; initial: SignificanceFormValues }) {
  const router = useRouter();
  const [values, setValues] = useState(props.initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const error = (path: string) => problem?.fields[path];
  const setAnswer = (key: AnswerKey, change: Partial<Answer>) => setValues((v) => ({ ...v, [key]: { ...v[key], ...change } }));
  const amount = (text: string) => (text.trim() === "" ? null : Number(text));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const body = {
      ...values,
      financialLoss: { directLossEur: amount(values.financialLoss.directLossEur) ?? 0, annualTurnoverEur: amount(values.financialLoss.annualTurnoverEur), reasoning: values.financialLoss.reasoning },
      rootCause: values.rootCause.trim() === "" ? null : values.rootCause,
      earlierIncidents: values.earlierIncidents.map((e) => ({ ...e, directLossEur: amount(e.directLossEur) ?? 0 })),
    };
    const result = await send(`/api/incidents/${props.incidentId}/significance`, "POST", body);
    setBusy(false);
    if (result.ok) {
      router.push(`/incidents/${props.incidentId}#significance`);
      router.refresh();
      return;
    }
    setProblem({ message: result.message, fields: Object.fromEntries(result.issues.map((i) => [i.path, i.message])) });
  }

  const reasoningField = (id: string, path: string, value: string, onChange: (text: string) => void) => (
    <div className="field">
      <label htmlFor={id}>Reasoning</label>
      <textarea id={id} value={value} maxLength={5000} aria-invalid={error(path) ? true : undefined} aria-describedby={error(path) ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)} />
      {error(path) && (
        <span className="field-error" id={`${id}-error`}>
          {error(path)}
        </span>
      )}
    </div>
  );

  return (
    <form onSubmit={onSubmit} aria-label="Significance assessment" noValidate>
      <div className="card-body">
        {problem && (
          <div className="notice notice-error" role="alert" style={{ marginBottom: 16 }}>
            <p data-testid="form-error">{problem.message}</p>
          </div>
        )}
        {questions.map(({ key, question }) => (
          <fieldset key={key} className="group">
            <legend>{question}</legend>
            <div className="criterion">
              <YesNo name={`sig-${key}`} legend="Answer" value={values[key].applies} onChange={(applies) => setAnswer(key, { applies })} />
              {reasoningField(`sig-${key}-reasoning`, `${key}.reasoning`, values[key].reasoning, (reasoning) => setAnswer(key, { reasoning }))}
            </div>
          </fieldset>
        ))}
        <fieldset className="group">
          <legend>Direct financial loss (threshold: the lower of EUR 500,000 and 5 % of annual turnover)</legend>
          <div className="form-row">
            <div className="field">
              <label htmlFor="sig-loss">Direct loss caused or likely, EUR</label>
              <input id="sig-loss" type="number" min={0} step="any" value={values.financialLoss.directLossEur} onChange={(e) => setValues((v) => ({ ...v, financialLoss: { ...v.financialLoss, directLossEur: e.target.value } }))} />
            </div>
            <div className="field">
              <label htmlFor="sig-turnover">Annual turnover of the preceding year, EUR (optional)</label>
              <input id="sig-turnover" type="number" min={0} step="any" value={values.financialLoss.annualTurnoverEur} onChange={(e) => setValues((v) => ({ ...v, financialLoss: { ...v.financialLoss, annualTurnoverEur: e.target.value } }))} />
            </div>
          </div>
          {reasoningField("sig-loss-reasoning", "financialLoss.reasoning", values.financialLoss.reasoning, (reasoning) => setValues((v) => ({ ...v, financialLoss: { ...v.financialLoss, reasoning } })))}
        </fieldset>
        <fieldset className="group">
          <legend>Recurrence: earlier incidents with the same root cause in the six months before</legend>
          <div className="field">
            <label htmlFor="sig-root-cause">Apparent root cause of this incident (optional)</label>
            <input id="sig-root-cause" type="text" value={values.rootCause} maxLength={500} onChange={(e) => setValues((v) => ({ ...v, rootCause: e.target.value }))} />
          </div>
          {values.earlierIncidents.map((earlier, i) => (
            <div key={i} className="form-row" style={{ alignItems: "start" }} role="group" aria-label={`Earlier incident ${i + 1}`}>
              <div className="field">
                <label htmlFor={`sig-earlier-${i}-ref`}>Reference</label>
                <input id={`sig-earlier-${i}-ref`} type="text" value={earlier.reference} onChange={(e) => setValues((v) => ({ ...v, earlierIncidents: v.earlierIncidents.map((x, j) => (j === i ? { ...x, reference: e.target.value } : x)) }))} />
              </div>
              <LocalDateTimeField id={`sig-earlier-${i}-at`} label="Occurred" required value={earlier.occurredAt} timeZone={props.timeZone} onChange={(occurredAt) => setValues((v) => ({ ...v, earlierIncidents: v.earlierIncidents.map((x, j) => (j === i ? { ...x, occurredAt } : x)) }))} />
              <div className="field">
                <label htmlFor={`sig-earlier-${i}-cause`}>Root cause</label>
                <input id={`sig-earlier-${i}-cause`} type="text" value={earlier.rootCause} onChange={(e) => setValues((v) => ({ ...v, earlierIncidents: v.earlierIncidents.map((x, j) => (j === i ? { ...x, rootCause: e.target.value } : x)) }))} />
              </div>
              <div className="field">
                <label htmlFor={`sig-earlier-${i}-loss`}>Direct loss, EUR</label>
                <input id={`sig-earlier-${i}-loss`} type="number" min={0} step="any" value={earlier.directLossEur} onChange={(e) => setValues((v) => ({ ...v, earlierIncidents: v.earlierIncidents.map((x, j) => (j === i ? { ...x, directLossEur: e.target.value } : x)) }))} />
              </div>
              <div className="field">
                <button type="button" className="btn btn-danger btn-sm" style={{ marginTop: 26 }} onClick={() => setValues((v) => ({ ...v, earlierIncidents: v.earlierIncidents.filter((_, j) => j !== i) }))}>
                  Remove earlier incident {i + 1}
                </button>
              </div>
            </div>
          ))}
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setValues((v) => ({ ...v, earlierIncidents: [...v.earlierIncidents, { reference: "", occurredAt: null, rootCause: v.rootCause, directLossEur: "0" }] }))}>
            Add an earlier incident
          </button>
        </fieldset>
        <fieldset className="group">
          <legend>Conclusion under NIS2 Art. 23(3)</legend>
          <div className="criterion">
            <YesNo name="sig-conclusion" legend="Is the incident significant?" value={values.significant} onChange={(significant) => setValues((v) => ({ ...v, significant }))} />
            {reasoningField("sig-conclusion-reasoning", "reasoning", values.reasoning, (reasoning) => setValues((v) => ({ ...v, reasoning })))}
          </div>
        </fieldset>
        <div className="form-actions">
          <button className="btn" type="submit" disabled={busy}>
            Record the assessment
          </button>
          <span className="field-hint">Kept with earlier assessments; the latest decides whether reports are owed.</span>
        </div>
      </div>
    </form>
  );
}
