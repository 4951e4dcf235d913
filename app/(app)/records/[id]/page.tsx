import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { BrowserVerification } from "@/components/records/browser-verification";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { formatDateTime, recordKindLabels } from "@/lib/format";
import { parseEnvelope } from "@/lib/ledger/record";
import { summarizeRecord } from "@/lib/ledger/status";

export const metadata: Metadata = { title: "Audit record" };

export default async function RecordPage(props: { params: Promise<{ id: string }> }) {
  await requirePageUser({ permission: "records:read" });
  const { id } = await props.params;
  const record = await db().auditRecord.findUnique({ where: { id } });
  if (!record) notFound();
  const envelope = parseEnvelope(record.envelope);
  return (
    <>
      <PageHeader
        eyebrow={<Link href="/records">Audit records</Link>}
        title={recordKindLabels[record.kind] ?? record.kind}
        description={summarizeRecord(record.kind, record.envelope)}
      />
      <Card id="verification" title="Independent check" description="Your browser checks the signature and the Merkle inclusion proof itself, against the keys published at /.well-known/conduit-ledger/keys.json.">
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
            <dd className="mono">{record.leafHash}</dd>
            <dt>Signing key</dt>
            <dd className="mono">{record.keyId}</dd>
          </dl>
          <h3 style={{ fontSize: 14, margin: "0 0 8px" }}>Envelope (canonical JSON, as signed)</h3>
          <pre>
            {envelope ? JSON.stringify(envelope, null, 2) : record.envelope}
          </pre>
        </div>
      </Card>
    </>
  );
}
