// What the incident page and GET /api/incidents/:id show: the incident's facts, its
// deadlines from the engine, and one timeline of everything that happened or falls
// due, in order, each instant in the reporting time zone with UTC beside it.
import type { Db } from "@/lib/db";
import { computeDeadlines, type DeadlineStatus, type ReportDeadline } from "@/lib/incidents/deadlines";
import { clockOf, incidentTimeZone, isReportable, loadIncident, memberStateRulesFor, type LoadedIncident } from "@/lib/incidents/incident-state";
import { formatDeadline } from "@/lib/incidents/local-time";
import { stageSpecs } from "@/lib/incidents/report-content";

export const incidentStatusLabels = { OPEN: "Open", CONTAINED: "Contained", HANDLING_ENDED: "Handling ended", CLOSED: "Closed" } as const;

export interface ShownInstant {
  iso: string;
  local: string;
  utc: string;
}

export function showInstant(at: Date, timeZone: string): ShownInstant {
  return { iso: at.toISOString(), ...formatDeadline({ at, timeZone }) };
}

export interface DeadlineView extends Omit<ReportDeadline, "dueAt" | "submittedAt" | "rolledFrom" | "requestedAt"> {
  title: string;
  dueAt: ShownInstant | null;
  submittedAt: ShownInstant | null;
  requestedAt: ShownInstant | null;
}

export interface TimelineEntry {
  key: string;
  at: ShownInstant | null;
  title: string;
  detail: string;
  /** For a deadline: its status; the page shows a live countdown for open ones. */
  deadline: { status: DeadlineStatus; provisional: boolean; submitted: boolean } | null;
  ledgerRecordId: string | null;
}

// Same instant: facts before deadlines before what was done about them.
const entryRank = { occurred: 0, detected: 1, aware: 2, assessment: 3, event: 4, report: 5, due: 6, contained: 7, ended: 8, closed: 9 } as const;

function buildTimeline(options: { incident: LoadedIncident; deadlines: ReportDeadline[]; timeZone: string; userNames: Map<string, string> }): TimelineEntry[] {
  const { incident, timeZone, userNames } = options;
  const show = (at: Date) => showInstant(at, timeZone);
  const entries: Array<{ entry: TimelineEntry; rank: number; sortAt: number }> = [];
  const add = (rank: keyof typeof entryRank, at: Date | null, entry: Omit<TimelineEntry, "at" | "deadline" | "ledgerRecordId"> & Partial<TimelineEntry>) =>
    entries.push({
      entry: { deadline: null, ledgerRecordId: null, ...entry, at: at ? show(at) : null },
      rank: entryRank[rank],
      // A deadline whose date is still open goes last.
      sortAt: at ? at.getTime() : Number.POSITIVE_INFINITY,
    });
  const by = (id: string) => userNames.get(id) ?? "unknown user";

  if (incident.occurredAt) add("occurred", incident.occurredAt, { key: "occurred", title: "Incident occurred", detail: "As far as is known." });
  add("detected", incident.detectedAt, { key: "detected", title: "Detected", detail: "First noticed." });
  add("aware", incident.awareAt, { key: "aware", title: "Became aware", detail: "The initial assessment concluded the incident is significant: the NIS2 reporting clock starts." });
  for (const a of incident.assessments) {
    add("assessment", a.assessedAt, {
      key: `assessment-${a.id}`,
      title: `Significance assessed: ${a.significant ? "significant" : "not significant"}`,
      detail: `By ${by(a.assessedById)}. Checklist: ${a.summary} Conclusion: ${a.reasoning}`,
      ledgerRecordId: a.ledgerRecordId,
    });
  }
  for (const e of incident.events) {
    const due = e.dueAt ? `, due ${show(e.dueAt).local} (${show(e.dueAt).utc})` : "";
    add("event", e.at, {
      key: `event-${e.id}`,
      title: e.kind === "CSIRT_REPLY" ? `CSIRT reply from ${e.source}` : `Intermediate report requested by ${e.source}${due}`,
      detail: `${e.summary} (recorded by ${by(e.recordedById)})`,
      ledgerRecordId: e.ledgerRecordId,
    });
  }
  for (const r of incident.reports) {
    add("report", r.submittedAt, {
      key: `report-${r.id}`,
      title: `${stageSpecs[r.stage].title} submitted`,
      detail: `To ${r.recipient} by ${r.channel}, submitted by ${r.submittedBy.name}. Content SHA-256 ${r.contentHash.slice(0, 16)}…`,
      ledgerRecordId: r.ledgerRecordId,
    });
  }
  options.deadlines.forEach((d, i) => {
    add("due", d.dueAt, {
      key: `due-${d.stage}-${i}`,
      title: `${stageSpecs[d.stage].title} ${d.dueAt ? "due" : "due date open"}${d.provisional ? " (provisional)" : ""}`,
      detail: `${d.article}: ${d.basis}.`,
      deadline: { status: d.status, provisional: d.provisional, submitted: d.submittedAt !== null },
    });
  });
  if (incident.containedAt) add("contained", incident.containedAt, { key: "contained", title: "Contained", detail: "The incident stopped spreading." });
  if (incident.handlingEndedAt) add("ended", incident.handlingEndedAt, { key: "ended", title: "Incident handling ended", detail: "Counts for the final report when a progress report was due." });
  if (incident.closedAt) add("closed", incident.closedAt, { key: "closed", title: "Closed", detail: "No further action." });

  return entries.sort((a, b) => a.sortAt - b.sortAt || a.rank - b.rank).map((e) => e.entry);
}

