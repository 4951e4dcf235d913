"use client";
// The terms under which data passes along a link of the chain: adding a sub-processor,
// recording our own contract with a supplier, or changing a link's terms.
import { useId, type FormEvent } from "react";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import styles from "@/components/suppliers/suppliers.module.css";
import type { TrainingOnCustomerData } from "@/lib/db";
import { trainingLabels } from "@/lib/suppliers/labels";

export interface LinkTerms {
  dataShared: string;
  contractRef: string;
  breachNotificationHours: number | null;
  trainingOnCustomerData: TrainingOnCustomerData | null;
  retention: string;
  dataLocation: string;
}

type Mode =
  | { kind: "sub-processor"; fromId: string; candidates: { id: string; name: string }[] }
  | { kind: "contract"; toId: string }
  | { kind: "edit"; linkId: string; terms: LinkTerms };

const titles = { "sub-processor": "Add a sub-processor", contract: "Record our contract", edit: "Change the terms" } as const;

export function LinkForm(props: { mode: Mode; label: string }) {
  const id = useId();
  const { busy, outcome, run } = useAction();
  const { mode } = props;
  const terms = mode.kind === "edit" ? mode.terms : null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    const hours = text("breachNotificationHours");
    const body = {
      dataShared: text("dataShared"),
      contractRef: text("contractRef"),
      breachNotificationHours: hours === "" ? null : Number(hours),
      trainingOnCustomerData: text("trainingOnCustomerData") || null,
      retention: text("retention"),
      dataLocation: text("dataLocation"),
    };
    if (mode.kind === "edit") await run({ url: `/api/supplier-links/${mode.linkId}`, method: "PATCH", body }, () => "Terms saved.");
    else if (mode.kind === "contract") await run({ url: "/api/supplier-links", method: "POST", body: { ...body, fromId: null, toId: mode.toId } }, () => "Contract recorded.");
    else await run({ url: "/api/supplier-links", method: "POST", body: { ...body, fromId: mode.fromId, toId: text("toId") } }, () => "Sub-processor added.");
  }

  return (
    <form onSubmit={onSubmit} aria-label={props.label}>
      <ActionOutcome outcome={outcome} />
      <div className={styles.formGrid}>
        {mode.kind === "sub-processor" && (
          <div className="field">
            <label htmlFor={`${id}-to`}>Sub-processor</label>
            <select id={`${id}-to`} name="toId" required defaultValue="">
              <option value="" disabled>
                Choose a supplier
              </option>
              {mode.candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-data`}>Data passed</label>
          <input id={`${id}-data`} name="dataShared" type="text" maxLength={1000} defaultValue={terms?.dataShared} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-contract`}>Contract reference</label>
          <input id={`${id}-contract`} name="contractRef" type="text" maxLength={200} defaultValue={terms?.contractRef} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-breach`}>Breach notification (hours)</label>
          <input id={`${id}-breach`} name="breachNotificationHours" type="number" min={0} max={8760} className={styles.input} defaultValue={terms?.breachNotificationHours ?? ""} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-training`}>Training on customer data</label>
          <select id={`${id}-training`} name="trainingOnCustomerData" defaultValue={terms?.trainingOnCustomerData ?? ""}>
            <option value="">Not stated</option>
            {(Object.keys(trainingLabels) as TrainingOnCustomerData[]).map((t) => (
              <option key={t} value={t}>
                {trainingLabels[t]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-retention`}>Retention</label>
          <input id={`${id}-retention`} name="retention" type="text" maxLength={500} defaultValue={terms?.retention} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-location`}>Data location</label>
          <input id={`${id}-location`} name="dataLocation" type="text" maxLength={500} defaultValue={terms?.dataLocation} />
        </div>
      </div>
      <button className="btn btn-sm" type="submit" disabled={busy}>
        {titles[mode.kind]}
      </button>
    </form>
  );
}

export function RemoveLinkButton(props: { linkId: string; label: string }) {
  const { busy, outcome, run } = useAction();
  return (
    <>
      <button type="button" className="btn btn-danger btn-sm" disabled={busy} onClick={() => run({ url: `/api/supplier-links/${props.linkId}`, method: "DELETE" }, () => "Link removed.")}>
        {props.label}
      </button>
      <ActionOutcome outcome={outcome} />
    </>
  );
}
