// What the traffic rollups say about a conduit, a device or a plant's conduits: calls per
// hour or day by outcome, totals by each key, latency, tokens and identity coverage, and
// the refused flows people may want to authorise. Read from TrafficRollup and
// TrafficLabelRollup only (lib/conduits/traffic-rollup.ts), never from the records, so
// a chart costs the same for a quiet conduit as for a busy one.
//
// Ranges are [from, to) in ISO hours, UTC ("2026-12-07T13"); day buckets are UTC days
// ("2026-12-07"), and the first and last may cover only part of theirs.
import type { Db } from "@/lib/db";

export type TrafficBucket = "hour" | "day";

export const callOutcomes = ["allowed", "redacted", "flagged", "refused"] as const;
export type CallOutcome = (typeof callOutcomes)[number];
export type OutcomeCounts = Record<CallOutcome, number>;

export interface TrafficPoint extends OutcomeCounts {
  /** "2026-12-07T13" or "2026-12-07". */
  bucket: string;
  calls: number;
}

/** Calls per value of one key, most first; "" is "none". */
export interface Tally {
  key: string;
  calls: number;
}

export type TrafficScope = { conduit: string } | { device: string } | { plant: string | null };

export interface TrafficSummary {
  from: string;
  to: string;
  bucket: TrafficBucket;
  /** Every bucket of the range, empty ones too. */
  series: TrafficPoint[];
  calls: number;
  byOutcome: OutcomeCounts;
  byLevel: Tally[];
  /** Null for a device: labels are rolled up per conduit only. */
  byLabel: Tally[] | null;
  byModel: Tally[];
  byDevice: Tally[];
  byOperator: Tally[];
  byEndpoint: Tally[];
  byConduit: Tally[];
  /** Refused calls by refusal code. */
  byCode: Tally[];
  /** Calls whose result was indexed, and those of them that failed or timed out. */
  results: number;
  errors: number;
  /** Mean duration of the calls with a result; null without any. */
  averageLatencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  lastSeen: string | null;
  identity: IdentityCoverage;
}

export interface IdentityCoverage {
  /** Calls from a device that proved its identity (a device credential). */
  deviceCalls: number;
  /** Calls on behalf of an operator whose identity is verified or asserted. */
  operatorCalls: number;
  /** Shares of all calls, 0 to 1; null without calls. */
  deviceShare: number | null;
  operatorShare: number | null;
}

export interface ConduitTraffic {
  conduit: string;
  calls: number;
  refused: number;
  lastSeen: string;
}

export interface UnauthorisedFlow {
  /** `${zone} ${device} ${destination} ${model}`: how a proposal or a review names the flow. */
  flowKey: string;
  zone: string;
  device: string;
  destination: string;
  model: string;
  calls: number;
  codes: string[];
  firstSeen: string;
  lastSeen: string;
}

const isoHourPattern = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
const hourMs = 3_600_000;
// A year of hours; a longer range wants day buckets.
const maxBuckets = 366 * 24;
const identifiedOperator = new Set(["verified", "asserted"]);

/** The ISO hour (UTC) a time falls in, as the rollups key it. */
export function isoHour(date: Date): string {
  return date.toISOString().slice(0, 13);
}

function assertHour(name: string, hour: string): void {
  if (!isoHourPattern.test(hour) || Number.isNaN(Date.parse(`${hour}:00:00Z`))) throw new RangeError(`${name} must be an ISO hour such as 2026-12-07T13, not "${hour}"`);
}

function assertRange(options: { from: string; to: string }): void {
  assertHour("from", options.from);
  assertHour("to", options.to);
  if (options.from >= options.to) throw new RangeError(`the range ${options.from} to ${options.to} is empty`);
}

function buckets(options: { from: string; to: string; bucket: TrafficBucket }): string[] {
  const start = Date.parse(`${options.from}:00:00Z`);
  const end = Date.parse(`${options.to}:00:00Z`);
  const labels: string[] = [];
  for (let at = start; at < end; at += hourMs) {
    const hour = isoHour(new Date(at));
    const label = options.bucket === "day" ? hour.slice(0, 10) : hour;
    if (labels.at(-1) !== label) labels.push(label);
    if (labels.length > maxBuckets) throw new RangeError(`a traffic series has at most ${maxBuckets} buckets; use day buckets or a shorter range`);
  }
  return labels;
}

