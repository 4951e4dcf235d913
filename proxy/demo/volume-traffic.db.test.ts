// The volume traffic of npm run seed:volume on a real database: calls of the demo
// plant's own devices through its conduits, appended through a LogWriter with a
// simulated clock, are valid records of every kind in the expected numbers, the ledger
// verifies, and the explorer's index catches up with all of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { parseEnvelope, validateRecordInput } from "@/lib/ledger/record";
import type { LedgerStore, RecordRow } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { indexPendingRecords } from "@/lib/records/record-index";
import { loadVolumeInventory, planVolumeTraffic, seedVolumeTraffic, volumeLogName, type VolumeCounts, type VolumeInventory } from "@/proxy/demo/volume-traffic";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { proxyErrorStatus } from "@/proxy/errors";

const end = new Date("2026-11-26T10:00:00.000Z");
const days = 30;
const calls = 3000;
const log = { id: "volume-1-test", name: "volume-1", writer: "seed-volume" };

let database: TestDatabase;
let store: LedgerStore;
let inventory: VolumeInventory;
let counts: VolumeCounts;
let records: RecordRow[];

/** Every record of a log, in sequence order. */
async function readLog(logId: string): Promise<RecordRow[]> {
  const rows: RecordRow[] = [];
  for (;;) {
    const page = await store.readRecords({ logId, fromSeq: rows.length, limit: 1000 });
    rows.push(...page);
    if (page.length < 1000) return rows;
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  // The demo plant as npm run seed:volume finds it (seeded at the period's end).
  await seedDemoPlantForTest({ database, now: end });
  store = openLedgerStore({ provider: database.provider, url: database.url });
  inventory = await loadVolumeInventory({ db: database.db });
  counts = await seedVolumeTraffic({ db: database.db, store, key: generateSigningKey(), log, calls, days, end, seed: 7 });
  records = await readLog(log.id);
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe("volume traffic through the ledger", () => {
  it("writes the requested number of AI calls, each call with its result and some oversight decisions", async () => {
    const byKind: Record<string, number> = {};
    for (const r of records) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    expect(byKind).toEqual(counts.byKind);
    expect(records).toHaveLength(counts.records);
    expect(counts.calls).toBe(calls);
    expect((byKind.ai_call ?? 0) + (byKind.ai_call_denied ?? 0)).toBe(calls);
    expect(byKind.ai_call_result).toBe(byKind.ai_call);
    expect(byKind.oversight_decision).toBeGreaterThan(0);
    expect(byKind.oversight_decision).toBeLessThan(byKind.ai_call! / 10);
  });

  it("writes bodies that match their kind's schema exactly, in canonical envelopes", () => {
    for (const record of records) {
      const envelope = parseEnvelope(record.envelope);
      expect(envelope, `record ${record.seq}`).not.toBeNull();
      expect(() => validateRecordInput({ kind: record.kind, body: envelope!.body })).not.toThrow();
    }
  });

  it("links each result and decision to an earlier call of the same log", () => {
    const seen = new Map<string, number>();
    for (const record of records) {
      const body = parseEnvelope(record.envelope)!.body as { callRecordId?: string };
      if (record.kind === "ai_call") seen.set(record.id, record.seq);
      if (record.kind === "ai_call_result" || record.kind === "oversight_decision") {
        expect(seen.get(body.callRecordId!), `record ${record.seq}`).toBeLessThan(record.seq);
      }
    }
  });

  it("spreads the calls over the period in time order, never before the call a record is about", () => {
    const start = end.getTime() - days * 24 * 3_600_000;
    let previous = start;
    for (const record of records) {
      const at = Date.parse(record.at);
      expect(at).toBeGreaterThanOrEqual(previous);
      expect(at).toBeLessThanOrEqual(end.getTime());
      // A UUID v7 starts with its millisecond time: the call's own time.
      expect(parseInt(record.id.replace(/-/g, "").slice(0, 12), 16)).toBeLessThanOrEqual(at);
      previous = at;
    }
    // At least a week's worth of distinct commit times, not one block at the end.
    expect(Date.parse(records[0]!.at) - start).toBeLessThan(2 * 24 * 3_600_000);
    expect(new Set(records.map((r) => r.at)).size).toBeGreaterThan(50);
  });

  it("uses the inventory's own names and the proxy's outcomes and refusal codes", () => {
    const devices = new Set(inventory.devices.map((d) => d.slug));
    const conduits = new Set(inventory.conduits.map((c) => c.slug));
    const destinations = new Set(inventory.destinations.map((d) => d.slug));
    for (const record of records) {
      const body = parseEnvelope(record.envelope)!.body as { context?: { device: string | null }; conduit?: string | null; destination?: string | null; code?: string };
      if (body.context?.device) expect(devices).toContain(body.context.device);
      if (body.conduit) expect(conduits).toContain(body.conduit);
      if (body.destination) expect(destinations).toContain(body.destination);
      if (body.code) expect(Object.keys(proxyErrorStatus)).toContain(body.code);
    }
    expect(Object.keys(counts.byOutcome)).toEqual(expect.arrayContaining(["allowed", "redacted", "flagged", "refused"]));
    // Mostly allowed, as in a working plant; refusals and redactions are the exceptions.
    expect(counts.byOutcome.allowed! / calls).toBeGreaterThan(0.8);
    expect(counts.byCode.conduit_expired).toBeGreaterThan(0);
  });

  it("gives the same traffic for the same seed", () => {
    const plan = (seed: number) =>
      [...planVolumeTraffic({ inventory, calls: 200, days, end, seed })].map((c) => `${c.at} ${c.device} ${c.record.kind} ${String(c.record.body.outcome ?? c.record.body.code)}`);
    expect(plan(11)).toEqual(plan(11));
    expect(plan(11)).not.toEqual(plan(12));
  });

  it("leaves a ledger that verifies", async () => {
    const report = await verifyLedger({ store });
    expect(report.logs.flatMap((l) => l.problems)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.logs.find((l) => l.logId === log.id)).toMatchObject({ records: records.length, latestCheckpointSize: records.length });
  });

  it("is indexed for the explorer: every record, each call with its result", async () => {
    const progress = await indexPendingRecords({ db: database.db });
    expect(progress.behind).toBe(0);
    expect(await database.db.recordIndex.count({ where: { logId: log.id } })).toBe(records.length);
    expect(await database.db.recordIndexCursor.findUnique({ where: { logId: log.id } })).toMatchObject({ nextSeq: records.length });
    const completed = await database.db.recordIndex.count({ where: { logId: log.id, kind: "ai_call", result: { not: null } } });
    expect(completed).toBe(counts.byKind.ai_call);
    expect(await database.db.recordIndex.count({ where: { logId: log.id, outcome: "refused" } })).toBe(counts.byOutcome.refused ?? 0);
  });

  it("names a new log for each run", () => {
    expect(volumeLogName({ existing: ["app", "volume-1", "volume-2"] })).toBe("volume-3");
    expect(volumeLogName({ existing: ["app"] })).toBe("volume-1");
  });
});
