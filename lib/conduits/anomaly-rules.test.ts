import { describe, expect, it } from "vitest";
import {
  anomalyKindOf,
  anomalyKinds,
  conduitDateFindings,
  credentialFindings,
  findAnomalies,
  learnBaseline,
  learnedTraffic,
  learningPeriod,
  levelRiseFindings,
  localTime,
  mergeFinding,
  newUseFindings,
  outsideHoursFindings,
  providerErrorFindings,
  refusalFindings,
  volumeFindings,
  type Baseline,
  type ConduitFacts,
  type ConduitAnomalyKind,
  type Finding,
  type TrafficHour,
} from "@/lib/conduits/anomaly-rules";

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const conduit = "aug-l2-to-azure-copilot";
const createdAt = new Date("2026-10-20T09:12:00Z");
// Learning runs from the first call, Monday 2026-11-02 06:00 UTC, to Monday 2026-11-16 06:00.
const firstCall = "2026-11-02T06";
const learnedUntil = new Date("2026-11-16T06:00:00Z");

const key = (at: number) => new Date(at).toISOString().slice(0, 13);

function row(hour: string, calls: number, over: Partial<TrafficHour> = {}): TrafficHour {
  return {
    hour,
    conduit,
    device: "aug-wi-copilot",
    operator: "shift.lead@nordwerk.example",
    model: "gpt-4o",
    endpoint: "chat.completions",
    outcome: "redacted",
    code: "",
    level: "INTERNAL",
    calls,
    errors: 0,
    results: calls,
    firstAt: `${hour}:05:00.000Z`,
    lastAt: `${hour}:55:00.000Z`,
    ...over,
  };
}

// Weekdays 06:00-22:00 UTC: 30 calls an hour in the first week, 34 in the second, so each
// of those hours of the week learns 32 ± 2.8; three calls an hour carry CONFIDENTIAL data.
function shiftTraffic(options: { from: string; days: number; timeZone?: string; hours?: [number, number] }): TrafficHour[] {
  const rows: TrafficHour[] = [];
  const start = Date.parse(`${options.from}T00:00:00Z`);
  const [first, last] = options.hours ?? [6, 22];
  for (let t = start; t < start + options.days * DAY; t += HOUR) {
    const local = localTime(new Date(t), options.timeZone ?? "UTC");
    const hourOfDay = local.slot % 24;
    if (local.slot >= 5 * 24 || hourOfDay < first || hourOfDay >= last) continue;
    const calls = t - start < 7 * DAY ? 30 : 34;
    rows.push(row(key(t), calls - 3), row(key(t), 3, { level: "CONFIDENTIAL" }));
  }
  return rows;
}

const learning = shiftTraffic({ from: "2026-11-02", days: 14 });

function baselineOf(traffic: readonly TrafficHour[], options: { timeZone?: string; createdAt?: Date } = {}): Baseline {
  const firstPassed = traffic.filter((r) => r.outcome !== "refused").map((r) => r.hour).sort()[0] ?? null;
  const period = learningPeriod({ createdAt: options.createdAt ?? createdAt, firstTrafficHour: firstPassed });
  return learnBaseline({ conduit, period, traffic: learnedTraffic({ traffic, period }), timeZone: options.timeZone });
}

const baseline = baselineOf(learning);

function factsOf(over: Partial<ConduitFacts> = {}): ConduitFacts {
  return { slug: conduit, status: "ACTIVE", validUntil: new Date("2027-06-01T00:00:00Z"), reviewDueAt: null, baseline, ...over };
}

const kinds = (findings: readonly Finding[]) => findings.map((f) => f.kind).sort();
const only = (findings: readonly Finding[], kind: ConduitAnomalyKind) => findings.filter((f) => f.kind === kind);

// ---------------------------------------------------------------------------
// Learning
// ---------------------------------------------------------------------------

