// What is unusual on a conduit, from its hourly traffic (the TrafficRollup rows). Each
// conduit learns a baseline from its first weeks of traffic: how many calls each hour of
// the week carries, which devices, operators, models and endpoints it serves, and how
// much of its data is CONFIDENTIAL or RESTRICTED. After that, traffic that leaves the
// baseline is raised, with a reason that names the numbers. No shift calendar exists, so
// "outside the plant's shifts" is learned too: an hour of the week that carried no call
// while learning. Refusals and the operational checks need no baseline and apply from
// the first day. Pure: lib/conduits/detect-anomalies.ts reads the rollups and stores
// the findings.
import { z } from "zod";

// ---------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------

export type AnomalyCategory = "policy" | "anomaly" | "operational" | "shared credential";

/** Every kind of Anomaly row, the proxy's included (proxy/device-usage.ts), with what people read. */
export const anomalyKinds = {
  refusals: { label: "Refused calls", category: "policy" },
  new_device: { label: "New device", category: "policy" },
  new_model: { label: "New model", category: "policy" },
  new_endpoint: { label: "New endpoint", category: "policy" },
  unauthorised_flow: { label: "Unauthorised flow", category: "policy" },
  unidentified_caller: { label: "Caller without a valid token", category: "policy" },
  volume_spike: { label: "Volume spike", category: "anomaly" },
  volume_drop: { label: "Volume drop", category: "anomaly" },
  outside_hours: { label: "Traffic outside usual hours", category: "anomaly" },
  level_rise: { label: "More sensitive data", category: "anomaly" },
  provider_errors: { label: "Provider errors", category: "operational" },
  conduit_expiring: { label: "Conduit expiring", category: "operational" },
  review_overdue: { label: "Conduit review overdue", category: "operational" },
  credential_expiring: { label: "Device credential expiring", category: "operational" },
  spool_in_use: { label: "Records spooled at the edge", category: "operational" },
  shared_device_token: { label: "Shared device token", category: "shared credential" },
} as const satisfies Record<string, { label: string; category: AnomalyCategory }>;

export type AnomalyKind = keyof typeof anomalyKinds;

/** The kinds this module raises; the proxy raises the others. */
export type ConduitAnomalyKind = Exclude<AnomalyKind, "unauthorised_flow" | "unidentified_caller" | "shared_device_token" | "spool_in_use">;

/** Label and category of a stored kind; a kind this version does not know is shown as it is. */
export function anomalyKindOf(kind: string): { label: string; category: AnomalyCategory } {
  return Object.hasOwn(anomalyKinds, kind) ? anomalyKinds[kind as AnomalyKind] : { label: kind, category: "anomaly" };
}

// ---------------------------------------------------------------------------
// Inputs and outputs
// ---------------------------------------------------------------------------

/** Calls of one UTC hour and key, as TrafficRollup holds them ("" stands for none). */
export interface TrafficHour {
  /** ISO hour, UTC: "2026-12-07T13". */
  hour: string;
  conduit: string;
  device: string;
  operator?: string;
  model: string;
  endpoint: string;
  /** allowed | redacted | flagged | refused */
  outcome: string;
  code: string;
  level: string;
  calls: number;
  errors: number;
  results: number;
  /** First and last call in the hour (ISO 8601); the hour's start when not known. */
  firstAt?: string;
  lastAt?: string;
}

/** What the learning phase of one conduit carried, as SQL aggregates give it. */
export interface LearnedTraffic {
  /** Calls that passed (not refused), per UTC hour; a missing hour had none. */
  callsByHour: ReadonlyMap<string, number>;
  devices: readonly string[];
  operators: readonly string[];
  models: readonly string[];
  endpoints: readonly string[];
  /** Calls that passed, per classification level. */
  callsByLevel: Readonly<Record<string, number>>;
}

export interface LearningPeriod {
  from: Date;
  /** Exclusive: the first hour judged against the baseline. */
  until: Date;
}

