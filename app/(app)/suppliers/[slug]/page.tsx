import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, Stat } from "@/components/card";
import { DataTable, type Row, type Tone } from "@/components/data-table";
import { PageHeader } from "@/components/page-header";
import { AlertList } from "@/components/suppliers/alert-list";
import { CertificationForm } from "@/components/suppliers/certification-form";
import { ApprovalBadge, ChainTree, TermsList } from "@/components/suppliers/chain-tree";
import { DestinationForm } from "@/components/suppliers/destination-form";
import { LinkForm, RemoveLinkButton } from "@/components/suppliers/link-form";
import { StartAssessmentButton } from "@/components/suppliers/start-assessment";
import { SupplierForm } from "@/components/suppliers/supplier-form";
import styles from "@/components/suppliers/suppliers.module.css";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { formatDate, formatDateTime, recordKindLabels } from "@/lib/format";
import { conduitStateLabels } from "@/lib/inventory/conduit-state";
import { certificationWarningDays } from "@/lib/suppliers/alerts";
import { resolveChain } from "@/lib/suppliers/chain";
import { evidenceAccept, evidenceTypeLabels, maxEvidenceBytes } from "@/lib/suppliers/evidence-file";
import { supplierHistory } from "@/lib/suppliers/history";
import { assessmentStatusLabels, certificationLabel, supplierKindLabels } from "@/lib/suppliers/labels";
import { parseSupplier } from "@/lib/suppliers/manage-suppliers";
import { callWindowDays, loadSupplierOverview } from "@/lib/suppliers/overview";
import { currentTemplates } from "@/lib/suppliers/questionnaire";

export const metadata: Metadata = { title: "Supplier" };

const day = 24 * 60 * 60 * 1000;
const utc = (date: Date) => formatDate({ date, timeZone: "UTC" });
const statusTone: Record<string, Tone> = { DRAFT: "neutral", SUBMITTED: "warn", APPROVED: "ok" };

