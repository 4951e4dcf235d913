"use client";
// "Send a test call" on a device's page: the OT engineer commissioning a device picks a
// destination, a model and a prompt, and sees what the proxy made of the call as that
// device: the outcome, the record, what left for the provider and what came back.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { sendJson } from "@/components/send-json";
import { conduitStateLabels } from "@/lib/inventory/conduit-state";
import { humanize, providerLabels } from "@/lib/format";
import type { ShownBody, TestCallDestination, TestCallReport } from "@/proxy/test-call";

const outcomeBadge: Record<TestCallReport["outcome"], { label: string; tone: string }> = {
  allowed: { label: "Allowed", tone: "ok" },
  redacted: { label: "Redacted", tone: "warn" },
  flagged: { label: "Flagged", tone: "warn" },
  refused: { label: "Refused", tone: "danger" },
};

const outcomeText: Record<TestCallReport["outcome"], string> = {
  allowed: "The proxy forwarded the call unchanged.",
  redacted: "The proxy replaced data above the conduit's level with placeholders before forwarding.",
  flagged: "The request carries data above the conduit's level; the proxy forwarded it and flagged the record.",
  refused: "The proxy refused the call; nothing reached the provider.",
};

// Long JSON and event streams wrap inside their pane rather than widen the page.
const paneText = { whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxHeight: 340, overflowY: "auto" } as const;

function conduitHint(destination: TestCallDestination | undefined, zoneName: string): string {
  if (!destination) return "";
  const { conduit } = destination;
  if (!conduit) return `No conduit from ${zoneName}: expect conduit_not_authorized.`;
  const state = conduit.state === "in_force" ? "in force" : conduitStateLabels[conduit.state].toLowerCase();
  return `Conduit ${conduit.slug}, ${state}${conduit.allowsPurpose ? "" : ", not for this device's purpose"}.`;
}

