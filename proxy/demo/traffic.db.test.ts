// The demo's seeded traffic: the demo plant pointed at the demo provider, then three weeks
// of calls sent through the real proxy core and ledger. Checks the mix the pages rely on
// (outcomes, refusals, operators, oversight, the shared token, evidence) and that the
// ledger verifies with every log in time order.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type Config } from "@/lib/config";
import { openLedgerStore, openLog } from "@/lib/ledger";
import type { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { loadProviderKeyCipher } from "@/lib/secrets/provider-keys";
import { demoProviderPaths, seedDemoPlant } from "@/lib/seed/demo-plant";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { localTime, notebookAddress, notebookCalls, planDays } from "@/proxy/demo/plan";
import { startDemoProvider } from "@/proxy/demo/provider";
import { seedDemoTraffic, type DemoTrafficSummary } from "@/proxy/demo/traffic";

let t: TestDatabase;
let store: LedgerStore;
let appLog: LogWriter;
let config: Config;
let dataDir: string;
let summary: DemoTrafficSummary;
let providerUrl: string;
const now = new Date("2026-11-26T10:00:00Z");

interface Stored {
  id: string;
  logId: string;
  seq: number;
  kind: string;
  at: string;
  body: Record<string, unknown> & { context?: { device: string | null; sourceAddress: string | null; operator: { id: string | null; assurance: string } } };
}
let records: Stored[];
const ofKind = (kind: string) => records.filter((r) => r.kind === kind);
const tally = (values: unknown[]) => values.reduce<Record<string, number>>((counts, v) => ({ ...counts, [String(v)]: (counts[String(v)] ?? 0) + 1 }), {});

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-demo-traffic-"));
  config = parseConfig({ CONDUIT_DATA_DIR: dataDir, DATABASE_URL: t.url, LOG_LEVEL: "silent" });
  store = openLedgerStore(config.database);
  appLog = await openLog({ config, store, logName: "app", writer: "app" });
  const record = (input: { kind: string; body: unknown }) => appLog.append(input);
  const provider = await startDemoProvider({ host: "127.0.0.1", port: 0, mount: "/_demo-provider" });
  providerUrl = provider.url;
  try {
    await seedDemoPlant({ db: t.db, record, now, demoProvider: { url: provider.url, cipher: loadProviderKeyCipher(config) } });
    summary = await seedDemoTraffic({ config, db: t.db, store, record, calls: 2500, now });
  } finally {
    await provider.close();
  }
  await appLog.checkpoint();
  const rows = await t.db.auditRecord.findMany({ select: { id: true, logId: true, seq: true, kind: true, at: true, envelope: true }, orderBy: [{ logId: "asc" }, { seq: "asc" }] });
  records = rows.map((r) => ({ id: r.id, logId: r.logId, seq: r.seq, kind: r.kind, at: r.at.toISOString(), body: (JSON.parse(r.envelope) as { body: Stored["body"] }).body }));
}, 300_000);

afterAll(async () => {
  await appLog?.close();
  await store?.close();
  await t?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the demo destinations", () => {
  it("point at the demo provider and hold provider keys, set as an administrator sets them", async () => {
    const destinations = await t.db.aiDestination.findMany({ select: { slug: true, baseUrl: true, apiKeyHint: true, provider: true } });
    expect(destinations.map((d) => d.slug).sort()).toEqual(Object.keys(demoProviderPaths).sort());
    for (const d of destinations) {
      expect(d.baseUrl).toBe(`${providerUrl}${demoProviderPaths[d.slug]}`);
      expect(d.apiKeyHint).toMatch(/^….{4}$/);
    }
    expect(new Set(destinations.map((d) => d.provider))).toEqual(new Set(["OPENAI_COMPATIBLE", "ANTHROPIC", "AZURE_OPENAI", "GEMINI", "GENERIC_INFERENCE"]));
    const keyChanges = ofKind("admin_change").filter((r) => String(r.body.summary).startsWith("provider key of"));
    expect(keyChanges).toHaveLength(destinations.length);
  });
});

