import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/errors";
import {
  computeDeadlines,
  DUE_SOON_MS,
  formatDeadline,
  IncidentClockError,
  validateIncidentClock,
  type IncidentClock,
  type IncidentClockProblem,
  type MemberStateRules,
  type ReportDeadline,
  type ReportStage,
} from "@/lib/incidents/deadlines";

const berlin = "Europe/Berlin";
const lisbon = "Europe/Lisbon";
const at = (iso: string) => new Date(iso);
const HOUR = 60 * 60 * 1000;

// Aware Monday 2 Mar 2026 10:00 CET: early warning due Tue 3 Mar 09:00 UTC, notification
// Thu 5 Mar 09:00 UTC; a notification sent Wed 4 Mar 09:00 UTC puts the final report
// on Sat 4 Apr 10:00 CEST (08:00 UTC).
function clockWith(overrides: Partial<IncidentClock> = {}): IncidentClock {
  return {
    occurredAt: at("2026-03-02T07:00:00Z"),
    detectedAt: at("2026-03-02T08:00:00Z"),
    awareAt: at("2026-03-02T09:00:00Z"),
    handlingEndedAt: null,
    trustServiceProvider: false,
    submissions: [],
    intermediateRequests: [],
    ...overrides,
  };
}

const notifiedWednesday = { stage: "NOTIFICATION" as const, submittedAt: at("2026-03-04T09:00:00Z") };

function deadlinesFor(options: { clock?: Partial<IncidentClock>; now: string; timeZone?: string; memberStateRules?: MemberStateRules }): ReportDeadline[] {
  return computeDeadlines({
    clock: clockWith(options.clock),
    now: at(options.now),
    timeZone: options.timeZone ?? berlin,
    memberStateRules: options.memberStateRules,
  });
}

function only(rows: ReportDeadline[], stage: ReportStage): ReportDeadline {
  const matches = rows.filter((r) => r.stage === stage);
  expect(matches).toHaveLength(1);
  const [row] = matches;
  if (!row) throw new Error(`no ${stage} deadline`);
  return row;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

function problemsOf(options: { clock: Partial<IncidentClock>; now?: string }): Array<Pick<IncidentClockProblem, "problem" | "path">> {
  try {
    validateIncidentClock({ clock: clockWith(options.clock), now: at(options.now ?? "2026-06-30T00:00:00Z"), timeZone: berlin });
  } catch (error) {
    expect(error).toBeInstanceOf(IncidentClockError);
    return (error as IncidentClockError).problems.map(({ problem, path }) => ({ problem, path }));
  }
  throw new Error("expected an IncidentClockError");
}

describe("early warning and notification: exact hours after awareness", () => {
  it("puts the early warning 24 h and the notification 72 h after awareness, to the millisecond", () => {
    const rows = deadlinesFor({ clock: { awareAt: at("2026-03-02T09:17:42.123Z") }, now: "2026-03-02T10:00:00Z" });
    expect(rows.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "FINAL"]);
    expect(only(rows, "EARLY_WARNING")).toMatchObject({
      article: "NIS2 Art. 23(4)(a)",
      dueAt: at("2026-03-03T09:17:42.123Z"),
      provisional: false,
      basis: "24 h after awareness at 2026-03-02 10:17 CET (2026-03-02 09:17 UTC)",
      submittedAt: null,
      rolledFrom: null,
      requestedAt: null,
      status: "upcoming",
    });
    expect(only(rows, "NOTIFICATION")).toMatchObject({
      article: "NIS2 Art. 23(4)(b)",
      dueAt: at("2026-03-05T09:17:42.123Z"),
      provisional: false,
      basis: "72 h after awareness at 2026-03-02 10:17 CET (2026-03-02 09:17 UTC)",
      status: "upcoming",
    });
  });

  it("counts from awareness, not from occurrence or detection", () => {
    const rows = deadlinesFor({
      clock: { occurredAt: at("2026-02-20T00:00:00Z"), detectedAt: at("2026-02-25T00:00:00Z") },
      now: "2026-03-02T10:00:00Z",
    });
    expect(iso(only(rows, "EARLY_WARNING").dueAt)).toBe("2026-03-03T09:00:00.000Z");
    expect(iso(only(rows, "NOTIFICATION").dueAt)).toBe("2026-03-05T09:00:00.000Z");
  });

  it("gives a trust service provider 24 h for the notification, and counts the provisional final report from that", () => {
    const rows = deadlinesFor({ clock: { trustServiceProvider: true }, now: "2026-03-02T10:00:00Z" });
    expect(only(rows, "NOTIFICATION")).toMatchObject({
      dueAt: at("2026-03-03T09:00:00Z"),
      basis: "24 h after awareness at 2026-03-02 10:00 CET (2026-03-02 09:00 UTC) (trust service provider)",
    });
    expect(only(rows, "FINAL")).toMatchObject({ dueAt: at("2026-04-03T08:00:00Z"), provisional: true });
    expect(iso(only(deadlinesFor({ now: "2026-03-02T10:00:00Z" }), "NOTIFICATION").dueAt)).toBe("2026-03-05T09:00:00.000Z");
  });

  it.each([
    ["Berlin, spring forward", berlin, "2026-03-28T02:15:00Z", "2026-03-28 03:15 CET", "2026-03-29T02:15:00.000Z", "2026-03-29 04:15 CEST"],
    ["Berlin, fall back", berlin, "2026-10-24T08:00:00Z", "2026-10-24 10:00 CEST", "2026-10-25T08:00:00.000Z", "2026-10-25 09:00 CET"],
    ["Lisbon, spring forward", lisbon, "2026-03-28T10:00:00Z", "2026-03-28 10:00 WET", "2026-03-29T10:00:00.000Z", "2026-03-29 11:00 WEST"],
    ["Lisbon, fall back", lisbon, "2026-10-24T09:00:00Z", "2026-10-24 10:00 WEST", "2026-10-25T09:00:00.000Z", "2026-10-25 09:00 WET"],
  ])("keeps 24 h exact across a daylight-saving change (%s): the local clock shifts by an hour", (_case, timeZone, awareAt, awareLocal, dueUtc, dueLocal) => {
    const aware = at(awareAt);
    const rows = deadlinesFor({ clock: { occurredAt: null, detectedAt: aware, awareAt: aware }, now: awareAt, timeZone });
    const earlyWarning = only(rows, "EARLY_WARNING");
    expect(iso(earlyWarning.dueAt)).toBe(dueUtc);
    expect((earlyWarning.dueAt?.getTime() ?? 0) - aware.getTime()).toBe(24 * HOUR);
    expect(formatDeadline({ at: aware, timeZone }).local).toBe(awareLocal);
    expect(formatDeadline({ at: at(dueUtc), timeZone }).local).toBe(dueLocal);
    expect(earlyWarning.basis).toContain(awareLocal);
    expect((only(rows, "NOTIFICATION").dueAt?.getTime() ?? 0) - aware.getTime()).toBe(72 * HOUR);
  });

  it("never rolls hour deadlines, even onto a weekend or holiday with the roll switched on", () => {
    const aware = at("2026-03-05T12:00:00Z"); // Thursday
    const rows = deadlinesFor({
      clock: { detectedAt: aware, awareAt: aware },
      now: "2026-03-05T12:00:00Z",
      memberStateRules: { nextWorkingDayRoll: true, holidays: ["2026-03-06"] },
    });
    expect(only(rows, "EARLY_WARNING")).toMatchObject({ dueAt: at("2026-03-06T12:00:00Z"), rolledFrom: null }); // holiday
    expect(only(rows, "NOTIFICATION")).toMatchObject({ dueAt: at("2026-03-08T12:00:00Z"), rolledFrom: null }); // Sunday
  });
});