function ms(value: number | null): string {
  return value === null ? "–" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function Body(props: { body: ShownBody; label: string }) {
  const { body } = props;
  if (body.text === null) return <p className="muted">{body.bytes} bytes of {body.mediaType ?? "binary data"}, not shown.</p>;
  return (
    <>
      <pre style={paneText} tabIndex={0} aria-label={props.label}>
        {body.text}
      </pre>
      {body.truncated && <p className="field-hint">First 64 KiB of {body.bytes} bytes.</p>}
    </>
  );
}

function Pane(props: { title: string; children: ReactNode; testId: string }) {
  return (
    <section className="snippet" style={{ alignContent: "start", minWidth: 0 }} aria-label={props.title} data-testid={props.testId}>
      <h3 style={{ fontSize: 14 }}>{props.title}</h3>
      {props.children}
    </section>
  );
}

function Report(props: { report: TestCallReport }) {
  const { report } = props;
  const { record, result, forwarded, answer, error } = report;
  const badge = outcomeBadge[report.outcome];
  const labels = Object.entries(record?.classification?.labels ?? {});
  const failed = report.outcome !== "refused" && (error !== null || (result !== null && result.outcome !== "completed"));
  return (
    <section aria-labelledby="test-call-result-title" style={{ display: "grid", gap: 16, marginTop: 18, paddingTop: 16, borderTop: "1px solid var(--line)" }}>
      <div style={{ display: "flex", alignItems: "center", gap: 10, flexWrap: "wrap" }}>
        <h3 id="test-call-result-title" style={{ fontSize: 15 }}>
          Result
        </h3>
        <span className={`badge badge-${badge.tone}`} data-testid="test-call-outcome">
          {badge.label}
        </span>
        <span className="muted">HTTP {report.status} to the device</span>
      </div>
      <div className={`notice ${report.outcome === "refused" || failed ? "notice-error" : report.outcome === "allowed" ? "notice-ok" : "notice-warn"}`} role="status">
        <p>
          {outcomeText[report.outcome]}
          {error && (
            <>
              {" "}
              <strong className="mono">{error.code}</strong>: {error.message}
            </>
          )}
          {!error && result && result.outcome !== "completed" && ` The provider's answer ended ${humanize(result.outcome).toLowerCase()}${result.status ? ` (HTTP ${result.status})` : ""}.`}
        </p>
      </div>
      <dl className="facts">
        <dt>Record</dt>
        <dd>
          {record ? (
            <>
              <Link href={`/records/${record.id}`} className="mono" data-testid="test-call-record-link">
                {record.id}
              </Link>
              <span className="sub">
                {record.kind}
                {record.inLedger ? "" : ", waiting in the proxy's spool until the ledger writes again"}
                {result && ", with its result record"}
              </span>
            </>
          ) : (
            "None"
          )}
        </dd>
        <dt>Conduit</dt>
        <dd className={record?.conduit ? "mono" : undefined}>{record?.conduit ?? "None"}</dd>
        <dt>Classification</dt>
        <dd>
          {record?.classification ? (
            <>
              {record.classification.level}
              {labels.length > 0 && <span className="sub">{labels.map(([label, count]) => `${label} × ${count}`).join(", ")}</span>}
            </>
          ) : (
            "Not classified: refused before that step"
          )}
        </dd>
        <dt>Model</dt>
        <dd>
          {record?.model ? <span className="mono">{record.model}</span> : "None"}
          {result?.model && result.model !== record?.model && <span className="sub">answered as {result.model}</span>}
        </dd>
        {result && (
          <>
            <dt>Latency</dt>
            <dd>
              {ms(result.durationMs)}
              <span className="sub">first byte after {ms(result.ttfbMs)}</span>
            </dd>
            <dt>Tokens</dt>
            <dd>
              {result.inputTokens ?? "–"} in, {result.outputTokens ?? "–"} out
            </dd>
          </>
        )}
        {record && record.flags.length > 0 && (
          <>
            <dt>Flags</dt>
            <dd className="mono">{record.flags.join(", ")}</dd>
          </>
        )}
        <dt>Token used</dt>
        <dd>
          <span className="mono">{report.credential.tokenPrefix}…</span>{" "}
          {report.credential.revoked ? <span className="badge badge-neutral">Revoked</span> : <span className="badge badge-warn">Not revoked</span>}
          <span className="sub">
            {report.credential.label}
            {report.credential.revoked ? "" : `; revoking failed, it expires at ${new Date(report.credential.expiresAt).toLocaleTimeString()}`}
          </span>
        </dd>
      </dl>
      <div className="form-row" style={{ alignItems: "start", gap: 18 }}>
        <Pane title="What the provider received" testId="test-call-forwarded">
          {forwarded ? (
            <>
              <p className="mono" style={{ overflowWrap: "anywhere" }}>
                {forwarded.method} {forwarded.url}
              </p>
              <p className="field-hint">
                {forwarded.headers.map(([name, value]) => `${name}: ${value}`).join(" · ")}
                <br />
                The provider key is shown by its last four characters; the device token never leaves the proxy.
              </p>
              <Body body={forwarded.body} label="Request body as forwarded" />
            </>
          ) : (
            <p className="muted">Nothing: the proxy forwards only calls it allows and has recorded.</p>
          )}
        </Pane>
        <Pane title="The provider's answer" testId="test-call-answer">
          {answer ? (
            <>
              <p className="field-hint">HTTP {answer.status}</p>
              {answer.reply !== null && (
                <blockquote style={{ margin: 0, padding: "8px 12px", borderLeft: "3px solid var(--accent)", background: "var(--canvas)", overflowWrap: "anywhere" }}>{answer.reply}</blockquote>
              )}
              <details>
                <summary>{answer.reply === null ? "Body as received" : "Raw answer"}</summary>
                <div style={{ marginTop: 8 }}>
                  <Body body={answer.body} label="Answer body as relayed" />
                </div>
              </details>
            </>
          ) : (
            <p className="muted">{forwarded ? "None: the provider did not answer." : "None."}</p>
          )}
        </Pane>
      </div>
    </section>
  );
}

export function TestCall(props: { device: { slug: string; name: string; zoneName: string }; destinations: TestCallDestination[]; initial: { destination: string; model: string; prompt: string } }) {
  const router = useRouter();
  const id = useId();
  const [destination, setDestination] = useState(props.initial.destination);
  const [model, setModel] = useState(props.initial.model);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<TestCallReport | null>(null);
  const chosen = props.destinations.find((d) => d.slug === destination);
  const withConduit = props.destinations.filter((d) => d.conduit);
  const without = props.destinations.filter((d) => !d.conduit);

  function onDestination(slug: string) {
    setDestination(slug);
    setModel(props.destinations.find((d) => d.slug === slug)?.models[0] ?? "");
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await sendJson(`/api/devices/${encodeURIComponent(props.device.slug)}/test-call`, "POST", {
      destination,
      model,
      prompt: String(form.get("prompt") ?? ""),
      stream: form.get("stream") === "on",
    });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    setReport(result.data as unknown as TestCallReport);
    // The token list now shows the test's token, revoked.
    router.refresh();
  }

  const option = (d: TestCallDestination) => (
    <option key={d.slug} value={d.slug}>
      {d.name} ({providerLabels[d.provider] ?? d.provider})
    </option>
  );

  return (
    <div className="card-body">
      <form onSubmit={onSubmit} aria-label="Send a test call">
        <div className="form-row" style={{ alignItems: "start" }}>
          <div className="field">
            <label htmlFor={`${id}-destination`}>Destination</label>
            <select id={`${id}-destination`} value={destination} onChange={(e) => onDestination(e.target.value)} aria-describedby={`${id}-destination-hint`}>
              {withConduit.length > 0 && <optgroup label={`Conduits out of ${props.device.zoneName}`}>{withConduit.map(option)}</optgroup>}
              {without.length > 0 && <optgroup label="No conduit (the proxy refuses)">{without.map(option)}</optgroup>}
            </select>
            <span className="field-hint" id={`${id}-destination-hint`}>
              {conduitHint(chosen, props.device.zoneName)}
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-model`}>Model</label>
            <input id={`${id}-model`} type="text" value={model} onChange={(e) => setModel(e.target.value)} list={`${id}-models`} autoComplete="off" maxLength={200} aria-describedby={`${id}-model-hint`} />
            <datalist id={`${id}-models`}>
              {chosen?.models.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
            <span className="field-hint" id={`${id}-model-hint`}>
              {chosen?.provider === "GENERIC_INFERENCE" ? "Optional for generic inference." : chosen && chosen.models.length > 0 ? `Suggested: ${chosen.models.join(", ")}` : ""}
            </span>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-prompt`}>Prompt</label>
          <textarea id={`${id}-prompt`} name="prompt" required maxLength={8000} rows={3} defaultValue={props.initial.prompt} aria-describedby={`${id}-prompt-hint`} />
          <span className="field-hint" id={`${id}-prompt-hint`}>
            A sample like this device&apos;s own calls. It is classified as theirs are; only its hash goes into the record.
          </span>
        </div>
        <div className="form-actions">
          <label className="choice">
            <input type="checkbox" name="stream" /> Stream the answer
          </label>
          <button className="btn" type="submit" disabled={busy} style={{ marginLeft: "auto" }}>
            {busy ? "Calling…" : "Send test call"}
          </button>
        </div>
      </form>
      {error && (
        <div className="notice notice-error" role="alert" style={{ marginTop: 14 }}>
          <p>{error}</p>
        </div>
      )}
      {report && <Report report={report} />}
    </div>
  );
}
