import { describe, expect, it } from "vitest";
import { lateResultIncrements, trafficRollups, type RolledUpCall } from "@/lib/conduits/traffic-rollup";
import { projectRecord, type CallResult, type IndexRow, type ProjectedRecord } from "@/lib/records/project-record";
import { callWithResult, refusal } from "@/lib/testing/call-records";

let seq = 0;
function row(fields: Partial<IndexRow> & Pick<IndexRow, "kind" | "at">): IndexRow {
  seq += 1;
  return {
    recordId: `r${seq}`, logId: "edge", seq, plant: null, zone: null, workstation: null, device: null, operator: null, assurance: null, actor: null,
    destination: null, conduit: null, model: null, outcome: null, code: null, level: null, labels: "", callRecordId: null, leafHash: "f".repeat(64),
    summary: "", result: null, durationMs: null, inputTokens: null, outputTokens: null, ...fields,
  };
}

const copilot = { plant: "augsburg", zone: "aug-l2", conduit: "aug-l2-to-azure", destination: "azure-weu", device: "aug-copilot", model: "gpt-4o", level: "INTERNAL" };

function call(at: string, fields: Partial<IndexRow> = {}, labels: string[] = []): ProjectedRecord {
  return { row: row({ kind: "ai_call", at, ...copilot, outcome: "allowed", ...fields }), labels, endpoint: "chat.completions", completes: null };
}

function result(of: ProjectedRecord, at: string, outcome: CallResult["result"], fields: Partial<CallResult> = {}): ProjectedRecord {
  const done: CallResult = { result: outcome, durationMs: 100, inputTokens: 10, outputTokens: 5, ...fields };
  return { row: row({ kind: "ai_call_result", at, callRecordId: of.row.recordId, outcome, ...done }), labels: [], endpoint: null, completes: { callRecordId: of.row.recordId, result: done } };
}

const key = { hour: "2026-12-07T13", ...copilot, operator: "", assurance: "", endpoint: "chat.completions", outcome: "allowed", code: "" };

describe("trafficRollups", () => {
  it("sums the calls of one key into one increment, with the hour's first and last call", () => {
    const rollups = trafficRollups({ records: [call("2026-12-07T13:40:00.000Z"), call("2026-12-07T13:05:00.000Z"), call("2026-12-07T13:59:59.999Z")] });
    expect(rollups.traffic).toEqual([{ ...key, calls: 3, results: 0, errors: 0, durationMsSum: 0, inputTokens: 0, outputTokens: 0, firstAt: "2026-12-07T13:05:00.000Z", lastAt: "2026-12-07T13:59:59.999Z" }]);
  });

  it("keeps hours, outcomes and endpoints apart, and counts refusals with their code under no conduit", () => {
    const other = call("2026-12-07T13:10:00.000Z");
    other.endpoint = "embeddings";
    const refused = { row: row({ kind: "ai_call_denied", at: "2026-12-07T13:20:00.000Z", plant: "augsburg", device: "aug-copilot", destination: "azure-weu", outcome: "refused", code: "conduit_not_authorized" }), labels: [], endpoint: null, completes: null };
    const { traffic } = trafficRollups({ records: [call("2026-12-07T13:00:00.000Z"), call("2026-12-07T14:00:00.000Z"), call("2026-12-07T13:30:00.000Z", { outcome: "redacted" }), other, refused] });
    expect(traffic.map((t) => `${t.hour} ${t.outcome} ${t.endpoint} ${t.calls}`)).toEqual([
      "2026-12-07T13 allowed chat.completions 1",
      "2026-12-07T14 allowed chat.completions 1",
      "2026-12-07T13 redacted chat.completions 1",
      "2026-12-07T13 allowed embeddings 1",
      "2026-12-07T13 refused  1",
    ]);
    expect(traffic[4]).toMatchObject({ conduit: "", zone: "", model: "", level: "", code: "conduit_not_authorized", device: "aug-copilot" });
  });

  it("counts each call's labels per hour and conduit", () => {
    const { labels } = trafficRollups({
      records: [
        call("2026-12-07T13:00:00.000Z", {}, ["ot_asset_tag", "personal_data"]),
        call("2026-12-07T13:10:00.000Z", { outcome: "redacted" }, ["personal_data"]),
        call("2026-12-07T13:20:00.000Z", { conduit: "other" }, ["personal_data"]),
      ],
    });
    expect(labels).toEqual([
      { hour: "2026-12-07T13", conduit: "aug-l2-to-azure", label: "ot_asset_tag", calls: 1 },
      { hour: "2026-12-07T13", conduit: "aug-l2-to-azure", label: "personal_data", calls: 2 },
      { hour: "2026-12-07T13", conduit: "other", label: "personal_data", calls: 1 },
    ]);
  });

  it("adds a result to its call's key and hour, not its own, and counts failures and timeouts as errors", () => {
    const first = call("2026-12-07T13:59:00.000Z");
    const second = call("2026-12-07T13:59:30.000Z");
    const third = call("2026-12-07T13:59:40.000Z");
    const fourth = call("2026-12-07T13:59:50.000Z");
    const { traffic } = trafficRollups({
      records: [
        first, second, third, fourth,
        result(first, "2026-12-07T14:00:01.000Z", "completed", { durationMs: 412.5, inputTokens: 120, outputTokens: 48 }),
        result(second, "2026-12-07T14:00:02.000Z", "failed", { durationMs: 50, inputTokens: null, outputTokens: null }),
        result(third, "2026-12-07T14:00:03.000Z", "timed_out", { durationMs: 30_000 }),
        result(fourth, "2026-12-07T14:00:04.000Z", "client_aborted", { durationMs: null }),
      ],
    });
    expect(traffic).toEqual([{ ...key, calls: 4, results: 4, errors: 2, durationMsSum: 30_462.5, inputTokens: 140, outputTokens: 58, firstAt: "2026-12-07T13:59:00.000Z", lastAt: "2026-12-07T13:59:50.000Z" }]);
  });

  it("leaves a result whose call is not in the batch, and counts nothing but calls", () => {
    const earlier = call("2026-12-07T12:00:00.000Z");
    const decision = { row: row({ kind: "oversight_decision", at: "2026-12-07T13:00:00.000Z", outcome: "accepted", device: "aug-copilot" }), labels: [], endpoint: null, completes: null };
    const admin = { row: row({ kind: "admin_change", at: "2026-12-07T13:00:00.000Z" }), labels: ["x"], endpoint: null, completes: null };
    expect(trafficRollups({ records: [result(earlier, "2026-12-07T13:00:00.000Z", "completed"), decision, admin] })).toEqual({ traffic: [], labels: [] });
  });
});

