import type { Metadata } from "next";
import Link from "next/link";
import { Card, Stat } from "@/components/card";
import { DeadlineStatusBadge, TimeLeft } from "@/components/incidents/deadline-countdown";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { formatDate } from "@/lib/format";
import { incidentOverview } from "@/lib/incidents/incident-overview";
import { incidentStatusLabels } from "@/lib/incidents/incident-view";
import { listPlants, selectedPlant } from "@/lib/plants/selection";

export const metadata: Metadata = { title: "Incidents" };

const statusTones = { OPEN: "danger", CONTAINED: "warn", HANDLING_ENDED: "accent", CLOSED: "neutral" } as const;
const severityLabels: Record<string, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High", CRITICAL: "Critical" };

export default async function IncidentsPage() {
  const user = await requirePageUser({ permission: "incidents:read" });
  const plant = await selectedPlant(await listPlants());
  const now = new Date();
  const overview = await incidentOverview({ db: db(), now, plantId: plant?.id ?? null });
  const serverNow = now.toISOString();
  const writer = can(user.role, "incidents:write");
  const share = overview.onTime.decided > 0 ? Math.round((100 * overview.onTime.met) / overview.onTime.decided) : null;
  const next = overview.open.find((r) => r.nextDeadline?.dueAt);

  return (
    <>
      <PageHeader
        eyebrow="NIS2 Art. 23"
        title="Incidents"
        description={`Significant incidents of ${plant ? plant.name : "all plants"} and their reporting deadlines, counted from awareness: early warning within 24 h, notification within 72 h, final report one month after the notification.`}
        actions={
          <div className="page-actions">
            <Link className="btn btn-secondary" href="/incidents/settings">
              Reporting rules
            </Link>
            {writer && (
              <Link className="btn" href="/incidents/new">
                Open an incident
              </Link>
            )}
          </div>
        }
      />
      <div className="stats">
        <Stat label="Open incidents" value={overview.open.length} hint={`${overview.closed.length} closed`} />
        <Stat
          label="Overdue reports"
          value={<span className={overview.overdueDeadlines > 0 ? "time-left overdue" : undefined}>{overview.overdueDeadlines}</span>}
          hint={overview.incidentsWithOverdue === 0 ? "none outstanding" : `in ${overview.incidentsWithOverdue} incident${overview.incidentsWithOverdue === 1 ? "" : "s"}`}
        />
        <Stat
          label="Reports on time, last 12 months"
          value={share === null ? "No reports yet" : `${share} %`}
          hint={`${overview.onTime.met} of ${overview.onTime.decided} due since ${formatDate({ date: overview.onTime.from, timeZone: "UTC" })}`}
        />
        <Stat
          label="Most urgent report"
          value={next?.nextDeadline?.dueAt ? <TimeLeft dueAt={next.nextDeadline.dueAt.iso} submitted={false} serverNow={serverNow} /> : "None"}
          hint={next?.nextDeadline ? `${next.nextDeadline.title}, ${next.reference}` : "nothing due"}
        />
      </div>
      <Card id="open-incidents" title="Open incidents" description="Sorted by the next report due. Times in each incident's plant time, UTC below.">
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Open incidents</caption>
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Plants</th>
                <th scope="col">Status</th>
                <th scope="col">Next report</th>
                <th scope="col">Due</th>
                <th scope="col">Time left</th>
                <th scope="col">Overdue</th>
              </tr>
            </thead>
            <tbody>
              {overview.open.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link href={`/incidents/${r.id}`}>{r.reference}</Link>
                    <span className="sub">{r.title}</span>
                  </td>
                  <td>{r.plants.join(", ")}</td>
                  <td>
                    <span className={`badge badge-${statusTones[r.status]}`}>{incidentStatusLabels[r.status]}</span>
                    <span className="sub">Severity {severityLabels[r.severity] ?? r.severity}</span>
                  </td>
                  <td className="nowrap">
                    {r.nextDeadline ? (
                      <>
                        {r.nextDeadline.title}
                        {r.nextDeadline.provisional && <span className="sub">provisional date</span>}
                      </>
                    ) : (
                      <span className="muted">{r.reportable ? "All reports in" : "Not significant: none owed"}</span>
                    )}
                  </td>
                  <td className="nowrap">
                    {r.nextDeadline?.dueAt ? (
                      <>
                        {r.nextDeadline.dueAt.local}
                        <span className="sub">{r.nextDeadline.dueAt.utc}</span>
                      </>
                    ) : (
                      <span aria-label="none">—</span>
                    )}
                  </td>
                  <td className="nowrap">
                    {r.nextDeadline && (
                      <>
                        <TimeLeft dueAt={r.nextDeadline.dueAt?.iso ?? null} submitted={false} serverNow={serverNow} />
                        <span className="sub">
                          <DeadlineStatusBadge dueAt={r.nextDeadline.dueAt?.iso ?? null} submitted={false} status={r.nextDeadline.status} serverNow={serverNow} />
                        </span>
                      </>
                    )}
                  </td>
                  <td className="num">{r.overdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {overview.open.length === 0 && <p className="table-empty">No open incidents{plant ? ` at ${plant.name}` : ""}.</p>}
        </div>
      </Card>
      <Card id="closed-incidents" title="Closed incidents">
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Closed incidents</caption>
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Plants</th>
                <th scope="col">Became aware</th>
              </tr>
            </thead>
            <tbody>
              {overview.closed.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link href={`/incidents/${r.id}`}>{r.reference}</Link>
                    <span className="sub">{r.title}</span>
                  </td>
                  <td>{r.plants.join(", ")}</td>
                  <td>
                    {r.awareAt.local}
                    <span className="sub">{r.awareAt.utc}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {overview.closed.length === 0 && <p className="table-empty">No closed incidents yet.</p>}
        </div>
      </Card>
    </>
  );
}
