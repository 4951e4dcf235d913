// The records explorer's filter form: a plain GET form, so every filter lands in the URL
// (shareable, bookmarkable, works without JavaScript), and the active filters as chips
// that each remove themselves.
import Link from "next/link";
import { recordKindLabels } from "@/lib/format";
import { recordKinds } from "@/lib/ledger/record";
import type { ExplorerOptions, Option } from "@/lib/records/explorer-options";
import { dataClasses, recordOutcomes } from "@/lib/records/record-filter";

export type FilterValues = Record<string, string>;

const fieldLabels: Record<string, string> = {
  from: "From",
  to: "To",
  tz: "Time zone",
  plant: "Plant",
  zone: "Zone",
  workstation: "Workstation",
  device: "Device",
  operator: "Operator",
  destination: "Destination",
  conduit: "Conduit",
  model: "Model",
  outcome: "Outcome",
  level: "Class",
  label: "Label",
  kind: "Kind",
  log: "Log",
  q: "Record id or hash",
  sort: "Order",
};

function Select(props: { name: string; values: FilterValues; options: Option[]; any?: string | null }) {
  return (
    <div className="field">
      <label htmlFor={`f-${props.name}`}>{fieldLabels[props.name]}</label>
      <select id={`f-${props.name}`} name={props.name} defaultValue={props.values[props.name] ?? ""}>
        {props.any !== null && <option value="">{props.any ?? "Any"}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Text(props: { name: string; values: FilterValues; list?: string[]; type?: string; placeholder?: string }) {
  return (
    <div className="field">
      <label htmlFor={`f-${props.name}`}>{fieldLabels[props.name]}</label>
      <input id={`f-${props.name}`} name={props.name} type={props.type ?? "text"} defaultValue={props.values[props.name] ?? ""} list={props.list ? `l-${props.name}` : undefined} placeholder={props.placeholder} autoComplete="off" />
      {props.list && (
        <datalist id={`l-${props.name}`}>
          {props.list.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
    </div>
  );
}

const plain = (values: readonly string[], label?: (v: string) => string): Option[] => values.map((v) => ({ value: v, label: label ? label(v) : v }));

export function RecordFilters(props: { values: FilterValues; options: ExplorerOptions; builtInLabels: readonly string[]; timeZones: string[]; columns: string | null }) {
  const { values, options } = props;
  const more = ["zone", "workstation", "operator", "destination", "model", "label", "log", "sort"].some((k) => values[k]);
  return (
    <form method="get" action="/records" aria-label="Filter records" className="card-body explorer-filters">
      {props.columns && <input type="hidden" name="columns" value={props.columns} />}
      <div className="form-row">
        <Text name="from" values={values} type="datetime-local" />
        <Text name="to" values={values} type="datetime-local" />
        <Select name="tz" values={values} options={plain(props.timeZones)} any={null} />
        <Select name="plant" values={values} options={[{ value: "all", label: "All plants" }, ...options.plants]} any="All plants" />
        <Select name="device" values={values} options={options.devices} />
        <Select name="conduit" values={values} options={options.conduits} />
        <Select name="outcome" values={values} options={plain(recordOutcomes, (v) => v.replace(/_/g, " "))} />
        <Select name="level" values={values} options={plain(dataClasses)} />
        <Select name="kind" values={values} options={recordKinds.map((k) => ({ value: k, label: recordKindLabels[k] ?? k }))} />
        <Text name="q" values={values} placeholder="UUID or 64 hex digits" />
      </div>
      <details open={more}>
        <summary>More filters</summary>
        <div className="form-row">
          <Select name="zone" values={values} options={options.zones} />
          <Select name="workstation" values={values} options={options.workstations} />
          <Text name="operator" values={values} list={options.people} placeholder="e-mail or system id" />
          <Select name="destination" values={values} options={options.destinations} />
          <Text name="model" values={values} list={options.models} />
          <Select name="label" values={values} options={plain([...props.builtInLabels, ...options.customLabels], (v) => v.replace(/_/g, " "))} />
          <Select name="log" values={values} options={options.logs} />
          <Select name="sort" values={values} options={[{ value: "oldest", label: "Oldest first" }]} any="Newest first" />
        </div>
      </details>
      <div className="form-actions">
        <button type="submit" className="btn">
          Apply filters
        </button>
        <Link href={`/records?plant=all${props.columns ? `&columns=${props.columns}` : ""}`} className="btn btn-secondary">
          Clear
        </Link>
      </div>
    </form>
  );
}

/** The active filters, each a link to the same view without it. */
export function FilterChips(props: { values: FilterValues; columns: string | null }) {
  const active = Object.entries(props.values).filter(([k, v]) => v && k !== "tz" && !(k === "plant" && v === "all"));
  if (active.length === 0) return null;
  const without = (key: string) => {
    const params = new URLSearchParams(Object.entries(props.values).filter(([k, v]) => v && k !== key));
    if (key === "plant") params.set("plant", "all");
    if (props.columns) params.set("columns", props.columns);
    return `/records?${params}`;
  };
  return (
    <ul className="chips" aria-label="Active filters">
      {active.map(([k, v]) => (
        <li key={k}>
          <span className="chip">
            {fieldLabels[k] ?? k}: <strong>{k === "from" || k === "to" ? v.replace("T", " ") : v}</strong>
            <Link href={without(k)} aria-label={`Remove filter ${fieldLabels[k] ?? k}`}>
              ×
            </Link>
          </span>
        </li>
      ))}
    </ul>
  );
}
