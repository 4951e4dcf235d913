"use client";
// One form for what a conduit allows: editing its limits, renewing its validity, and
// proposing a new conduit (pre-filled from a refused flow). The server decides whether
// the change applies at once or waits for a second person, and says so; its field
// errors are shown beside the fields they name.
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import type { ConduitPolicy } from "@/lib/conduits/conduit-policy";

export type ConduitFormMode =
  | { kind: "edit"; slug: string; expectedUpdatedAt: string }
  | { kind: "renew"; slug: string; expectedUpdatedAt: string }
  | { kind: "propose"; slug: string; sourceZone: string; destination: string; slTarget: number; flowKey: string | null; zones: { slug: string; name: string }[]; destinations: { slug: string; name: string }[] };

const dataClasses = ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"] as const;
const overLimitActions = { BLOCK: "Block the call", REDACT: "Redact what is above the limit", FLAG: "Send it and flag it for review" } as const;

const listText = (items: string[]) => items.join(", ");
const listOf = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
/** Dates are entered as days (UTC); an unchanged day keeps the original instant, so editing never moves it by hours. */
const dayOf = (iso: string | null) => (iso ? iso.slice(0, 10) : "");
const instantOf = (day: string, original: string | null) => (day === "" ? null : original && dayOf(original) === day ? original : `${day}T00:00:00.000Z`);