export default async function SupplierPage(props: { params: Promise<{ slug: string }> }) {
  const user = await requirePageUser({ permission: "suppliers:read" });
  const { slug } = await props.params;
  const overview = await loadSupplierOverview({ db: db(), now: new Date() });
  const raw = overview.suppliers.find((s) => s.slug === slug);
  if (!raw) notFound();
  const supplier = parseSupplier(raw);
  const canWrite = can(user.role, "suppliers:write");
  const { now } = overview;
  const name = (id: string) => overview.suppliers.find((s) => s.id === id)?.name ?? id;

  const exposure = overview.exposures.get(supplier.id)!;
  const approval = overview.approvals.get(supplier.id);
  const alerts = overview.alerts.filter((a) => a.supplierId === supplier.id);
  const contract = overview.links.find((l) => l.fromId === null && l.toId === supplier.id);
  const subProcessorLinks = overview.links.filter((l) => l.fromId === supplier.id);
  const upstreamLinks = overview.links.filter((l) => l.toId === supplier.id && l.fromId !== null);
  const destinations = overview.destinations.filter((d) => d.supplierId === supplier.id);
  const certifications = overview.certifications.filter((c) => c.supplierId === supplier.id);
  const assessments = await db().assessment.findMany({
    where: { supplierId: supplier.id },
    select: { id: true, templateKey: true, templateVersion: true, status: true, score: true, rating: true, createdAt: true, approvedAt: true, nextReviewAt: true, author: { select: { name: true } }, approver: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
  const history = await supplierHistory({
    db: db(),
    entityIds: [supplier.id, ...overview.links.filter((l) => l.fromId === supplier.id || l.toId === supplier.id).map((l) => l.id), ...certifications.map((c) => c.id), ...assessments.map((a) => a.id), ...destinations.map((d) => d.id)],
    take: 50,
  });
  const open = assessments.find((a) => a.status !== "APPROVED");
  const template = currentTemplates()[0]!;

  const exposureRows: Row[] = exposure.conduits.map((c) => ({
    id: c.conduit.id,
    conduit: { text: c.conduit.name, sub: c.conduit.slug, href: `/conduits/${c.conduit.slug}` },
    source: { text: c.conduit.plant?.name ?? "No plant", sub: c.conduit.zone },
    path: c.via.length === 1 ? "Direct" : { text: `Via ${c.via.slice(0, -1).map(name).join(" → ")}`, sub: `${c.via.length - 1} link${c.via.length > 2 ? "s" : ""} down the chain` },
    destination: c.destination.name,
    level: c.conduit.maxDataClass,
    state: { label: conduitStateLabels[c.conduit.state], tone: c.conduit.state === "in_force" ? "ok" : "neutral" },
    byLevel: Object.entries(c.callsByLevel)
      .map(([level, n]) => `${level} ${n}`)
      .join(", "),
    calls: c.calls,
  }));

  const certificationState = (expiresAt: Date): { label: string; tone: Tone } => {
    const days = Math.ceil((expiresAt.getTime() - now.getTime()) / day);
    if (days <= 0) return { label: "Expired", tone: "danger" };
    return days <= certificationWarningDays ? { label: `Expires in ${days} d`, tone: "warn" } : { label: "Valid", tone: "ok" };
  };

  const assessmentRows: Row[] = assessments.map((a) => ({
    id: a.id,
    started: { text: utc(a.createdAt), sub: `${a.templateKey} v${a.templateVersion}`, href: `/suppliers/${supplier.slug}/assessments/${a.id}` },
    status: { label: assessmentStatusLabels[a.status], tone: statusTone[a.status]! },
    score: a.score,
    rating: a.rating ? a.rating.toLowerCase() : null,
    author: a.author.name,
    approver: a.approver?.name ?? null,
    approved: a.approvedAt ? utc(a.approvedAt) : null,
    review: a.nextReviewAt ? utc(a.nextReviewAt) : null,
  }));

  const otherDestinations = overview.destinations.filter((d) => d.supplierId !== supplier.id);
  const candidates = overview.suppliers.filter((s) => s.id !== supplier.id && !subProcessorLinks.some((l) => l.toId === s.id)).map((s) => ({ id: s.id, name: s.name }));

  return (
    <>
      <PageHeader eyebrow={<Link href="/suppliers">AI suppliers</Link>} title={supplier.name} description={`${supplierKindLabels[supplier.kind]}${supplier.services ? `: ${supplier.services}` : ""}`} />
      <div className="stats">
        <Stat label="Plants" value={exposure.plants.length} hint={exposure.plants.map((p) => p.name).join(", ") || "none reach it now"} />
        <Stat label="Conduits in force" value={exposure.summary.conduits} hint={`of ${exposure.conduits.length} reaching it, directly or down a chain`} />
        <Stat label="Data received" value={exposure.receivedLevel ?? "None"} hint={approval ? `approved up to ${approval.approvedDataClass}` : "no approved assessment"} />
        <Stat label={`Calls (${callWindowDays} days)`} value={exposure.calls} hint="ai_call records in the ledger" />
      </div>
      {alerts.length > 0 && (
        <Card id="supplier-alerts" title="Alerts">
          <AlertList alerts={alerts} overview={overview} />
        </Card>
      )}
      <Card id="exposure" title="Exposure" description={`Conduits whose data reaches ${supplier.name}, the plants they come from, their data limit and the calls recorded in the last ${callWindowDays} days by classification level.`}>
        <DataTable
          caption="Exposure"
          columns={[
            { key: "conduit", header: "Conduit" },
            { key: "source", header: "Plant / zone" },
            { key: "path", header: "Reaches it" },
            { key: "destination", header: "Destination" },
            { key: "level", header: "Max. data class" },
            { key: "state", header: "State" },
            { key: "byLevel", header: "Calls by level" },
            { key: "calls", header: "Calls", kind: "number" },
          ]}
          rows={exposureRows}
          emptyText="No conduit sends data to this supplier."
        />
      </Card>
      <Card id="chain" title="Chain" description="Who handles the data this supplier receives, and under which terms.">
        <div className="card-body">
          <div className={styles.grid2}>
            <div>
              <h3 style={{ fontSize: 14, margin: "0 0 6px" }}>Its chain</h3>
              <ChainTree tree={resolveChain({ rootId: supplier.id, links: overview.links })} overview={overview} label={`Chain of ${supplier.name}`} />
            </div>
            <div>
              <h3 style={{ fontSize: 14, margin: "0 0 6px" }}>Receives data from</h3>
              {upstreamLinks.length === 0 && !contract && <p className="field-hint">No one: neither our contract nor another supplier passes data to it.</p>}
              {contract && <p className={styles.node}>Our organisation, under the contract shown at the top of its chain</p>}
              <ul className={styles.tree}>
                {upstreamLinks.map((l) => (
                  <li key={l.id}>
                    <Link href={`/suppliers/${overview.suppliers.find((s) => s.id === l.fromId)?.slug}`} className={styles.nodeName}>
                      {name(l.fromId!)}
                    </Link>{" "}
                    <ApprovalBadge supplierId={l.fromId!} overview={overview} />
                    <TermsList link={l} />
                  </li>
                ))}
              </ul>
            </div>
          </div>
          {canWrite && (
            <>
              <h3 style={{ fontSize: 14, margin: "18px 0 6px" }}>Change the chain</h3>
              {contract ? (
                <details className={styles.edit}>
                  <summary>Change our contract terms with {supplier.name}</summary>
                  <LinkForm mode={{ kind: "edit", linkId: contract.id, terms: contract }} label={`Terms of our contract with ${supplier.name}`} />
                </details>
              ) : (
                <details className={styles.edit}>
                  <summary>Record our contract with {supplier.name}</summary>
                  <LinkForm mode={{ kind: "contract", toId: supplier.id }} label={`Our contract with ${supplier.name}`} />
                </details>
              )}
              {subProcessorLinks.map((l) => (
                <details key={l.id} className={styles.edit}>
                  <summary>Change or remove sub-processor {name(l.toId)}</summary>
                  <LinkForm mode={{ kind: "edit", linkId: l.id, terms: l }} label={`Terms of ${name(l.toId)} as sub-processor`} />
                  <div style={{ marginTop: 10 }}>
                    <RemoveLinkButton linkId={l.id} label={`Remove ${name(l.toId)} as sub-processor`} />
                  </div>
                </details>
              ))}
              <details className={styles.edit}>
                <summary>Add a sub-processor of {supplier.name}</summary>
                <LinkForm mode={{ kind: "sub-processor", fromId: supplier.id, candidates }} label={`Add a sub-processor of ${supplier.name}`} />
              </details>
            </>
          )}
        </div>
      </Card>
      <Card id="destinations" title="AI destinations" description="Destinations of the proxy that this supplier operates; their conduits send data into its chain.">
        <div className="card-body">
          <ul className={styles.tree}>
            {destinations.map((d) => (
              <li key={d.id}>
                <span className={styles.nodeName}>{d.name}</span> <span className="mono">{d.slug}</span>{" "}
                <span className="field-hint">
                  {d.conduits.length} conduit{d.conduits.length === 1 ? "" : "s"}
                </span>
              </li>
            ))}
            {destinations.length === 0 && <li className="field-hint">None.</li>}
          </ul>
        </div>
        {canWrite && otherDestinations.length > 0 && (
          <DestinationForm
            supplierId={supplier.id}
            destinations={otherDestinations.map((d) => ({ id: d.id, label: `${d.name} (${d.slug}), now ${d.supplierId ? `operated by ${name(d.supplierId)}` : "without supplier"}` }))}
          />
        )}
      </Card>
      <Card id="certifications" title="Certifications" description="With validity and the evidence file as uploaded; its SHA-256 is recorded in the ledger.">
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Certifications</caption>
            <thead>
              <tr>
                <th scope="col">Certification</th>
                <th scope="col">Issued by</th>
                <th scope="col">Valid</th>
                <th scope="col">Status</th>
                <th scope="col">Evidence</th>
              </tr>
            </thead>
            <tbody>
              {certifications.map((c) => {
                const state = certificationState(c.expiresAt);
                return (
                  <tr key={c.id}>
                    <td>
                      {certificationLabel(c)}
                      <span className="sub">{c.scheme === "OTHER" ? c.scope : [c.title, c.scope].filter(Boolean).join(": ")}</span>
                    </td>
                    <td>
                      {c.issuer}
                      <span className="sub">{c.reference}</span>
                    </td>
                    <td>
                      {utc(c.issuedAt)} to {utc(c.expiresAt)}
                    </td>
                    <td>
                      <span className={`badge badge-${state.tone}`}>{state.label}</span>
                    </td>
                    <td>
                      {/* A file download, not a page: a plain link. */}
                      <a href={`/api/certifications/${c.id}/evidence`} download={c.evidence.fileName}>
                        {c.evidence.fileName}
                      </a>
                      <span className="sub mono" title={c.evidence.sha256}>
                        SHA-256 {c.evidence.sha256.slice(0, 16)}…, {Math.ceil(c.evidence.size / 1024)} KiB
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {certifications.length === 0 && <p className="table-empty">No certifications recorded.</p>}
        </div>
        {canWrite && (
          <details className={`card-body ${styles.edit}`}>
            <summary>Add a certification</summary>
            <CertificationForm supplierId={supplier.id} accept={evidenceAccept} hint={`${evidenceTypeLabels}, at most ${maxEvidenceBytes / 1024 / 1024} MiB.`} />
          </details>
        )}
      </Card>
      <Card
        id="assessments"
        title="Assessments"
        description={approval ? `Latest approval: risk ${approval.rating?.toLowerCase()}, next review ${utc(approval.nextReviewAt)}.` : "Never approved."}
        actions={canWrite && !open ? <StartAssessmentButton supplierId={supplier.id} supplierSlug={supplier.slug} templateKey={template.key} label="Start assessment" /> : undefined}
      >
        <DataTable
          caption="Assessments"
          columns={[
            { key: "started", header: "Started" },
            { key: "status", header: "Status" },
            { key: "score", header: "Score", kind: "number" },
            { key: "rating", header: "Risk" },
            { key: "author", header: "Author" },
            { key: "approver", header: "Approver" },
            { key: "approved", header: "Approved" },
            { key: "review", header: "Next review" },
          ]}
          rows={assessmentRows}
          emptyText="No assessment yet."
        />
      </Card>
      <Card id="details" title="Details">
        <div className="card-body">
          <dl className="facts">
            <dt>Kind</dt>
            <dd>{supplierKindLabels[supplier.kind]}</dd>
            <dt>Countries of processing</dt>
            <dd>{supplier.countries.join(", ") || "not recorded"}</dd>
            <dt>Regions</dt>
            <dd>{supplier.regions.join(", ") || "not recorded"}</dd>
            <dt>Contacts</dt>
            <dd>
              {supplier.contacts.length === 0 && "not recorded"}
              {supplier.contacts.map((c) => (
                <span key={c.email} style={{ display: "block" }}>
                  {c.name}
                  {c.role && `, ${c.role}`}, <a href={`mailto:${c.email}`}>{c.email}</a>
                </span>
              ))}
            </dd>
            <dt>Services</dt>
            <dd>{supplier.services || "not recorded"}</dd>
          </dl>
          {canWrite && (
            <details className={styles.edit}>
              <summary>Edit details</summary>
              <SupplierForm supplier={supplier} />
            </details>
          )}
        </div>
      </Card>
      <Card id="history" title="History" description="Changes to this supplier, its links, certifications and assessments, as recorded in the audit ledger.">
        <ul className={styles.alerts}>
          {history.map((r) => (
            <li key={r.id}>
              <span className="badge badge-neutral">{recordKindLabels[r.kind] ?? r.kind}</span>
              <span>
                {formatDateTime({ date: r.at, timeZone: "UTC" })}: <Link href={`/records/${r.id}`}>{r.summary}</Link>
              </span>
            </li>
          ))}
          {history.length === 0 && <li className="field-hint">No changes recorded yet (the demo data was seeded before the ledger started).</li>}
        </ul>
      </Card>
    </>
  );
}
