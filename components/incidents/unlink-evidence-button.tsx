"use client";
// Removes an evidence link; the ledger keeps both the link and its removal.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { send } from "@/components/incidents/send";

export function UnlinkEvidenceButton(props: { incidentId: string; linkId: string; label: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn btn-danger btn-sm"
        disabled={busy}
        aria-label={`Remove the link to ${props.label}`}
        onClick={async () => {
          setBusy(true);
          const result = await send(`/api/incidents/${props.incidentId}/evidence/${props.linkId}`, "DELETE");
          setBusy(false);
          if (result.ok) router.refresh();
          else setError(result.message);
        }}
      >
        Remove
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