describe("final report: one month after the notification as actually submitted", () => {
  it("is provisional, counted from the notification's due date, while the notification is not submitted", () => {
    const final = only(deadlinesFor({ now: "2026-03-03T00:00:00Z" }), "FINAL");
    expect(final).toMatchObject({ article: "NIS2 Art. 23(4)(d)", dueAt: at("2026-04-05T08:00:00Z"), provisional: true, status: "upcoming" });
    expect(final.basis).toMatch(/^depends on the notification: provisionally one month after its due date 2026-03-05 10:00 CET \(2026-03-05 09:00 UTC\)/);
  });

  it("moves earlier when the notification is submitted early", () => {
    const rows = deadlinesFor({ clock: { submissions: [{ stage: "NOTIFICATION", submittedAt: at("2026-03-02T15:00:00Z") }] }, now: "2026-03-03T00:00:00Z" });
    expect(only(rows, "NOTIFICATION")).toMatchObject({ status: "met", submittedAt: at("2026-03-02T15:00:00Z") });
    const final = only(rows, "FINAL");
    expect(final).toMatchObject({ dueAt: at("2026-04-02T14:00:00Z"), provisional: false });
    expect(final.basis).toMatch(/^one month after the notification submitted at 2026-03-02 16:00 CET \(2026-03-02 15:00 UTC\); if the incident is still ongoing then/);
    expect(final.dueAt?.getTime()).toBeLessThan(at("2026-04-05T08:00:00Z").getTime());
  });

  it("counts from the actual late submission, and marks the notification met late", () => {
    const rows = deadlinesFor({ clock: { submissions: [{ stage: "NOTIFICATION", submittedAt: at("2026-03-06T09:00:00Z") }] }, now: "2026-03-07T00:00:00Z" });
    expect(only(rows, "NOTIFICATION")).toMatchObject({ status: "met_late", dueAt: at("2026-03-05T09:00:00Z"), submittedAt: at("2026-03-06T09:00:00Z") });
    expect(only(rows, "FINAL")).toMatchObject({ dueAt: at("2026-04-06T08:00:00Z"), provisional: false });
  });

  it("counts a submission exactly at the due instant as met, and one millisecond later as met late", () => {
    const statusFor = (submittedAt: string) =>
      only(deadlinesFor({ clock: { submissions: [{ stage: "NOTIFICATION", submittedAt: at(submittedAt) }] }, now: "2026-03-06T00:00:00Z" }), "NOTIFICATION").status;
    expect(statusFor("2026-03-05T09:00:00.000Z")).toBe("met");
    expect(statusFor("2026-03-05T09:00:00.001Z")).toBe("met_late");
  });

  it.each([
    ["31 Jan -> 28 Feb", "2026-01-31T09:00:00Z", "2026-02-28T09:00:00.000Z"],
    ["31 Jan 2028 -> 29 Feb 2028 (leap year)", "2028-01-31T09:00:00Z", "2028-02-29T09:00:00.000Z"],
    ["29 Feb 2028 -> 29 Mar 2028 (now summer time)", "2028-02-29T09:00:00Z", "2028-03-29T08:00:00.000Z"],
    ["30 Aug -> 30 Sep", "2026-08-30T08:00:00Z", "2026-09-30T08:00:00.000Z"],
    ["31 Aug -> 30 Sep", "2026-08-31T08:00:00Z", "2026-09-30T08:00:00.000Z"],
    ["31 Dec -> 31 Jan", "2026-12-31T09:00:00Z", "2027-01-31T09:00:00.000Z"],
    ["1 Mar 00:30 CET (28 Feb in UTC) -> 1 Apr 00:30 CEST, counted in the local calendar", "2026-02-28T23:30:00Z", "2026-03-31T22:30:00.000Z"],
    ["15 Mar 09:00 CET -> 15 Apr 09:00 CEST", "2026-03-15T08:00:00Z", "2026-04-15T07:00:00.000Z"],
    ["10 Oct 09:00 CEST -> 10 Nov 09:00 CET", "2026-10-10T07:00:00Z", "2026-11-10T08:00:00.000Z"],
  ])("follows the end-of-month rule in plant time: %s", (_case, submittedAt, expected) => {
    const submitted = at(submittedAt);
    const aware = new Date(submitted.getTime() - 12 * HOUR);
    const rows = deadlinesFor({
      clock: { occurredAt: null, detectedAt: aware, awareAt: aware, submissions: [{ stage: "NOTIFICATION", submittedAt: submitted }] },
      now: submittedAt,
    });
    expect(iso(only(rows, "FINAL").dueAt)).toBe(expected);
  });

  it("counts the month in Lisbon's calendar for a plant in Portugal", () => {
    const aware = at("2026-03-14T09:00:00Z");
    const rows = deadlinesFor({
      clock: { occurredAt: null, detectedAt: aware, awareAt: aware, submissions: [{ stage: "NOTIFICATION", submittedAt: at("2026-03-15T09:00:00Z") }] },
      now: "2026-03-16T00:00:00Z",
      timeZone: lisbon,
    });
    expect(only(rows, "FINAL")).toMatchObject({ dueAt: at("2026-04-15T08:00:00Z") }); // 09:00 WET -> 09:00 WEST
  });

  it("is met when sent after handling ended and in time, met late after its date, and overdue when missing", () => {
    const handled = { handlingEndedAt: at("2026-03-20T12:00:00Z") };
    const inTime = deadlinesFor({
      clock: { ...handled, submissions: [notifiedWednesday, { stage: "FINAL", submittedAt: at("2026-03-25T12:00:00Z") }] },
      now: "2026-03-26T00:00:00Z",
    });
    expect(inTime.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "FINAL"]);
    expect(only(inTime, "FINAL")).toMatchObject({ dueAt: at("2026-04-04T08:00:00Z"), status: "met", article: "NIS2 Art. 23(4)(d)" });
    const late = deadlinesFor({
      clock: { ...handled, submissions: [notifiedWednesday, { stage: "FINAL", submittedAt: at("2026-04-10T00:00:00Z") }] },
      now: "2026-04-11T00:00:00Z",
    });
    expect(only(late, "FINAL").status).toBe("met_late");
    expect(only(deadlinesFor({ clock: { ...handled, submissions: [notifiedWednesday] }, now: "2026-04-05T00:00:00Z" }), "FINAL").status).toBe("overdue");
  });

  it("adds the ongoing-incident caveat only while handling has not ended", () => {
    const open = only(deadlinesFor({ clock: { submissions: [notifiedWednesday] }, now: "2026-03-05T00:00:00Z" }), "FINAL");
    expect(open.basis).toContain("a progress report is due at that time and the final report one month after handling ends");
    const closed = only(
      deadlinesFor({ clock: { submissions: [notifiedWednesday], handlingEndedAt: at("2026-03-04T12:00:00Z") }, now: "2026-03-05T00:00:00Z" }),
      "FINAL",
    );
    expect(closed.basis).toBe("one month after the notification submitted at 2026-03-04 10:00 CET (2026-03-04 09:00 UTC)");
  });
});

