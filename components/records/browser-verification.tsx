"use client";
// Verifies the record in this browser with WebCrypto against the published keys, so the
// result does not depend on trusting the server that shows it. The record's signature is
// checked at once; until a signed checkpoint covers the record, its receipt is fetched
// again every few seconds and the inclusion proof checked when it arrives.
import { useEffect, useState } from "react";
import { verifyInclusionInBrowser, verifyRecordSignatureInBrowser, type Check, type PublishedKeySet } from "@/lib/ledger/browser-verify";
import type { Receipt } from "@/lib/ledger/receipt";

type State =
  | { status: "running" }
  | { status: "pending"; checks: Check[]; reason: string }
  | { status: "done"; checks: Check[] }
  | { status: "unavailable"; message: string };

// Checkpoints are written every LEDGER_CHECKPOINT_SECONDS (a minute by default); a
// receipt is a few reads, so asking every few seconds costs the server little.
const pollMs = 3000;

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { message: string } };
    throw new Error(body.error?.message ?? `${url} answered ${res.status}.`);
  }
  return (await res.json()) as T;
}

async function check(options: { recordId: string; keys: PublishedKeySet }): Promise<State> {
  const receipt = await fetchJson<Receipt>(`/api/ledger/records/${encodeURIComponent(options.recordId)}/receipt`);
  const { record, proof } = receipt;
  const checks = await verifyRecordSignatureInBrowser({ record, keys: options.keys });
  if (proof.status === "pending") return { status: "pending", checks, reason: proof.reason };
  const inclusion = await verifyInclusionInBrowser({ record, checkpoint: proof.checkpoint, proof: proof.hashes, keys: options.keys });
  return { status: "done", checks: [...checks, ...inclusion] };
}

export function BrowserVerification(props: { recordId: string }) {
  const [state, setState] = useState<State>({ status: "running" });
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (keys: PublishedKeySet) => {
      // A hidden tab waits; the next visible round catches up.
      const next = document.hidden ? null : await check({ recordId: props.recordId, keys });
      if (cancelled) return;
      if (next) setState(next);
      if (!next || next.status === "pending") timer = setTimeout(() => void run(keys).catch(fail), pollMs);
    };
    const fail = (error: unknown) => {
      if (!cancelled) setState({ status: "unavailable", message: error instanceof Error ? error.message : `Verification failed to run: ${String(error)}` });
    };
    fetchJson<PublishedKeySet>("/.well-known/conduit-ledger/keys.json")
      .then((keys) => run(keys))
      .catch(fail);
    return () => {
      cancelled = true;
      clearTimeout(timer);
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
  const pending = state.status === "pending";
  return (
    <div>
      <div className={`notice ${!ok ? "notice-error" : pending ? "notice-info" : "notice-ok"}`} role="status" data-testid="browser-verification-result" style={{ marginBottom: 12 }}>
        <p>
          {!ok ? (
            <>
              <strong>Verification FAILED.</strong> Do not rely on this record; report it.
            </>
          ) : pending ? (
            <>
              <strong>Signature checked in your browser.</strong> The record is signed with a published key and unchanged. No signed checkpoint covers it yet; this page checks again every few seconds.
            </>
          ) : (
            <>
              <strong>Verified in your browser.</strong> The record is signed, unchanged, and included in a signed checkpoint.
            </>
          )}
        </p>
      </div>
      <ul style={{ listStyle: "none", padding: 0, margin: 0, display: "grid", gap: 6 }}>
        {state.checks.map((c) => (
          <li key={c.name}>
            <span className={`badge ${c.ok ? "badge-ok" : "badge-danger"}`}>{c.ok ? "Pass" : "Fail"}</span> <strong>{c.name}</strong> <span className="field-hint">{c.detail}</span>
          </li>
        ))}
        {pending && (
          <li>
            <span className="badge badge-warn">Pending</span> <strong>Inclusion proof</strong> <span className="field-hint">{state.reason}</span>
          </li>
        )}
      </ul>
      {pending && ok && <p className="field-hint" style={{ margin: "10px 0 0" }}>A receipt downloaded now holds the record, its signature and the log&apos;s keys, and says that its proof is pending.</p>}
    </div>
  );
}
