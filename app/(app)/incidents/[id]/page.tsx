import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/card";
import { AuthorityEventForm } from "@/components/incidents/authority-event-form";
import { DeadlineStatusBadge, TimeLeft } from "@/components/incidents/deadline-countdown";
import { UnlinkEvidenceButton } from "@/components/incidents/unlink-evidence-button";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { evidenceKindLabels } from "@/lib/incidents/evidence";
import { findIncidentView } from "@/lib/incidents/incident-page";
import { incidentStatusLabels, type DeadlineView, type IncidentView } from "@/lib/incidents/incident-view";
import { memberStates, type MemberState } from "@/lib/incidents/member-states";

export const metadata: Metadata = { title: "Incident" };

const statusTones = { OPEN: "danger", CONTAINED: "warn", HANDLING_ENDED: "accent", CLOSED: "neutral" } as const;
const severityLabels: Record<string, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High", CRITICAL: "Critical" };
const criterionLabels: Record<string, string> = {
  financial_loss: "Direct financial loss",
  trade_secrets: "Exfiltration of trade secrets",
  death: "Death of a person",
  health_damage: "Considerable damage to health",
  malicious_access: "Malicious unauthorised access",
  recurring: "Recurring incidents",
};

function Instant(props: { at: { local: string; utc: string } | null; none?: string }) {
  if (!props.at) return <span className="muted">{props.none ?? "not recorded"}</span>;
  return (
    <>
      {props.at.local}
      <span className="sub">{props.at.utc}</span>
    </>
  );
}

/** A link to the report form where the engine would take the report now (see deadlines.ts), else what it waits for. */
function prepareAction(d: DeadlineView, view: IncidentView) {
  if (d.submittedAt) return null;
  const notified = view.reports.some((r) => r.stage === "NOTIFICATION");
  if ((d.stage === "PROGRESS" || d.stage === "FINAL") && !notified) return <span className="muted">After the notification</span>;
  if (d.stage === "FINAL" && !view.incident.handlingEndedAt) return <span className="muted">Once handling has ended</span>;
  return (
    <Link className="btn btn-sm nowrap" href={`/incidents/${view.incident.id}/reports/new?stage=${d.stage}`}>
      Prepare {d.title.toLowerCase()}
    </Link>
  );
}