describe("an incident still ongoing when the final report falls due", () => {
  const notified = { submissions: [notifiedWednesday] }; // final report date: 2026-04-04 08:00 UTC

  it("shows only the final report while that date has not passed", () => {
    const rows = deadlinesFor({ clock: notified, now: "2026-04-04T08:00:00Z" });
    expect(rows.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "FINAL"]);
    expect(only(rows, "FINAL")).toMatchObject({ dueAt: at("2026-04-04T08:00:00Z"), status: "due_soon" });
  });

  it("asks for a progress report at that date and leaves the final report open until handling ends", () => {
    const rows = deadlinesFor({ clock: notified, now: "2026-04-04T08:00:00.001Z" });
    expect(rows.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "PROGRESS", "FINAL"]);
    const progress = only(rows, "PROGRESS");
    expect(progress).toMatchObject({ article: "NIS2 Art. 23(4)(e)", dueAt: at("2026-04-04T08:00:00Z"), provisional: false, status: "overdue" });
    expect(progress.basis).toMatch(/^the incident was still ongoing when the final report fell due, one month after the notification submitted at 2026-03-04 10:00 CET/);
    const final = only(rows, "FINAL");
    expect(final).toMatchObject({ article: "NIS2 Art. 23(4)(e)", dueAt: null, provisional: true, status: "upcoming", submittedAt: null });
    expect(final.basis).toBe(
      "depends on the end of incident handling: one month after handling ends, as the incident was still ongoing at the final-report date 2026-04-04 10:00 CEST (2026-04-04 08:00 UTC)",
    );
  });

  it("puts the final report one month after handling ended when handling ends later", () => {
    const clock = {
      handlingEndedAt: at("2026-05-20T10:00:00Z"),
      submissions: [notifiedWednesday, { stage: "PROGRESS" as const, submittedAt: at("2026-04-03T10:00:00Z") }],
    };
    const rows = deadlinesFor({ clock, now: "2026-05-21T00:00:00Z" });
    expect(only(rows, "PROGRESS")).toMatchObject({ dueAt: at("2026-04-04T08:00:00Z"), status: "met" });
    expect(only(rows, "FINAL")).toMatchObject({
      article: "NIS2 Art. 23(4)(e)",
      dueAt: at("2026-06-20T10:00:00Z"),
      provisional: false,
      status: "upcoming",
      basis: "one month after incident handling ended at 2026-05-20 12:00 CEST (2026-05-20 10:00 UTC), as the incident was still ongoing at the final-report date",
    });
    const closed = deadlinesFor({
      clock: { ...clock, submissions: [...clock.submissions, { stage: "FINAL", submittedAt: at("2026-06-01T00:00:00Z") }] },
      now: "2026-06-02T00:00:00Z",
    });
    expect(only(closed, "FINAL").status).toBe("met");
  });

  it("marks a progress report sent after the final-report date as met late", () => {
    const rows = deadlinesFor({
      clock: { handlingEndedAt: at("2026-05-20T10:00:00Z"), submissions: [notifiedWednesday, { stage: "PROGRESS", submittedAt: at("2026-04-10T00:00:00Z") }] },
      now: "2026-05-21T00:00:00Z",
    });
    expect(only(rows, "PROGRESS").status).toBe("met_late");
  });

  it("treats handling that ended exactly at the final-report date as not ongoing, and a millisecond later as ongoing", () => {
    const atDate = deadlinesFor({ clock: { ...notified, handlingEndedAt: at("2026-04-04T08:00:00Z") }, now: "2026-04-05T00:00:00Z" });
    expect(atDate.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "FINAL"]);
    expect(only(atDate, "FINAL")).toMatchObject({ article: "NIS2 Art. 23(4)(d)", dueAt: at("2026-04-04T08:00:00Z"), status: "overdue" });
    const after = deadlinesFor({ clock: { ...notified, handlingEndedAt: at("2026-04-04T08:00:00.001Z") }, now: "2026-04-05T00:00:00Z" });
    expect(only(after, "PROGRESS").status).toBe("overdue");
    expect(only(after, "FINAL")).toMatchObject({ article: "NIS2 Art. 23(4)(e)", dueAt: at("2026-05-04T08:00:00.001Z") });
  });

  it("keeps a progress report sent early on record when handling then ends before the date", () => {
    const rows = deadlinesFor({
      clock: { handlingEndedAt: at("2026-04-02T00:00:00Z"), submissions: [notifiedWednesday, { stage: "PROGRESS", submittedAt: at("2026-04-01T00:00:00Z") }] },
      now: "2026-04-03T00:00:00Z",
    });
    const progress = only(rows, "PROGRESS");
    expect(progress).toMatchObject({ status: "met", dueAt: at("2026-04-04T08:00:00Z") });
    expect(progress.basis).toMatch(/^due only if the incident is still ongoing when the final report falls due/);
    expect(only(rows, "FINAL")).toMatchObject({ article: "NIS2 Art. 23(4)(d)", dueAt: at("2026-04-04T08:00:00Z"), status: "upcoming" });
  });

  it("allows handling to end before awareness (a short incident assessed afterwards)", () => {
    const rows = deadlinesFor({ clock: { handlingEndedAt: at("2026-03-02T08:30:00Z"), submissions: [notifiedWednesday] }, now: "2026-03-05T00:00:00Z" });
    expect(only(rows, "FINAL")).toMatchObject({ article: "NIS2 Art. 23(4)(d)", dueAt: at("2026-04-04T08:00:00Z") });
  });

  it("keeps the progress report provisional while the notification is still missing", () => {
    const rows = deadlinesFor({ now: "2026-04-06T00:00:00Z" });
    expect(only(rows, "NOTIFICATION").status).toBe("overdue");
    expect(only(rows, "PROGRESS")).toMatchObject({ dueAt: at("2026-04-05T08:00:00Z"), provisional: true, status: "overdue" });
    expect(only(rows, "FINAL")).toMatchObject({ dueAt: null, provisional: true });
  });
});

