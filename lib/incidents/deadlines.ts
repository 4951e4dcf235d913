// The NIS2 Art. 23(4) reporting deadlines of one incident, computed from its recorded
// instants as shared/reference/regulatory-facts.md sets them out. Pure: the caller
// passes `now` and the plant's time zone; nothing is read or stored.
//
// - Hour deadlines (24 h, 72 h) are exact hours on the UTC time line: no weekend or
//   holiday roll, no daylight-saving effect.
// - Month deadlines are counted in the plant's local calendar and may roll to the
//   next working day where the Member State's law says so (off by default).
// - The final report counts from the notification as actually submitted; until it
//   is, the final date is provisional, counted from the notification's due date.
import type { ReportStage } from "@/lib/db";
import { AppError } from "@/lib/errors";
import {
  addDaysToWallTime,
  addMonthsToWallTime,
  assertTimeZone,
  formatDeadline,
  fromWallTime,
  isoDateOf,
  toWallTime,
  weekdayOf,
  type WallTime,
} from "@/lib/incidents/local-time";

export type { ReportStage } from "@/lib/db";
export { addCalendarMonths, formatDeadline } from "@/lib/incidents/local-time";

export type DeadlineStatus = "upcoming" | "due_soon" | "overdue" | "met" | "met_late";

export interface ReportSubmission {
  stage: ReportStage;
  submittedAt: Date;
}

/** A CSIRT's or authority's request for an intermediate report, Art. 23(4)(c). */
export interface IntermediateRequest {
  requestedAt: Date;
  dueAt: Date;
}

export interface IncidentClock {
  occurredAt: Date | null;
  detectedAt: Date;
  /** When the initial assessment concluded the incident is significant: the clock starts here. */
  awareAt: Date;
  handlingEndedAt: Date | null;
  trustServiceProvider: boolean;
  submissions: ReportSubmission[];
  intermediateRequests: IntermediateRequest[];
}

/** National law on time limits; only day and month deadlines roll, never hours. */
export interface MemberStateRules {
  nextWorkingDayRoll: boolean;
  /** Public holidays as local calendar dates, YYYY-MM-DD. */
  holidays?: string[];
}

export interface ReportDeadline {
  stage: ReportStage;
  /** The provision the deadline comes from, e.g. "NIS2 Art. 23(4)(a)". */
  article: string;
  /** Null only for the final report while the incident is still being handled after the final-report date. */
  dueAt: Date | null;
  /** True while the date depends on something not yet recorded (the notification, or the end of handling). */
  provisional: boolean;
  /** Why the deadline falls when it does, in plant time with UTC beside it. */
  basis: string;
  /** The date before the next-working-day roll moved it, when it did. */
  rolledFrom: Date | null;
  /** For an intermediate report: when it was requested. */
  requestedAt: Date | null;
  submittedAt: Date | null;
  status: DeadlineStatus;
}

export type IncidentClockProblemCode =
  | "invalid_date"
  | "in_future"
  | "awareness_before_occurrence"
  | "detection_before_occurrence"
  | "awareness_before_detection"
  | "handling_ended_before_detection"
  | "submission_before_awareness"
  | "duplicate_submission"
  | "report_before_notification"
  | "final_before_handling_ended"
  | "intermediate_without_request"
  | "request_before_awareness"
  | "request_due_not_after_request";

export interface IncidentClockProblem {
  problem: IncidentClockProblemCode;
  /** The offending field, e.g. "submissions.2.submittedAt". */
  path: string;
  message: string;
}

/** Bad incident instants: an AppError (422 validation_failed) that names every problem found. */
export class IncidentClockError extends AppError {
  override name = "IncidentClockError";
  readonly problems: IncidentClockProblem[];

  constructor(options: { problems: IncidentClockProblem[] }) {
    super({
      code: "validation_failed",
      message: options.problems.map((p) => p.message).join(" "),
      issues: options.problems.map(({ path, message }) => ({ path, message })),
    });
    this.problems = options.problems;
  }
}

