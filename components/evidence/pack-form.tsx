"use client";
// "Generate a pack": the scope of an evidence pack (a period read in a chosen time zone,
// plants, conduits, optionally an incident) with a name and a purpose. The server checks
// it and queues the generation (202); a field it refuses (400) gets the message beside it
// and the focus, and a scope already being generated (409) says so at the top.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { periodPresets, presetPeriod, utcOfWallInput, type PeriodPreset } from "@/components/evidence/pack-format";
import { requestJson } from "@/components/evidence/send-pack";

export interface PlantChoice {
  slug: string;
  name: string;
  timeZone: string;
}

export interface ConduitChoice {
  slug: string;
  name: string;
  /** The plant of the conduit's source zone; null for a zone of no plant. */
  plant: string | null;
}

export interface IncidentChoice {
  reference: string;
  title: string;
}

export interface QueuedPack {
  id: string;
  status: string;
  recordsTotal: number;
}

type Field = "name" | "purpose" | "from" | "to" | "timeZone" | "plants" | "conduits" | "incident";
const fields: readonly Field[] = ["name", "purpose", "from", "to", "timeZone", "plants", "conduits", "incident"];

/** What the form offers and starts from, as the page reads it. */
export interface PackFormOptions {
  plants: PlantChoice[];
  conduits: ConduitChoice[];
  incidents: IncidentChoice[];
  /** The plant selector's plant: checked at first, and its zone is the period's. */
  selectedPlant: string | null;
  defaultTimeZone: string;
  defaultFrom: string;
  defaultTo: string;
}