describe("intermediate reports on request", () => {
  const request = { requestedAt: at("2026-03-06T10:00:00Z"), dueAt: at("2026-03-10T10:00:00Z") };

  it("falls due on the date the request sets", () => {
    const rows = deadlinesFor({ clock: { submissions: [notifiedWednesday], intermediateRequests: [request] }, now: "2026-03-10T05:00:00Z" });
    expect(rows.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "INTERMEDIATE", "FINAL"]);
    expect(only(rows, "INTERMEDIATE")).toMatchObject({
      article: "NIS2 Art. 23(4)(c)",
      dueAt: at("2026-03-10T10:00:00Z"),
      requestedAt: at("2026-03-06T10:00:00Z"),
      provisional: false,
      basis: "date set by the request of 2026-03-06 11:00 CET (2026-03-06 10:00 UTC)",
      status: "due_soon",
      submittedAt: null,
    });
  });

  it("is met when answered by the date and met late after it", () => {
    const answered = (submittedAt: string) =>
      only(
        deadlinesFor({
          clock: { submissions: [notifiedWednesday, { stage: "INTERMEDIATE", submittedAt: at(submittedAt) }], intermediateRequests: [request] },
          now: "2026-03-12T00:00:00Z",
        }),
        "INTERMEDIATE",
      );
    expect(answered("2026-03-09T00:00:00Z")).toMatchObject({ status: "met", submittedAt: at("2026-03-09T00:00:00Z") });
    expect(answered("2026-03-11T00:00:00Z")).toMatchObject({ status: "met_late" });
  });

  it("pairs reports with requests earliest-due first and lists them by due date", () => {
    const slow = { requestedAt: at("2026-03-04T10:00:00Z"), dueAt: at("2026-03-20T10:00:00Z") };
    const urgent = { requestedAt: at("2026-03-05T10:00:00Z"), dueAt: at("2026-03-10T10:00:00Z") };
    const rows = deadlinesFor({
      clock: { submissions: [notifiedWednesday, { stage: "INTERMEDIATE", submittedAt: at("2026-03-09T10:00:00Z") }], intermediateRequests: [slow, urgent] },
      now: "2026-03-11T00:00:00Z",
    });
    const intermediate = rows.filter((r) => r.stage === "INTERMEDIATE");
    expect(intermediate.map((r) => [iso(r.dueAt), r.status])).toEqual([
      ["2026-03-10T10:00:00.000Z", "met"],
      ["2026-03-20T10:00:00.000Z", "upcoming"],
    ]);
  });

  it("is not rolled to a working day: the request sets the date", () => {
    const saturday = { requestedAt: at("2026-03-06T10:00:00Z"), dueAt: at("2026-03-14T10:00:00Z") };
    const rows = deadlinesFor({
      clock: { submissions: [notifiedWednesday], intermediateRequests: [saturday] },
      now: "2026-03-07T00:00:00Z",
      memberStateRules: { nextWorkingDayRoll: true },
    });
    expect(only(rows, "INTERMEDIATE")).toMatchObject({ dueAt: at("2026-03-14T10:00:00Z"), rolledFrom: null });
  });
});

