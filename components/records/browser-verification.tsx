"use client";
// Verifies the record in this browser with WebCrypto against the published keys, so the
// result does not depend on trusting the server that shows it.
import { useEffect, useState } from "react";
import { verifyRecordInBrowser, type Check, type ProofBundle, type PublishedKeySet } from "@/lib/ledger/browser-verify";

type State = { status: "running" } | { status: "done"; checks: Check[] } | { status: "unavailable"; message: string };

export function BrowserVerification(props: { recordId: string }) {
  const [state, setState] = useState<State>({ status: "running" });
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const [proofRes, keysRes] = await Promise.all([
        fetch(`/api/ledger/records/${encodeURIComponent(props.recordId)}/proof`),
        fetch("/.well-known/conduit-ledger/keys.json"),
      ]);
      if (!proofRes.ok) {
        const body = (await proofRes.json().catch(() => ({}))) as { error?: { message: string } };
        return { status: "unavailable", message: body.error?.message ?? `The proof could not be fetched (${proofRes.status}).` } as State;
      }
      const checks = await verifyRecordInBrowser({ bundle: (await proofRes.json()) as ProofBundle, keys: (await keysRes.json()) as PublishedKeySet });
      return { status: "done", checks } as State;
    })()
      .catch((error: unknown) => ({ status: "unavailable", message: `Verification failed to run: ${String(error)}` }) as State)
      .then((next) => !cancelled && setState(next));
    return () => {
      cancelled = true;
    };
  }, [props.recordId]);

  if (state.status === "running") return <p role="status">Verifying in your browser…</p>;
  if (state.status === "unavailable") {
    return (
      <div className="notice notice-info" role="status">
        <p>{state.message}</p>
      </div>
    );
  }
  const ok = state.checks.every((c) => c.ok);
  return (
    <div>
      <div className={`notice ${ok ? "notice-ok" : "notice-error"}`} role="status" data-testid="browser-verification-result" style={{ marginBottom: 12 }}>
        <p>
          <strong>{ok ? "Verified in your browser." : "Verification FAILED."}</strong>{" "}
          {ok ? "The record is signed, unchanged, and included in a signed checkpoint." : "Do not rely on this record; report it."}
        </p>
      </div>
      <ul style={{ listStyle: "none", padding: 0, margin: 0, display: "grid", gap: 6 }}>
        {state.checks.map((c) => (
          <li key={c.name}>
            <span className={`badge ${c.ok ? "badge-ok" : "badge-danger"}`}>{c.ok ? "Pass" : "Fail"}</span> <strong>{c.name}</strong>{" "}
            <span className="field-hint">{c.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