const HOUR_MS = 60 * 60 * 1000;
/** A deadline is due soon from 6 h before it until it passes. */
export const DUE_SOON_MS = 6 * HOUR_MS;
/** A browser clock a little ahead of the server's must not make "submitted just now" an error. */
export const FUTURE_TOLERANCE_MS = 60 * 1000;
const ONCE_ONLY_STAGES: ReadonlySet<ReportStage> = new Set<ReportStage>(["EARLY_WARNING", "NOTIFICATION", "PROGRESS", "FINAL"]);
const stageNames: Record<ReportStage, string> = {
  EARLY_WARNING: "early warning",
  NOTIFICATION: "incident notification",
  INTERMEDIATE: "intermediate report",
  PROGRESS: "progress report",
  FINAL: "final report",
};

function describeInstant(at: Date, timeZone: string): string {
  const shown = formatDeadline({ at, timeZone });
  return `${shown.local} (${shown.utc})`;
}

/**
 * Pairs each intermediate report with the request it answers. Requests are taken
 * earliest-due first, each answered by the earliest unused report sent at or after
 * the request. Taking the earliest eligible report never leaves a report unpaired
 * that some other pairing could place, so leftovers truly answer no request.
 */
function pairIntermediateReports(clock: IncidentClock): {
  pairs: Array<{ request: IntermediateRequest; submittedAt: Date | null }>;
  unpaired: Array<{ index: number; submittedAt: Date }>;
} {
  const unused = clock.submissions
    .map((submission, index) => ({ ...submission, index }))
    .filter((s) => s.stage === "INTERMEDIATE")
    .sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  const requests = [...clock.intermediateRequests].sort(
    (a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.requestedAt.getTime() - b.requestedAt.getTime(),
  );
  const pairs = requests.map((request) => {
    const position = unused.findIndex((s) => s.submittedAt >= request.requestedAt);
    const [answer] = position === -1 ? [] : unused.splice(position, 1);
    return { request, submittedAt: answer?.submittedAt ?? null };
  });
  return { pairs, unpaired: unused.sort((a, b) => a.index - b.index) };
}

function findProblems(options: { clock: IncidentClock; now: Date; timeZone: string }): IncidentClockProblem[] {
  const { clock, now, timeZone } = options;
  const problems: IncidentClockProblem[] = [];
  const report = (problem: IncidentClockProblemCode, path: string, message: string) => problems.push({ problem, path, message });
  const when = (at: Date) => describeInstant(at, timeZone);

  const recorded: Array<{ path: string; label: string; at: Date }> = [
    ...(clock.occurredAt ? [{ path: "occurredAt", label: "The occurrence", at: clock.occurredAt }] : []),
    { path: "detectedAt", label: "The detection", at: clock.detectedAt },
    { path: "awareAt", label: "Awareness", at: clock.awareAt },
    ...(clock.handlingEndedAt ? [{ path: "handlingEndedAt", label: "The end of incident handling", at: clock.handlingEndedAt }] : []),
    ...clock.submissions.map((s, i) => ({ path: `submissions.${i}.submittedAt`, label: `The ${stageNames[s.stage]} submission`, at: s.submittedAt })),
    ...clock.intermediateRequests.map((r, i) => ({ path: `intermediateRequests.${i}.requestedAt`, label: "The intermediate report request", at: r.requestedAt })),
  ];
  const dueDates = clock.intermediateRequests.map((r, i) => ({ path: `intermediateRequests.${i}.dueAt`, label: "The requested due date", at: r.dueAt }));
  for (const { path, label, at } of [...recorded, ...dueDates]) {
    if (Number.isNaN(at.getTime())) report("invalid_date", path, `${label} is not a valid date.`);
  }
  // Comparing invalid dates would only add confusing follow-up errors.
  if (problems.length > 0) return problems;

  for (const { path, label, at } of recorded) {
    if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      report("in_future", path, `${label} is recorded at ${when(at)}, which is in the future.`);
    }
  }

  const { occurredAt, detectedAt, awareAt, handlingEndedAt } = clock;
  if (occurredAt && awareAt < occurredAt) {
    report("awareness_before_occurrence", "awareAt", `Awareness at ${when(awareAt)} is before the incident occurred at ${when(occurredAt)}.`);
  }
  if (occurredAt && detectedAt < occurredAt) {
    report("detection_before_occurrence", "detectedAt", `Detection at ${when(detectedAt)} is before the incident occurred at ${when(occurredAt)}.`);
  }
  // Awareness is the conclusion of the initial assessment of what was detected.
  if (awareAt < detectedAt) {
    report("awareness_before_detection", "awareAt", `Awareness at ${when(awareAt)} is before detection at ${when(detectedAt)}; awareness is when the assessment of a detected incident concluded it is significant.`);
  }
  // Handling may end before awareness (a short incident assessed afterwards), not before detection.
  if (handlingEndedAt && handlingEndedAt < detectedAt) {
    report("handling_ended_before_detection", "handlingEndedAt", `Incident handling ended at ${when(handlingEndedAt)}, before the incident was detected at ${when(detectedAt)}.`);
  }

  const notification = clock.submissions.find((s) => s.stage === "NOTIFICATION");
  const seen = new Set<ReportStage>();
  clock.submissions.forEach((s, i) => {
    const path = `submissions.${i}.submittedAt`;
    const name = stageNames[s.stage];
    if (s.submittedAt < awareAt) {
      report("submission_before_awareness", path, `The ${name} is recorded as submitted at ${when(s.submittedAt)}, before awareness at ${when(awareAt)}; if it was sent then, awareness came earlier.`);
    }
    if (ONCE_ONLY_STAGES.has(s.stage)) {
      if (seen.has(s.stage)) report("duplicate_submission", `submissions.${i}.stage`, `The ${name} is submitted once per incident; it is already recorded.`);
      seen.add(s.stage);
    }
    if ((s.stage === "PROGRESS" || s.stage === "FINAL") && (!notification || s.submittedAt < notification.submittedAt)) {
      report("report_before_notification", path, `The ${name} at ${when(s.submittedAt)} comes before any incident notification; record the notification first.`);
    }
    // Art. 23(4)(e): while the incident is ongoing, a progress report takes the final report's place.
    if (s.stage === "FINAL" && (!handlingEndedAt || s.submittedAt < handlingEndedAt)) {
      report("final_before_handling_ended", path, handlingEndedAt
        ? `The final report at ${when(s.submittedAt)} is before incident handling ended at ${when(handlingEndedAt)}; while the incident is ongoing a progress report is due instead.`
        : "A final report needs the end of incident handling: record when handling ended; while the incident is ongoing a progress report is due instead.");
    }
  });

  clock.intermediateRequests.forEach((r, i) => {
    if (r.requestedAt < awareAt) {
      report("request_before_awareness", `intermediateRequests.${i}.requestedAt`, `The intermediate report request at ${when(r.requestedAt)} is before awareness at ${when(awareAt)}.`);
    }
    if (r.dueAt <= r.requestedAt) {
      report("request_due_not_after_request", `intermediateRequests.${i}.dueAt`, `The intermediate report requested at ${when(r.requestedAt)} must fall due after the request, not at ${when(r.dueAt)}.`);
    }
  });
  for (const { index, submittedAt } of pairIntermediateReports(clock).unpaired) {
    report("intermediate_without_request", `submissions.${index}.submittedAt`, `The intermediate report at ${when(submittedAt)} answers no recorded request; intermediate reports are sent on request, so record the request first.`);
  }
  return problems;
}

