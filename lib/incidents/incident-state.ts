// What every incident change shares: loading an incident with everything hanging off
// it, the clock the deadline engine reads, the time zone and Member State rules it
// counts in, the checks on the recorded instants, and the one way a change is applied.
//
// A change is checked against the incident as read, recorded in the ledger, and then
// applied in one transaction that first moves the incident's version on from the one
// read. If anything changed the incident in between, nothing is applied (conflict):
// a change is never written on top of a state it was not checked against.
import { z } from "zod";
import type { Db, IncidentEventKind, IncidentStatus, ReportStage } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { FUTURE_TOLERANCE_MS, IncidentClockError, validateIncidentClock, type IncidentClock, type MemberStateRules } from "@/lib/incidents/deadlines";
import { formatDeadline } from "@/lib/incidents/local-time";
import { reportingTimeZone } from "@/lib/incidents/member-states";
import type { SessionUser } from "@/lib/auth/session";
import { recordAdminChange } from "@/lib/ledger/admin-change";
import type { AppendedRecord } from "@/lib/ledger/log-writer";

/** Appends a ledger record and resolves with where it landed once it is durable (recordEvent in the app). */
export type LedgerAppend = (input: { kind: string; body: unknown }) => Promise<LedgerReference>;

type LedgerReference = Pick<AppendedRecord, "id" | "logId" | "seq" | "leafHash">;

/** recordAdminChange, answering with the record it made, so the changed row can name it. */
export async function recordIncidentChange(options: Omit<Parameters<typeof recordAdminChange>[0], "record"> & { record: LedgerAppend; actor: SessionUser }): Promise<LedgerReference> {
  let appended: LedgerReference | undefined;
  await recordAdminChange({
    ...options,
    record: async (input) => {
      appended = await options.record(input);
      return appended;
    },
  });
  if (!appended) throw new AppError({ code: "internal", message: "The ledger did not say where it recorded the change." });
  return appended;
}

export type IncidentTx = Parameters<Extract<Parameters<Db["$transaction"]>[0], (...args: never[]) => unknown>>[0];

const plantView = { id: true, slug: true, name: true, city: true, memberState: true, timeZone: true, entityCategory: true } as const;

export const incidentInclude = {
  plants: { include: { plant: { select: plantView } } },
  reports: { orderBy: { submittedAt: "asc" }, include: { submittedBy: { select: { id: true, name: true, email: true } } } },
  events: { orderBy: { at: "asc" } },
  assessments: { orderBy: { assessedAt: "desc" } },
  evidence: { orderBy: { linkedAt: "asc" } },
} as const;

export async function loadIncident(options: { db: Db | IncidentTx; incidentId: string }) {
  const incident = await options.db.incident.findUnique({ where: { id: options.incidentId }, include: incidentInclude });
  if (!incident) throw new AppError({ code: "not_found", message: "No such incident." });
  return incident;
}

export type LoadedIncident = Awaited<ReturnType<typeof loadIncident>>;

/** The instants the deadline engine reads, from the incident's rows. */
export function clockOf(
  incident: Pick<LoadedIncident, "occurredAt" | "detectedAt" | "awareAt" | "handlingEndedAt" | "trustServiceProvider"> & {
    reports: { stage: ReportStage; submittedAt: Date }[];
    events: { kind: IncidentEventKind; at: Date; dueAt: Date | null }[];
  },
): IncidentClock {
  return {
    occurredAt: incident.occurredAt,
    detectedAt: incident.detectedAt,
    awareAt: incident.awareAt,
    handlingEndedAt: incident.handlingEndedAt,
    trustServiceProvider: incident.trustServiceProvider,
    submissions: incident.reports.map((r) => ({ stage: r.stage, submittedAt: r.submittedAt })),
    intermediateRequests: incident.events
      .filter((e) => e.kind === "INTERMEDIATE_REPORT_REQUEST" && e.dueAt)
      .map((e) => ({ requestedAt: e.at, dueAt: e.dueAt as Date })),
  };
}

export function incidentTimeZone(incident: { memberState: string; plants: { plant: { memberState: string; timeZone: string } }[] }): string {
  return reportingTimeZone({ memberState: incident.memberState, plants: incident.plants.map((p) => p.plant) });
}

const holidaysSchema = z.array(z.string());

/** The engine's view of a Member State's rules; without a row, no next-working-day roll. */
export async function memberStateRulesFor(options: { db: Db | IncidentTx; memberState: string }): Promise<MemberStateRules> {
  const row = await options.db.memberStateRules.findUnique({ where: { memberState: options.memberState } });
  if (!row) return { nextWorkingDayRoll: false, holidays: [] };
  return { nextWorkingDayRoll: row.nextWorkingDayRoll, holidays: holidaysSchema.parse(JSON.parse(row.holidays)) };
}