export default async function IncidentPage(props: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser({ permission: "incidents:read" });
  const view = await findIncidentView((await props.params).id);
  const writer = can(user.role, "incidents:write");
  const { incident: facts } = view;
  const memberState = memberStates[facts.memberState as MemberState]?.name ?? facts.memberState;

  return (
    <>
      <PageHeader
        eyebrow={
          <>
            <Link href="/incidents">Incidents</Link> · {facts.reference}
          </>
        }
        title={facts.title}
        description={
          <>
            <span className={`badge badge-${statusTones[facts.status]}`}>{incidentStatusLabels[facts.status]}</span> {facts.plants.map((p) => p.name).join(", ")} · reported in {memberState} · times in{" "}
            {view.timeZone} with UTC beside them
          </>
        }
        actions={
          writer && (
            <div className="page-actions">
              <Link className="btn btn-secondary" href={`/incidents/${facts.id}/edit`}>
                Change incident
              </Link>
              <Link className="btn btn-secondary" href={`/incidents/${facts.id}/significance`}>
                Assess significance
              </Link>
              <Link className="btn btn-secondary" href={`/incidents/${facts.id}/evidence`}>
                Link evidence
              </Link>
            </div>
          )
        }
      />
      {!view.reportable && (
        <div className="notice notice-info" role="status" style={{ marginBottom: 20 }}>
          <p>
            Assessed as <strong>not significant</strong>: no NIS2 Art. 23 reports are owed. The deadlines below show what would apply if it were.
          </p>
        </div>
      )}

      <Card id="deadlines" title="Reporting deadlines" description="NIS2 Art. 23(4), counted from awareness. Hours are exact UTC hours; months run in the plant's calendar.">
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Reporting deadlines</caption>
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Due</th>
                <th scope="col">Time left</th>
                <th scope="col">Status</th>
                <th scope="col">Submitted</th>
                {writer && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {view.deadlines.map((d, i) => (
                <tr key={`${d.stage}-${i}`} data-testid={`deadline-${d.stage}`}>
                  <td className="nowrap">
                    {d.title}
                    <span className="sub">{d.article}</span>
                  </td>
                  <td data-testid="deadline-due">
                    <Instant at={d.dueAt} none="Open" />
                    {d.provisional && <span className="badge badge-neutral">Provisional</span>}
                    <span className="sub">{d.basis}</span>
                  </td>
                  <td className="nowrap">
                    <TimeLeft dueAt={d.dueAt?.iso ?? null} submitted={d.submittedAt !== null} serverNow={view.now} />
                  </td>
                  <td className="nowrap">
                    {view.reportable ? (
                      <DeadlineStatusBadge dueAt={d.dueAt?.iso ?? null} submitted={d.submittedAt !== null} status={d.status} serverNow={view.now} />
                    ) : (
                      <span className="badge badge-neutral">Not required</span>
                    )}
                  </td>
                  <td className="nowrap" data-testid="deadline-submitted">
                    <Instant at={d.submittedAt} none="Not yet" />
                  </td>
                  {writer && <td>{prepareAction(d, view)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card id="timeline" title="Timeline" description="Everything that happened or falls due, in order.">
        <ol className="timeline">
          {view.timeline.map((e) => (
            <li key={e.key} className={e.deadline && !e.deadline.submitted ? "is-due" : undefined}>
              <div className="when">
                <Instant at={e.at} none="Date open" />
              </div>
              <div className="what">
                <strong>{e.title}</strong>
                {e.deadline && (
                  <span className="badges">
                    {view.reportable ? (
                      <DeadlineStatusBadge dueAt={e.at?.iso ?? null} submitted={e.deadline.submitted} status={e.deadline.status} serverNow={view.now} />
                    ) : (
                      <span className="badge badge-neutral">Not required</span>
                    )}
                    {!e.deadline.submitted && e.at && <TimeLeft dueAt={e.at.iso} submitted={false} serverNow={view.now} />}
                  </span>
                )}
                <p>
                  {e.detail}
                  {e.ledgerRecordId && (
                    <>
                      {" "}
                      <Link href={`/records/${e.ledgerRecordId}`}>Ledger record</Link>
                    </>
                  )}
                </p>
              </div>
            </li>
          ))}
        </ol>
      </Card>

      <Card id="reports" title="Reports submitted" description="Frozen as sent. The SHA-256 of each report's content is in its signed ledger record.">
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Reports submitted</caption>
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Submitted</th>
                <th scope="col">To / channel</th>
                <th scope="col">Content SHA-256</th>
                <th scope="col">Ledger record</th>
                <th scope="col">Document</th>
              </tr>
            </thead>
            <tbody>
              {view.reports.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">
                    {r.title}
                    <span className="sub">by {r.submittedBy.name}</span>
                  </td>
                  <td className="nowrap">
                    <Instant at={r.submittedAt} />
                  </td>
                  <td>
                    {r.recipient}
                    <span className="sub">{r.channel}</span>
                  </td>
                  <td className="hash nowrap" title={r.contentHash}>
                    {r.contentHash.slice(0, 16)}…
                  </td>
                  <td className="nowrap">
                    <Link href={`/records/${r.ledger.recordId}`}>
                      {r.ledger.logId} #{r.ledger.seq}
                    </Link>
                  </td>
                  <td>
                    <a href={`/api/incidents/${facts.id}/reports/${r.id}/pdf`} download aria-label={`Download the ${r.title.toLowerCase()} as PDF`}>
                      PDF
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {view.reports.length === 0 && <p className="table-empty">No report submitted yet.</p>}
        </div>
      </Card>

      <Card
        id="significance"
        title="Significance"
        description="Checked against the criteria of Implementing Regulation 2024/2690 as a benchmark; the conclusion is the entity's, under NIS2 Art. 23(3)."
        actions={
          writer && (
            <Link className="btn btn-secondary btn-sm" href={`/incidents/${facts.id}/significance`}>
              {view.assessment ? "Re-assess" : "Assess"}
            </Link>
          )
        }
      >
        <div className="card-body">
          {view.assessment ? (
            <>
              <p style={{ margin: 0 }}>
                <span className={`badge ${view.assessment.significant ? "badge-danger" : "badge-neutral"}`}>{view.assessment.significant ? "Significant" : "Not significant"}</span>{" "}
                {view.assessment.reasoning}
              </p>
              <p className="muted" style={{ margin: "6px 0 0" }}>
                Checklist: {view.assessment.summary} Assessed by {view.assessment.assessedBy}, {view.assessment.assessedAt.local} ({view.assessment.assessedAt.utc}
                ){view.assessmentCount > 1 ? `; ${view.assessmentCount - 1} earlier assessment${view.assessmentCount > 2 ? "s" : ""} kept` : ""}.{" "}
                <Link href={`/records/${view.assessment.ledgerRecordId}`}>Ledger record</Link>
              </p>
              <ul className="findings">
                {view.assessment.findings.map((f) => (
                  <li key={f.criterion}>
                    <span className={`badge ${f.met ? "badge-danger" : "badge-ok"}`}>{f.met ? "Met" : "Not met"}</span> <strong>{criterionLabels[f.criterion] ?? f.criterion}:</strong> {f.reasoning}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted" style={{ margin: 0 }}>
              Not assessed yet. Until it is, the incident counts as significant: it was opened when its significance was concluded.
            </p>
          )}
        </div>
      </Card>

      <Card
        id="evidence"
        title="Evidence"
        description="Ledger records, anomalies, conduits and suppliers linked to this incident, each with a hashed snapshot of what it was when linked."
        actions={
          writer && (
            <Link className="btn btn-secondary btn-sm" href={`/incidents/${facts.id}/evidence`}>
              Link evidence
            </Link>
          )
        }
      >
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Evidence</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">What</th>
                <th scope="col">Linked</th>
                <th scope="col">Ledger reference</th>
                {writer && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {view.evidence.map((e) => (
                <tr key={e.id}>
                  <td>
                    <span className="badge badge-neutral">{evidenceKindLabels[e.kind]}</span>
                  </td>
                  <td>
                    {e.label}
                    {e.note && <span className="sub">{e.note}</span>}
                  </td>
                  <td>
                    {e.linkedAt.local}
                    <span className="sub">by {e.linkedBy}</span>
                  </td>
                  <td>
                    {e.ledger ? (
                      <>
                        <Link href={`/records/${e.ledger.recordId}`}>
                          {e.ledger.logId} #{e.ledger.seq}
                        </Link>
                        <span className="sub hash">leaf {e.ledger.leafHash.slice(0, 16)}…</span>
                      </>
                    ) : (
                      <span className="hash" title={e.snapshotHash}>
                        snapshot {e.snapshotHash.slice(0, 16)}…
                      </span>
                    )}
                    <span className="sub">
                      <Link href={`/records/${e.ledgerRecordId}`}>Link recorded</Link>
                    </span>
                  </td>
                  {writer && (
                    <td>
                      <UnlinkEvidenceButton incidentId={facts.id} linkId={e.id} label={e.label} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {view.evidence.length === 0 && <p className="table-empty">No evidence linked yet.</p>}
        </div>
      </Card>

      {writer && (
        <Card id="authority" title="CSIRT and authority" description="Record a reply (the CSIRT should answer an early warning within 24 h) or a request for an intermediate report.">
          <AuthorityEventForm incidentId={facts.id} timeZone={view.timeZone} defaultSource={facts.csirt || facts.competentAuthority} serverNow={view.now} />
        </Card>
      )}

      <Card id="facts" title="Incident facts">
        <div className="card-body">
          <dl className="facts">
            <dt>Reference</dt>
            <dd>{facts.reference}</dd>
            <dt>Description</dt>
            <dd style={{ whiteSpace: "pre-wrap" }}>{facts.description || <span className="muted">none</span>}</dd>
            <dt>Severity</dt>
            <dd>{severityLabels[facts.severity] ?? facts.severity}</dd>
            <dt>Unlawful or malicious action suspected</dt>
            <dd>{facts.suspectedMalicious ? "Yes" : "No"}</dd>
            <dt>Possible cross-border impact</dt>
            <dd>{facts.crossBorderImpact ? "Yes" : "No"}</dd>
            <dt>Occurred</dt>
            <dd>
              <Instant at={facts.occurredAt} none="not known" />
            </dd>
            <dt>Detected</dt>
            <dd>
              <Instant at={facts.detectedAt} />
            </dd>
            <dt>Became aware</dt>
            <dd>
              <Instant at={facts.awareAt} />
            </dd>
            <dt>Contained</dt>
            <dd>
              <Instant at={facts.containedAt} />
            </dd>
            <dt>Handling ended</dt>
            <dd>
              <Instant at={facts.handlingEndedAt} />
            </dd>
            <dt>Closed</dt>
            <dd>
              <Instant at={facts.closedAt} />
            </dd>
            <dt>Entity</dt>
            <dd>
              {facts.entityCategory === "ESSENTIAL" ? "Essential" : "Important"} entity{facts.trustServiceProvider ? ", trust service provider (notification within 24 h)" : ""}
            </dd>
            <dt>Member State</dt>
            <dd>
              {memberState} ({facts.memberState}); next-working-day roll {view.memberStateRules.nextWorkingDayRoll ? "on" : "off"}
            </dd>
            <dt>Competent authority</dt>
            <dd>{facts.competentAuthority || <span className="muted">not named</span>}</dd>
            <dt>CSIRT</dt>
            <dd>{facts.csirt || <span className="muted">not named</span>}</dd>
          </dl>
        </div>
      </Card>
    </>
  );
}