export function PackForm(props: PackFormOptions & { onQueued: (pack: QueuedPack, name: string) => void }) {
  const base = useId();
  const id = (field: Field) => `${base}-${field}`;
  const [name, setName] = useState("");
  const [purpose, setPurpose] = useState("");
  const [from, setFrom] = useState(props.defaultFrom);
  const [to, setTo] = useState(props.defaultTo);
  const [timeZone, setTimeZone] = useState(props.defaultTimeZone);
  const [zoneChosen, setZoneChosen] = useState(false);
  const [plants, setPlants] = useState<string[]>(props.selectedPlant ? [props.selectedPlant] : []);
  const [conduits, setConduits] = useState<string[]>([]);
  const [incident, setIncident] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; field: Field | null; fieldMessage: string | null; shown: number } | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const timeZones = useMemo(() => [...new Set([props.defaultTimeZone, ...props.plants.map((p) => p.timeZone), "UTC", timeZone])], [props.defaultTimeZone, props.plants, timeZone]);
  const offeredConduits = useMemo(
    () => (plants.length === 0 ? props.conduits : props.conduits.filter((c) => c.plant !== null && plants.includes(c.plant))),
    [plants, props.conduits],
  );
  const plantName = (slug: string | null) => props.plants.find((p) => p.slug === slug)?.name ?? "no plant";

  function togglePlant(slug: string, checked: boolean) {
    const next = checked ? [...plants, slug] : plants.filter((p) => p !== slug);
    setPlants(next);
    // Conduits of plants no longer in scope leave the choice with them.
    if (next.length > 0) setConduits((chosen) => chosen.filter((c) => next.includes(props.conduits.find((k) => k.slug === c)?.plant ?? "")));
    // Until someone picks a zone, the period follows the plants' own zone when they share one.
    if (!zoneChosen) {
      const zones = [...new Set(props.plants.filter((p) => next.includes(p.slug)).map((p) => p.timeZone))];
      setTimeZone(zones.length === 1 ? zones[0]! : props.defaultTimeZone);
    }
  }

  function applyPreset(preset: PeriodPreset) {
    const period = presetPeriod({ preset, now: new Date(), timeZone });
    setFrom(period.from);
    setTo(period.to);
  }

  function focusField(field: Field) {
    const element = formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(id(field))}`);
    if (!element) return;
    // A group of checkboxes: its first box, or the group itself when it offers none.
    const target = element.tagName === "FIELDSET" ? (element.querySelector<HTMLElement>("input") ?? element) : element;
    target.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setQueued(null);
    const result = await requestJson<{ pack: QueuedPack }>("/api/evidence-packs", {
      method: "POST",
      body: { name, purpose, from, to, timeZone, plants, conduits, incident: incident || null },
    });
    setBusy(false);
    if (result.ok) {
      setProblem(null);
      setQueued(`"${name.trim()}" is queued: ${result.data.pack.recordsTotal.toLocaleString("en-GB")} records. Its progress shows in the list below.`);
      props.onQueued(result.data.pack, name.trim());
      return;
    }
    const issue = result.issues[0];
    const path = issue?.path.split(".")[0] as Field | undefined;
    const field = path && fields.includes(path) ? path : null;
    // The server prefixes a field's message with its name ("to: ..."); the field is shown instead.
    const text = issue && result.message.startsWith(`${issue.path}: `) ? result.message.slice(issue.path.length + 2) : result.message;
    const message =
      result.status === 409
        ? `${text} Its progress shows in the list below.`
        : result.status === 400
          ? `The pack was not queued: ${text}`
          : text;
    setProblem({ message, field, fieldMessage: field ? (issue?.message ?? null) : null, shown: Date.now() });
  }

  // Once the message is on screen, the field at fault gets the focus (its label and message
  // are read out); a refusal of no field moves the focus to the message itself.
  useEffect(() => {
    if (!problem) return;
    if (problem.field) focusField(problem.field);
    else alertRef.current?.focus();
    // focusField reads the DOM only; the problem's identity is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [problem]);

  const error = (field: Field) => (problem?.field === field ? problem.fieldMessage : null);
  const describedBy = (field: Field, ...more: (string | false | null)[]) => [...more, error(field) && `${id(field)}-error`].filter(Boolean).join(" ") || undefined;
  const invalid = (field: Field) => (error(field) ? true : undefined);
  const fieldError = (field: Field) =>
    error(field) ? (
      <span className="field-error" id={`${id(field)}-error`}>
        {error(field)}
      </span>
    ) : null;

  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Generate a pack" noValidate className="card-body pack-form">
      {problem && (
        <div ref={alertRef} tabIndex={-1} className="notice notice-error" role="alert" style={{ marginBottom: 16 }}>
          <p data-testid="pack-form-error">{problem.message}</p>
        </div>
      )}
      {queued && (
        <div className="notice notice-ok" role="status" style={{ marginBottom: 16 }}>
          <p>{queued}</p>
        </div>
      )}
      <div className="form-row pack-form-row">
        <div className="field">
          <label htmlFor={id("name")}>Name</label>
          <input id={id("name")} type="text" value={name} maxLength={200} placeholder="Augsburg Q3 2026" autoComplete="off" aria-invalid={invalid("name")} aria-describedby={describedBy("name")} onChange={(e) => setName(e.target.value)} />
          {fieldError("name")}
        </div>
        <div className="field">
          <label htmlFor={id("purpose")}>Purpose</label>
          <input
            id={id("purpose")}
            type="text"
            value={purpose}
            maxLength={500}
            placeholder="supervisory review Q3 2026"
            autoComplete="off"
            aria-invalid={invalid("purpose")}
            aria-describedby={describedBy("purpose", `${id("purpose")}-hint`)}
            onChange={(e) => setPurpose(e.target.value)}
          />
          <span className="field-hint" id={`${id("purpose")}-hint`}>
            Printed on the cover, for whoever reads the pack.
          </span>
          {fieldError("purpose")}
        </div>
      </div>

      <fieldset className="group">
        <legend>Period</legend>
        <div className="form-row pack-form-row pack-period">
          <div className="field">
            <label htmlFor={id("from")}>From (inclusive)</label>
            <input id={id("from")} type="datetime-local" value={from} aria-invalid={invalid("from")} aria-describedby={describedBy("from", `${id("from")}-utc`)} onChange={(e) => setFrom(e.target.value)} />
            <span className="field-utc" id={`${id("from")}-utc`}>
              {utcOfWallInput(from, timeZone) ?? `Local time in ${timeZone}`}
            </span>
            {fieldError("from")}
          </div>
          <div className="field">
            <label htmlFor={id("to")}>To (exclusive)</label>
            <input id={id("to")} type="datetime-local" value={to} aria-invalid={invalid("to")} aria-describedby={describedBy("to", `${id("to")}-utc`)} onChange={(e) => setTo(e.target.value)} />
            <span className="field-utc" id={`${id("to")}-utc`}>
              {utcOfWallInput(to, timeZone) ?? `Local time in ${timeZone}`}
            </span>
            {fieldError("to")}
          </div>
          <div className="field">
            <label htmlFor={id("timeZone")}>Time zone</label>
            <select
              id={id("timeZone")}
              value={timeZone}
              aria-invalid={invalid("timeZone")}
              aria-describedby={describedBy("timeZone", `${id("timeZone")}-hint`)}
              onChange={(e) => {
                setTimeZone(e.target.value);
                setZoneChosen(true);
              }}
            >
              {timeZones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
            <span className="field-hint" id={`${id("timeZone")}-hint`}>
              The dates are read, and the PDF shows times, in this zone.
            </span>
            {fieldError("timeZone")}
          </div>
        </div>
        <div className="pack-presets" role="group" aria-label="Period presets">
          {periodPresets.map((p) => (
            <button key={p.id} type="button" className="btn btn-secondary btn-sm" onClick={() => applyPreset(p.id)}>
              {p.label}
            </button>
          ))}
        </div>
      </fieldset>

      <div className="pack-scope">
        <fieldset id={id("plants")} tabIndex={-1} className="group pack-choices" aria-describedby={describedBy("plants", `${id("plants")}-hint`)}>
          <legend>Plants</legend>
          <span className="field-hint" id={`${id("plants")}-hint`}>
            None checked: every plant.
          </span>
          <div className="pack-choice-list">
            {props.plants.map((p) => (
              <label key={p.slug} className="choice">
                <input type="checkbox" checked={plants.includes(p.slug)} aria-invalid={invalid("plants")} onChange={(e) => togglePlant(p.slug, e.target.checked)} />
                <span>
                  {p.name}
                  <span className="sub">{p.timeZone}</span>
                </span>
              </label>
            ))}
          </div>
          {fieldError("plants")}
        </fieldset>
        <fieldset id={id("conduits")} tabIndex={-1} className="group pack-choices" aria-describedby={describedBy("conduits", `${id("conduits")}-hint`)}>
          <legend>Conduits</legend>
          <span className="field-hint" id={`${id("conduits")}-hint`}>
            None checked: every conduit{plants.length > 0 ? " of the checked plants" : ""}.{conduits.length > 0 ? ` ${conduits.length} checked.` : ""}
          </span>
          <div className="pack-choice-list pack-choice-scroll">
            {offeredConduits.map((c) => (
              <label key={c.slug} className="choice">
                <input type="checkbox" checked={conduits.includes(c.slug)} aria-invalid={invalid("conduits")} onChange={(e) => setConduits((chosen) => (e.target.checked ? [...chosen, c.slug] : chosen.filter((s) => s !== c.slug)))} />
                <span>
                  <span className="mono">{c.slug}</span>
                  <span className="sub">
                    {c.name}
                    {plants.length !== 1 ? `, ${plantName(c.plant)}` : ""}
                  </span>
                </span>
              </label>
            ))}
            {offeredConduits.length === 0 && <p className="field-hint">The checked plants have no conduits.</p>}
          </div>
          {fieldError("conduits")}
        </fieldset>
        <div className="field">
          <label htmlFor={id("incident")}>Incident (optional)</label>
          <select id={id("incident")} value={incident} aria-invalid={invalid("incident")} aria-describedby={describedBy("incident", `${id("incident")}-hint`)} onChange={(e) => setIncident(e.target.value)}>
            <option value="">None</option>
            {props.incidents.map((i) => (
              <option key={i.reference} value={i.reference}>
                {i.reference}: {i.title}
              </option>
            ))}
          </select>
          <span className="field-hint" id={`${id("incident")}-hint`}>
            The records linked to the incident join the pack, and its deadlines are reported.
          </span>
          {fieldError("incident")}
        </div>
      </div>

      <div className="form-actions">
        <button className="btn" type="submit" disabled={busy}>
          {busy ? "Queuing…" : "Generate pack"}
        </button>
        <span className="field-hint">Generation runs in the background and is recorded in the audit ledger.</span>
      </div>
    </form>
  );
}
