// The CISO's overview: open incidents sorted by their next deadline with the time
// left, how many deadlines are overdue, and the share of reports submitted on time
// over the last twelve months.
import type { Db, ReportStage } from "@/lib/db";
import { computeDeadlines, type DeadlineStatus, type MemberStateRules, type ReportDeadline } from "@/lib/incidents/deadlines";
import { clockOf, incidentTimeZone, isReportable, memberStateRulesFor } from "@/lib/incidents/incident-state";
import { showInstant, type ShownInstant } from "@/lib/incidents/incident-view";
import { addCalendarMonths } from "@/lib/incidents/local-time";
import { stageSpecs } from "@/lib/incidents/report-content";

export interface IncidentRow {
  id: string;
  reference: string;
  title: string;
  status: "OPEN" | "CONTAINED" | "HANDLING_ENDED" | "CLOSED";
  severity: string;
  plants: string[];
  timeZone: string;
  reportable: boolean;
  awareAt: ShownInstant;
  /** The earliest deadline not yet met; null when every report is in (or none is owed). */
  nextDeadline: { stage: ReportStage; title: string; dueAt: ShownInstant | null; status: DeadlineStatus; provisional: boolean } | null;
  overdue: number;
}

export interface IncidentOverview {
  open: IncidentRow[];
  closed: IncidentRow[];
  overdueDeadlines: number;
  incidentsWithOverdue: number;
  /** Reports due (or sent) within the last 12 months: how many were sent on time, of how many decided. */
  onTime: { met: number; decided: number; from: Date };
}

function nextDeadlineOf(deadlines: ReportDeadline[]): ReportDeadline | null {
  const open = deadlines.filter((d) => d.submittedAt === null);
  // Dated ones by date; one whose date is still open (the final report while handling goes on) last.
  return open.sort((a, b) => (a.dueAt?.getTime() ?? Number.POSITIVE_INFINITY) - (b.dueAt?.getTime() ?? Number.POSITIVE_INFINITY))[0] ?? null;
}

export async function incidentOverview(options: { db: Db; now?: Date; plantId?: string | null }): Promise<IncidentOverview> {
  const { db } = options;
  const now = options.now ?? new Date();
  const incidents = await db.incident.findMany({
    where: options.plantId ? { plants: { some: { plantId: options.plantId } } } : {},
    include: {
      plants: { include: { plant: { select: { name: true, memberState: true, timeZone: true } } } },
      reports: { select: { stage: true, submittedAt: true } },
      events: { select: { kind: true, at: true, dueAt: true } },
      assessments: { orderBy: { assessedAt: "desc" }, take: 1, select: { significant: true } },
    },
    orderBy: { awareAt: "desc" },
  });
  const rulesByState = new Map<string, MemberStateRules>();
  for (const memberState of new Set(incidents.map((i) => i.memberState))) rulesByState.set(memberState, await memberStateRulesFor({ db, memberState }));

  const from = addCalendarMonths({ from: now, months: -12, timeZone: "UTC" });
  const inWindow = (at: Date | null) => at !== null && at >= from && at <= now;
  const onTime = { met: 0, decided: 0, from };
  const rows: IncidentRow[] = incidents.map((incident) => {
    const timeZone = incidentTimeZone(incident);
    const reportable = isReportable(incident);
    const deadlines = computeDeadlines({ clock: clockOf(incident), now, timeZone, memberStateRules: rulesByState.get(incident.memberState) });
    if (reportable) {
      for (const d of deadlines) {
        // Undecided (still running) deadlines do not count yet; a provisional one left
        // open only repeats the missing notification, which already counts.
        const decided = d.status === "met" || d.status === "met_late" || (d.status === "overdue" && !d.provisional);
        if (decided && (inWindow(d.dueAt) || inWindow(d.submittedAt))) {
          onTime.decided += 1;
          if (d.status === "met") onTime.met += 1;
        }
      }
    }
    const next = reportable && incident.status !== "CLOSED" ? nextDeadlineOf(deadlines) : null;
    return {
      id: incident.id,
      reference: incident.reference,
      title: incident.title,
      status: incident.status,
      severity: incident.severity,
      plants: incident.plants.map((p) => p.plant.name),
      timeZone,
      reportable,
      awareAt: showInstant(incident.awareAt, timeZone),
      nextDeadline: next && { stage: next.stage, title: stageSpecs[next.stage].title, dueAt: next.dueAt && showInstant(next.dueAt, timeZone), status: next.status, provisional: next.provisional },
      overdue: reportable ? deadlines.filter((d) => d.status === "overdue").length : 0,
    };
  });

  const open = rows
    .filter((r) => r.status !== "CLOSED")
    .sort((a, b) => {
      const due = (r: IncidentRow) => (r.nextDeadline?.dueAt ? Date.parse(r.nextDeadline.dueAt.iso) : Number.POSITIVE_INFINITY);
      return due(a) - due(b) || a.reference.localeCompare(b.reference);
    });
  return {
    open,
    closed: rows.filter((r) => r.status === "CLOSED"),
    overdueDeadlines: open.reduce((n, r) => n + r.overdue, 0),
    incidentsWithOverdue: open.filter((r) => r.overdue > 0).length,
    onTime,
  };
}
