// The records explorer on a real database: records appended through the ledger are
// projected into the index, every filter finds exactly its records, keyset pages walk
// the whole set without gaps or repeats, two indexers never index a record twice, and
// each filter's query is planned on the index led by its column.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbProvider } from "@/lib/db";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { parseRecordQuery, type RecordFilter } from "@/lib/records/record-filter";
import { indexPendingRecords } from "@/lib/records/record-index";
import { planPage, queryRecords, recordsSql, type SearchLimits } from "@/lib/records/query-records";
import { exportRecords } from "@/lib/records/export-records";
import { recordView } from "@/lib/records/record-view";
import { callWithResult, refusal } from "@/lib/testing/call-records";
import { adminChange } from "@/lib/testing/ledger-fixtures";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

const t0 = Date.parse("2026-11-02T06:00:00.000Z");
const minute = 60_000;
let database: TestDatabase;
let store: LedgerStore;
let clock = t0;
let total = 0;
const copilotCalls: string[] = [];

async function openWriter(id: string) {
  return LogWriter.open({ store, key: generateSigningKey(), log: { id, name: id, writer: "test" }, checkpointEvery: 1000, checkpointSeconds: 3600, now: () => new Date(clock) });
}

beforeAll(async () => {
  database = await createTestDatabase();
  store = openLedgerStore({ provider: database.provider, url: database.url });
  const writer = await openWriter("edge-test");
  const append = async (input: { kind: string; body: unknown; id?: string }) => {
    clock += minute;
    total += 1;
    return writer.append(input);
  };
  for (let i = 0; i < 30; i++) {
    const { call, result } = callWithResult({ device: "aug-pdm-spindle", at: clock + minute });
    await append(call);
    await append(result);
  }
  for (let i = 0; i < 5; i++) {
    const { id, call, result } = callWithResult({
      device: "aug-wi-copilot",
      zone: "augsburg-l2-supervisory",
      workstation: "aug-hmi-h2-07",
      conduit: "aug-l2-to-azure-copilot",
      destination: "azure-openai-weu",
      model: "gpt-4o",
      outcome: "redacted",
      level: "CONFIDENTIAL",
      labels: { personal_data: 2, ot_asset_tag: 1 },
      operator: { id: "operator@nordwerk.example", assurance: "verified" },
      at: clock + minute,
    });
    copilotCalls.push(id);
    await append(call);
    await append(result);
  }
  for (let i = 0; i < 3; i++) await append(refusal({ device: "avr-qi-casting", plant: "aveiro", zone: "aveiro-l2-supervisory", workstation: "avr-qi-cast01", code: "conduit_not_authorized", at: clock }));
  await append(adminChange(1));
  await writer.close();
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

const find = (filter: Record<string, string>, limit = 200) =>
  queryRecords({ db: database.db, query: parseRecordQuery({ params: new URLSearchParams(filter), defaultTimeZone: "UTC" }), limit });

describe("the records index", () => {
  it("projects every record once, and completes each call's row from its result", async () => {
    const progress = await indexPendingRecords({ db: database.db, batchSize: 16 });
    expect(progress).toEqual({ indexed: total, behind: 0 });
    expect(await indexPendingRecords({ db: database.db })).toEqual({ indexed: 0, behind: 0 });
    expect(await database.db.recordIndex.count()).toBe(total);
    const call = await database.db.recordIndex.findUniqueOrThrow({ where: { recordId: copilotCalls[0]! } });
    expect(call).toMatchObject({ kind: "ai_call", device: "aug-wi-copilot", outcome: "redacted", level: "CONFIDENTIAL", labels: "ot_asset_tag personal_data", operator: "operator@nordwerk.example", assurance: "verified", result: "completed", durationMs: 412.5, inputTokens: 120, outputTokens: 48 });
    expect(await database.db.recordIndexLabel.count({ where: { label: "personal_data" } })).toBe(5);
  });

  it("finds exactly the records of each filter", async () => {
    expect((await find({ device: "aug-wi-copilot" })).rows.map((r) => r.recordId).sort()).toEqual([...copilotCalls].sort());
    expect((await find({ outcome: "refused" })).rows).toHaveLength(3);
    expect((await find({ plant: "aveiro" })).rows.every((r) => r.code === "conduit_not_authorized")).toBe(true);
    expect((await find({ label: "personal_data" })).rows).toHaveLength(5);
    expect((await find({ label: "personal_data", device: "aug-pdm-spindle" })).rows).toHaveLength(0);
    expect((await find({ level: "CONFIDENTIAL", conduit: "aug-l2-to-azure-copilot", operator: "operator@nordwerk.example" })).rows).toHaveLength(5);
    expect((await find({ kind: "ai_call_result" })).rows).toHaveLength(35);
    expect((await find({ kind: "admin_change" })).rows[0]!.actor).toBe("admin@nordwerk.example");
    expect((await find({ log: "edge-test" })).rows).toHaveLength(total);
    // A call's id finds the call and its result; a leaf hash finds its record.
    expect((await find({ q: copilotCalls[1]! })).rows.map((r) => r.kind).sort()).toEqual(["ai_call", "ai_call_result"]);
    const leaf = (await database.db.auditRecord.findFirstOrThrow({ where: { id: copilotCalls[2]! } })).leafHash;
    expect((await find({ q: leaf.toUpperCase() })).rows.map((r) => r.recordId)).toEqual([copilotCalls[2]]);
  });

  it("shows a call with its result's latency and tokens, and links the result back to the call", async () => {
    const view = await recordView({ db: database.db, id: copilotCalls[0]! });
    expect(view.facts).toMatchObject({ device: "aug-wi-copilot", conduit: "aug-l2-to-azure-copilot", result: "completed", durationMs: 412.5, inputTokens: 120, outputTokens: 48 });
    expect(view.followUps.map((r) => r.kind)).toEqual(["ai_call_result"]);
    const result = await recordView({ db: database.db, id: view.followUps[0]!.recordId });
    expect(result.call?.recordId).toBe(copilotCalls[0]);
    await expect(recordView({ db: database.db, id: "no-such-record" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("bounds a time range in the zone it was given in", async () => {
    // 07:00 to 07:10 in Berlin is 06:00 to 06:10 UTC: the first ten records after t0 (one a minute).
    const rows = (await find({ from: "2026-11-02T07:00", to: "2026-11-02T07:10", tz: "Europe/Berlin" })).rows;
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.at >= "2026-11-02T06:00:00.000Z" && r.at < "2026-11-02T06:10:00.000Z")).toBe(true);
  });

  it("walks every record by keyset pages, newest or oldest first, without gaps or repeats", async () => {
    for (const sort of ["newest", "oldest"] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const params = new URLSearchParams({ sort, ...(after ? { after } : {}) });
        const page = await queryRecords({ db: database.db, query: parseRecordQuery({ params, defaultTimeZone: "UTC" }), limit: 7 });
        seen.push(...page.rows.map((r) => `${r.at}|${r.recordId}`));
        after = page.next;
      } while (after);
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      const ordered = [...seen].sort();
      expect(seen).toEqual(sort === "oldest" ? ordered : ordered.reverse());
    }
  });

  it("exports what the filter matches, and records the export first", async () => {
    const appended: { kind: string; body: unknown }[] = [];
    const stream = await exportRecords({
      db: database.db,
      record: async (input) => appended.push(input),
      actor: { id: "u1", email: "auditor@nordwerk.example", name: "Pieter", role: "AUDITOR" },
      filter: { device: "aug-wi-copilot" },
      sort: "oldest",
      format: "csv",
    });
    expect(appended).toEqual([{ kind: "records_export", body: { actor: { userId: "u1", email: "auditor@nordwerk.example", role: "AUDITOR" }, format: "csv", filter: "device=aug-wi-copilot&sort=oldest" } }]);
    const lines = (await new Response(stream).text()).trimEnd().split("\r\n");
    expect(lines[0]!.startsWith("recordId,logId,seq,kind,at,")).toBe(true);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(copilotCalls);
    // JSON Lines hold the explorer's rows exactly, typed as the page gets them.
    const jsonl = await exportRecords({ db: database.db, record: async () => undefined, actor: { id: "u1", email: "a@b.example", name: "A", role: "AUDITOR" }, filter: { device: "aug-wi-copilot" }, sort: "oldest", format: "jsonl" });
    const exported = (await new Response(jsonl).text()).trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
    expect(exported).toEqual((await find({ device: "aug-wi-copilot", sort: "oldest" })).rows);
  });

  it("stops reading when the client leaves an export, holding nothing open", async () => {
    const stream = await exportRecords({ db: database.db, record: async () => undefined, actor: { id: "u1", email: "a@b.example", name: "A", role: "AUDITOR" }, filter: {}, sort: "newest", format: "jsonl" });
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).split("\n")[0]).toContain('"recordId"');
    await reader.cancel();
    // The database takes writes at once (no read transaction or lock left behind).
    clock += minute;
    const writer = await openWriter("edge-after-export");
    await writer.append(adminChange(99));
    await writer.close();
    expect(await indexPendingRecords({ db: database.db, budgetMs: 5_000 })).toEqual({ indexed: 1, behind: 0 });
  });

  it("indexes a batch once when two indexers run at the same time", async () => {
    clock += minute;
    const writer = await openWriter("edge-race");
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.append(adminChange(100 + i))));
    await writer.close();
    const runs = await Promise.all([indexPendingRecords({ db: database.db, batchSize: 10 }), indexPendingRecords({ db: database.db, batchSize: 10 })]);
    expect(runs[0]!.indexed + runs[1]!.indexed).toBe(50);
    expect(await database.db.recordIndex.count({ where: { logId: "edge-race" } })).toBe(50);
  });
});