export function ConduitForm(props: { mode: ConduitFormMode; policy: ConduitPolicy; onDone?: () => void; actions: (busy: boolean) => ReactNode }) {
  const id = useId();
  const { mode, policy } = props;
  const { busy, outcome, fieldErrors, run } = useAction();
  const [saved, setSaved] = useState(false);
  const validityOnly = mode.kind === "renew";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    const next: ConduitPolicy = validityOnly
      ? { ...policy, validUntil: instantOf(text("validUntil"), policy.validUntil), reviewDueAt: instantOf(text("reviewDueAt"), policy.reviewDueAt) }
      : {
          name: text("name"),
          justification: text("justification"),
          allowedPurposes: listOf(text("allowedPurposes")),
          allowedModels: listOf(text("allowedModels")),
          allowedEndpoints: listOf(text("allowedEndpoints")),
          maxDataClass: text("maxDataClass") as ConduitPolicy["maxDataClass"],
          overLimitAction: text("overLimitAction") as ConduitPolicy["overLimitAction"],
          failMode: text("failMode") as ConduitPolicy["failMode"],
          validFrom: instantOf(text("validFrom"), policy.validFrom) ?? policy.validFrom,
          validUntil: instantOf(text("validUntil"), policy.validUntil),
          reviewDueAt: instantOf(text("reviewDueAt"), policy.reviewDueAt),
        };
    const reason = text("reason");
    const data =
      mode.kind === "propose"
        ? await run(
            { url: "/api/conduits", method: "POST", body: { slug: text("slug"), sourceZone: text("sourceZone"), destination: text("destination"), slTarget: Number(text("slTarget")), policy: next, reason, flowKey: mode.flowKey } },
            () => "Proposed. The conduit comes into force when another person approves it.",
          )
        : await run({ url: `/api/conduits/${mode.slug}`, method: "PATCH", body: { policy: next, reason, expectedUpdatedAt: mode.expectedUpdatedAt } }, (d) =>
            d.applied ? "Saved; the proxies apply it within one inventory refresh." : `This allows more (${(d.widened as string[]).join(", ")}), so it waits for another person's approval.`,
          );
    if (data) setSaved(true);
  }

  const error = (path: string) => {
    const message = fieldErrors[path] ?? fieldErrors[`policy.${path}`];
    return message ? (
      <p className="field-error" id={`${id}-${path}-error`}>
        {message}
      </p>
    ) : null;
  };
  const field = (options: { name: string; label: string; hint?: string; input: ReactNode }) => (
    <div className="field">
      <label htmlFor={`${id}-${options.name}`}>{options.label}</label>
      {options.input}
      {options.hint && <p className="field-hint">{options.hint}</p>}
      {error(options.name)}
    </div>
  );
  const invalid = (name: string) => (fieldErrors[name] ?? fieldErrors[`policy.${name}`] ? { "aria-invalid": true, "aria-describedby": `${id}-${name}-error` } : {});

  if (saved && outcome?.tone === "ok") {
    return (
      <div>
        <ActionOutcome outcome={outcome} fieldErrors={fieldErrors} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={props.onDone}>
            Close
          </button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="conduit-form" noValidate>
      <ActionOutcome outcome={outcome} fieldErrors={fieldErrors} />
      {mode.kind === "propose" && (
        <>
          {field({ name: "slug", label: "Conduit id", hint: "Lowercase letters, digits and . _ -; it appears in the ledger.", input: <input id={`${id}-slug`} name="slug" defaultValue={mode.slug} required maxLength={100} {...invalid("slug")} /> })}
          {field({
            name: "sourceZone",
            label: "From zone",
            input: (
              <select id={`${id}-sourceZone`} name="sourceZone" defaultValue={mode.sourceZone} {...invalid("sourceZone")}>
                {mode.zones.map((z) => (
                  <option key={z.slug} value={z.slug}>
                    {z.name}
                  </option>
                ))}
              </select>
            ),
          })}
          {field({
            name: "destination",
            label: "To AI destination",
            input: (
              <select id={`${id}-destination`} name="destination" defaultValue={mode.destination} {...invalid("destination")}>
                {mode.destinations.map((d) => (
                  <option key={d.slug} value={d.slug}>
                    {d.name}
                  </option>
                ))}
              </select>
            ),
          })}
          {field({ name: "slTarget", label: "Target security level (SL-T)", input: <input id={`${id}-slTarget`} name="slTarget" type="number" min={1} max={4} defaultValue={mode.slTarget} {...invalid("slTarget")} /> })}
        </>
      )}
      {!validityOnly && (
        <>
          {field({ name: "name", label: "Name", input: <input id={`${id}-name`} name="name" defaultValue={policy.name} required maxLength={200} {...invalid("name")} /> })}
          {field({ name: "justification", label: "Justification", input: <textarea id={`${id}-justification`} name="justification" defaultValue={policy.justification} maxLength={2000} rows={2} {...invalid("justification")} /> })}
          {field({ name: "allowedPurposes", label: "Purposes", hint: "Comma-separated; empty allows any.", input: <input id={`${id}-allowedPurposes`} name="allowedPurposes" defaultValue={listText(policy.allowedPurposes)} {...invalid("allowedPurposes")} /> })}
          {field({ name: "allowedModels", label: "Models", hint: "Comma-separated, * matches any run of characters; empty allows any.", input: <input id={`${id}-allowedModels`} name="allowedModels" defaultValue={listText(policy.allowedModels)} {...invalid("allowedModels")} /> })}
          {field({ name: "allowedEndpoints", label: "Endpoints", hint: "Comma-separated (chat.completions, messages, embeddings…); empty allows any.", input: <input id={`${id}-allowedEndpoints`} name="allowedEndpoints" defaultValue={listText(policy.allowedEndpoints)} {...invalid("allowedEndpoints")} /> })}
          <div className="form-row">
            {field({
              name: "maxDataClass",
              label: "Maximum data class",
              input: (
                <select id={`${id}-maxDataClass`} name="maxDataClass" defaultValue={policy.maxDataClass}>
                  {dataClasses.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              ),
            })}
            {field({
              name: "overLimitAction",
              label: "Beyond the limit",
              input: (
                <select id={`${id}-overLimitAction`} name="overLimitAction" defaultValue={policy.overLimitAction}>
                  {Object.entries(overLimitActions).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              ),
            })}
          </div>
          {field({
            name: "failMode",
            label: "If a call cannot be recorded",
            input: (
              <select id={`${id}-failMode`} name="failMode" defaultValue={policy.failMode}>
                <option value="CLOSED">Refuse it (fail closed)</option>
                <option value="OPEN">Let it through (fail open)</option>
              </select>
            ),
          })}
          {field({ name: "validFrom", label: "Valid from (UTC)", input: <input id={`${id}-validFrom`} name="validFrom" type="date" defaultValue={dayOf(policy.validFrom)} required {...invalid("validFrom")} /> })}
        </>
      )}
      <div className="form-row">
        {field({ name: "validUntil", label: "Valid until (UTC)", hint: "Empty: no end date.", input: <input id={`${id}-validUntil`} name="validUntil" type="date" defaultValue={dayOf(policy.validUntil)} {...invalid("validUntil")} /> })}
        {field({ name: "reviewDueAt", label: "Next review", input: <input id={`${id}-reviewDueAt`} name="reviewDueAt" type="date" defaultValue={dayOf(policy.reviewDueAt)} {...invalid("reviewDueAt")} /> })}
      </div>
      {field({ name: "reason", label: "Why", hint: "Recorded in the ledger with the change.", input: <input id={`${id}-reason`} name="reason" required minLength={3} maxLength={500} {...invalid("reason")} /> })}
      {props.actions(busy)}
    </form>
  );
}
