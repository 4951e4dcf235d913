import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { BrowserVerification } from "@/components/records/browser-verification";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatDateTime, recordKindLabels } from "@/lib/format";
import type { IndexRow } from "@/lib/records/project-record";
import { recordView, type RecordView } from "@/lib/records/record-view";

export const metadata: Metadata = { title: "Audit record" };

const filterLink = (field: string, value: string) => `/records?${new URLSearchParams({ [field]: value, plant: "all" })}`;

function RelatedRow(props: { row: IndexRow }) {
  const { row } = props;
  return (
    <li>
      <Link href={`/records/${row.recordId}`}>{recordKindLabels[row.kind] ?? row.kind}</Link>: {row.summary}
      <span className="sub">{formatDateTime({ date: new Date(row.at), timeZone: "UTC" })}</span>
    </li>
  );
}

function Facts(props: { view: RecordView }) {
  const { facts, details, record } = props.view;
  const items: [string, ReactNode][] = [];
  const add = (label: string, value: ReactNode | null | undefined) => {
    if (value !== null && value !== undefined && value !== "") items.push([label, value]);
  };
  add("Written", `${formatDateTime({ date: record.at, timeZone: "UTC" })}`);
  add("Device", facts.device && <Link href={`/devices/${facts.device}`}>{facts.device}</Link>);
  add(
    "Operator",
    facts.operator ? (
      <>
        {facts.operator} <span className="badge badge-neutral">{facts.assurance}</span>
      </>
    ) : facts.assurance === "none" ? (
      "none identified"
    ) : null,
  );
  add("Person", facts.actor);
  add("Plant", facts.plant && <Link href={filterLink("plant", facts.plant)}>{facts.plant}</Link>);
  add("Zone", facts.zone && <Link href={filterLink("zone", facts.zone)}>{facts.zone}</Link>);
  add("Workstation", facts.workstation && <Link href={filterLink("workstation", facts.workstation)}>{facts.workstation}</Link>);
  add("Purpose", details.purpose);
  add("Conduit", facts.conduit && <Link href={`/conduits/${facts.conduit}`}>{facts.conduit}</Link>);
  add("Destination", facts.destination && <Link href={filterLink("destination", facts.destination)}>{facts.destination}</Link>);
  add("Endpoint and model", [details.endpoint, facts.model].filter(Boolean).join(" · "));
  add("Outcome", facts.outcome && [facts.outcome.replace(/_/g, " "), facts.code, facts.kind === "ai_call" && facts.result ? `ended ${facts.result.replace(/_/g, " ")}` : null].filter(Boolean).join(" · "));
  add("Classification", facts.level && `${facts.level}${facts.labels ? ` (${facts.labels.replace(/_/g, " ")})` : ""}`);
  add("Latency", facts.durationMs !== null ? `${Math.round(facts.durationMs)} ms${details.ttfbMs !== null ? `, first byte after ${Math.round(details.ttfbMs)} ms` : ""}` : null);
  add("Tokens", facts.inputTokens !== null || facts.outputTokens !== null ? `${facts.inputTokens ?? "?"} in, ${facts.outputTokens ?? "?"} out` : null);
  add("Provider status", details.status);
  add("Error", details.error);
  return (
    <dl className="facts">
      {items.map(([label, value]) => (
        <div key={label} style={{ display: "contents" }}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function RecordPage(props: { params: Promise<{ id: string }> }) {
  await requirePageUser({ permission: "records:read" });
  const { id } = await props.params;
  const view = await recordView({ db: db(), id }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const { record, envelope, call, followUps, incidents } = view;
  const related = call !== null || followUps.length > 0 || incidents.length > 0;
  return (
    <>
      <PageHeader eyebrow={<Link href="/records">Audit records</Link>} title={recordKindLabels[record.kind] ?? record.kind} description={view.facts.summary} />
      <Card id="summary" title="What this record says">
        <div className="card-body">
          <Facts view={view} />
        </div>
      </Card>
      {related && (
        <Card id="related" title="Related records">
          <div className="card-body">
            <ul className="related">
              {call && <RelatedRow row={call} />}
              {followUps.map((row) => (
                <RelatedRow key={row.recordId} row={row} />
              ))}
              {incidents.map((incident) => (
                <li key={incident.id}>
                  Evidence in incident <Link href={`/incidents/${incident.id}`}>{incident.reference}</Link>: {incident.title}
                </li>
              ))}
            </ul>
          </div>
        </Card>
      )}
      <Card
        id="verification"
        title="Independent check"
        description="Your browser checks the signature and the Merkle inclusion proof itself, against the keys published at /.well-known/conduit-ledger/keys.json. The receipt holds the record as signed, its proof, the checkpoint and the log's keys; npm run receipt:verify checks it offline."
        actions={
          <a className="btn btn-sm" style={{ whiteSpace: "nowrap" }} href={`/api/ledger/records/${encodeURIComponent(record.id)}/receipt`} download>
            Download receipt
          </a>
        }
      >
        <div className="card-body">
          <BrowserVerification recordId={record.id} />
        </div>
      </Card>
      <Card id="record" title="Signed record">
        <div className="card-body">
          <dl className="facts" style={{ marginBottom: 16 }}>
            <dt>Record id</dt>
            <dd className="mono">{record.id}</dd>
            <dt>Log and sequence</dt>
            <dd className="mono">
              {record.logId} #{record.seq}
            </dd>
            <dt>Written</dt>
            <dd>{formatDateTime({ date: record.at, timeZone: "UTC" })}</dd>
            <dt>Leaf hash</dt>
            <dd className="mono hash">{record.leafHash}</dd>
            <dt>Signing key</dt>
            <dd className="mono hash">{record.keyId}</dd>
          </dl>
          <h3 style={{ fontSize: 14, margin: "0 0 8px" }}>Envelope (canonical JSON, as signed)</h3>
          {/* Focusable: a long envelope scrolls, and a keyboard user must be able to scroll it (WCAG 2.1.1). */}
          <pre tabIndex={0} aria-label="The envelope as signed">{envelope ? JSON.stringify(envelope, null, 2) : record.envelope}</pre>
        </div>
      </Card>
    </>
  );
}