function deadlineViews(options: { deadlines: ReportDeadline[]; timeZone: string }): DeadlineView[] {
  const show = (at: Date | null) => (at ? showInstant(at, options.timeZone) : null);
  return options.deadlines.map((d) => ({
    ...d,
    title: stageSpecs[d.stage].title,
    dueAt: show(d.dueAt),
    submittedAt: show(d.submittedAt),
    requestedAt: show(d.requestedAt),
  }));
}

export async function getIncidentView(options: { db: Db; incidentId: string; now?: Date }) {
  const { db } = options;
  const now = options.now ?? new Date();
  const incident = await loadIncident({ db, incidentId: options.incidentId });
  const timeZone = incidentTimeZone(incident);
  const rules = await memberStateRulesFor({ db, memberState: incident.memberState });
  const deadlines = computeDeadlines({ clock: clockOf(incident), now, timeZone, memberStateRules: rules });
  const userIds = [...incident.events.map((e) => e.recordedById), ...incident.assessments.map((a) => a.assessedById), ...incident.evidence.map((e) => e.linkedById)];
  const users = await db.user.findMany({ where: { id: { in: [...new Set(userIds)] } }, select: { id: true, name: true } });
  const userNames = new Map(users.map((u) => [u.id, u.name]));
  const show = (at: Date | null) => (at ? showInstant(at, timeZone) : null);
  const latest = incident.assessments[0] ?? null;

  return {
    now: now.toISOString(),
    timeZone,
    reportable: isReportable(incident),
    memberStateRules: rules,
    incident: {
      id: incident.id,
      reference: incident.reference,
      title: incident.title,
      description: incident.description,
      status: incident.status,
      severity: incident.severity,
      suspectedMalicious: incident.suspectedMalicious,
      crossBorderImpact: incident.crossBorderImpact,
      entityCategory: incident.entityCategory,
      trustServiceProvider: incident.trustServiceProvider,
      memberState: incident.memberState,
      competentAuthority: incident.competentAuthority,
      csirt: incident.csirt,
      plants: incident.plants.map((p) => p.plant),
      occurredAt: show(incident.occurredAt),
      detectedAt: show(incident.detectedAt),
      awareAt: show(incident.awareAt),
      containedAt: show(incident.containedAt),
      handlingEndedAt: show(incident.handlingEndedAt),
      closedAt: show(incident.closedAt),
    },
    deadlines: deadlineViews({ deadlines, timeZone }),
    timeline: buildTimeline({ incident, deadlines, timeZone, userNames }),
    reports: incident.reports.map((r) => ({
      id: r.id,
      stage: r.stage,
      title: stageSpecs[r.stage].title,
      submittedAt: showInstant(r.submittedAt, timeZone),
      submittedBy: r.submittedBy,
      channel: r.channel,
      recipient: r.recipient,
      contentHash: r.contentHash,
      ledger: { recordId: r.ledgerRecordId, logId: r.ledgerLogId, seq: r.ledgerSeq, leafHash: r.ledgerLeafHash },
    })),
    assessment: latest && {
      id: latest.id,
      verdict: latest.verdict,
      summary: latest.summary,
      significant: latest.significant,
      reasoning: latest.reasoning,
      findings: JSON.parse(latest.findings) as { criterion: string; met: boolean; reasoning: string }[],
      assessedAt: showInstant(latest.assessedAt, timeZone),
      assessedBy: userNames.get(latest.assessedById) ?? "unknown user",
      ledgerRecordId: latest.ledgerRecordId,
    },
    assessmentCount: incident.assessments.length,
    evidence: incident.evidence.map((e) => ({
      id: e.id,
      kind: e.kind,
      targetId: e.targetId,
      label: e.label,
      note: e.note,
      snapshotHash: e.snapshotHash,
      ledger: e.logId !== null && e.seq !== null && e.leafHash !== null ? { recordId: e.targetId, logId: e.logId, seq: e.seq, leafHash: e.leafHash } : null,
      linkedAt: showInstant(e.linkedAt, timeZone),
      linkedBy: userNames.get(e.linkedById) ?? "unknown user",
      ledgerRecordId: e.ledgerRecordId,
    })),
  };
}

export type IncidentView = Awaited<ReturnType<typeof getIncidentView>>;