describe("status against now", () => {
  const due = at("2026-03-05T09:00:00Z").getTime(); // the notification

  it.each([
    ["more than 6 h before", due - DUE_SOON_MS - 1, "upcoming"],
    ["exactly 6 h before", due - DUE_SOON_MS, "due_soon"],
    ["a millisecond before", due - 1, "due_soon"],
    ["at the due instant", due, "due_soon"],
    ["a millisecond after", due + 1, "overdue"],
  ])("is %s the deadline: %s", (_case, now, expected) => {
    const rows = computeDeadlines({ clock: clockWith(), now: new Date(now), timeZone: berlin });
    expect(only(rows, "NOTIFICATION").status).toBe(expected);
  });

  it("defines due soon as six hours", () => {
    expect(DUE_SOON_MS).toBe(6 * HOUR);
  });
});

describe("next-working-day roll (per Member State, off by default)", () => {
  const notified = { submissions: [notifiedWednesday] }; // final report date: Sat 2026-04-04 10:00 CEST

  it("is off by default: a final report date on a Saturday stays there", () => {
    expect(only(deadlinesFor({ clock: notified, now: "2026-03-05T00:00:00Z" }), "FINAL")).toMatchObject({
      dueAt: at("2026-04-04T08:00:00Z"),
      rolledFrom: null,
    });
    const off = deadlinesFor({ clock: notified, now: "2026-03-05T00:00:00Z", memberStateRules: { nextWorkingDayRoll: false, holidays: ["2026-04-04"] } });
    expect(only(off, "FINAL")).toMatchObject({ dueAt: at("2026-04-04T08:00:00Z"), rolledFrom: null });
  });

  it("rolls a weekend date to Monday at the same local clock time and says so", () => {
    const final = only(deadlinesFor({ clock: notified, now: "2026-03-05T00:00:00Z", memberStateRules: { nextWorkingDayRoll: true } }), "FINAL");
    expect(final).toMatchObject({ dueAt: at("2026-04-06T08:00:00Z"), rolledFrom: at("2026-04-04T08:00:00Z") });
    expect(final.basis).toContain("; rolled from 2026-04-04 10:00 CEST (2026-04-04 08:00 UTC) to the next working day");
  });

  it("skips holidays after a weekend", () => {
    const rules = { nextWorkingDayRoll: true, holidays: ["2026-04-03", "2026-04-06"] }; // Good Friday, Easter Monday
    expect(only(deadlinesFor({ clock: notified, now: "2026-03-05T00:00:00Z", memberStateRules: rules }), "FINAL").dueAt).toEqual(at("2026-04-07T08:00:00Z"));
  });

  it("rolls a holiday on a weekday over the following weekend", () => {
    const aware = at("2026-03-31T08:00:00Z");
    const clock = { occurredAt: null, detectedAt: aware, awareAt: aware, submissions: [{ stage: "NOTIFICATION" as const, submittedAt: at("2026-04-01T08:00:00Z") }] };
    const withHoliday = deadlinesFor({ clock, now: "2026-04-02T00:00:00Z", memberStateRules: { nextWorkingDayRoll: true, holidays: ["2026-05-01"] } });
    expect(only(withHoliday, "FINAL")).toMatchObject({ dueAt: at("2026-05-04T08:00:00Z"), rolledFrom: at("2026-05-01T08:00:00Z") });
    const noHoliday = deadlinesFor({ clock, now: "2026-04-02T00:00:00Z", memberStateRules: { nextWorkingDayRoll: true } });
    expect(only(noHoliday, "FINAL")).toMatchObject({ dueAt: at("2026-05-01T08:00:00Z"), rolledFrom: null });
  });

  it("keeps the clock time when the unrolled date falls into the spring-forward gap", () => {
    // Notified Sun 28 Feb 2027 02:30 CET; 28 Mar 2027 02:30 does not exist (read as 03:30 CEST).
    const aware = at("2027-02-27T10:00:00Z");
    const clock = { occurredAt: null, detectedAt: aware, awareAt: aware, submissions: [{ stage: "NOTIFICATION" as const, submittedAt: at("2027-02-28T01:30:00Z") }] };
    expect(only(deadlinesFor({ clock, now: "2027-03-01T00:00:00Z" }), "FINAL").dueAt).toEqual(at("2027-03-28T01:30:00Z"));
    const rolled = only(deadlinesFor({ clock, now: "2027-03-01T00:00:00Z", memberStateRules: { nextWorkingDayRoll: true } }), "FINAL");
    expect(rolled).toMatchObject({ dueAt: at("2027-03-29T00:30:00Z"), rolledFrom: at("2027-03-28T01:30:00Z") }); // Mon 02:30 CEST
  });

  it("rolls the progress report and the final report after handling ended", () => {
    const rows = deadlinesFor({
      clock: { ...notified, handlingEndedAt: at("2026-05-06T10:00:00Z") }, // + 1 month: Sat 6 Jun
      now: "2026-05-07T00:00:00Z",
      memberStateRules: { nextWorkingDayRoll: true },
    });
    expect(only(rows, "PROGRESS")).toMatchObject({ dueAt: at("2026-04-06T08:00:00Z"), rolledFrom: at("2026-04-04T08:00:00Z") });
    const final = only(rows, "FINAL");
    expect(final).toMatchObject({ dueAt: at("2026-06-08T10:00:00Z"), rolledFrom: at("2026-06-06T10:00:00Z") });
    expect(final.basis).toContain("rolled from 2026-06-06 12:00 CEST (2026-06-06 10:00 UTC) to the next working day");
  });

  it("judges 'still ongoing' against the rolled date", () => {
    const clock = { ...notified, handlingEndedAt: at("2026-04-05T00:00:00Z") }; // Sunday: after Saturday, before Monday
    const rolled = deadlinesFor({ clock, now: "2026-04-07T00:00:00Z", memberStateRules: { nextWorkingDayRoll: true } });
    expect(rolled.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "FINAL"]);
    const unrolled = deadlinesFor({ clock, now: "2026-04-07T00:00:00Z" });
    expect(unrolled.map((r) => r.stage)).toEqual(["EARLY_WARNING", "NOTIFICATION", "PROGRESS", "FINAL"]);
  });

  it("rejects holidays that are not calendar dates", () => {
    try {
      deadlinesFor({ clock: notified, now: "2026-03-05T00:00:00Z", memberStateRules: { nextWorkingDayRoll: true, holidays: ["2026-02-30", "6 Apr 2026", "2026-04-06"] } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("validation_failed");
      expect((error as AppError).issues?.map((i) => i.path)).toEqual(["memberStateRules.holidays.0", "memberStateRules.holidays.1"]);
    }
  });
});

describe("bad input", () => {
  it("rejects awareness before the incident occurred", () => {
    expect(problemsOf({ clock: { occurredAt: at("2026-03-02T09:30:00Z"), detectedAt: at("2026-03-02T08:00:00Z") } })).toEqual([
      { problem: "awareness_before_occurrence", path: "awareAt" },
      { problem: "detection_before_occurrence", path: "detectedAt" },
    ]);
  });

  it("rejects detection before the incident occurred", () => {
    expect(problemsOf({ clock: { occurredAt: at("2026-03-02T08:30:00Z") } })).toEqual([{ problem: "detection_before_occurrence", path: "detectedAt" }]);
  });

  it("rejects awareness before detection, and accepts awareness after it or an unknown occurrence", () => {
    expect(problemsOf({ clock: { detectedAt: at("2026-03-02T09:30:00Z") } })).toEqual([{ problem: "awareness_before_detection", path: "awareAt" }]);
    expect(() => validateIncidentClock({ clock: clockWith({ occurredAt: null }), now: at("2026-03-03T00:00:00Z"), timeZone: berlin })).not.toThrow();
  });

  it("rejects handling that ended before detection", () => {
    expect(problemsOf({ clock: { handlingEndedAt: at("2026-03-02T07:59:59Z") } })).toEqual([{ problem: "handling_ended_before_detection", path: "handlingEndedAt" }]);
  });

  it.each([
    ["a submission", { submissions: [{ stage: "EARLY_WARNING" as const, submittedAt: at("2026-03-03T00:01:01Z") }] }, "submissions.0.submittedAt"],
    ["awareness", { awareAt: at("2026-03-03T00:01:01Z") }, "awareAt"],
    ["the end of handling", { handlingEndedAt: at("2026-03-03T00:01:01Z") }, "handlingEndedAt"],
    ["a request", { intermediateRequests: [{ requestedAt: at("2026-03-03T00:01:01Z"), dueAt: at("2026-03-09T00:00:00Z") }] }, "intermediateRequests.0.requestedAt"],
  ])("rejects %s recorded in the future", (_case, clock, path) => {
    expect(problemsOf({ clock, now: "2026-03-03T00:00:00Z" })).toEqual([{ problem: "in_future", path }]);
  });

  it("tolerates a minute of clock skew for a submission made just now", () => {
    const submissions = [{ stage: "EARLY_WARNING" as const, submittedAt: at("2026-03-03T00:01:00Z") }];
    expect(() => validateIncidentClock({ clock: clockWith({ submissions }), now: at("2026-03-03T00:00:00Z"), timeZone: berlin })).not.toThrow();
  });

  it("rejects a report submitted before awareness", () => {
    expect(problemsOf({ clock: { submissions: [{ stage: "EARLY_WARNING", submittedAt: at("2026-03-02T08:30:00Z") }] } })).toEqual([
      { problem: "submission_before_awareness", path: "submissions.0.submittedAt" },
    ]);
  });

  it.each<[ReportStage, IncidentClock["submissions"]]>([
    ["EARLY_WARNING", [{ stage: "EARLY_WARNING", submittedAt: at("2026-03-02T10:00:00Z") }, { stage: "EARLY_WARNING", submittedAt: at("2026-03-02T10:00:00Z") }]],
    ["NOTIFICATION", [notifiedWednesday, { stage: "NOTIFICATION", submittedAt: at("2026-03-05T09:00:00Z") }]],
    ["PROGRESS", [notifiedWednesday, { stage: "PROGRESS", submittedAt: at("2026-04-03T00:00:00Z") }, { stage: "PROGRESS", submittedAt: at("2026-04-04T00:00:00Z") }]],
    ["FINAL", [notifiedWednesday, { stage: "FINAL", submittedAt: at("2026-04-03T00:00:00Z") }, { stage: "FINAL", submittedAt: at("2026-04-04T00:00:00Z") }]],
  ])("rejects a second %s", (_stage, submissions) => {
    expect(problemsOf({ clock: { submissions, handlingEndedAt: at("2026-03-20T00:00:00Z") } })).toEqual([
      { problem: "duplicate_submission", path: `submissions.${submissions.length - 1}.stage` },
    ]);
  });

  it("accepts several intermediate reports, one per request", () => {
    const clock = clockWith({
      submissions: [notifiedWednesday, { stage: "INTERMEDIATE", submittedAt: at("2026-03-07T00:00:00Z") }, { stage: "INTERMEDIATE", submittedAt: at("2026-03-08T00:00:00Z") }],
      intermediateRequests: [
        { requestedAt: at("2026-03-05T00:00:00Z"), dueAt: at("2026-03-10T00:00:00Z") },
        { requestedAt: at("2026-03-06T00:00:00Z"), dueAt: at("2026-03-12T00:00:00Z") },
      ],
    });
    expect(() => validateIncidentClock({ clock, now: at("2026-03-09T00:00:00Z"), timeZone: berlin })).not.toThrow();
  });

  it("rejects an intermediate report that answers no recorded request", () => {
    const report = { stage: "INTERMEDIATE" as const, submittedAt: at("2026-03-05T00:00:00Z") };
    expect(problemsOf({ clock: { submissions: [notifiedWednesday, report] } })).toEqual([
      { problem: "intermediate_without_request", path: "submissions.1.submittedAt" },
    ]);
    const requestedLater = [{ requestedAt: at("2026-03-06T00:00:00Z"), dueAt: at("2026-03-10T00:00:00Z") }];
    expect(problemsOf({ clock: { submissions: [notifiedWednesday, report], intermediateRequests: requestedLater } })).toEqual([
      { problem: "intermediate_without_request", path: "submissions.1.submittedAt" },
    ]);
  });

  it("rejects a final report without an end of handling, or sent before handling ended", () => {
    const final = { stage: "FINAL" as const, submittedAt: at("2026-03-25T00:00:00Z") };
    expect(problemsOf({ clock: { submissions: [notifiedWednesday, final] } })).toEqual([{ problem: "final_before_handling_ended", path: "submissions.1.submittedAt" }]);
    expect(problemsOf({ clock: { submissions: [notifiedWednesday, final], handlingEndedAt: at("2026-03-26T00:00:00Z") } })).toEqual([
      { problem: "final_before_handling_ended", path: "submissions.1.submittedAt" },
    ]);
  });

  it("rejects a final or progress report before any notification", () => {
    expect(problemsOf({ clock: { submissions: [{ stage: "FINAL", submittedAt: at("2026-03-25T00:00:00Z") }], handlingEndedAt: at("2026-03-20T00:00:00Z") } })).toEqual([
      { problem: "report_before_notification", path: "submissions.0.submittedAt" },
    ]);
    expect(problemsOf({ clock: { submissions: [{ stage: "PROGRESS", submittedAt: at("2026-03-03T00:00:00Z") }, notifiedWednesday] } })).toEqual([
      { problem: "report_before_notification", path: "submissions.0.submittedAt" },
    ]);
  });

  it("rejects a request before awareness and a request not due after it was made", () => {
    expect(problemsOf({ clock: { intermediateRequests: [{ requestedAt: at("2026-03-02T08:30:00Z"), dueAt: at("2026-03-09T00:00:00Z") }] } })).toEqual([
      { problem: "request_before_awareness", path: "intermediateRequests.0.requestedAt" },
    ]);
    expect(problemsOf({ clock: { intermediateRequests: [{ requestedAt: at("2026-03-05T00:00:00Z"), dueAt: at("2026-03-05T00:00:00Z") }] } })).toEqual([
      { problem: "request_due_not_after_request", path: "intermediateRequests.0.dueAt" },
    ]);
  });

  it("reports an invalid date alone, without follow-up comparisons", () => {
    expect(problemsOf({ clock: { awareAt: new Date("2026-02-30T25:00:00Z"), occurredAt: at("2026-03-05T00:00:00Z") } })).toEqual([
      { problem: "invalid_date", path: "awareAt" },
    ]);
  });

  it("names every problem in one AppError that the API maps to a 422 with the message", async () => {
    const clock = clockWith({
      detectedAt: at("2026-03-02T09:30:00Z"),
      submissions: [notifiedWednesday, { stage: "NOTIFICATION", submittedAt: at("2026-03-05T00:00:00Z") }],
    });
    let caught: unknown;
    try {
      computeDeadlines({ clock, now: at("2026-03-06T00:00:00Z"), timeZone: berlin });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as IncidentClockError;
    expect(error.code).toBe("validation_failed");
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      "Awareness at 2026-03-02 10:00 CET (2026-03-02 09:00 UTC) is before detection at 2026-03-02 10:30 CET (2026-03-02 09:30 UTC); awareness is when the assessment of a detected incident concluded it is significant. The incident notification is submitted once per incident; it is already recorded.",
    );
    const response = errorResponse(error);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: {
        code: "validation_failed",
        message: error.message,
        issues: [
          { path: "awareAt", message: expect.stringContaining("before detection") },
          { path: "submissions.1.stage", message: "The incident notification is submitted once per incident; it is already recorded." },
        ],
      },
    });
  });

  it("rejects an unknown time zone with a validation error", () => {
    expect(() => computeDeadlines({ clock: clockWith(), now: at("2026-03-03T00:00:00Z"), timeZone: "Berlin" })).toThrow(/not a known IANA time zone/);
  });
});
