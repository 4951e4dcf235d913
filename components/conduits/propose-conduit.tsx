"use client";
// Proposing a conduit from scratch (a refused flow pre-fills the same form).
import { useState } from "react";
import { ConduitForm } from "@/components/conduits/conduit-form";
import { Dialog, DialogActions } from "@/components/dialog";
import type { ConduitPolicy } from "@/lib/conduits/conduit-policy";

export function ProposeConduit(props: { zones: { slug: string; name: string }[]; destinations: { slug: string; name: string }[]; policy: ConduitPolicy }) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        Propose a conduit
      </button>
      <Dialog open={open} title="Propose a conduit" onClose={close}>
        <ConduitForm
          mode={{ kind: "propose", slug: "", sourceZone: props.zones[0]?.slug ?? "", destination: props.destinations[0]?.slug ?? "", slTarget: 2, flowKey: null, zones: props.zones, destinations: props.destinations }}
          policy={props.policy}
          onDone={close}
          actions={(busy) => <DialogActions confirm="Propose" busy={busy} onCancel={close} submit />}
        />
      </Dialog>
    </>
  );
}