export interface HourOfWeek {
  /** Learned hours that fell on this hour of the week (two in a 14-day phase). */
  hours: number;
  calls: number;
  mean: number;
  /** Sample standard deviation; 0 from a single week. */
  sd: number;
  /** The quietest of those hours. */
  min: number;
}

export interface Baseline {
  conduit: string;
  /** The plant's IANA time zone, in which the hours of the week are counted (shifts follow it, not UTC). */
  timeZone: string;
  from: Date;
  until: Date;
  calls: number;
  /** 168 hours of the week, Monday 00:00 first. */
  week: HourOfWeek[];
  devices: string[];
  operators: string[];
  models: string[];
  endpoints: string[];
  /** Share of classified calls per level. */
  levelMix: Record<string, number>;
  /** Calls with a level, the base of levelMix. */
  classified: number;
}

export interface ConduitFacts {
  slug: string;
  status: string;
  validUntil: Date | null;
  reviewDueAt: Date | null;
  baseline: Baseline;
}

export interface CredentialFacts {
  id: string;
  /** The device's slug. */
  device: string;
  label: string;
  tokenPrefix: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface Finding {
  kind: ConduitAnomalyKind;
  /** Stable across runs, so the same thing seen again updates one row (unique with kind). */
  subject: string;
  conduit: string | null;
  /** The device's slug, when one device is concerned. */
  device: string | null;
  reason: string;
  detail: Record<string, unknown>;
  /** Calls (errors, for provider_errors) the finding counts, per UTC hour; empty for a state such as an expiry date. */
  tally: Record<string, number>;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

// ---------------------------------------------------------------------------
// Thresholds
// ---------------------------------------------------------------------------

export const learningDays = 14;
/** How far ahead an expiry is raised. */
export const expiryWarningDays = 14;

// A 14-day phase gives each hour of the week only two samples, so the spread alone is a
// weak guide: a spike must be 4 spreads above the mean, and also three times the mean
// and 10 calls above it, so a quiet hour (learned 0 and 2 calls) needs more than 11.
// A drop is judged only where every learned week was busy (mean >= 20, none under half
// of it) and the hour carried under a fifth of the mean: a single quiet week, or an hour
// that is busy only sometimes, would otherwise raise a drop every week.
const spike = { sds: 4, times: 3, above: 10 };
const drop = { minMean: 20, minShareOfMean: 0.5, below: 0.2 };
// A day carries clearly more CONFIDENTIAL/RESTRICTED data when its share is at least 20
// points above the learned share and 3 standard errors above it (the learned share is
// smoothed, (k+1)/(n+2), so a conduit that never carried such data still has a spread),
// out of at least 20 classified calls: a handful of calls proves nothing.
const levelRise = { minCalls: 20, minRise: 0.2, minZ: 3 };
const sensitiveLevels = ["CONFIDENTIAL", "RESTRICTED"];
// A provider that fails one call in five, out of at least 5 results, is failing the
// plant; fewer results make one timeout look like an outage.
const providerErrors = { minResults: 5, share: 0.2 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------
// Learning
// ---------------------------------------------------------------------------

/**
 * The learning phase: `days` from the conduit's first traffic that passed, or from its
 * creation while it has none. Traffic before the conduit was created (a slug used again)
 * is not its own.
 */
export function learningPeriod(options: { createdAt: Date; firstTrafficHour: string | null; days?: number }): LearningPeriod {
  const created = floorHour(options.createdAt);
  const first = options.firstTrafficHour === null ? null : hourStart(options.firstTrafficHour);
  const from = first && first > created ? first : created;
  return { from, until: new Date(from.getTime() + (options.days ?? learningDays) * DAY) };
}

/** The learning phase's traffic from hourly rows: what detect-anomalies asks SQL for, computed here for tests and small reads. */
export function learnedTraffic(options: { traffic: readonly TrafficHour[]; period: LearningPeriod }): LearnedTraffic {
  const { from, until } = options.period;
  const callsByHour = new Map<string, number>();
  const callsByLevel: Record<string, number> = {};
  const devices = new Set<string>();
  const operators = new Set<string>();
  const models = new Set<string>();
  const endpoints = new Set<string>();
  for (const row of options.traffic) {
    const at = hourStart(row.hour);
    if (row.outcome === "refused" || row.calls <= 0 || at < from || at >= until) continue;
    callsByHour.set(row.hour, (callsByHour.get(row.hour) ?? 0) + row.calls);
    callsByLevel[row.level] = (callsByLevel[row.level] ?? 0) + row.calls;
    devices.add(row.device);
    if (row.operator !== undefined) operators.add(row.operator);
    models.add(row.model);
    endpoints.add(row.endpoint);
  }
  return { callsByHour, callsByLevel, devices: [...devices], operators: [...operators], models: [...models], endpoints: [...endpoints] };
}

export function learnBaseline(options: { conduit: string; period: LearningPeriod; traffic: LearnedTraffic; timeZone?: string }): Baseline {
  const { period, traffic } = options;
  const timeZone = validTimeZone(options.timeZone ?? "UTC");
  const samples = Array.from({ length: 168 }, () => [] as number[]);
  let calls = 0;
  for (let t = period.from.getTime(); t < period.until.getTime(); t += HOUR) {
    const count = traffic.callsByHour.get(hourKey(new Date(t))) ?? 0;
    samples[localTime(new Date(t), timeZone).slot]!.push(count);
    calls += count;
  }
  const week = samples.map((s): HourOfWeek => {
    if (s.length === 0) return { hours: 0, calls: 0, mean: 0, sd: 0, min: 0 };
    const sum = s.reduce((a, b) => a + b, 0);
    const mean = sum / s.length;
    const sd = s.length < 2 ? 0 : Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1));
    return { hours: s.length, calls: sum, mean, sd, min: Math.min(...s) };
  });
  const classified = Object.entries(traffic.callsByLevel).reduce((sum, [level, n]) => (level ? sum + n : sum), 0);
  const levelMix: Record<string, number> = {};
  for (const [level, n] of Object.entries(traffic.callsByLevel)) if (level && classified > 0) levelMix[level] = n / classified;
  const named = (values: readonly string[]) => [...new Set(values.filter((v) => v !== ""))].sort();
  return {
    conduit: options.conduit,
    timeZone,
    from: period.from,
    until: period.until,
    calls,
    week,
    devices: named(traffic.devices),
    operators: named(traffic.operators),
    models: named(traffic.models),
    endpoints: named(traffic.endpoints),
    levelMix,
    classified,
  };
}

export function isLearning(options: { baseline: Baseline; now: Date }): boolean {
  return options.now < options.baseline.until;
}

// ---------------------------------------------------------------------------
// Policy: refusals and what the baseline never saw
// ---------------------------------------------------------------------------

/** Refused calls on a conduit, one finding per device and refusal code; from the first day, learning or not. */
export function refusalFindings(options: { conduit: string; traffic: readonly TrafficHour[] }): Finding[] {
  const refused = options.traffic.filter((r) => r.conduit === options.conduit && r.outcome === "refused" && r.calls > 0);
  return [...groupBy(refused, (r) => `${r.device}\u0001${r.code}`).values()].map((rows) => {
    const { device, code } = rows[0]!;
    const span = spanOf(rows);
    const calls = sumOf(rows, (r) => r.calls);
    const models = namedValues(rows, (r) => r.model);
    return {
      kind: "refusals",
      subject: `${options.conduit} refusals ${device || "unknown"} ${code || "refused"}`,
      conduit: options.conduit,
      device: device || null,
      reason:
        `${plural(calls, "call")} from ${device || "an unknown device"} ${calls === 1 ? "was" : "were"} refused on this conduit ` +
        `(${code || "no code"}${models.length ? `; ${models.length === 1 ? "model" : "models"} ${listOf(models)}` : ""}) between ${utcTime(span.first)} and ${utcTime(span.last)}.`,
      detail: { device, code, models, calls },
      tally: tallyOf(rows, (r) => r.calls),
      firstSeenAt: span.first,
      lastSeenAt: span.last,
    };
  });
}

const newUses = [
  { kind: "new_device", value: (r: TrafficHour) => r.device, learned: (b: Baseline) => b.devices, noun: "device" },
  { kind: "new_model", value: (r: TrafficHour) => r.model, learned: (b: Baseline) => b.models, noun: "model" },
  { kind: "new_endpoint", value: (r: TrafficHour) => r.endpoint, learned: (b: Baseline) => b.endpoints, noun: "endpoint" },
] as const;

/** A device, model or endpoint used after learning that the conduit never used while learning. */
export function newUseFindings(options: { baseline: Baseline; traffic: readonly TrafficHour[]; now: Date }): Finding[] {
  const { baseline } = options;
  if (isLearning(options)) return [];
  const passed = judged(options);
  return newUses.flatMap((use) => {
    const learned = new Set(use.learned(baseline));
    const unseen = passed.filter((r) => use.value(r) !== "" && !learned.has(use.value(r)));
    return [...groupBy(unseen, use.value).entries()].map(([value, rows]): Finding => {
      const span = spanOf(rows);
      const calls = sumOf(rows, (r) => r.calls);
      const devices = namedValues(rows, (r) => r.device);
      const before = use.learned(baseline);
      return {
        kind: use.kind,
        subject: `${baseline.conduit} ${use.kind} ${value}`,
        conduit: baseline.conduit,
        device: use.kind === "new_device" ? value : devices.length === 1 ? devices[0]! : null,
        reason:
          `The ${use.noun} ${value} was used on this conduit, which used ${before.length ? `only ${listOf([...before])}` : `no ${use.noun}`} ` +
          `while learning (${learnedSpan(baseline)}): ${plural(calls, "call")} between ${utcTime(span.first)} and ${utcTime(span.last)}` +
          (use.kind === "new_device" || devices.length === 0 ? "." : `, from ${listOf(devices)}.`),
        detail: { [use.noun]: value, learned: before, devices, calls },
        tally: tallyOf(rows, (r) => r.calls),
        firstSeenAt: span.first,
        lastSeenAt: span.last,
      };
    });
  });
}

// ---------------------------------------------------------------------------
// Anomalies against the baseline
// ---------------------------------------------------------------------------

/**
 * Hours far above or below the same hour of the week while learning (thresholds above).
 * Hours from `since` on are judged, with no row meaning no call; a drop needs the hour to
 * be over and the conduit to be active, else it is no surprise.
 */
export function volumeFindings(options: { conduit: ConduitFacts; traffic: readonly TrafficHour[]; since: Date; now: Date }): Finding[] {
  const { conduit, now } = options;
  const { baseline } = conduit;
  if (isLearning({ baseline, now })) return [];
  const perHour = new Map<string, TrafficHour[]>(groupBy(judged({ baseline, traffic: options.traffic }), (r) => r.hour));
  const findings: Finding[] = [];
  const start = Math.max(floorHour(options.since).getTime(), baseline.until.getTime());
  for (let t = start; t < now.getTime(); t += HOUR) {
    const at = new Date(t);
    const hour = hourKey(at);
    const rows = perHour.get(hour) ?? [];
    const calls = sumOf(rows, (r) => r.calls);
    const local = localTime(at, baseline.timeZone);
    const usual = baseline.week[local.slot]!;
    const when = `${plural(calls, "call")} in the hour from ${local.time} ${baseline.timeZone} on ${local.weekday} ${local.date}`;
    const learned = `this conduit's usual ${local.weekday} ${local.time} is ${round(usual.mean)} ± ${round(usual.sd)} (learned ${learnedSpan(baseline)})`;
    const detail = { hour, calls, mean: usual.mean, sd: usual.sd, min: usual.min, weekday: local.weekday, localTime: local.time, timeZone: baseline.timeZone };
    // An hour that never carried traffic is outside_hours' to raise, not a spike's.
    const spikeAbove = Math.max(usual.mean + spike.sds * usual.sd, spike.times * usual.mean, usual.mean + spike.above);
    if (usual.calls > 0 && calls > spikeAbove) {
      const span = spanOf(rows);
      findings.push({
        kind: "volume_spike",
        subject: `${baseline.conduit} volume_spike ${hour}`,
        conduit: baseline.conduit,
        device: single(namedValues(rows, (r) => r.device)),
        reason: `${when}; ${learned}, so more than ${round(spikeAbove)} is a spike.`,
        detail: { ...detail, threshold: spikeAbove },
        tally: { [hour]: calls },
        firstSeenAt: span.first,
        lastSeenAt: span.last,
      });
    }
    const over = t + HOUR <= now.getTime();
    const active = conduit.status === "ACTIVE" && (conduit.validUntil === null || conduit.validUntil.getTime() >= t + HOUR);
    const solidlyBusy = usual.mean >= drop.minMean && usual.min >= usual.mean * drop.minShareOfMean;
    if (over && active && solidlyBusy && calls < usual.mean * drop.below) {
      findings.push({
        kind: "volume_drop",
        subject: `${baseline.conduit} volume_drop ${hour}`,
        conduit: baseline.conduit,
        device: null,
        reason: `${when}; ${learned} and never below ${round(usual.min)}, so under ${round(usual.mean * drop.below)} is a drop.`,
        detail: { ...detail, threshold: usual.mean * drop.below },
        tally: {},
        firstSeenAt: at,
        lastSeenAt: new Date(t + HOUR - 1),
      });
    }
  }
  return findings;
}

/** Calls at hours of the week that carried none while learning, one finding per UTC day. */
export function outsideHoursFindings(options: { baseline: Baseline; traffic: readonly TrafficHour[]; now: Date }): Finding[] {
  const { baseline } = options;
  if (isLearning(options)) return [];
  const outside = judged(options).filter((r) => {
    const slot = baseline.week[localTime(hourStart(r.hour), baseline.timeZone).slot]!;
    return slot.hours > 0 && slot.calls === 0;
  });
  return [...groupBy(outside, (r) => r.hour.slice(0, 10)).entries()].map(([day, rows]): Finding => {
    const span = spanOf(rows);
    const calls = sumOf(rows, (r) => r.calls);
    const hours = [...new Set(rows.map((r) => r.hour))].sort().map((h) => localTime(hourStart(h), baseline.timeZone));
    const devices = namedValues(rows, (r) => r.device);
    return {
      kind: "outside_hours",
      subject: `${baseline.conduit} outside_hours ${day}`,
      conduit: baseline.conduit,
      device: single(devices),
      reason:
        `${plural(calls, "call")} on ${day} (UTC) at hours this conduit carried no traffic while learning (${learnedSpan(baseline)}): ` +
        `${listOf(hours.map((h) => `${h.weekday} ${h.time}`))} ${baseline.timeZone}${devices.length ? `, from ${listOf(devices)}` : ""}.`,
      detail: { day, calls, hours: hours.map((h) => `${h.date} ${h.time}`), timeZone: baseline.timeZone, devices },
      tally: tallyOf(rows, (r) => r.calls),
      firstSeenAt: span.first,
      lastSeenAt: span.last,
    };
  });
}

/** A UTC day whose share of CONFIDENTIAL and RESTRICTED calls is clearly above the learned mix (thresholds above). */
export function levelRiseFindings(options: { baseline: Baseline; traffic: readonly TrafficHour[]; now: Date }): Finding[] {
  const { baseline } = options;
  if (isLearning(options)) return [];
  const learnedShare = sumOf(sensitiveLevels, (level) => baseline.levelMix[level] ?? 0);
  const learnedSensitive = Math.round(learnedShare * baseline.classified);
  const smoothed = (learnedSensitive + 1) / (baseline.classified + 2);
  const classified = judged(options).filter((r) => r.level !== "");
  return [...groupBy(classified, (r) => r.hour.slice(0, 10)).entries()].flatMap(([day, rows]): Finding[] => {
    const calls = sumOf(rows, (r) => r.calls);
    const sensitiveRows = rows.filter((r) => sensitiveLevels.includes(r.level));
    const sensitive = sumOf(sensitiveRows, (r) => r.calls);
    const share = calls > 0 ? sensitive / calls : 0;
    const z = (share - smoothed) / Math.sqrt((smoothed * (1 - smoothed)) / Math.max(calls, 1));
    if (calls < levelRise.minCalls || share - learnedShare < levelRise.minRise || z < levelRise.minZ) return [];
    const span = spanOf(sensitiveRows);
    return [
      {
        kind: "level_rise",
        subject: `${baseline.conduit} level_rise ${day}`,
        conduit: baseline.conduit,
        device: single(namedValues(sensitiveRows, (r) => r.device)),
        reason:
          `${percent(share)} of the ${plural(calls, "classified call")} on ${day} (UTC) carried CONFIDENTIAL or RESTRICTED data (${sensitive}); ` +
          `while learning (${learnedSpan(baseline)}) it was ${percent(learnedShare)} of ${baseline.classified}.`,
        detail: { day, calls, sensitive, share, learnedShare, learnedCalls: baseline.classified },
        tally: tallyOf(sensitiveRows, (r) => r.calls),
        firstSeenAt: span.first,
        lastSeenAt: span.last,
      },
    ];
  });
}

// ---------------------------------------------------------------------------
// Operational
// ---------------------------------------------------------------------------

/** An hour in which the provider failed or timed out on too many calls (thresholds above); from the first day. */
export function providerErrorFindings(options: { conduit: string; traffic: readonly TrafficHour[]; timeZone?: string }): Finding[] {
  const timeZone = validTimeZone(options.timeZone ?? "UTC");
  const rows = options.traffic.filter((r) => r.conduit === options.conduit && r.results > 0);
  return [...groupBy(rows, (r) => r.hour).entries()].flatMap(([hour, inHour]): Finding[] => {
    const results = sumOf(inHour, (r) => r.results);
    const errors = sumOf(inHour, (r) => r.errors);
    if (results < providerErrors.minResults || errors / results <= providerErrors.share) return [];
    const local = localTime(hourStart(hour), timeZone);
    const span = spanOf(inHour.filter((r) => r.errors > 0));
    return [
      {
        kind: "provider_errors",
        subject: `${options.conduit} provider_errors ${hour}`,
        conduit: options.conduit,
        device: single(namedValues(inHour.filter((r) => r.errors > 0), (r) => r.device)),
        reason:
          `${errors} of ${plural(results, "result")} in the hour from ${local.time} ${timeZone} on ${local.weekday} ${local.date} were provider errors or timeouts ` +
          `(${percent(errors / results)}; raised above ${percent(providerErrors.share)} with at least ${providerErrors.minResults} results).`,
        detail: { hour, errors, results, share: errors / results },
        tally: tallyOf(inHour, (r) => r.errors),
        firstSeenAt: span.first,
        lastSeenAt: span.last,
      },
    ];
  });
}

/** A conduit whose validity ends within expiryWarningDays, or whose review date has passed. A retired one needs neither. */
export function conduitDateFindings(options: { conduit: ConduitFacts; now: Date }): Finding[] {
  const { conduit, now } = options;
  if (conduit.status === "RETIRED") return [];
  const findings: Finding[] = [];
  const state = { conduit: conduit.slug, device: null, tally: {}, firstSeenAt: now, lastSeenAt: now };
  const { validUntil, reviewDueAt } = conduit;
  if (validUntil && validUntil > now && validUntil.getTime() - now.getTime() <= expiryWarningDays * DAY) {
    findings.push({
      ...state,
      kind: "conduit_expiring",
      subject: `${conduit.slug} conduit_expiring ${validUntil.toISOString()}`,
      reason: `The conduit is valid until ${utcTime(validUntil)}, ${inDays(validUntil.getTime() - now.getTime())}; after that the proxy refuses its calls. Renew it or let it end on purpose.`,
      detail: { validUntil: validUntil.toISOString() },
    });
  }
  if (reviewDueAt && reviewDueAt <= now) {
    findings.push({
      ...state,
      kind: "review_overdue",
      subject: `${conduit.slug} review_overdue ${reviewDueAt.toISOString()}`,
      reason: `The conduit's review was due on ${utcTime(reviewDueAt)}, ${daysAgo(now.getTime() - reviewDueAt.getTime())}; confirm it is still needed and set the next review date.`,
      detail: { reviewDueAt: reviewDueAt.toISOString() },
    });
  }
  return findings;
}

/** A device credential, not revoked, that expires within expiryWarningDays: the device stops calling when it does. */
export function credentialFindings(options: { credentials: readonly CredentialFacts[]; now: Date }): Finding[] {
  const { now } = options;
  return options.credentials.flatMap((c): Finding[] => {
    const { expiresAt } = c;
    if (c.revokedAt || !expiresAt || expiresAt <= now || expiresAt.getTime() - now.getTime() > expiryWarningDays * DAY) return [];
    return [
      {
        kind: "credential_expiring",
        subject: c.id,
        conduit: null,
        device: c.device,
        reason: `The device credential "${c.label}" (${c.tokenPrefix}…) of ${c.device} expires on ${utcTime(expiresAt)}, ${inDays(expiresAt.getTime() - now.getTime())}; issue a new one before the device stops being let through.`,
        detail: { credentialId: c.id, label: c.label, tokenPrefix: c.tokenPrefix, expiresAt: expiresAt.toISOString() },
        tally: {},
        firstSeenAt: now,
        lastSeenAt: now,
      },
    ];
  });
}

// ---------------------------------------------------------------------------
// All rules
// ---------------------------------------------------------------------------

/** Every rule over every conduit. `traffic` covers the hours from `since` to now; earlier hours are not judged. */
export function findAnomalies(options: {
  now: Date;
  since: Date;
  conduits: readonly ConduitFacts[];
  traffic: readonly TrafficHour[];
  credentials: readonly CredentialFacts[];
}): Finding[] {
  const { now, since } = options;
  const byConduit = groupBy(options.traffic, (r) => r.conduit);
  return [
    ...options.conduits.flatMap((conduit) => {
      const { baseline } = conduit;
      const traffic = byConduit.get(conduit.slug) ?? [];
      return [
        ...refusalFindings({ conduit: conduit.slug, traffic }),
        ...newUseFindings({ baseline, traffic, now }),
        ...volumeFindings({ conduit, traffic, since, now }),
        ...outsideHoursFindings({ baseline, traffic, now }),
        ...levelRiseFindings({ baseline, traffic, now }),
        ...providerErrorFindings({ conduit: conduit.slug, traffic, timeZone: baseline.timeZone }),
        ...conduitDateFindings({ conduit, now }),
      ];
    }),
    ...credentialFindings({ credentials: options.credentials, now }),
  ];
}

// ---------------------------------------------------------------------------
// Counting a finding seen again
// ---------------------------------------------------------------------------

const tallySchema = z.object({ before: z.number().int().nonnegative(), hours: z.record(z.string(), z.number().int().nonnegative()) });
const storedTally = (detail: string) => {
  try {
    return tallySchema.safeParse((JSON.parse(detail) as { tally?: unknown }).tally).data ?? null;
  } catch {
    return null;
  }
};

/**
 * The count, detail and times of an anomaly after a run. Each run sees only the hours from
 * `since`, so the detail keeps the hours it counted: those that have left the window move
 * into `before`, the others are counted afresh, and a call is counted once however often
 * the rules run. A state (an expiry) counts 1.
 */
export function mergeFinding(options: {
  finding: Finding;
  stored: { count: number; detail: string; firstSeenAt: Date; lastSeenAt: Date } | null;
  since: Date;
}): { count: number; detail: Record<string, unknown>; firstSeenAt: Date; lastSeenAt: Date } {
  const { finding, stored } = options;
  const sinceHour = hourKey(floorHour(options.since));
  const previous = stored ? storedTally(stored.detail) : null;
  let before = previous?.before ?? 0;
  for (const [hour, n] of Object.entries(previous?.hours ?? {})) if (hour < sinceHour) before += n;
  const hours = Object.fromEntries(Object.entries(finding.tally).filter(([hour]) => hour >= sinceHour));
  const counted = before + sumOf(Object.values(hours), (n) => n);
  const isState = Object.keys(finding.tally).length === 0;
  return {
    // A row written without a tally (an older version) never loses what it had counted.
    count: isState ? 1 : Math.max(counted, previous ? 0 : (stored?.count ?? 0), 1),
    detail: isState ? finding.detail : { ...finding.detail, tally: { before, hours } },
    firstSeenAt: stored && stored.firstSeenAt < finding.firstSeenAt ? stored.firstSeenAt : finding.firstSeenAt,
    lastSeenAt: stored && stored.lastSeenAt > finding.lastSeenAt ? stored.lastSeenAt : finding.lastSeenAt,
  };
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

/** The conduit's calls that passed, in the hours judged against its baseline. */
function judged(options: { baseline: Baseline; traffic: readonly TrafficHour[] }): TrafficHour[] {
  const { baseline } = options;
  return options.traffic.filter((r) => r.conduit === baseline.conduit && r.outcome !== "refused" && r.calls > 0 && hourStart(r.hour) >= baseline.until);
}

export function hourStart(hour: string): Date {
  return new Date(`${hour}:00:00.000Z`);
}

export function hourKey(at: Date): string {
  return at.toISOString().slice(0, 13);
}

function floorHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR) * HOUR);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function sumOf<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((sum, item) => sum + value(item), 0);
}

