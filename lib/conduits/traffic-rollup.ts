// What a batch of indexed records adds to the traffic rollups (TrafficRollup and
// TrafficLabelRollup): calls per hour and key, with what their results report. Pure, so
// the sums can be checked without a database; lib/records/index-store.ts writes them in
// the same transaction as the index rows, so a batch counts once or not at all.
import type { CallResult, IndexRow, ProjectedRecord } from "@/lib/records/project-record";

/** A rollup row's key. Empty strings stand for "none", as in the table. */
export interface TrafficKey {
  /** ISO hour, UTC: "2026-12-07T13". */
  hour: string;
  plant: string;
  zone: string;
  conduit: string;
  destination: string;
  device: string;
  operator: string;
  assurance: string;
  model: string;
  endpoint: string;
  outcome: string;
  code: string;
  level: string;
}

export interface ResultCounts {
  results: number;
  /** Results that failed or timed out. */
  errors: number;
  durationMsSum: number;
  inputTokens: number;
  outputTokens: number;
}

export interface TrafficIncrement extends TrafficKey, ResultCounts {
  calls: number;
  firstAt: string;
  lastAt: string;
}

/** Results of calls rolled up in an earlier batch: added to the call's row, which exists. */
export type ResultIncrement = TrafficKey & ResultCounts;

export interface LabelIncrement {
  hour: string;
  conduit: string;
  label: string;
  calls: number;
}

export interface TrafficRollups {
  traffic: TrafficIncrement[];
  labels: LabelIncrement[];
}

/** What a call's rollup key is made of: its index row and the endpoint of its envelope. */
export type RolledUpCall = Pick<IndexRow, "kind" | "at" | "plant" | "zone" | "conduit" | "destination" | "device" | "operator" | "assurance" | "model" | "outcome" | "code" | "level"> & {
  endpoint: string | null;
};

export const trafficKeyColumns = [
  "hour", "plant", "zone", "conduit", "destination", "device", "operator", "assurance", "model", "endpoint", "outcome", "code", "level",
] as const satisfies readonly (keyof TrafficKey)[];

export const resultCountColumns = ["results", "errors", "durationMsSum", "inputTokens", "outputTokens"] as const satisfies readonly (keyof ResultCounts)[];

/** Only these are calls; results and decisions add to them. */
export const callKinds = ["ai_call", "ai_call_denied"] as const;

const isCall = (kind: string) => (callKinds as readonly string[]).includes(kind);
const errorResults = new Set(["failed", "timed_out"]);

export const hourOf = (at: string) => at.slice(0, 13);

/** The key a call is counted under; the migration's backfill builds the same one (endpoint aside). */
export function callKey(options: { call: RolledUpCall }): TrafficKey {
  const { call } = options;
  return {
    hour: hourOf(call.at),
    plant: call.plant ?? "",
    zone: call.zone ?? "",
    conduit: call.conduit ?? "",
    destination: call.destination ?? "",
    device: call.device ?? "",
    operator: call.operator ?? "",
    assurance: call.assurance ?? "",
    model: call.model ?? "",
    endpoint: call.endpoint ?? "",
    outcome: call.outcome ?? "",
    code: call.code ?? "",
    level: call.level ?? "",
  };
}

// \u0001 appears in no slug, model or ISO time, so distinct keys never join to the same text.
const keyText = (key: TrafficKey) => trafficKeyColumns.map((c) => key[c]).join("\u0001");

function addResult(counts: ResultCounts, result: CallResult): void {
  counts.results += 1;
  if (result.result !== null && errorResults.has(result.result)) counts.errors += 1;
  counts.durationMsSum += result.durationMs ?? 0;
  counts.inputTokens += result.inputTokens ?? 0;
  counts.outputTokens += result.outputTokens ?? 0;
}

const noResults = (): ResultCounts => ({ results: 0, errors: 0, durationMsSum: 0, inputTokens: 0, outputTokens: 0 });

/**
 * One increment per distinct key of the batch's calls, with the results of those calls
 * that are in the batch too. A result whose call is not (yet) in the batch is left to
 * lateResultIncrements: the store finds that call in the index.
 */
export function trafficRollups(options: { records: readonly ProjectedRecord[] }): TrafficRollups {
  const traffic = new Map<string, TrafficIncrement>();
  const labels = new Map<string, LabelIncrement>();
  const callIncrements = new Map<string, TrafficIncrement>();
  for (const record of options.records) {
    const { row } = record;
    if (isCall(row.kind)) {
      const key = callKey({ call: { ...row, endpoint: record.endpoint } });
      const text = keyText(key);
      let increment = traffic.get(text);
      if (!increment) traffic.set(text, (increment = { ...key, calls: 0, ...noResults(), firstAt: row.at, lastAt: row.at }));
      increment.calls += 1;
      if (row.at < increment.firstAt) increment.firstAt = row.at;
      if (row.at > increment.lastAt) increment.lastAt = row.at;
      callIncrements.set(row.recordId, increment);
      for (const label of record.labels) {
        const labelKey = `${key.hour}\u0001${key.conduit}\u0001${label}`;
        const counted = labels.get(labelKey);
        if (counted) counted.calls += 1;
        else labels.set(labelKey, { hour: key.hour, conduit: key.conduit, label, calls: 1 });
      }
    } else if (record.completes) {
      // Attributed to the call's key (its hour, not the result's).
      const increment = callIncrements.get(record.completes.callRecordId);
      if (increment) addResult(increment, record.completes.result);
    }
  }
  return { traffic: [...traffic.values()], labels: [...labels.values()] };
}

/**
 * What results add to the keys of calls indexed in earlier batches, one increment per
 * key. A result whose call is not found (not indexed, or not a call) adds nothing, as it
 * adds nothing to the index.
 */
export function lateResultIncrements(options: {
  results: readonly { callRecordId: string; result: CallResult }[];
  calls: ReadonlyMap<string, RolledUpCall>;
}): ResultIncrement[] {
  const increments = new Map<string, ResultIncrement>();
  for (const { callRecordId, result } of options.results) {
    const call = options.calls.get(callRecordId);
    if (!call || !isCall(call.kind)) continue;
    const key = callKey({ call });
    const text = keyText(key);
    let increment = increments.get(text);
    if (!increment) increments.set(text, (increment = { ...key, ...noResults() }));
    addResult(increment, result);
  }
  return [...increments.values()];
}