describe("the seeded traffic", () => {
  it("went through the proxy into one edge log per plant: a call record for each call, a result for each forwarded one", () => {
    const calls = [...ofKind("ai_call"), ...ofKind("ai_call_denied")];
    expect(calls.length).toBe(summary.calls);
    expect(summary.calls).toBeGreaterThan(2300);
    expect(new Set(calls.map((r) => r.logId))).toEqual(new Set([summary.logs.augsburg, summary.logs.aveiro]));
    expect(summary.logs.augsburg).toMatch(/^edge-augsburg-/);
    expect(ofKind("ai_call")).toHaveLength(summary.forwarded);
    const results = new Map(ofKind("ai_call_result").map((r) => [r.body.callRecordId, r]));
    for (const call of ofKind("ai_call")) {
      const result = results.get(call.id);
      expect(result?.body).toMatchObject({ outcome: "completed", response: { status: 200 } });
      expect(result!.at >= call.at).toBe(true);
    }
    // Each plant's devices in its own log.
    for (const call of calls) if (call.body.context?.device) expect(call.logId).toBe(call.body.context.device.startsWith("aug-") ? summary.logs.augsburg : summary.logs.aveiro);
  });

  it("has allowed, redacted and flagged calls, across classification levels and labels", () => {
    const calls = ofKind("ai_call");
    const outcomes = tally(calls.map((r) => r.body.outcome));
    expect(outcomes.allowed).toBeGreaterThan(calls.length * 0.8);
    expect(outcomes.redacted).toBeGreaterThan(10);
    expect(outcomes.flagged).toBeGreaterThan(3);
    // Flagged on the Gemini pilot's conduit, redacted on the copilots' INTERNAL ones.
    expect(new Set(calls.filter((r) => r.body.outcome === "flagged").map((r) => r.body.conduit))).toEqual(new Set(["aug-l3-to-gemini-anomaly"]));
    expect(new Set(calls.filter((r) => r.body.outcome === "redacted").map((r) => r.body.conduit))).toContain("aug-l2-to-azure-copilot");
    const levels = tally(calls.map((r) => (r.body.classification as { level: string }).level));
    expect(Object.keys(levels).sort()).toEqual(["CONFIDENTIAL", "INTERNAL", "PUBLIC", "RESTRICTED"]);
    const labels = new Set(calls.flatMap((r) => Object.keys((r.body.classification as { labels: Record<string, number> }).labels)));
    for (const label of ["ot_asset_tag", "process_parameter", "personal_data", "secret", "product_imagery", "part_number_drawing", "customer_name"]) expect(labels).toContain(label);
    expect(new Set(calls.map((r) => r.body.destination))).toEqual(new Set(Object.keys(demoProviderPaths)));
    const streamed = calls.filter((r) => r.body.stream === true).length;
    expect(streamed).toBeGreaterThan(50);
    expect(streamed).toBeLessThan(calls.length - 50);
  });

  it("has the refusals the inventory calls for, each from the device it fits", () => {
    const denied = ofKind("ai_call_denied");
    const by = (code: string) => denied.filter((r) => r.body.code === code);
    const devicesOf = (code: string) => new Set(by(code).map((r) => r.body.context?.device));
    expect(devicesOf("conduit_not_authorized")).toEqual(new Set(["avr-qi-casting"]));
    expect(devicesOf("conduit_expired")).toEqual(new Set(["aug-mes-scheduler"]));
    expect(by("conduit_expired").every((r) => r.body.conduit === "aug-l3-to-anthropic-scheduling")).toBe(true);
    expect(devicesOf("model_not_allowed")).toEqual(new Set(["aug-pdm-spindle", "aug-mes-scheduler", "avr-wi-copilot"]));
    expect(devicesOf("purpose_not_allowed")).toEqual(new Set(["aug-anomaly-telemetry"]));
    expect(devicesOf("data_class_exceeded")).toEqual(new Set(["avr-pdm-furnace", "aug-mes-scheduler"]));
    // The copied token, tried again from the notebook after it was revoked: no device then.
    expect(by("device_token_revoked").map((r) => r.body.context?.sourceAddress)).toEqual(Array(6).fill(notebookAddress));
    // The expired pilot: allowed before it expired, refused after.
    const expiry = now.getTime() - 12 * 86_400_000;
    const mes = ofKind("ai_call").filter((r) => r.body.context?.device === "aug-mes-scheduler");
    expect(mes.length).toBeGreaterThan(5);
    expect(mes.every((r) => Date.parse(r.at) < expiry)).toBe(true);
    expect(by("conduit_expired").every((r) => Date.parse(r.at) >= expiry)).toBe(true);
  });

  it("names verified operators (the app's assertions) and asserted ones (the MES)", () => {
    const operators = ofKind("ai_call").map((r) => r.body.context!.operator);
    const verified = operators.filter((o) => o.assurance === "verified");
    expect(verified.length).toBeGreaterThan(20);
    expect(new Set(verified.map((o) => o.id))).toEqual(new Set(["operator@nordwerk.example@conduit-ledger"]));
    const asserted = ofKind("ai_call").filter((r) => r.body.context!.operator.assurance === "asserted");
    expect(asserted.length).toBeGreaterThan(5);
    expect(new Set(asserted.map((r) => r.body.context!.device))).toEqual(new Set(["aug-mes-scheduler"]));
    expect(asserted.every((r) => /^mes:/.test(r.body.context!.operator.id!))).toBe(true);
  });

  it("has oversight decisions, each linked to a forwarded call of the same device in the same log", () => {
    const decisions = ofKind("oversight_decision");
    expect(decisions.length).toBe(summary.oversightDecisions);
    expect(decisions.length).toBeGreaterThan(3);
    const calls = new Map(ofKind("ai_call").map((r) => [r.id, r]));
    for (const decision of decisions) {
      const call = calls.get(decision.body.callRecordId as string);
      expect(call?.logId).toBe(decision.logId);
      expect(call?.body.context?.device).toBe(decision.body.device);
      expect(decision.at > call!.at).toBe(true);
    }
    expect(new Set(decisions.map((d) => (d.body.operator as { assurance: string }).assurance))).toEqual(new Set(["verified", "asserted"]));
    expect(decisions.filter((d) => d.body.decision === "edited").every((d) => (d.body.editedOutput as { sha256: string }).sha256.length === 64)).toBe(true);
  });

  it("has the copilot's token used from the office notebook: flagged calls, one shared-token anomaly, the token replaced", async () => {
    const fromNotebook = ofKind("ai_call").filter((r) => r.body.context?.sourceAddress === notebookAddress);
    expect(fromNotebook).toHaveLength(notebookCalls);
    expect(fromNotebook.every((r) => r.body.context?.device === "aug-wi-copilot")).toBe(true);
    expect(fromNotebook.filter((r) => (r.body.flags as string[]).includes("shared_token")).length).toBeGreaterThan(20);
    const anomalies = await t.db.anomaly.findMany({ where: { kind: "shared_device_token" } });
    expect(anomalies).toHaveLength(1);
    expect(JSON.parse(anomalies[0]!.detail)).toEqual({ addresses: ["10.20.2.17", notebookAddress] });
    const copilot = await t.db.deviceCredential.findMany({ where: { device: { slug: "aug-wi-copilot" } }, orderBy: { createdAt: "asc" } });
    expect(copilot.map((c) => c.revokedAt !== null)).toEqual([true, false]);
    expect(anomalies[0]!.subject).toBe(copilot[0]!.id);
    // The scheduling pilot ended: the MES token went too; every other device keeps its one token.
    const revoked = await t.db.deviceCredential.findMany({ where: { revokedAt: { not: null } }, select: { device: { select: { slug: true } } } });
    expect(revoked.map((c) => c.device.slug).sort()).toEqual(["aug-mes-scheduler", "aug-wi-copilot"]);
    const casting = await t.db.device.findUniqueOrThrow({ where: { slug: "avr-qi-casting" } });
    expect((await t.db.anomaly.findMany({ where: { kind: "unauthorised_flow" } })).map((a) => a.deviceId)).toEqual([casting.id]);
  });

  it("keeps each log in time order, over three weeks, following the plants' shifts", () => {
    // records are ordered by log and sequence number.
    for (let i = 1; i < records.length; i++) if (records[i]!.logId === records[i - 1]!.logId) expect(records[i]!.at >= records[i - 1]!.at).toBe(true);
    const edge = records.filter((r) => r.logId === summary.logs.augsburg || r.logId === summary.logs.aveiro);
    const from = now.getTime() - planDays * 86_400_000;
    expect(edge.every((r) => Date.parse(r.at) >= from && Date.parse(r.at) <= now.getTime())).toBe(true);
    // A record is never stamped before the call it records (its id carries the call's time).
    for (const r of ofKind("ai_call")) expect(Date.parse(r.at)).toBeGreaterThanOrEqual(parseInt(r.id.replace(/-/g, "").slice(0, 12), 16));
    // No camera frames on a Sunday in Augsburg, and fewer calls on weekends than on weekdays.
    const camera = ofKind("ai_call").filter((r) => r.body.context?.device === "aug-qi-camera-l3");
    expect(camera.filter((r) => localTime({ at: Date.parse(r.at), timeZone: "Europe/Berlin" }).weekday === 7)).toEqual([]);
    const weekday = (r: Stored) => localTime({ at: Date.parse(r.at), timeZone: "Europe/Berlin" }).weekday;
    const augsburg = ofKind("ai_call").filter((r) => r.logId === summary.logs.augsburg);
    expect(augsburg.filter((r) => weekday(r) <= 5).length / 5).toBeGreaterThan((augsburg.filter((r) => weekday(r) >= 6).length / 2) * 2);
  });
});

