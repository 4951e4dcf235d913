"use client";
// Declared versus observed: every flow the proxy refused, grouped by zone, device,
// destination and model. From here a flow becomes a proposed conduit (pre-filled) or is
// kept blocked on purpose, with the reason.
import { useId, useState, type FormEvent } from "react";
import { ConduitForm } from "@/components/conduits/conduit-form";
import { Dialog, DialogActions } from "@/components/dialog";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import type { ConduitPolicy } from "@/lib/conduits/conduit-policy";

export interface UnauthorisedFlowView {
  flowKey: string;
  zone: { slug: string; name: string };
  device: { slug: string; name: string; href: string } | null;
  destination: { slug: string; name: string } | null;
  model: string;
  calls: number;
  codes: string[];
  firstSeen: string;
  lastSeen: string;
  review: { note: string; by: string; at: string } | null;
  /** A conduit proposed from this flow: waiting, or approved (then the flow is allowed from then on). */
  proposal: { slug: string; approved: boolean } | null;
  /** What a conduit for this flow would allow, to start the proposal from. */
  draft: { slug: string; policy: ConduitPolicy; slTarget: number };
}

type Open = null | { kind: "propose" | "block"; flow: UnauthorisedFlowView };

export function UnauthorisedFlows(props: { flows: UnauthorisedFlowView[]; canAct: boolean; zones: { slug: string; name: string }[]; destinations: { slug: string; name: string }[] }) {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  if (props.flows.length === 0) return <p className="table-empty">No refused flows: every AI call the proxy saw was on an authorised conduit.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="data stack-on-phone">
          <caption className="visually-hidden">Refused AI flows</caption>
          <thead>
            <tr>
              <th scope="col">From zone / device</th>
              <th scope="col">To destination / model</th>
              <th scope="col" className="num">
                Refused calls
              </th>
              <th scope="col">Why refused</th>
              <th scope="col">First / last seen</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {props.flows.map((flow) => (
              <tr key={flow.flowKey}>
                <td data-label="From zone / device">
                  {flow.zone.name}
                  <div className="sub">{flow.device ? <a href={flow.device.href}>{flow.device.name}</a> : "unidentified caller"}</div>
                </td>
                <td data-label="To destination / model">
                  {flow.destination?.name ?? "unknown destination"}
                  <div className="sub mono">{flow.model || "no model named"}</div>
                </td>
                <td data-label="Refused calls" className="num">{flow.calls.toLocaleString("en-GB")}</td>
                <td data-label="Why refused" className="mono">{flow.codes.join(", ")}</td>
                <td data-label="First / last seen">
                  {flow.firstSeen}
                  <div className="sub">{flow.lastSeen}</div>
                </td>
                <td data-label="Decision">
                  {flow.proposal ? (
                    flow.proposal.approved ? (
                      <a className="badge badge-ok" href={`/conduits/${flow.proposal.slug}`}>
                        Allowed by {flow.proposal.slug}
                      </a>
                    ) : (
                      <span className="badge badge-warn">Conduit {flow.proposal.slug} proposed</span>
                    )
                  ) : flow.review ? (
                    <span title={`${flow.review.by}, ${flow.review.at}`}>
                      <span className="badge badge-neutral">Kept blocked</span> <span className="sub">{flow.review.note}</span>
                    </span>
                  ) : props.canAct ? (
                    <div className="button-row">
                      {/* A caller without a zone (no valid token) gets no conduit, only a decision to keep it out. */}
                      {flow.zone.slug && flow.destination && (
                        <button type="button" className="btn btn-sm" onClick={() => setOpen({ kind: "propose", flow })}>
                          Propose conduit
                        </button>
                      )}
                      <button type="button" className="btn btn-sm btn-secondary" onClick={() => setOpen({ kind: "block", flow })}>
                        Keep blocked
                      </button>
                    </div>
                  ) : (
                    <span className="badge badge-danger">To decide</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Dialog open={open?.kind === "propose"} title="Propose a conduit for this flow" onClose={close}>
        {open?.kind === "propose" && open.flow.destination && (
          <ConduitForm
            mode={{ kind: "propose", slug: open.flow.draft.slug, sourceZone: open.flow.zone.slug, destination: open.flow.destination.slug, slTarget: open.flow.draft.slTarget, flowKey: open.flow.flowKey, zones: props.zones, destinations: props.destinations }}
            policy={open.flow.draft.policy}
            onDone={close}
            actions={(busy) => <DialogActions confirm="Propose" busy={busy} onCancel={close} submit />}
          />
        )}
      </Dialog>
      <Dialog open={open?.kind === "block"} title="Keep this flow blocked" onClose={close}>
        {open?.kind === "block" && <KeepBlockedForm flowKey={open.flow.flowKey} onClose={close} />}
      </Dialog>
    </>
  );
}

function KeepBlockedForm(props: { flowKey: string; onClose: () => void }) {
  const id = useId();
  const { busy, outcome, fieldErrors, run } = useAction();
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const note = String(new FormData(event.currentTarget).get("note") ?? "");
    if (await run({ url: "/api/unauthorised-flows", method: "POST", body: { flowKey: props.flowKey, note } }, () => "Kept blocked.")) props.onClose();
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <p>The proxy keeps refusing it; the flow leaves the list of flows to decide, with your note.</p>
      <ActionOutcome outcome={outcome} fieldErrors={fieldErrors} />
      <div className="field">
        <label htmlFor={`${id}-note`}>Why it stays blocked</label>
        <input id={`${id}-note`} name="note" required minLength={3} maxLength={500} aria-invalid={fieldErrors.note ? true : undefined} />
        {fieldErrors.note && <p className="field-error">{fieldErrors.note}</p>}
      </div>
      <DialogActions confirm="Keep blocked" busy={busy} onCancel={props.onClose} submit />
    </form>
  );
}
