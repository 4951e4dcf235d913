import type { ReactNode } from "react";

export function Stat(props: { label: string; value: ReactNode; hint: string }) {
  return (
    <div className="card stat">
      <div className="label">{props.label}</div>
      <div className="value">{props.value}</div>
      <div className="hint">{props.hint}</div>
    </div>
  );
}

/** A titled card section; the heading labels the region for assistive technology. */
export function Card(props: { id: string; title: string; description?: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${props.id}-title`}>
      <div className="card-header">
        <div>
          <h2 id={`${props.id}-title`}>{props.title}</h2>
          {props.description && <p>{props.description}</p>}
        </div>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}