describe("the incidents' evidence", () => {
  it("links the seeded calls, the refusal and the anomaly to the incidents, with their log positions", async () => {
    expect(summary.evidenceLinks).toBe(4);
    const links = await t.db.incidentEvidence.findMany({ where: { kind: { in: ["LEDGER_RECORD", "ANOMALY"] } }, include: { incident: { select: { reference: true } } } });
    expect(links.map((l) => `${l.incident.reference} ${l.kind}`).sort()).toEqual(["INC-2026-001 ANOMALY", "INC-2026-001 LEDGER_RECORD", "INC-2026-001 LEDGER_RECORD", "INC-2026-002 LEDGER_RECORD"]);
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const link of links.filter((l) => l.kind === "LEDGER_RECORD")) {
      const target = byId.get(link.targetId)!;
      const row = await t.db.auditRecord.findUniqueOrThrow({ where: { id: link.targetId }, select: { leafHash: true } });
      expect([link.logId, link.seq, link.leafHash]).toEqual([target.logId, target.seq, row.leafHash]);
    }
    const linked = links.filter((l) => l.kind === "LEDGER_RECORD").map((l) => byId.get(l.targetId)!);
    expect(linked.map((r) => r.kind).sort()).toEqual(["ai_call", "ai_call", "ai_call_denied"]);
    expect(linked.find((r) => r.body.context?.sourceAddress === notebookAddress && r.kind === "ai_call")?.body.flags).toContain("shared_token");
  });

  it("leaves a ledger that verifies", async () => {
    const report = await verifyLedger({ store });
    expect(report.logs.flatMap((l) => l.problems)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.logs.map((l) => l.logId).sort()).toEqual([appLog.logId, summary.logs.augsburg, summary.logs.aveiro].sort());
  });
});
