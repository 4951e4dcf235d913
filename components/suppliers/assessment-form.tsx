"use client";
// The questionnaire of one assessment: the author answers each question (with a note
// and evidence links) and sees the progress per section; once submitted, another
// person approves it for a data class or returns it with a note.
import { useId, useState, type FormEvent } from "react";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import styles from "@/components/suppliers/suppliers.module.css";
import { answerChoiceLabels, answerChoices, type Answer, type Answers, type Question, type QuestionnaireTemplate } from "@/lib/suppliers/questionnaire";
import { dataClasses, scoreAnswers, type DataClassName } from "@/lib/suppliers/scoring";

function EvidenceLinks(props: { question: Question; answer: Answer | undefined; editable: boolean; onChange: (evidence: Answer["evidence"]) => void }) {
  const id = useId();
  const [adding, setAdding] = useState(false);
  const [label, setLabel] = useState("");
  const [url, setUrl] = useState("");
  const evidence = props.answer?.evidence ?? [];

  function add() {
    if (!url.trim()) return;
    props.onChange([...evidence, { label: label.trim(), url: url.trim() }]);
    setLabel("");
    setUrl("");
    setAdding(false);
  }

  return (
    <div>
      {evidence.length > 0 && (
        <ul className={styles.evidence} aria-label="Evidence links">
          {evidence.map((e, i) => (
            <li key={`${e.url}-${i}`}>
              <a href={e.url} target="_blank" rel="noreferrer noopener">
                {e.label || e.url}
              </a>
              {props.editable && (
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => props.onChange(evidence.filter((_, j) => j !== i))}>
                  Remove<span className="visually-hidden"> evidence link {e.label || e.url}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.editable && props.answer && !adding && (
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAdding(true)}>
          Add evidence link
        </button>
      )}
      {adding && (
        <div className="form-row">
          <div className="field">
            <label htmlFor={`${id}-label`}>Link text</label>
            <input id={`${id}-label`} type="text" maxLength={200} value={label} onChange={(e) => setLabel(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-url`}>URL</label>
            <input id={`${id}-url`} type="text" maxLength={2000} placeholder="https://… or /suppliers/…" value={url} onChange={(e) => setUrl(e.target.value)} />
          </div>
          <div className="field">
            <div className={styles.actions}>
              <button type="button" className="btn btn-sm" onClick={add}>
                Add link
              </button>
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAdding(false)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function QuestionField(props: { question: Question; answer: Answer | undefined; editable: boolean; onChange: (answer: Answer) => void }) {
  const { question, answer, editable } = props;
  const id = useId();
  const base: Answer = answer ?? { choice: "yes", note: "", evidence: [] };
  const choices = question.critical ? answerChoices.filter((c) => c !== "na") : answerChoices;
  return (
    <fieldset className={styles.question}>
      <legend>{question.text}</legend>
      <p className={styles.questionMeta}>
        {question.reference} · weight {question.weight}
        {question.critical && (
          <>
            {" · "}
            <span className="badge badge-warn">Critical: evidence needed</span>
          </>
        )}
        {!answer && <span className="visually-hidden"> · unanswered</span>}
      </p>
      <div className={styles.choices}>
        {choices.map((choice) => (
          <label key={choice}>
            <input type="radio" name={`${id}-choice`} value={choice} checked={answer?.choice === choice} disabled={!editable} onChange={() => props.onChange({ ...base, choice })} />
            {answerChoiceLabels[choice]}
          </label>
        ))}
      </div>
      {(editable || base.note) && (
        <div className="field">
          <label htmlFor={`${id}-note`}>Note</label>
          <textarea id={`${id}-note`} className={styles.textarea} maxLength={2000} value={answer?.note ?? ""} readOnly={!editable} disabled={editable && !answer} onChange={(e) => props.onChange({ ...base, note: e.target.value })} />
        </div>
      )}
      <EvidenceLinks question={question} answer={answer} editable={editable} onChange={(evidence) => props.onChange({ ...base, evidence })} />
    </fieldset>
  );
}

// A decision removes this section once the page refreshes, so its confirmation is
// announced by the form around it (onDecided); only a refusal is shown here.
function Decision(props: { assessmentId: string; suggested: DataClassName; onDecided: (text: string) => void }) {
  const id = useId();
  const { busy, outcome, run } = useAction();
  async function approve(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const approvedDataClass = String(new FormData(event.currentTarget).get("approvedDataClass"));
    const text = "Assessment approved; the sign-off is recorded in the ledger.";
    if (await run({ url: `/api/assessments/${props.assessmentId}/approve`, method: "POST", body: { approvedDataClass } }, () => text)) props.onDecided(text);
  }
  async function sendBack(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const note = String(new FormData(event.currentTarget).get("note") ?? "");
    const text = "Returned to the author.";
    if (await run({ url: `/api/assessments/${props.assessmentId}/return`, method: "POST", body: { note } }, () => text)) props.onDecided(text);
  }
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <div>
          <h2 id={`${id}-title`}>Your decision</h2>
          <p>You did not write this assessment, so you may approve it (four-eyes principle) or return it to its author.</p>
        </div>
      </div>
      <div className="card-body">
        <ActionOutcome outcome={outcome?.tone === "error" ? outcome : null} />
        <div className={styles.grid2}>
          <form onSubmit={approve} aria-label="Approve the assessment">
            <div className="field">
              <label htmlFor={`${id}-class`}>Approve this supplier for data up to</label>
              <select id={`${id}-class`} name="approvedDataClass" defaultValue={props.suggested}>
                {dataClasses.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
            <button className="btn" type="submit" disabled={busy}>
              Approve and sign off
            </button>
          </form>
          <form onSubmit={sendBack} aria-label="Return the assessment">
            <div className="field">
              <label htmlFor={`${id}-note`}>What should the author change?</label>
              <textarea id={`${id}-note`} name="note" required maxLength={2000} className={styles.textarea} />
            </div>
            <button className="btn btn-secondary" type="submit" disabled={busy}>
              Return to author
            </button>
          </form>
        </div>
      </div>
    </section>
  );
}

export function AssessmentForm(props: {
  assessmentId: string;
  template: QuestionnaireTemplate;
  answers: Answers;
  editable: boolean;
  canDecide: boolean;
  suggestedDataClass: DataClassName;
}) {
  const [answers, setAnswers] = useState<Answers>(props.answers);
  const [dirty, setDirty] = useState(false);
  const { busy, outcome, run } = useAction();
  const [decided, setDecided] = useState<string | null>(null);
  const progress = scoreAnswers({ template: props.template, answers });

  const change = (questionId: string, answer: Answer) => {
    setAnswers((current) => ({ ...current, [questionId]: answer }));
    setDirty(true);
  };
  const save = async () => {
    const saved = await run({ url: `/api/assessments/${props.assessmentId}`, method: "PATCH", body: { answers } }, (d) => `Saved: ${String(d.answered)} of ${String(d.total)} answered.`);
    if (saved) setDirty(false);
    return saved;
  };
  const submit = async () => {
    if (dirty && !(await save())) return;
    await run({ url: `/api/assessments/${props.assessmentId}/submit`, method: "POST" }, (d) => `Submitted for approval: score ${String(d.score)}, rating ${String(d.rating)}.`);
  };

  return (
    <>
      <ActionOutcome outcome={decided === null ? null : { tone: "ok", text: decided }} />
      {props.canDecide && <Decision assessmentId={props.assessmentId} suggested={props.suggestedDataClass} onDecided={setDecided} />}
      <section className="card" aria-labelledby="questionnaire-title">
        <div className={`card-header ${styles.sticky}`}>
          <div style={{ flex: 1 }}>
            <h2 id="questionnaire-title">
              {props.template.title} (version {props.template.version})
            </h2>
            <div className={styles.progress}>
              <label htmlFor="assessment-progress">Progress</label>
              <progress id="assessment-progress" max={progress.total} value={progress.answered} />
              <span data-testid="assessment-progress" aria-live="polite">
                {progress.answered} of {progress.total} answered
              </span>
            </div>
            <ul className={styles.sections} aria-label="Progress per section">
              {progress.sections.map((s) => (
                <li key={s.id}>
                  <a href={`#section-${s.id}`} className={`badge ${s.answered === s.total ? "badge-ok" : s.answered > 0 ? "badge-warn" : "badge-neutral"}`}>
                    {s.title} {s.answered}/{s.total}
                  </a>
                </li>
              ))}
            </ul>
            {/* In the sticky header, so the outcome shows wherever the author pressed the button. */}
            {outcome && (
              <div style={{ marginTop: 10 }}>
                <ActionOutcome outcome={outcome} />
              </div>
            )}
          </div>
          {props.editable && (
            <div className={styles.actions}>
              <button type="button" className="btn btn-secondary" disabled={busy || !dirty} onClick={save}>
                Save draft
              </button>
              <button type="button" className="btn" disabled={busy} onClick={submit}>
                Submit for approval
              </button>
            </div>
          )}
        </div>
        <div className="card-body">
          <p className="field-hint">{props.template.description}</p>
          {props.template.sections.map((section) => (
            <section key={section.id} id={`section-${section.id}`} aria-labelledby={`section-${section.id}-title`}>
              <h3 id={`section-${section.id}-title`} style={{ margin: "18px 0 10px", fontSize: 15 }}>
                {section.title}
              </h3>
              {section.questions.map((q) => (
                <QuestionField key={q.id} question={q} answer={answers[q.id]} editable={props.editable} onChange={(a) => change(q.id, a)} />
              ))}
            </section>
          ))}
        </div>
      </section>
    </>
  );
}