describe("learningPeriod", () => {
  it("runs 14 days from the first traffic, or from the creation while there is none", () => {
    expect(learningPeriod({ createdAt, firstTrafficHour: firstCall })).toEqual({ from: new Date("2026-11-02T06:00:00Z"), until: learnedUntil });
    expect(learningPeriod({ createdAt, firstTrafficHour: null })).toEqual({ from: new Date("2026-10-20T09:00:00Z"), until: new Date("2026-11-03T09:00:00Z") });
    expect(learningPeriod({ createdAt, firstTrafficHour: firstCall, days: 7 }).until).toEqual(new Date("2026-11-09T06:00:00Z"));
  });

  it("does not learn from traffic of an older conduit with the same slug", () => {
    expect(learningPeriod({ createdAt, firstTrafficHour: "2026-01-05T10" }).from).toEqual(new Date("2026-10-20T09:00:00Z"));
  });
});

describe("learnBaseline", () => {
  it("learns each hour of the week with its spread, the names seen and the classification mix, until its end date", () => {
    expect(baseline.from).toEqual(new Date("2026-11-02T06:00:00Z"));
    expect(baseline.until).toEqual(learnedUntil);
    // Tuesday 14:00 is slot 1 * 24 + 14.
    expect(baseline.week[24 + 14]).toEqual({ hours: 2, calls: 64, mean: 32, sd: Math.sqrt(8), min: 30 });
    // Saturday 10:00: two hours learned, no call.
    expect(baseline.week[5 * 24 + 10]).toEqual({ hours: 2, calls: 0, mean: 0, sd: 0, min: 0 });
    expect(baseline.calls).toBe(10 * 16 * 32);
    expect(baseline.devices).toEqual(["aug-wi-copilot"]);
    expect(baseline.operators).toEqual(["shift.lead@nordwerk.example"]);
    expect(baseline.models).toEqual(["gpt-4o"]);
    expect(baseline.endpoints).toEqual(["chat.completions"]);
    expect(baseline.classified).toBe(baseline.calls);
    expect(baseline.levelMix.CONFIDENTIAL).toBeCloseTo(3 / 32);
  });

  it("leaves refused calls and traffic after the phase out of what it learns", () => {
    const traffic = [...learning, row("2026-11-03T14", 500, { outcome: "refused", model: "gpt-5", code: "model_not_allowed" }), row("2026-11-20T14", 9, { model: "o3" })];
    const learned = baselineOf(traffic);
    expect(learned.models).toEqual(["gpt-4o"]);
    expect(learned.week[24 + 14]!.mean).toBe(32);
  });

  it("counts the hours of the week on the plant's clock", () => {
    // 05:00 UTC on a November Monday is 06:00 in Berlin.
    const berlin = baselineOf(learning, { timeZone: "Europe/Berlin" });
    expect(berlin.timeZone).toBe("Europe/Berlin");
    expect(berlin.week[7]!.mean).toBe(32);
    expect(baselineOf(learning, { timeZone: "Mars/Olympus_Mons" }).timeZone).toBe("UTC");
  });
});

// ---------------------------------------------------------------------------
// During learning
// ---------------------------------------------------------------------------

describe("during the learning phase", () => {
  it("raises nothing from the baseline, only refusals and the operational checks", () => {
    const now = new Date("2026-11-10T16:30:00Z");
    const odd = [
      row("2026-11-10T14", 400), // a spike
      row("2026-11-08T03", 12, { model: "gpt-5", device: "aug-unknown-pc", endpoint: "embeddings" }), // Sunday night, all new
      row("2026-11-10T15", 40, { level: "RESTRICTED" }),
      row("2026-11-10T15", 5, { outcome: "refused", code: "model_not_allowed", model: "o3", results: 0 }),
      row("2026-11-10T02", 10, { errors: 6 }), // night: also outside hours, once learned
    ];
    const sofar = learning.filter((r) => r.hour < "2026-11-10T16");
    const traffic = [...sofar, ...odd];
    // What it has learned so far, the odd hours left out, so only the learning phase keeps them quiet.
    const learner = baselineOf(sofar);
    expect(learner.until).toEqual(learnedUntil);
    const findings = findAnomalies({
      now,
      since: new Date("2026-11-02T00:00:00Z"),
      conduits: [factsOf({ baseline: learner, validUntil: new Date("2026-11-20T00:00:00Z") })],
      traffic,
      credentials: [],
    });
    expect(kinds(findings)).toEqual(["conduit_expiring", "provider_errors", "refusals"]);
  });
});