describe("query plans", () => {
  const single: [string, RecordFilter, string][] = [
    ["no filter", {}, "RecordIndex_at_recordId_idx"],
    ["a time range", { from: "2026-11-02T06:00:00.000Z" }, "RecordIndex_at_recordId_idx"],
    ["a device", { device: "aug-wi-copilot" }, "RecordIndex_device_at_recordId_idx"],
    ["a plant", { plant: "aveiro" }, "RecordIndex_plant_at_recordId_idx"],
    ["a zone", { zone: "aveiro-l2-supervisory" }, "RecordIndex_zone_at_recordId_idx"],
    ["a workstation", { workstation: "aug-hmi-h2-07" }, "RecordIndex_workstation_at_recordId_idx"],
    ["an operator", { operator: "operator@nordwerk.example" }, "RecordIndex_operator_at_recordId_idx"],
    ["a destination", { destination: "openai-eu" }, "RecordIndex_destination_at_recordId_idx"],
    ["a conduit", { conduit: "aug-l2-to-azure-copilot" }, "RecordIndex_conduit_at_recordId_idx"],
    ["a model", { model: "gpt-4o" }, "RecordIndex_model_at_recordId_idx"],
    ["an outcome", { outcome: "refused" }, "RecordIndex_outcome_at_recordId_idx"],
    ["a level", { level: "RESTRICTED" }, "RecordIndex_level_at_recordId_idx"],
    ["a kind", { kind: "ai_call" }, "RecordIndex_kind_at_recordId_idx"],
    ["a log", { log: "edge-test" }, "RecordIndex_logId_at_recordId_idx"],
    ["a label", { label: "personal_data" }, "RecordIndexLabel_pkey"],
  ];

  async function plan(filter: RecordFilter, lead: Parameters<typeof recordsSql>[0]["lead"] = null, window?: number): Promise<string> {
    const db = database.db;
    const provider = dbProvider(db);
    const { sql, params } = recordsSql({ provider, filter, sort: "newest", after: { at: "2026-12-01T00:00:00.000Z", recordId: "z" }, limit: 51, lead, window });
    if (provider === "sqlite") {
      const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...params);
      return rows.map((r) => r.detail).join("\n");
    }
    // A test table is tiny, so PostgreSQL would rather read it whole; ask for its index plan.
    return db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      await tx.$executeRawUnsafe("SET LOCAL enable_bitmapscan = off");
      await tx.$executeRawUnsafe("SET LOCAL enable_sort = off");
      const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, ...params);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
  }

  it.each(single)("the first page of %s reads the index led by its column, in order", async (_, filter, index) => {
    const text = await plan(filter);
    // SQLite names the label table's primary key after its own rule.
    const expected = dbProvider(database.db) === "sqlite" && index === "RecordIndexLabel_pkey" ? "sqlite_autoindex_RecordIndexLabel_1" : index;
    expect(text).toContain(expected);
    expect(text).not.toMatch(/TEMP B-TREE FOR ORDER BY|^\s*Sort\b|-> {2}Sort\b/m);
  });

  it("with several filters, reads through the index of the rarest one, and finds the same rows", async () => {
    const filter = { plant: "augsburg", kind: "ai_call", device: "aug-wi-copilot" };
    expect(await planPage({ db: database.db, filter, bounded: true })).toEqual({ lead: "device" });
    expect(await plan(filter, "device")).toContain("RecordIndex_device_at_recordId_idx");
    expect(await plan(filter, "device")).not.toMatch(/RecordIndex_(plant|kind)_at_recordId_idx/);
    expect((await find(filter)).rows.map((r) => r.recordId).sort()).toEqual([...copilotCalls].sort());
    // A combination that matches nothing is answered from the rare filter's few rows.
    expect((await planPage({ db: database.db, filter: { plant: "augsburg", outcome: "refused", device: "avr-qi-casting" }, bounded: true })).lead).not.toBe("plant");
    expect((await find({ plant: "augsburg", outcome: "refused", device: "avr-qi-casting" })).rows).toEqual([]);
  });

  // Small limits stand in for the explorer's (10,000 and 20,000), which would need a far bigger test log.
  const small: SearchLimits = { probe: 3, window: 8 };
  async function walk(filter: RecordFilter, limit: number) {
    const pages: Awaited<ReturnType<typeof queryRecords>>[] = [];
    let after = null;
    do {
      const page = await queryRecords({ db: database.db, query: { filter, sort: "newest", after }, limit, limits: small });
      pages.push(page);
      after = page.next ? parseRecordQuery({ params: new URLSearchParams({ after: page.next }), defaultTimeZone: "UTC" }).after : null;
    } while (after);
    return pages;
  }

  it("with only common filters, searches a bounded window, says how far back, and finds every row by searching on", async () => {
    const matching = { plant: "augsburg", outcome: "redacted" };
    expect(await planPage({ db: database.db, filter: matching, bounded: true, limits: small })).toEqual({ lead: "plant", window: 8 });
    // An export is not bounded.
    expect(await planPage({ db: database.db, filter: matching, bounded: false, limits: small })).toEqual({ lead: null });
    // The window is read through the leading filter's index, in order: nothing is sorted.
    const windowPlan = await plan(matching, "plant", 8);
    expect(windowPlan).toContain("RecordIndex_plant_at_recordId_idx");
    expect(windowPlan).not.toMatch(/RecordIndex_outcome_at_recordId_idx|TEMP B-TREE FOR ORDER BY|^\s*Sort\b|-> {2}Sort\b/m);
    // The five redacted calls are Augsburg's newest: two full pages, then the fifth with the
    // window's edge, then windows with nothing more until the plant's 35 rows end.
    const pages = await walk(matching, 2);
    expect(pages.map((p) => p.rows.length)).toEqual([2, 2, 1, 0, 0, 0]);
    expect(pages.map((p) => p.searchedTo !== null)).toEqual([false, false, true, true, true, false]);
    const walked = pages.flatMap((p) => p.rows.map((r) => r.recordId));
    expect(walked).toEqual((await find(matching, 500)).rows.map((r) => r.recordId));
    expect([...walked].sort()).toEqual([...copilotCalls].sort());

    // A combination that matches nothing answers from one window, with where it stopped.
    const nothing = { device: "aug-pdm-spindle", outcome: "refused" };
    const first = await queryRecords({ db: database.db, query: { filter: nothing, sort: "newest", after: null }, limit: 5, limits: small });
    expect(first.rows).toEqual([]);
    expect(first.next).not.toBeNull();
    expect(first.searchedTo).toMatch(/^2026-11-/);
    const all = await walk(nothing, 5);
    expect(all.flatMap((p) => p.rows)).toEqual([]);
    expect(all.length).toBe(Math.ceil(30 / 8));
  });

  it("a bounded search by label reads a window of the label's rows", async () => {
    const filter = { label: "personal_data", device: "aug-wi-copilot" };
    expect(await planPage({ db: database.db, filter, bounded: true, limits: { probe: 3, window: 2 } })).toEqual({ lead: null, window: 2 });
    const pages = [];
    let after = null;
    do {
      const page = await queryRecords({ db: database.db, query: { filter, sort: "oldest", after }, limit: 10, limits: { probe: 3, window: 2 } });
      pages.push(page);
      after = page.next ? parseRecordQuery({ params: new URLSearchParams({ after: page.next }), defaultTimeZone: "UTC" }).after : null;
    } while (after);
    expect(pages.flatMap((p) => p.rows.map((r) => r.recordId))).toEqual(copilotCalls);
  });

  it("a record id or hash is found through the key and hash indexes, not a scan", async () => {
    const text = await plan({ q: "f".repeat(64) });
    expect(text).toMatch(/RecordIndex_leafHash_idx|leafHash/);
    expect(text).not.toMatch(/SCAN r\b(?! USING)|Seq Scan/);
  });
});
