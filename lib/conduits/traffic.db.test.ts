// The traffic rollups on a real database: records appended through the ledger and indexed
// in small batches (so many results land after their calls) add up to exactly what the
// records index holds, two indexers count each call once, and the read functions give a
// conduit's, a device's and a plant's numbers exactly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { conduitTrafficTotals, listUnauthorisedFlows, trafficSummary } from "@/lib/conduits/traffic";
import { indexPendingRecords } from "@/lib/records/record-index";
import { callWithResult, refusal, type CallFixture } from "@/lib/testing/call-records";
import { adminChange } from "@/lib/testing/ledger-fixtures";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

const copilot = "aug-l2-to-azure-copilot";
let database: TestDatabase;
let store: LedgerStore;
let clock = 0;
// What the test wrote: the endpoint of each call, which the records index does not keep.
const endpoints = new Map<string, string>();

type Writer = Awaited<ReturnType<typeof LogWriter.open>>;
const openWriter = (id: string) =>
  LogWriter.open({ store, key: generateSigningKey(), log: { id, name: id, writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600, now: () => new Date(clock) });

async function append(writer: Writer, at: string, input: { kind: string; body: unknown; id?: string }) {
  clock = Date.parse(at);
  const record = await writer.append(input);
  const endpoint = (input.body as { endpoint?: unknown }).endpoint;
  if (typeof endpoint === "string") endpoints.set(record.id, endpoint);
  return record;
}

const copilotCall = (f: Partial<CallFixture> = {}) =>
  callWithResult({ device: "aug-wi-copilot", zone: "augsburg-l2-supervisory", conduit: copilot, destination: "azure-openai-weu", model: "gpt-4o", at: clock, ...f });
const verified = { id: "operator@nordwerk.example", assurance: "verified" as const };
const failed = (durationMs: number, outcome: "failed" | "timed_out") => ({ outcome, response: { sha256: null, bytes: 0, status: null }, usage: { inputTokens: null, outputTokens: null }, durationMs, error: "upstream" });

async function callThenResult(writer: Writer, options: { call: ReturnType<typeof callWithResult>; at: string; resultAt?: string; endpoint?: string; result?: object }) {
  const { call, result } = options.call;
  await append(writer, options.at, { ...call, body: { ...call.body, endpoint: options.endpoint ?? call.body.endpoint } });
  if (options.resultAt) await append(writer, options.resultAt, { ...result, body: { ...result.body, ...options.result } });
}

beforeAll(async () => {
  database = await createTestDatabase();
  store = openLedgerStore({ provider: database.provider, url: database.url });
  const w = await openWriter("traffic-test");
  // The copilot conduit: seven calls from 10:00 to 12:00, an eighth after.
  await callThenResult(w, { call: copilotCall({ operator: verified }), at: "2026-12-07T10:01:00.000Z", resultAt: "2026-12-07T10:02:00.000Z" });
  await callThenResult(w, { call: copilotCall({ operator: verified, outcome: "redacted", level: "CONFIDENTIAL", labels: { personal_data: 2, ot_asset_tag: 1 } }), at: "2026-12-07T10:05:00.000Z", resultAt: "2026-12-07T10:06:00.000Z" });
  await callThenResult(w, {
    call: copilotCall({ operator: { id: "kiosk@okta", assurance: "asserted" }, outcome: "redacted", level: "CONFIDENTIAL", labels: { personal_data: 1 } }),
    at: "2026-12-07T10:10:00.000Z",
    resultAt: "2026-12-07T10:11:00.000Z",
    result: failed(50, "failed"),
  });
  await callThenResult(w, { call: callWithResult({ device: "aug-pdm-spindle", at: clock }), at: "2026-12-07T10:20:00.000Z", resultAt: "2026-12-07T10:21:00.000Z" });
  await append(w, "2026-12-07T10:30:00.000Z", refusal({ device: "avr-qi-casting", plant: "aveiro", zone: "aveiro-l2-supervisory", code: "conduit_not_authorized", at: clock }));
  // Its result comes in the next hour: it counts in the call's.
  await callThenResult(w, { call: copilotCall({ model: "text-embedding-3-small" }), at: "2026-12-07T10:59:00.000Z", resultAt: "2026-12-07T11:00:30.000Z", endpoint: "embeddings", result: failed(30_000, "timed_out") });
  await callThenResult(w, { call: copilotCall({ device: "aug-wi-tablet", outcome: "flagged", level: "RESTRICTED", labels: { ot_asset_tag: 1 } }), at: "2026-12-07T11:05:00.000Z", resultAt: "2026-12-07T11:06:00.000Z" });
  await callThenResult(w, { call: copilotCall({ operator: verified }), at: "2026-12-07T11:10:00.000Z" });
  const tooSecret = refusal({ device: "aug-wi-copilot", zone: "augsburg-l2-supervisory", destination: "azure-openai-weu", model: "gpt-4o", code: "data_class_exceeded", at: clock });
  await append(w, "2026-12-07T11:15:00.000Z", { ...tooSecret, body: { ...tooSecret.body, conduit: copilot, classification: { level: "RESTRICTED", labels: { trade_secret: 1 } } } });
  await callThenResult(w, { call: callWithResult({ device: "aug-pdm-spindle", at: clock }), at: "2026-12-07T11:20:00.000Z", resultAt: "2026-12-07T11:21:00.000Z" });
  await append(w, "2026-12-07T11:30:00.000Z", refusal({ device: "avr-qi-casting", plant: "aveiro", zone: "aveiro-l2-supervisory", code: "device_disabled", at: clock }));
  await append(w, "2026-12-07T11:40:00.000Z", refusal({ device: "aug-rogue", code: "conduit_not_authorized", at: clock }));
  await append(w, "2026-12-07T11:50:00.000Z", adminChange(1));
  await callThenResult(w, { call: copilotCall(), at: "2026-12-07T12:10:00.000Z", resultAt: "2026-12-07T12:11:00.000Z" });
  await w.close();
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

/** The rollups, and the same sums computed straight from the records index. */
async function rollupsAndIndex() {
  const db = database.db;
  const rows = await db.recordIndex.findMany({ where: { kind: { in: ["ai_call", "ai_call_denied"] } } });
  const expected = new Map<string, Record<string, string | number>>();
  for (const r of rows) {
    const key = {
      hour: r.at.slice(0, 13), plant: r.plant ?? "", zone: r.zone ?? "", conduit: r.conduit ?? "", destination: r.destination ?? "", device: r.device ?? "",
      operator: r.operator ?? "", assurance: r.assurance ?? "", model: r.model ?? "", endpoint: endpoints.get(r.recordId) ?? "", outcome: r.outcome ?? "", code: r.code ?? "", level: r.level ?? "",
    };
    const text = JSON.stringify(key);
    const sums = expected.get(text) ?? { ...key, calls: 0, results: 0, errors: 0, durationMsSum: 0, inputTokens: 0, outputTokens: 0, firstAt: r.at, lastAt: r.at };
    expected.set(text, sums);
    (sums.calls as number) += 1;
    if (r.result !== null) (sums.results as number) += 1;
    if (r.result === "failed" || r.result === "timed_out") (sums.errors as number) += 1;
    (sums.durationMsSum as number) += r.durationMs ?? 0;
    (sums.inputTokens as number) += r.inputTokens ?? 0;
    (sums.outputTokens as number) += r.outputTokens ?? 0;
    if (r.at < (sums.firstAt as string)) sums.firstAt = r.at;
    if (r.at > (sums.lastAt as string)) sums.lastAt = r.at;
  }
  const labels = new Map<string, number>();
  const callLabels = await db.recordIndexLabel.findMany({ where: { recordId: { in: rows.map((r) => r.recordId) } } });
  const conduitOf = new Map(rows.map((r) => [r.recordId, r.conduit ?? ""]));
  for (const l of callLabels) {
    const text = `${l.at.slice(0, 13)} ${conduitOf.get(l.recordId)} ${l.label}`;
    labels.set(text, (labels.get(text) ?? 0) + 1);
  }
  const sorted = (list: object[]) => list.map((x) => JSON.stringify(x, Object.keys(x).sort())).sort();
  return {
    rollups: sorted(await db.trafficRollup.findMany()),
    fromIndex: sorted([...expected.values()]),
    labelRollups: sorted((await db.trafficLabelRollup.findMany()).map((l) => [`${l.hour} ${l.conduit} ${l.label}`, l.calls])),
    labelsFromIndex: sorted([...labels]),
  };
}

describe("the traffic rollups", () => {
  it("add up to what the records index holds, results on their calls' keys", async () => {
    // Batches of three: some results are in their call's batch, others in the next.
    await indexPendingRecords({ db: database.db, batchSize: 3 });
    const { rollups, fromIndex, labelRollups, labelsFromIndex } = await rollupsAndIndex();
    expect(rollups).toEqual(fromIndex);
    expect(labelRollups).toEqual(labelsFromIndex);
    expect(labelRollups.length).toBeGreaterThan(0);
    // The timed-out embeddings call of 10:59 holds its result of 11:00 in its own hour.
    const late = await database.db.trafficRollup.findMany({ where: { endpoint: "embeddings" } });
    expect(late).toMatchObject([{ hour: "2026-12-07T10", calls: 1, results: 1, errors: 1, durationMsSum: 30_000, firstAt: "2026-12-07T10:59:00.000Z" }]);
    expect(await database.db.trafficRollup.count({ where: { hour: "2026-12-07T11", results: { gt: 0 }, conduit: copilot, outcome: "allowed" } })).toBe(0);
  });

  it("lands a result indexed in a later batch on its call's key", async () => {
    const w = await openWriter("traffic-late");
    const { call, result } = copilotCall({ device: "aug-late", operator: verified });
    await append(w, "2026-12-07T13:59:00.000Z", call);
    // One record a batch: the call is indexed, then its result on its own.
    expect(await indexPendingRecords({ db: database.db, batchSize: 1 })).toEqual({ indexed: 1, behind: 0 });
    expect(await database.db.trafficRollup.findMany({ where: { device: "aug-late" } })).toMatchObject([{ calls: 1, results: 0 }]);
    await append(w, "2026-12-07T14:01:00.000Z", result);
    await w.close();
    expect(await indexPendingRecords({ db: database.db, batchSize: 1 })).toEqual({ indexed: 1, behind: 0 });
    expect(await database.db.trafficRollup.findMany({ where: { device: "aug-late" } })).toMatchObject([
      { hour: "2026-12-07T13", endpoint: "chat.completions", operator: "operator@nordwerk.example", assurance: "verified", calls: 1, results: 1, errors: 0, durationMsSum: 412.5, inputTokens: 120, outputTokens: 48 },
    ]);
    const { rollups, fromIndex } = await rollupsAndIndex();
    expect(rollups).toEqual(fromIndex);
  });

  it("counts each call once when two indexers run at the same time", async () => {
    const w = await openWriter("traffic-race");
    for (let i = 0; i < 20; i++) {
      const minute = String(i).padStart(2, "0");
      await callThenResult(w, { call: copilotCall({ device: "aug-race", conduit: "aug-race-conduit", outcome: i % 3 === 0 ? "redacted" : "allowed" }), at: `2026-12-07T15:${minute}:00.000Z`, resultAt: `2026-12-07T15:${minute}:30.000Z` });
    }
    await w.close();
    const runs = await Promise.all([indexPendingRecords({ db: database.db, batchSize: 1 }), indexPendingRecords({ db: database.db, batchSize: 3 })]);
    expect(runs[0]!.indexed + runs[1]!.indexed).toBe(40);
    const race = await database.db.trafficRollup.aggregate({ where: { device: "aug-race" }, _sum: { calls: true, results: true } });
    expect(race._sum).toEqual({ calls: 20, results: 20 });
    const { rollups, fromIndex, labelRollups, labelsFromIndex } = await rollupsAndIndex();
    expect(rollups).toEqual(fromIndex);
    expect(labelRollups).toEqual(labelsFromIndex);
  });
});

describe("the traffic queries", () => {
  const from = "2026-12-07T10";
  const to = "2026-12-07T12";

  it("give a conduit's numbers exactly", async () => {
    const summary = await trafficSummary({ db: database.db, scope: { conduit: copilot }, from, to, bucket: "hour" });
    expect(summary.series).toEqual([
      { bucket: "2026-12-07T10", calls: 4, allowed: 2, redacted: 2, flagged: 0, refused: 0 },
      { bucket: "2026-12-07T11", calls: 3, allowed: 1, redacted: 0, flagged: 1, refused: 1 },
    ]);
    expect(summary).toMatchObject({
      calls: 7,
      byOutcome: { allowed: 3, redacted: 2, flagged: 1, refused: 1 },
      byLevel: [{ key: "INTERNAL", calls: 3 }, { key: "CONFIDENTIAL", calls: 2 }, { key: "RESTRICTED", calls: 2 }],
      byLabel: [{ key: "ot_asset_tag", calls: 2 }, { key: "personal_data", calls: 2 }, { key: "trade_secret", calls: 1 }],
      byModel: [{ key: "gpt-4o", calls: 6 }, { key: "text-embedding-3-small", calls: 1 }],
      byDevice: [{ key: "aug-wi-copilot", calls: 6 }, { key: "aug-wi-tablet", calls: 1 }],
      byOperator: [{ key: "", calls: 3 }, { key: "operator@nordwerk.example", calls: 3 }, { key: "kiosk@okta", calls: 1 }],
      byEndpoint: [{ key: "chat.completions", calls: 6 }, { key: "embeddings", calls: 1 }],
      byConduit: [{ key: copilot, calls: 7 }],
      byCode: [{ key: "data_class_exceeded", calls: 1 }],
      results: 5,
      errors: 2,
      averageLatencyMs: (3 * 412.5 + 50 + 30_000) / 5,
      inputTokens: 360,
      outputTokens: 144,
      lastSeen: "2026-12-07T11:15:00.000Z",
      identity: { deviceCalls: 7, operatorCalls: 4, deviceShare: 1, operatorShare: 4 / 7 },
    });
    const days = await trafficSummary({ db: database.db, scope: { conduit: copilot }, from: "2026-12-06T00", to: "2026-12-08T00", bucket: "day" });
    expect(days.series).toEqual([
      { bucket: "2026-12-06", calls: 0, allowed: 0, redacted: 0, flagged: 0, refused: 0 },
      // The eighth call at 12:10 and the late one at 13:59 are in the day.
      { bucket: "2026-12-07", calls: 9, allowed: 5, redacted: 2, flagged: 1, refused: 1 },
    ]);
  });

  it("give a device's and a plant's numbers", async () => {
    const device = await trafficSummary({ db: database.db, scope: { device: "aug-wi-copilot" }, from, to, bucket: "hour" });
    expect(device).toMatchObject({ calls: 6, byOutcome: { allowed: 3, redacted: 2, flagged: 0, refused: 1 }, byLabel: null, results: 4, errors: 2 });
    const aveiro = await trafficSummary({ db: database.db, scope: { plant: "aveiro" }, from, to, bucket: "hour" });
    expect(aveiro).toMatchObject({ calls: 2, byOutcome: { refused: 2 }, byCode: [{ key: "conduit_not_authorized", calls: 1 }, { key: "device_disabled", calls: 1 }], byLabel: [], averageLatencyMs: null });
    const augsburg = await trafficSummary({ db: database.db, scope: { plant: "augsburg" }, from, to, bucket: "hour" });
    expect(augsburg).toMatchObject({ calls: 10, byOutcome: { allowed: 5, refused: 2 }, byConduit: [{ key: copilot, calls: 7 }, { key: "aug-l3-to-openai-eu", calls: 2 }, { key: "", calls: 1 }] });
    expect(augsburg.byLabel).toEqual([{ key: "ot_asset_tag", calls: 2 }, { key: "personal_data", calls: 2 }, { key: "trade_secret", calls: 1 }]);
    const all = await trafficSummary({ db: database.db, scope: { plant: null }, from, to, bucket: "hour" });
    expect(all.calls).toBe(12);
    await expect(trafficSummary({ db: database.db, scope: { plant: null }, from: to, to: from, bucket: "hour" })).rejects.toThrow(RangeError);
    await expect(trafficSummary({ db: database.db, scope: { plant: null }, from: "2026-12-07", to, bucket: "hour" })).rejects.toThrow(RangeError);
  });

  it("total each conduit of a plant for the list", async () => {
    expect(await conduitTrafficTotals({ db: database.db, plant: "augsburg", from, to })).toEqual([
      { conduit: copilot, calls: 7, refused: 1, lastSeen: "2026-12-07T11:15:00.000Z" },
      { conduit: "aug-l3-to-openai-eu", calls: 2, refused: 0, lastSeen: "2026-12-07T11:20:00.000Z" },
    ]);
    expect(await conduitTrafficTotals({ db: database.db, plant: "aveiro", from, to })).toEqual([]);
  });

  it("list the flows refused as unauthorised, latest first, with why they were refused", async () => {
    const flows = await listUnauthorisedFlows({ db: database.db, plant: null });
    expect(flows).toEqual([
      { flowKey: "augsburg-l3-operations aug-rogue openai-eu gpt-4.1-mini", zone: "augsburg-l3-operations", device: "aug-rogue", destination: "openai-eu", model: "gpt-4.1-mini", calls: 1, codes: ["conduit_not_authorized"], firstSeen: "2026-12-07T11:40:00.000Z", lastSeen: "2026-12-07T11:40:00.000Z" },
      { flowKey: "aveiro-l2-supervisory avr-qi-casting openai-eu gpt-4.1-mini", zone: "aveiro-l2-supervisory", device: "avr-qi-casting", destination: "openai-eu", model: "gpt-4.1-mini", calls: 2, codes: ["conduit_not_authorized", "device_disabled"], firstSeen: "2026-12-07T10:30:00.000Z", lastSeen: "2026-12-07T11:30:00.000Z" },
    ]);
    // A call refused on its own conduit for what it carried is not an unauthorised flow.
    expect((await listUnauthorisedFlows({ db: database.db, plant: "augsburg" })).map((f) => f.device)).toEqual(["aug-rogue"]);
    expect(await listUnauthorisedFlows({ db: database.db, plant: "aveiro", from: "2026-12-07T11" })).toMatchObject([{ calls: 1, codes: ["device_disabled"], firstSeen: "2026-12-07T11:30:00.000Z" }]);
  });
});

describe("rollups off, and calls the migration rolled up", () => {
  it("leave the rollups alone, and add a later result to the migrated call's row (endpoint \"\")", async () => {
    const w = await openWriter("traffic-migrated");
    const migrated = copilotCall({ device: "aug-migrated" });
    const unrolled = copilotCall({ device: "aug-unrolled" });
    await append(w, "2026-12-07T16:00:00.000Z", migrated.call);
    await append(w, "2026-12-07T16:01:00.000Z", unrolled.call);
    expect(await indexPendingRecords({ db: database.db, rollups: false })).toEqual({ indexed: 2, behind: 0 });
    expect(await database.db.trafficRollup.count({ where: { device: { in: ["aug-migrated", "aug-unrolled"] } } })).toBe(0);
    // What the migration's backfill writes for a call already in the index.
    await database.db.$executeRawUnsafe(`INSERT INTO "TrafficRollup" ("hour","plant","zone","conduit","destination","device","operator","assurance","model","endpoint","outcome","code","level","calls","firstAt","lastAt")
      SELECT substr("at", 1, 13), "plant", "zone", "conduit", "destination", "device", '', "assurance", "model", '', "outcome", '', "level", 1, "at", "at" FROM "RecordIndex" WHERE "device" = 'aug-migrated'`);
    await append(w, "2026-12-07T16:02:00.000Z", migrated.result);
    await append(w, "2026-12-07T16:03:00.000Z", unrolled.result);
    await w.close();
    expect(await indexPendingRecords({ db: database.db })).toEqual({ indexed: 2, behind: 0 });
    expect(await database.db.trafficRollup.findMany({ where: { device: { in: ["aug-migrated", "aug-unrolled"] } } })).toMatchObject([{ device: "aug-migrated", endpoint: "", calls: 1, results: 1, durationMsSum: 412.5 }]);
  });
});
