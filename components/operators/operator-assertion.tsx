"use client";
// Gets a short-lived operator assertion for the signed-in person and shows it for
// copying into a plant application. It lives in this component's state only: a new one
// is a click away, so nothing keeps it once the page is left.
import { useState } from "react";
import { SecretLine } from "@/components/secret-line";
import { sendJson } from "@/components/send-json";

interface Assertion {
  assertion: string;
  operator: string;
  expiresAt: string;
  header: string;
}

const untilFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function OperatorAssertion() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<Assertion | null>(null);

  async function obtain() {
    setBusy(true);
    setError(null);
    const result = await sendJson("/api/operator-assertions", "POST");
    setBusy(false);
    if (!result.ok) return setError(result.message);
    setIssued(result.data as unknown as Assertion);
  }

  return (
    <div className="card-body" style={{ display: "grid", gap: 14 }}>
      {error && (
        <div className="notice notice-error" role="alert">
          <p>{error}</p>
        </div>
      )}
      {issued && (
        <section className="one-time" aria-labelledby="assertion-title">
          <h3 id="assertion-title">Assertion for {issued.operator}</h3>
          <SecretLine key={issued.assertion} value={issued.assertion} noun="assertion" testId="operator-assertion" />
          <dl className="facts">
            <dt>Valid until</dt>
            <dd data-testid="operator-assertion-expires">{untilFormat.format(new Date(issued.expiresAt))}</dd>
            <dt>HTTP header</dt>
            <dd className="mono">{issued.header}</dd>
            <dt>Recorded as</dt>
            <dd className="mono">{issued.operator}</dd>
          </dl>
        </section>
      )}
      <div>
        <button type="button" className="btn" onClick={obtain} disabled={busy}>
          {busy ? "Getting an assertion…" : issued ? "Get a new assertion" : "Get an operator assertion"}
        </button>
      </div>
    </div>
  );
}