/** The latest significance conclusion; an incident not yet assessed counts as significant (it was opened at awareness). */
export function isReportable(incident: { assessments: { significant: boolean }[] }): boolean {
  return incident.assessments[0]?.significant ?? true;
}

export function statusFor(instants: { containedAt: Date | null; handlingEndedAt: Date | null; closedAt: Date | null }): IncidentStatus {
  if (instants.closedAt) return "CLOSED";
  if (instants.handlingEndedAt) return "HANDLING_ENDED";
  if (instants.containedAt) return "CONTAINED";
  return "OPEN";
}

type Issue = { path: string; message: string };

/**
 * Checks an incident's instants: the engine's rules (awareness before occurrence, a
 * report submitted twice, times in the future, ...) and the handling milestones the
 * engine does not know. Throws one 422 naming every problem.
 */
export function checkIncidentInstants(options: {
  clock: IncidentClock;
  containedAt: Date | null;
  closedAt: Date | null;
  /** Whether a final report has been submitted, and whether one is owed at all. */
  finalReportSubmitted: boolean;
  reportable: boolean;
  now: Date;
  timeZone: string;
  /** Further instants that must not lie in the future, nor before `notBefore`, e.g. a CSIRT reply's. */
  extra?: { path: string; label: string; at: Date; notBefore?: { at: Date; label: string } }[];
}): void {
  const { clock, containedAt, closedAt, now, timeZone } = options;
  const when = (at: Date) => {
    const shown = formatDeadline({ at, timeZone });
    return `${shown.local} (${shown.utc})`;
  };
  const issues: Issue[] = [];
  try {
    validateIncidentClock({ clock, now, timeZone });
  } catch (error) {
    if (!(error instanceof IncidentClockError)) throw error;
    issues.push(...error.problems.map(({ path, message }) => ({ path, message })));
  }
  const future = (at: Date) => at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS;
  for (const { path, label, at, notBefore } of options.extra ?? []) {
    if (future(at)) issues.push({ path, message: `${label} is recorded at ${when(at)}, which is in the future.` });
    if (notBefore && at < notBefore.at) issues.push({ path, message: `${label} is recorded at ${when(at)}, before ${notBefore.label} at ${when(notBefore.at)}.` });
  }
  if (containedAt) {
    if (future(containedAt)) issues.push({ path: "containedAt", message: `Containment is recorded at ${when(containedAt)}, which is in the future.` });
    if (containedAt < clock.detectedAt) issues.push({ path: "containedAt", message: `Containment at ${when(containedAt)} is before detection at ${when(clock.detectedAt)}.` });
    if (clock.handlingEndedAt && clock.handlingEndedAt < containedAt) {
      issues.push({ path: "handlingEndedAt", message: `Incident handling ended at ${when(clock.handlingEndedAt)}, before containment at ${when(containedAt)}.` });
    }
  }
  if (closedAt) {
    if (future(closedAt)) issues.push({ path: "closedAt", message: `Closing is recorded at ${when(closedAt)}, which is in the future.` });
    if (!clock.handlingEndedAt) issues.push({ path: "closedAt", message: "An incident is closed after its handling ended: record when handling ended first." });
    else if (closedAt < clock.handlingEndedAt) issues.push({ path: "closedAt", message: `Closing at ${when(closedAt)} is before handling ended at ${when(clock.handlingEndedAt)}.` });
    if (options.reportable && !options.finalReportSubmitted) {
      issues.push({ path: "closedAt", message: "The final report is still owed: submit it before closing the incident (or record an assessment that the incident is not significant)." });
    }
  }
  if (issues.length > 0) throw new AppError({ code: "validation_failed", message: issues.map((i) => i.message).join(" "), issues });
}

/**
 * Applies a change recorded against `version` of the incident: moves the version on
 * and runs `write` in the same transaction, or applies nothing when the incident has
 * changed since it was read.
 */
export async function applyIncidentChange<T>(options: { db: Db; incidentId: string; version: number; write: (tx: IncidentTx) => Promise<T> }): Promise<T> {
  return options.db.$transaction(async (tx) => {
    const moved = await tx.incident.updateMany({ where: { id: options.incidentId, version: options.version }, data: { version: { increment: 1 } } });
    if (moved.count !== 1) {
      throw new AppError({ code: "conflict", message: "The incident changed while this change was being made. Reload it and try again." });
    }
    return options.write(tx);
  });
}

/** True for a unique-constraint violation (Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}