/** Throws an IncidentClockError naming every inconsistency in the recorded instants. */
export function validateIncidentClock(options: { clock: IncidentClock; now: Date; timeZone: string }): void {
  assertTimeZone(options.timeZone);
  const problems = findProblems(options);
  if (problems.length > 0) throw new IncidentClockError({ problems });
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

function checkedRules(rules: MemberStateRules | undefined): { nextWorkingDayRoll: boolean; holidays: ReadonlySet<string> } {
  const holidays = rules?.holidays ?? [];
  const issues = holidays.flatMap((holiday, i) =>
    isIsoDate(holiday) ? [] : [{ path: `memberStateRules.holidays.${i}`, message: `The holiday "${holiday}" is not a calendar date of the form YYYY-MM-DD.` }],
  );
  if (issues.length > 0) throw new AppError({ code: "validation_failed", message: issues.map((i) => i.message).join(" "), issues });
  return { nextWorkingDayRoll: rules?.nextWorkingDayRoll ?? false, holidays: new Set(holidays) };
}

function statusOf(options: { dueAt: Date | null; submittedAt: Date | null; now: Date }): DeadlineStatus {
  const { dueAt, submittedAt, now } = options;
  // Submitting exactly at the due instant is in time: the law says "at most".
  if (submittedAt) return dueAt && submittedAt > dueAt ? "met_late" : "met";
  if (!dueAt) return "upcoming";
  const remaining = dueAt.getTime() - now.getTime();
  if (remaining < 0) return "overdue";
  return remaining <= DUE_SOON_MS ? "due_soon" : "upcoming";
}

/**
 * Every deadline of the incident, in the order the law lists them (early warning,
 * notification, intermediate reports by due date, progress report, final report).
 * `timeZone` is the plant's legal time zone; months are counted in its calendar.
 * Throws IncidentClockError on inconsistent instants (see validateIncidentClock).
 */
export function computeDeadlines(options: {
  clock: IncidentClock;
  now: Date;
  timeZone: string;
  memberStateRules?: MemberStateRules;
}): ReportDeadline[] {
  const { clock, now, timeZone } = options;
  validateIncidentClock({ clock, now, timeZone });
  const rules = checkedRules(options.memberStateRules);
  const when = (at: Date) => describeInstant(at, timeZone);
  const submittedAt = (stage: ReportStage) => clock.submissions.find((s) => s.stage === stage)?.submittedAt ?? null;
  type DeadlineFields = Omit<ReportDeadline, "status" | "submittedAt" | "rolledFrom" | "requestedAt"> &
    Partial<Pick<ReportDeadline, "submittedAt" | "rolledFrom" | "requestedAt">>;
  const deadline = (d: DeadlineFields): ReportDeadline => {
    const fields = { rolledFrom: null, requestedAt: null, submittedAt: submittedAt(d.stage), ...d };
    return { ...fields, status: statusOf({ dueAt: fields.dueAt, submittedAt: fields.submittedAt, now }) };
  };

  // One month later in the local calendar, rolled on the wall date (not the instant) so
  // a date landing in a spring-forward gap keeps its clock time on the working day.
  const monthAfter = (from: Date): { dueAt: Date; rolledFrom: Date | null; rollNote: string } => {
    const target = addMonthsToWallTime({ wall: toWallTime({ at: from, timeZone }), months: 1 });
    let due: WallTime = target;
    const isWorkingDay = (wall: WallTime) => ![0, 6].includes(weekdayOf({ wall })) && !rules.holidays.has(isoDateOf({ wall }));
    for (let days = 1; rules.nextWorkingDayRoll && !isWorkingDay(due); days++) due = addDaysToWallTime({ wall: target, days });
    const dueAt = fromWallTime({ wall: due, timeZone });
    if (due === target) return { dueAt, rolledFrom: null, rollNote: "" };
    const rolledFrom = fromWallTime({ wall: target, timeZone });
    return { dueAt, rolledFrom, rollNote: `; rolled from ${when(rolledFrom)} to the next working day` };
  };

  const awareness = when(clock.awareAt);
  const afterAwareness = (hours: number) => new Date(clock.awareAt.getTime() + hours * HOUR_MS);
  const notificationHours = clock.trustServiceProvider ? 24 : 72;
  const notificationDue = afterAwareness(notificationHours);
  const deadlines: ReportDeadline[] = [
    deadline({ stage: "EARLY_WARNING", article: "NIS2 Art. 23(4)(a)", dueAt: afterAwareness(24), provisional: false, basis: `24 h after awareness at ${awareness}` }),
    deadline({
      stage: "NOTIFICATION",
      article: "NIS2 Art. 23(4)(b)",
      dueAt: notificationDue,
      provisional: false,
      basis: `${notificationHours} h after awareness at ${awareness}${clock.trustServiceProvider ? " (trust service provider)" : ""}`,
    }),
    ...pairIntermediateReports(clock).pairs.map(({ request, submittedAt }) =>
      deadline({
        stage: "INTERMEDIATE",
        article: "NIS2 Art. 23(4)(c)",
        dueAt: request.dueAt,
        provisional: false,
        basis: `date set by the request of ${when(request.requestedAt)}`,
        requestedAt: request.requestedAt,
        submittedAt,
      }),
    ),
  ];

  const notificationSubmittedAt = submittedAt("NOTIFICATION");
  const provisional = notificationSubmittedAt === null;
  const finalDate = monthAfter(notificationSubmittedAt ?? notificationDue);
  const finalBasis = notificationSubmittedAt
    ? `one month after the notification submitted at ${when(notificationSubmittedAt)}${finalDate.rollNote}`
    : `depends on the notification: provisionally one month after its due date ${when(notificationDue)}${finalDate.rollNote}`;
  const ended = clock.handlingEndedAt;
  // Ongoing is a fact once handling has ended; before that it is known only once the date has passed.
  const ongoingAtFinalDate = ended ? ended > finalDate.dueAt : now > finalDate.dueAt;

  if (ongoingAtFinalDate || submittedAt("PROGRESS")) {
    deadlines.push(
      deadline({
        stage: "PROGRESS",
        article: "NIS2 Art. 23(4)(e)",
        dueAt: finalDate.dueAt,
        rolledFrom: finalDate.rolledFrom,
        provisional,
        basis: ongoingAtFinalDate
          ? `the incident was still ongoing when the final report fell due, ${finalBasis}`
          : `due only if the incident is still ongoing when the final report falls due, ${finalBasis}`,
      }),
    );
  }
  if (!ongoingAtFinalDate) {
    const ifOngoing = ended ? "" : "; if the incident is still ongoing then, a progress report is due at that time and the final report one month after handling ends";
    deadlines.push(
      deadline({ stage: "FINAL", article: "NIS2 Art. 23(4)(d)", dueAt: finalDate.dueAt, rolledFrom: finalDate.rolledFrom, provisional, basis: `${finalBasis}${ifOngoing}` }),
    );
  } else if (ended) {
    const afterHandling = monthAfter(ended);
    deadlines.push(
      deadline({
        stage: "FINAL",
        article: "NIS2 Art. 23(4)(e)",
        dueAt: afterHandling.dueAt,
        rolledFrom: afterHandling.rolledFrom,
        provisional,
        basis: `one month after incident handling ended at ${when(ended)}${afterHandling.rollNote}, as the incident was still ongoing at the final-report date`,
      }),
    );
  } else {
    deadlines.push(
      deadline({
        stage: "FINAL",
        article: "NIS2 Art. 23(4)(e)",
        dueAt: null,
        provisional: true,
        basis: `depends on the end of incident handling: one month after handling ends, as the incident was still ongoing at the final-report date ${when(finalDate.dueAt)}`,
      }),
    );
  }
  return deadlines;
}
