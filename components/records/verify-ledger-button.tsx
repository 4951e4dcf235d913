"use client";
// Runs a whole-ledger verification on the server and shows its result.
import { useRouter } from "next/navigation";
import { useState } from "react";

export function VerifyLedgerButton() {
  const router = useRouter();
  const [state, setState] = useState<{ busy: boolean; message?: string; ok?: boolean }>({ busy: false });
  async function run() {
    setState({ busy: true });
    const res = await fetch("/api/ledger/verifications", { method: "POST", headers: { "content-type": "application/json" } });
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; records?: number; error?: { message: string } };
    if (!res.ok) setState({ busy: false, ok: false, message: body.error?.message ?? `Verification could not run (${res.status}).` });
    else setState({ busy: false, ok: body.ok, message: body.ok ? `Verified ${body.records} records: no problems.` : "Verification found problems; see the result below." });
    router.refresh();
  }
  return (
    <div style={{ display: "flex", alignItems: "center", gap: 12 }}>
      {state.message && (
        <span role="status" className={`badge ${state.ok ? "badge-ok" : "badge-danger"}`}>
          {state.message}
        </span>
      )}
      <button type="button" className="btn btn-secondary btn-sm" onClick={run} disabled={state.busy}>
        {state.busy ? "Verifying…" : "Verify ledger now"}
      </button>
    </div>
  );
}
