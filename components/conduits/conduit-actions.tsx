"use client";
// What a compliance officer does on a conduit's page: suspend or resume it in one click
// (with a reason, as an emergency action), edit its limits, renew its validity.
import { useId, useState, type FormEvent } from "react";
import { ConduitForm } from "@/components/conduits/conduit-form";
import { Dialog, DialogActions } from "@/components/dialog";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import type { ConduitPolicy } from "@/lib/conduits/conduit-policy";

type Open = null | "status" | "edit" | "renew";

export function ConduitActions(props: { slug: string; status: "ACTIVE" | "SUSPENDED" | "RETIRED"; updatedAt: string; policy: ConduitPolicy; pendingChange: boolean }) {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const suspended = props.status === "SUSPENDED";
  if (props.status === "RETIRED") return <p className="field-hint">Retired conduits cannot be changed; propose a new one.</p>;
  const mode = { slug: props.slug, expectedUpdatedAt: props.updatedAt };

  return (
    <div className="button-row">
      <button type="button" className={suspended ? "btn" : "btn btn-danger"} onClick={() => setOpen("status")}>
        {suspended ? "Resume" : "Suspend"}
      </button>
      <button type="button" className="btn btn-secondary" onClick={() => setOpen("edit")} disabled={props.pendingChange} title={props.pendingChange ? "A change waits for approval" : undefined}>
        Edit limits
      </button>
      <button type="button" className="btn btn-secondary" onClick={() => setOpen("renew")} disabled={props.pendingChange} title={props.pendingChange ? "A change waits for approval" : undefined}>
        Renew
      </button>
      <Dialog open={open === "status"} title={suspended ? `Resume ${props.slug}` : `Suspend ${props.slug}`} onClose={close}>
        <StatusForm slug={props.slug} suspended={suspended} updatedAt={props.updatedAt} onCancel={close} />
      </Dialog>
      <Dialog open={open === "edit"} title={`Edit the limits of ${props.slug}`} onClose={close}>
        <ConduitForm mode={{ kind: "edit", ...mode }} policy={props.policy} onDone={close} actions={(busy) => <DialogActions confirm="Save" busy={busy} onCancel={close} submit />} />
      </Dialog>
      <Dialog open={open === "renew"} title={`Renew ${props.slug}`} onClose={close}>
        <ConduitForm mode={{ kind: "renew", ...mode }} policy={props.policy} onDone={close} actions={(busy) => <DialogActions confirm="Renew" busy={busy} onCancel={close} submit />} />
      </Dialog>
    </div>
  );
}

function StatusForm(props: { slug: string; suspended: boolean; updatedAt: string; onCancel: () => void }) {
  const id = useId();
  const { busy, outcome, fieldErrors, run } = useAction();
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
    const action = props.suspended ? "resume" : "suspend";
    const done = await run({ url: `/api/conduits/${props.slug}/${action}`, method: "POST", body: { reason, expectedUpdatedAt: props.updatedAt } }, () =>
      props.suspended ? "Resumed." : "Suspended: every proxy refuses calls on it within one inventory refresh.",
    );
    if (done) props.onCancel();
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <p>{props.suspended ? "Calls on this conduit are allowed again, within the limits a second person approved." : "Every call on this conduit is refused with conduit_suspended until someone resumes it."}</p>
      <ActionOutcome outcome={outcome} fieldErrors={fieldErrors} />
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <input id={`${id}-reason`} name="reason" required minLength={3} maxLength={500} aria-invalid={fieldErrors.reason ? true : undefined} />
        {fieldErrors.reason && <p className="field-error">{fieldErrors.reason}</p>}
      </div>
      <DialogActions confirm={props.suspended ? "Resume" : "Suspend now"} danger={!props.suspended} busy={busy} onCancel={props.onCancel} submit />
    </form>
  );
}