const emptyOutcomes = (): OutcomeCounts => ({ allowed: 0, redacted: 0, flagged: 0, refused: 0 });
const isOutcome = (outcome: string): outcome is CallOutcome => (callOutcomes as readonly string[]).includes(outcome);

function tally(groups: { key: string; calls: number | null }[]): Tally[] {
  return groups
    .map((g) => ({ key: g.key, calls: g.calls ?? 0 }))
    .filter((t) => t.calls > 0)
    .sort((a, b) => b.calls - a.calls || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function scopeWhere(scope: TrafficScope) {
  if ("conduit" in scope) return { conduit: scope.conduit };
  if ("device" in scope) return { device: scope.device };
  return scope.plant === null ? {} : { plant: scope.plant };
}

export async function trafficSummary(options: { db: Db; scope: TrafficScope; from: string; to: string; bucket: TrafficBucket }): Promise<TrafficSummary> {
  const { db, scope, from, to, bucket } = options;
  assertRange({ from, to });
  const series = new Map(buckets({ from, to, bucket }).map((label) => [label, { bucket: label, calls: 0, ...emptyOutcomes() }]));
  const where = { ...scopeWhere(scope), hour: { gte: from, lt: to } };
  const rollup = db.trafficRollup;
  // One read of the range for every breakdown, folded here: on SQLite the queries run one
  // after another, and a month of a plant's rollups read seven times took most of a page's time.
  const [perHour, totals, groups, byCode] = await Promise.all([
    rollup.groupBy({ by: ["hour", "outcome"], where, _sum: { calls: true } }),
    rollup.aggregate({ where, _sum: { calls: true, results: true, errors: true, durationMsSum: true, inputTokens: true, outputTokens: true }, _max: { lastAt: true } }),
    rollup.groupBy({ by: ["level", "model", "device", "operator", "endpoint", "conduit", "assurance"], where, _sum: { calls: true } }),
    rollup.groupBy({ by: ["code"], where: { ...where, outcome: "refused" }, _sum: { calls: true } }),
  ]);
  const by = (key: "level" | "model" | "device" | "operator" | "endpoint" | "conduit" | "assurance"): Tally[] => {
    const sums = new Map<string, number>();
    for (const g of groups) sums.set(g[key], (sums.get(g[key]) ?? 0) + (g._sum.calls ?? 0));
    return [...sums].map(([k, calls]) => ({ key: k, calls }));
  };
  const byConduit = by("conduit");

  const byOutcome = emptyOutcomes();
  for (const group of perHour) {
    if (!isOutcome(group.outcome)) continue;
    const calls = group._sum.calls ?? 0;
    byOutcome[group.outcome] += calls;
    const point = series.get(bucket === "day" ? group.hour.slice(0, 10) : group.hour)!;
    point[group.outcome] += calls;
    point.calls += calls;
  }

  const calls = totals._sum.calls ?? 0;
  const results = totals._sum.results ?? 0;
  const anonymousCalls = by("device").find((g) => g.key === "")?.calls ?? 0;
  const operatorCalls = by("assurance").reduce((n, g) => n + (identifiedOperator.has(g.key) ? g.calls : 0), 0);
  const deviceCalls = calls - anonymousCalls;
  return {
    from,
    to,
    bucket,
    series: [...series.values()],
    calls,
    byOutcome,
    byLevel: tally(by("level")),
    byLabel: await labelTally({ db, scope, from, to, conduits: byConduit.map((g) => g.key) }),
    byModel: tally(by("model")),
    byDevice: tally(by("device")),
    byOperator: tally(by("operator")),
    byEndpoint: tally(by("endpoint")),
    byConduit: tally(byConduit),
    byCode: tally(byCode.map((g) => ({ key: g.code, calls: g._sum.calls }))),
    results,
    errors: totals._sum.errors ?? 0,
    averageLatencyMs: results > 0 ? (totals._sum.durationMsSum ?? 0) / results : null,
    inputTokens: totals._sum.inputTokens ?? 0,
    outputTokens: totals._sum.outputTokens ?? 0,
    lastSeen: totals._max.lastAt ?? null,
    identity: { deviceCalls, operatorCalls, deviceShare: calls > 0 ? deviceCalls / calls : null, operatorShare: calls > 0 ? operatorCalls / calls : null },
  };
}

// Labels are rolled up per conduit, not per device or plant. A plant's are those of the
// conduits its calls went through (a conduit is in one plant); calls refused before a
// conduit was found ("") belong to no plant, and count only when all plants are asked for.
async function labelTally(options: { db: Db; scope: TrafficScope; from: string; to: string; conduits: string[] }): Promise<Tally[] | null> {
  const { scope } = options;
  if ("device" in scope) return null;
  const conduit = "conduit" in scope ? scope.conduit : scope.plant === null ? undefined : { in: options.conduits.filter((c) => c !== "") };
  const groups = await options.db.trafficLabelRollup.groupBy({ by: ["label"], where: { conduit, hour: { gte: options.from, lt: options.to } }, _sum: { calls: true } });
  return tally(groups.map((g) => ({ key: g.label, calls: g._sum.calls })));
}

/** Calls, refusals and last call of each conduit with traffic in the range (plant null: every plant), by slug. */
export async function conduitTrafficTotals(options: { db: Db; plant: string | null; from: string; to: string }): Promise<ConduitTraffic[]> {
  assertRange(options);
  const groups = await options.db.trafficRollup.groupBy({
    by: ["conduit", "outcome"],
    where: { conduit: { not: "" }, hour: { gte: options.from, lt: options.to }, ...(options.plant === null ? {} : { plant: options.plant }) },
    _sum: { calls: true },
    _max: { lastAt: true },
  });
  const totals = new Map<string, ConduitTraffic>();
  for (const group of groups) {
    const lastAt = group._max.lastAt ?? "";
    let conduit = totals.get(group.conduit);
    if (!conduit) totals.set(group.conduit, (conduit = { conduit: group.conduit, calls: 0, refused: 0, lastSeen: lastAt }));
    conduit.calls += group._sum.calls ?? 0;
    if (group.outcome === "refused") conduit.refused += group._sum.calls ?? 0;
    if (lastAt > conduit.lastSeen) conduit.lastSeen = lastAt;
  }
  return [...totals.values()].sort((a, b) => (a.conduit < b.conduit ? -1 : 1));
}

/**
 * The refusals that say a flow is not authorised (no conduit, or none allowing this purpose,
 * model or endpoint, or none in force; a caller that is not, or no longer, a device), as
 * opposed to an authorised flow refused for what it carried or how it was sent.
 */
export const unauthorisedFlowCodes = [
  "conduit_not_authorized", "conduit_suspended", "conduit_expired", "conduit_not_yet_valid", "purpose_not_allowed", "model_not_allowed", "endpoint_not_allowed",
  "device_token_missing", "invalid_device_token", "device_token_expired", "device_token_revoked", "device_disabled", "unknown_destination",
];

/**
 * Refused calls by zone, device, destination and model (plant null: every plant), the
 * latest first: the flows a conduit does not (or not yet) allow, with why they were refused.
 */
export async function listUnauthorisedFlows(options: { db: Db; plant: string | null; from?: string }): Promise<UnauthorisedFlow[]> {
  if (options.from !== undefined) assertHour("from", options.from);
  const groups = await options.db.trafficRollup.groupBy({
    by: ["zone", "device", "destination", "model", "code"],
    where: { outcome: "refused", code: { in: unauthorisedFlowCodes }, ...(options.plant === null ? {} : { plant: options.plant }), ...(options.from === undefined ? {} : { hour: { gte: options.from } }) },
    _sum: { calls: true },
    _min: { firstAt: true },
    _max: { lastAt: true },
  });
  const flows = new Map<string, UnauthorisedFlow>();
  for (const group of groups) {
    const flowKey = `${group.zone} ${group.device} ${group.destination} ${group.model}`;
    const firstAt = group._min.firstAt ?? "";
    const lastAt = group._max.lastAt ?? "";
    let flow = flows.get(flowKey);
    if (!flow) {
      const { zone, device, destination, model } = group;
      flows.set(flowKey, (flow = { flowKey, zone, device, destination, model, calls: 0, codes: [], firstSeen: firstAt, lastSeen: lastAt }));
    }
    flow.calls += group._sum.calls ?? 0;
    if (!flow.codes.includes(group.code)) flow.codes.push(group.code);
    if (firstAt < flow.firstSeen) flow.firstSeen = firstAt;
    if (lastAt > flow.lastSeen) flow.lastSeen = lastAt;
  }
  for (const flow of flows.values()) flow.codes.sort();
  return [...flows.values()].sort((a, b) => (a.lastSeen !== b.lastSeen ? (a.lastSeen < b.lastSeen ? 1 : -1) : a.flowKey < b.flowKey ? -1 : 1));
}