function tallyOf(rows: readonly TrafficHour[], value: (row: TrafficHour) => number): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const row of rows) if (value(row) > 0) tally[row.hour] = (tally[row.hour] ?? 0) + value(row);
  return tally;
}

function namedValues(rows: readonly TrafficHour[], value: (row: TrafficHour) => string): string[] {
  return [...new Set(rows.map(value).filter((v) => v !== ""))].sort();
}

function single(values: readonly string[]): string | null {
  return values.length === 1 ? values[0]! : null;
}

function spanOf(rows: readonly TrafficHour[]): { first: Date; last: Date } {
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    const start = hourStart(row.hour).getTime();
    first = Math.min(first, row.firstAt ? Date.parse(row.firstAt) : start);
    last = Math.max(last, row.lastAt ? Date.parse(row.lastAt) : start);
  }
  return { first: new Date(first), last: new Date(last) };
}

const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formats.set(timeZone, format);
  }
  return format;
}

// A plant's time zone comes from people; a misspelt one must not stop detection for all.
function validTimeZone(timeZone: string): string {
  try {
    formatIn(timeZone);
    return timeZone;
  } catch {
    return "UTC";
  }
}

type LocalTime = { slot: number; weekday: string; date: string; time: string };
// The same few hundred hours are placed on the clock for every conduit and every run, and
// formatToParts is the costliest step of a run; bounded, as a process runs for months.
const localTimes = new Map<string, LocalTime>();

/** Where an instant falls on the plant's clock: its hour of the week (Monday 00:00 is 0), day and time. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const key = `${timeZone} ${at.getTime()}`;
  const known = localTimes.get(key);
  if (known) return known;
  const parts: Record<string, string> = {};
  for (const part of formatIn(timeZone).formatToParts(at)) parts[part.type] = part.value;
  const weekday = parts.weekday ?? "Monday";
  const local = {
    slot: Math.max(0, weekdays.indexOf(weekday)) * 24 + (Number(parts.hour) % 24),
    weekday,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
  };
  if (localTimes.size >= 50_000) localTimes.clear();
  localTimes.set(key, local);
  return local;
}

function learnedSpan(baseline: Baseline): string {
  return `${baseline.from.toISOString().slice(0, 10)} to ${baseline.until.toISOString().slice(0, 10)}`;
}

function utcTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function inDays(ms: number): string {
  const days = Math.floor(ms / DAY);
  return days === 0 ? "in less than a day" : `in ${plural(days, "day")}`;
}

function daysAgo(ms: number): string {
  const days = Math.floor(ms / DAY);
  return days === 0 ? "less than a day ago" : `${plural(days, "day")} ago`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function round(x: number): string {
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