// ---------------------------------------------------------------------------
// Volume
// ---------------------------------------------------------------------------

describe("volumeFindings", () => {
  const now = new Date("2026-11-17T16:30:00Z");
  const since = new Date("2026-11-17T00:00:00Z");
  const normalDay = shiftTraffic({ from: "2026-11-17", days: 1 }).filter((r) => r.hour < "2026-11-17T17");
  const withHour = (hour: string, calls: number) => [...normalDay.filter((r) => r.hour !== hour), row(hour, calls)];

  it("is quiet on a usual day", () => {
    expect(volumeFindings({ conduit: factsOf(), traffic: normalDay, since, now })).toEqual([]);
  });

  it("raises a spike above max(mean + 4 sd, 3 × mean, mean + 10), with the numbers", () => {
    const [spike, ...rest] = volumeFindings({ conduit: factsOf(), traffic: withHour("2026-11-17T14", 97), since, now });
    expect(rest).toEqual([]);
    expect(spike).toMatchObject({ kind: "volume_spike", subject: `${conduit} volume_spike 2026-11-17T14`, conduit, device: "aug-wi-copilot", tally: { "2026-11-17T14": 97 } });
    expect(spike!.reason).toBe(
      "97 calls in the hour from 14:00 UTC on Tuesday 2026-11-17; this conduit's usual Tuesday 14:00 is 32 ± 2.8 (learned 2026-11-02 to 2026-11-16), so more than 96 is a spike.",
    );
    expect(volumeFindings({ conduit: factsOf(), traffic: withHour("2026-11-17T14", 96), since, now })).toEqual([]);
  });

  it("raises a spike in the hour still running", () => {
    expect(kinds(volumeFindings({ conduit: factsOf(), traffic: withHour("2026-11-17T16", 200), since, now }))).toEqual(["volume_spike"]);
  });

  it("raises a drop below a fifth of a solidly busy hour, an hour without calls included", () => {
    const [dropped] = volumeFindings({ conduit: factsOf(), traffic: withHour("2026-11-17T10", 6), since, now });
    expect(dropped).toMatchObject({ kind: "volume_drop", subject: `${conduit} volume_drop 2026-11-17T10`, tally: {} });
    expect(dropped!.reason).toBe(
      "6 calls in the hour from 10:00 UTC on Tuesday 2026-11-17; this conduit's usual Tuesday 10:00 is 32 ± 2.8 (learned 2026-11-02 to 2026-11-16) and never below 30, so under 6.4 is a drop.",
    );
    expect(volumeFindings({ conduit: factsOf(), traffic: withHour("2026-11-17T10", 7), since, now })).toEqual([]);
    const silent = volumeFindings({ conduit: factsOf(), traffic: normalDay.filter((r) => r.hour !== "2026-11-17T11"), since, now });
    expect(silent.map((f) => f.subject)).toEqual([`${conduit} volume_drop 2026-11-17T11`]);
    expect(silent[0]!.reason).toMatch(/^0 calls in the hour from 11:00 UTC/);
  });

  it("raises no drop for the hour still running, on a conduit not active, or where learning was not busy every week", () => {
    const quietNow = normalDay.filter((r) => r.hour !== "2026-11-17T16");
    expect(volumeFindings({ conduit: factsOf(), traffic: quietNow, since, now })).toEqual([]);
    const quietMorning = normalDay.filter((r) => r.hour !== "2026-11-17T10");
    expect(volumeFindings({ conduit: factsOf({ status: "SUSPENDED" }), traffic: quietMorning, since, now })).toEqual([]);
    expect(volumeFindings({ conduit: factsOf({ validUntil: new Date("2026-11-17T09:00:00Z") }), traffic: quietMorning, since, now })).toEqual([]);
    // Tuesday 10:00 learned 60 then 0: a mean of 30, but busy only one week.
    const uneven = baselineOf([...learning.filter((r) => r.hour !== "2026-11-03T10" && r.hour !== "2026-11-10T10"), row("2026-11-03T10", 60)]);
    expect(uneven.week[24 + 10]).toMatchObject({ mean: 30, min: 0 });
    expect(volumeFindings({ conduit: factsOf({ baseline: uneven }), traffic: quietMorning, since, now })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Outside hours
// ---------------------------------------------------------------------------

describe("outsideHoursFindings", () => {
  const now = new Date("2026-11-19T12:00:00Z");

  it("raises calls at hours of the week that carried none while learning, one finding per day", () => {
    const traffic = [row("2026-11-18T02", 4), row("2026-11-18T03", 3, { device: "aug-mes-scheduler" }), row("2026-11-18T10", 32), row("2026-11-19T23", 1)];
    const findings = outsideHoursFindings({ baseline, traffic, now });
    expect(findings.map((f) => f.subject)).toEqual([`${conduit} outside_hours 2026-11-18`, `${conduit} outside_hours 2026-11-19`]);
    expect(findings[0]).toMatchObject({ kind: "outside_hours", device: null, tally: { "2026-11-18T02": 4, "2026-11-18T03": 3 } });
    expect(findings[0]!.reason).toBe(
      "7 calls on 2026-11-18 (UTC) at hours this conduit carried no traffic while learning (2026-11-02 to 2026-11-16): Wednesday 02:00 and Wednesday 03:00 UTC, from aug-mes-scheduler and aug-wi-copilot.",
    );
    expect(findings[1]!.device).toBe("aug-wi-copilot");
  });

  it("says nothing of an hour of the week the learning phase never reached", () => {
    const period = learningPeriod({ createdAt, firstTrafficHour: firstCall, days: 3 });
    const short = learnBaseline({ conduit, period, traffic: learnedTraffic({ traffic: learning, period }) });
    expect(short.week[5 * 24 + 10]!.hours).toBe(0);
    const traffic = [row("2026-11-07T10", 5), row("2026-11-12T03", 2)];
    expect(outsideHoursFindings({ baseline: short, traffic, now: new Date("2026-11-13T00:00:00Z") }).map((f) => f.tally)).toEqual([{ "2026-11-12T03": 2 }]);
  });

  it("learns the shifts on the plant's clock, so a change to winter time is not outside hours", () => {
    // Learned in October on summer time: 06:00-22:00 in Berlin is 04:00-20:00 UTC.
    const summer = shiftTraffic({ from: "2026-10-05", days: 14, timeZone: "Europe/Berlin" });
    const berlin = baselineOf(summer, { timeZone: "Europe/Berlin", createdAt: new Date("2026-10-01T00:00:00Z") });
    // After 25 October, 06:00 in Berlin is 05:00 UTC, and 04:00 UTC is 05:00 in Berlin.
    const winter = [row("2026-10-27T05", 30), row("2026-10-27T04", 2)];
    const findings = outsideHoursFindings({ baseline: berlin, traffic: winter, now: new Date("2026-10-27T12:00:00Z") });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.tally).toEqual({ "2026-10-27T04": 2 });
    expect(findings[0]!.reason).toContain("Tuesday 05:00 Europe/Berlin");
  });
});

// ---------------------------------------------------------------------------
// New device, model, endpoint
// ---------------------------------------------------------------------------

describe("newUseFindings", () => {
  const now = new Date("2026-11-18T12:00:00Z");

  it("raises a device, model or endpoint the conduit never used while learning", () => {
    const traffic = [
      row("2026-11-17T10", 30),
      row("2026-11-17T11", 4, { model: "gpt-5" }),
      row("2026-11-17T12", 2, { model: "gpt-5" }),
      row("2026-11-17T12", 1, { device: "aug-hmi-h2-09", endpoint: "embeddings" }),
    ];
    const findings = newUseFindings({ baseline, traffic, now });
    expect(findings.map((f) => f.subject).sort()).toEqual([`${conduit} new_device aug-hmi-h2-09`, `${conduit} new_endpoint embeddings`, `${conduit} new_model gpt-5`]);
    const model = only(findings, "new_model")[0]!;
    expect(model).toMatchObject({ device: "aug-wi-copilot", tally: { "2026-11-17T11": 4, "2026-11-17T12": 2 }, detail: { model: "gpt-5", learned: ["gpt-4o"] } });
    expect(model.reason).toBe(
      "The model gpt-5 was used on this conduit, which used only gpt-4o while learning (2026-11-02 to 2026-11-16): 6 calls between 2026-11-17 11:05 UTC and 2026-11-17 12:55 UTC, from aug-wi-copilot.",
    );
    expect(model.firstSeenAt).toEqual(new Date("2026-11-17T11:05:00Z"));
    expect(only(findings, "new_device")[0]!.device).toBe("aug-hmi-h2-09");
  });

  it("leaves refused calls to the refusals rule, and traffic during learning alone", () => {
    const refused = [row("2026-11-17T11", 4, { model: "gpt-5", outcome: "refused", code: "model_not_allowed" })];
    expect(newUseFindings({ baseline, traffic: refused, now })).toEqual([]);
    const early = [row("2026-11-16T05", 4, { model: "gpt-5" })];
    expect(newUseFindings({ baseline, traffic: early, now })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Classification mix
// ---------------------------------------------------------------------------

describe("levelRiseFindings", () => {
  const now = new Date("2026-11-18T12:00:00Z");
  const day = (internal: number, confidential: number, restricted = 0) => [
    row("2026-11-17T10", internal),
    row("2026-11-17T11", confidential, { level: "CONFIDENTIAL" }),
    ...(restricted ? [row("2026-11-17T12", restricted, { level: "RESTRICTED" })] : []),
  ];

  it("raises a day whose CONFIDENTIAL and RESTRICTED share is clearly above the learned mix", () => {
    const [rise, ...rest] = levelRiseFindings({ baseline, traffic: day(20, 15, 5), now });
    expect(rest).toEqual([]);
    expect(rise).toMatchObject({ kind: "level_rise", subject: `${conduit} level_rise 2026-11-17`, device: "aug-wi-copilot", tally: { "2026-11-17T11": 15, "2026-11-17T12": 5 } });
    expect(rise!.reason).toBe(
      "50% of the 40 classified calls on 2026-11-17 (UTC) carried CONFIDENTIAL or RESTRICTED data (20); while learning (2026-11-02 to 2026-11-16) it was 9% of 5120.",
    );
  });

  it("keeps quiet for a small rise, and for too few calls to tell", () => {
    expect(levelRiseFindings({ baseline, traffic: day(30, 10), now })).toEqual([]);
    expect(levelRiseFindings({ baseline, traffic: day(5, 10), now })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Refusals and provider errors, from the first day
// ---------------------------------------------------------------------------

describe("refusalFindings", () => {
  it("raises refused calls on a conduit from the first one, learning or not", () => {
    const traffic = [1, 2, 3, 4, 5].map((i) => row(`2026-10-20T1${i}`, 1, { outcome: "refused", code: "model_not_allowed", model: "gpt-5", results: 0, device: "aug-qi-camera-l3" }));
    const [refusals, ...rest] = refusalFindings({ conduit, traffic });
    expect(rest).toEqual([]);
    expect(refusals).toMatchObject({ kind: "refusals", subject: `${conduit} refusals aug-qi-camera-l3 model_not_allowed`, device: "aug-qi-camera-l3", detail: { calls: 5, models: ["gpt-5"] } });
    expect(Object.values(refusals!.tally).reduce((a, b) => a + b)).toBe(5);
    expect(refusals!.reason).toBe("5 calls from aug-qi-camera-l3 were refused on this conduit (model_not_allowed; model gpt-5) between 2026-10-20 11:05 UTC and 2026-10-20 15:55 UTC.");

    // A conduit with no call let through yet still learns from its creation, and shows the refusals.
    const findings = findAnomalies({ now: new Date("2026-10-20T16:00:00Z"), since: new Date("2026-10-20T00:00:00Z"), conduits: [factsOf({ baseline: baselineOf(traffic) })], traffic, credentials: [] });
    expect(kinds(findings)).toEqual(["refusals"]);
  });

  it("leaves other conduits' refusals and calls let through alone", () => {
    expect(refusalFindings({ conduit, traffic: [row("2026-10-20T11", 3), row("2026-10-20T11", 3, { outcome: "refused", conduit: "other" })] })).toEqual([]);
  });
});

describe("providerErrorFindings", () => {
  it("raises an hour in which more than 20% of at least 5 results failed", () => {
    const [errors] = providerErrorFindings({ conduit, traffic: [row("2026-11-17T14", 6, { errors: 2 }), row("2026-11-17T14", 4, { errors: 1, device: "aug-hmi-h2-09" })] });
    expect(errors).toMatchObject({ kind: "provider_errors", subject: `${conduit} provider_errors 2026-11-17T14`, device: null, tally: { "2026-11-17T14": 3 } });
    expect(errors!.reason).toBe("3 of 10 results in the hour from 14:00 UTC on Tuesday 2026-11-17 were provider errors or timeouts (30%; raised above 20% with at least 5 results).");
    expect(providerErrorFindings({ conduit, traffic: [row("2026-11-17T14", 10, { errors: 2 })] })).toEqual([]);
    expect(providerErrorFindings({ conduit, traffic: [row("2026-11-17T14", 4, { errors: 4 })] })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

describe("conduitDateFindings", () => {
  const now = new Date("2026-12-01T10:00:00Z");

  it("raises a validity that ends within 14 days, and a review date that has passed", () => {
    const findings = conduitDateFindings({ conduit: factsOf({ validUntil: new Date("2026-12-11T10:00:00Z"), reviewDueAt: new Date("2026-11-28T09:00:00Z") }), now });
    expect(findings.map((f) => f.subject)).toEqual([`${conduit} conduit_expiring 2026-12-11T10:00:00.000Z`, `${conduit} review_overdue 2026-11-28T09:00:00.000Z`]);
    expect(findings[0]!.reason).toContain("valid until 2026-12-11 10:00 UTC, in 10 days");
    expect(findings[1]!.reason).toContain("due on 2026-11-28 09:00 UTC, 3 days ago");
  });

  it("keeps quiet for a far end, an end passed, a review to come, and a retired conduit", () => {
    expect(conduitDateFindings({ conduit: factsOf({ validUntil: new Date("2026-12-16T10:00:00Z") }), now })).toEqual([]);
    expect(conduitDateFindings({ conduit: factsOf({ validUntil: new Date("2026-11-30T10:00:00Z") }), now })).toEqual([]);
    expect(conduitDateFindings({ conduit: factsOf({ validUntil: null, reviewDueAt: new Date("2026-12-02T10:00:00Z") }), now })).toEqual([]);
    expect(conduitDateFindings({ conduit: factsOf({ status: "RETIRED", validUntil: new Date("2026-12-03T10:00:00Z"), reviewDueAt: now }), now })).toEqual([]);
  });
});

describe("credentialFindings", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const credential = { id: "cred-1", device: "aug-pdm-spindle", label: "historian node", tokenPrefix: "cl_dev_AbCdEf", expiresAt: new Date("2026-12-06T10:00:00Z"), revokedAt: null };

  it("raises a credential, not revoked, that expires within 14 days", () => {
    const [expiring] = credentialFindings({ credentials: [credential], now });
    expect(expiring).toMatchObject({ kind: "credential_expiring", subject: "cred-1", conduit: null, device: "aug-pdm-spindle", tally: {} });
    expect(expiring!.reason).toContain('"historian node" (cl_dev_AbCdEf…) of aug-pdm-spindle expires on 2026-12-06 10:00 UTC, in 5 days');
    expect(
      credentialFindings({
        credentials: [
          { ...credential, revokedAt: now },
          { ...credential, expiresAt: new Date("2026-12-20T10:00:00Z") },
          { ...credential, expiresAt: new Date("2026-11-30T10:00:00Z") },
          { ...credential, expiresAt: null },
        ],
        now,
      }),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------

describe("findAnomalies", () => {
  it("gives the same subjects on every run, so a finding updates its row", () => {
    const traffic = [...shiftTraffic({ from: "2026-11-17", days: 2 }).filter((r) => r.hour < "2026-11-18T12"), row("2026-11-17T14", 200), row("2026-11-18T02", 3, { model: "gpt-5" })];
    const run = () => findAnomalies({ now: new Date("2026-11-18T12:00:00Z"), since: new Date("2026-11-17T00:00:00Z"), conduits: [factsOf()], traffic, credentials: [] });
    const first = run();
    expect(kinds(first)).toEqual(["new_model", "outside_hours", "volume_spike"]);
    expect(run().map((f) => f.subject)).toEqual(first.map((f) => f.subject));
  });
});

describe("mergeFinding", () => {
  const finding = (tally: Record<string, number>): Finding => ({
    kind: "new_model",
    subject: `${conduit} new_model gpt-5`,
    conduit,
    device: null,
    reason: "",
    detail: { model: "gpt-5" },
    tally,
    firstSeenAt: new Date(`${Object.keys(tally)[0]}:00:00Z`),
    lastSeenAt: new Date(`${Object.keys(tally).at(-1)}:00:00Z`),
  });
  const store = (merged: ReturnType<typeof mergeFinding>) => ({ ...merged, detail: JSON.stringify(merged.detail) });

  it("counts each hour once however often it runs, and keeps the hours that left the window", () => {
    const first = mergeFinding({ finding: finding({ "2026-11-17T10": 5, "2026-11-18T09": 3 }), stored: null, since: new Date("2026-11-17T00:00:00Z") });
    expect(first.count).toBe(8);
    const again = mergeFinding({ finding: finding({ "2026-11-17T10": 5, "2026-11-18T09": 4 }), stored: store(first), since: new Date("2026-11-17T00:00:00Z") });
    expect(again.count).toBe(9);
    // A day later 2026-11-17 has left the window: its 5 calls stay counted.
    const later = mergeFinding({ finding: finding({ "2026-11-18T09": 4, "2026-11-19T08": 2 }), stored: store(again), since: new Date("2026-11-18T00:00:00Z") });
    expect(later.count).toBe(11);
    expect(later.firstSeenAt).toEqual(new Date("2026-11-17T10:00:00Z"));
    expect(later.lastSeenAt).toEqual(new Date("2026-11-19T08:00:00Z"));
    expect(mergeFinding({ finding: finding({ "2026-11-18T09": 4, "2026-11-19T08": 2 }), stored: store(later), since: new Date("2026-11-18T00:00:00Z") }).count).toBe(11);
  });

  it("counts a state once", () => {
    const state = { ...finding({}), tally: {}, firstSeenAt: new Date("2026-11-20T00:00:00Z"), lastSeenAt: new Date("2026-11-20T00:00:00Z") };
    const stored = { count: 1, detail: "{}", firstSeenAt: new Date("2026-11-19T00:00:00Z"), lastSeenAt: new Date("2026-11-19T00:00:00Z") };
    expect(mergeFinding({ finding: state, stored, since: new Date("2026-11-18T00:00:00Z") })).toMatchObject({ count: 1, firstSeenAt: stored.firstSeenAt, lastSeenAt: state.lastSeenAt });
  });
});

describe("anomalyKinds", () => {
  it("labels every kind, the proxy's included, with its category", () => {
    const ruleKinds: ConduitAnomalyKind[] = [
      "refusals", "new_device", "new_model", "new_endpoint", "volume_spike", "volume_drop", "outside_hours", "level_rise",
      "provider_errors", "conduit_expiring", "review_overdue", "credential_expiring",
    ];
    for (const kind of ruleKinds) expect(anomalyKinds[kind].label).not.toBe("");
    expect(anomalyKindOf("shared_device_token").category).toBe("shared credential");
    expect(anomalyKindOf("unauthorised_flow").category).toBe("policy");
    expect(anomalyKindOf("volume_spike")).toEqual({ label: "Volume spike", category: "anomaly" });
    expect(anomalyKindOf("provider_errors").category).toBe("operational");
    expect(anomalyKindOf("something_new")).toEqual({ label: "something_new", category: "anomaly" });
  });
});
