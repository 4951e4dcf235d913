import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/card";
import { EvidencePicker } from "@/components/incidents/evidence-picker";
import { ReadOnlyNotice } from "@/components/incidents/read-only-notice";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db, type EvidenceKind } from "@/lib/db";
import { recordKindLabels } from "@/lib/format";
import { evidenceKindPlurals, findEvidenceCandidates } from "@/lib/incidents/evidence";
import { findIncident } from "@/lib/incidents/incident-page";
import { incidentTimeZone } from "@/lib/incidents/incident-state";
import { showInstant } from "@/lib/incidents/incident-view";
import { evidenceKinds } from "@/lib/incidents/inputs";
import { instantFromWallInput, wallInputValue } from "@/lib/incidents/wall-input";
import { recordKinds } from "@/lib/ledger/record";

export const metadata: Metadata = { title: "Link evidence" };

const DAY = 24 * 3600_000;

export default async function EvidencePage(props: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser({ permission: "incidents:read" });
  const incident = await findIncident((await props.params).id);
  const params = await props.searchParams;
  const text = (key: string) => (typeof params[key] === "string" ? params[key] : "");
  const timeZone = incidentTimeZone(incident);
  const kind: EvidenceKind = evidenceKinds.find((k) => k === text("kind")) ?? "LEDGER_RECORD";
  const recordKind = recordKinds.find((k) => k === text("recordKind")) ?? null;
  // By default the window runs from a day before the incident began to the end of its handling (or now).
  const defaultFrom = new Date((incident.occurredAt ?? incident.detectedAt).getTime() - DAY);
  const defaultTo = incident.handlingEndedAt ?? new Date();
  const from = new Date(instantFromWallInput(text("from"), timeZone) ?? defaultFrom.toISOString());
  // The window's end is inclusive of its last minute.
  const to = new Date(instantFromWallInput(text("to"), timeZone) ?? defaultTo.toISOString());
  const windowed = kind === "LEDGER_RECORD" || kind === "ANOMALY";
  const { candidates, truncated } = await findEvidenceCandidates({ db: db(), incidentId: incident.id, kind, recordKind, from, to: new Date(to.getTime() + 59_999) });
  const href = (k: EvidenceKind) => `/incidents/${incident.id}/evidence?kind=${k}`;

  return (
    <>
      <PageHeader
        eyebrow={<Link href={`/incidents/${incident.id}`}>{incident.reference}</Link>}
        title="Link evidence"
        description="Attach AI call records and other ledger records, anomalies, conduits and suppliers. Each link keeps a hashed snapshot, and for a ledger record its log, sequence number and leaf hash, so an evidence pack can prove it later."
      />
      <Card id="candidates" title={evidenceKindPlurals[kind]} description={windowed ? `Times in ${timeZone}.` : undefined}>
        <nav aria-label="Evidence kinds" className="table-tools" style={{ justifyContent: "flex-start", flexWrap: "wrap" }}>
          {evidenceKinds.map((k) => (
            <Link key={k} href={href(k)} aria-current={k === kind ? "page" : undefined} className={`btn btn-sm ${k === kind ? "" : "btn-secondary"}`}>
              {evidenceKindPlurals[k]}
            </Link>
          ))}
        </nav>
        {windowed && (
          <form method="get" className="form-row card-body" aria-label="Filter candidates" style={{ borderBottom: "1px solid var(--line)" }}>
            <input type="hidden" name="kind" value={kind} />
            {kind === "LEDGER_RECORD" && (
              <div className="field">
                <label htmlFor="filter-record-kind">Record kind</label>
                <select id="filter-record-kind" name="recordKind" defaultValue={recordKind ?? ""}>
                  <option value="">All kinds</option>
                  {recordKinds.map((k) => (
                    <option key={k} value={k}>
                      {recordKindLabels[k] ?? k}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="field">
              <label htmlFor="filter-from">From ({timeZone})</label>
              <input id="filter-from" name="from" type="datetime-local" defaultValue={wallInputValue(from.toISOString(), timeZone)} />
            </div>
            <div className="field">
              <label htmlFor="filter-to">To ({timeZone})</label>
              <input id="filter-to" name="to" type="datetime-local" defaultValue={wallInputValue(to.toISOString(), timeZone)} />
            </div>
            <div className="field">
              <button className="btn btn-secondary" type="submit">
                Show
              </button>
            </div>
          </form>
        )}
        {can(user.role, "incidents:write") ? (
          <EvidencePicker
            incidentId={incident.id}
            kind={kind}
            caption="Candidates"
            candidates={candidates.map((c) => ({ ...c, at: c.at ? showInstant(c.at, timeZone) : null }))}
          />
        ) : (
          <ReadOnlyNotice what="link evidence" />
        )}
        {truncated && <p className="table-foot">Showing the newest 100; narrow the window to see the rest.</p>}
      </Card>
    </>
  );
}
