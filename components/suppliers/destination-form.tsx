"use client";
// Links an AI destination to the supplier that operates it: the conduits to that
// destination then send their data into this supplier's chain.
import { useId, type FormEvent } from "react";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";

export function DestinationForm(props: { supplierId: string; destinations: { id: string; label: string }[] }) {
  const id = useId();
  const { busy, outcome, run } = useAction();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const destinationId = String(new FormData(event.currentTarget).get("destinationId") ?? "");
    await run({ url: `/api/suppliers/${props.supplierId}/destinations`, method: "POST", body: { destinationId } }, () => "Destination linked.");
  }

  return (
    <form onSubmit={onSubmit} aria-label="Link an AI destination" className="card-body">
      <ActionOutcome outcome={outcome} />
      <div className="field">
        <label htmlFor={`${id}-destination`}>AI destination operated by this supplier</label>
        <div style={{ display: "flex", gap: 10, flexWrap: "wrap" }}>
          <select id={`${id}-destination`} name="destinationId" required defaultValue="">
            <option value="" disabled>
              Choose a destination
            </option>
            {props.destinations.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
          <button className="btn" type="submit" disabled={busy}>
            Link destination
          </button>
        </div>
      </div>
    </form>
  );
}