describe("lateResultIncrements", () => {
  const stored = (recordId: string, fields: Partial<RolledUpCall> = {}): [string, RolledUpCall] => [
    recordId,
    { kind: "ai_call", at: "2026-12-07T09:59:59.000Z", ...copilot, operator: null, assurance: null, outcome: "allowed", code: null, endpoint: "chat.completions", ...fields },
  ];
  const done = (fields: Partial<CallResult> = {}): CallResult => ({ result: "completed", durationMs: 100, inputTokens: 10, outputTokens: 5, ...fields });

  it("adds results to their calls' keys, one increment per key, and skips calls it does not know", () => {
    const calls = new Map([stored("c1"), stored("c2", { at: "2026-12-07T09:00:00.000Z" }), stored("c3", { outcome: "flagged", endpoint: null }), stored("d1", { kind: "oversight_decision" })]);
    const increments = lateResultIncrements({
      calls,
      results: [
        { callRecordId: "c1", result: done() },
        { callRecordId: "c2", result: done({ result: "failed", durationMs: 7 }) },
        { callRecordId: "c3", result: done({ inputTokens: null }) },
        { callRecordId: "unknown", result: done() },
        { callRecordId: "d1", result: done() },
      ],
    });
    expect(increments).toEqual([
      { ...key, hour: "2026-12-07T09", results: 2, errors: 1, durationMsSum: 107, inputTokens: 20, outputTokens: 10 },
      { ...key, hour: "2026-12-07T09", outcome: "flagged", endpoint: "", results: 1, errors: 0, durationMsSum: 100, inputTokens: 0, outputTokens: 5 },
    ]);
  });
});

describe("projectRecord", () => {
  const project = (kind: string, body: unknown) =>
    projectRecord({
      record: { id: "r1", logId: "edge", seq: 0, kind, at: "2026-12-07T13:00:00.000Z", envelope: JSON.stringify({ v: 1, kind, body }), leafHash: "f".repeat(64) },
      names: { incidentReference: () => undefined },
    });

  it("reads the endpoint of a call or a refusal from its envelope", () => {
    const { call: fixture, result: outcome } = callWithResult({ device: "aug-copilot", at: Date.parse("2026-12-07T13:00:00.000Z") });
    expect(project(fixture.kind, fixture.body).endpoint).toBe("chat.completions");
    expect(project("ai_call_denied", refusal({ device: "d", code: "unknown_device", at: 0 }).body).endpoint).toBe("chat.completions");
    expect(project("ai_call_denied", { ...refusal({ device: "d", code: "unknown_device", at: 0 }).body, endpoint: null }).endpoint).toBeNull();
    expect(project(outcome.kind, outcome.body).endpoint).toBeNull();
  });
});
