// gatherPackContent on a real database: the demo plant (seeded as of 20 November 2025,
// with its two incidents) and a known set of AI calls, refusals, results and oversight
// decisions in a log of their own. Every figure of the summary, the inventory, the
// incidents and the logs is checked exactly, for a scope of everything and scoped to a
// plant and to a conduit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlMap } from "@/lib/evidence/controls";
import { gatherPackContent, recordScopeSql, type PackContent, type PackScope } from "@/lib/evidence/pack-content";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { callWithResult, refusal } from "@/lib/testing/call-records";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

const seededAt = new Date("2025-11-20T12:00:00.000Z");
const gatheredAt = new Date("2025-11-25T12:00:00.000Z");
const minute = 60_000;
// November 2025 in Berlin: 1 Nov 00:00 CET to 24 Nov 00:00 CET.
const scope: PackScope = { from: "2025-11-01T00:00:00+01:00", to: "2025-11-24T00:00:00+01:00", timeZone: "Europe/Berlin", plants: [], conduits: [], name: "Review November 2025", purpose: "Test" };

let database: TestDatabase;
let store: LedgerStore;
let pending: LogWriter;
let edgeLogId = "";
let everything: PackContent;

const unidentified = () => ({
  kind: "ai_call_denied" as const,
  body: {
    code: "device_token_missing",
    context: { plant: null, zone: null, workstation: null, device: null, credential: null, application: null, operator: { id: null, assurance: "none" as const }, purpose: null, sourceAddress: "10.40.12.57" },
    conduit: null,
    destination: "openai-eu",
    endpoint: null,
    model: null,
    classification: null,
    request: { sha256: "c".repeat(64), bytes: 12 },
  },
});

const oversight = (options: { callRecordId: string; decision: "accepted" | "rejected"; operator: { id: string; assurance: "verified" | "asserted" }; device: string }) => ({
  kind: "oversight_decision" as const,
  body: { callRecordId: options.callRecordId, decision: options.decision, operator: options.operator, device: options.device, editedOutput: null },
});

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoPlantForTest({ database, now: seededAt });
  store = openLedgerStore({ provider: database.provider, url: database.url });

  // The calls, each at its own minute from 10 November 08:00 UTC.
  let clock = Date.parse("2025-11-10T08:00:00.000Z");
  const writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "edge-test", name: "edge-test", writer: "proxy:edge-test" }, checkpointEvery: 1000, checkpointSeconds: 3600, now: () => new Date(clock) });
  edgeLogId = writer.logId;
  const append = async (input: { kind: string; body: unknown; id?: string }) => {
    clock += minute;
    return writer.append(input);
  };
  const call = async (fixture: Parameters<typeof callWithResult>[0], options: { result: boolean } = { result: true }) => {
    const { id, call, result } = callWithResult({ ...fixture, at: clock + minute });
    await append(call);
    if (options.result) await append(result);
    return id;
  };
  // Before the scope: 31 October 23:00 CET is 22:00 UTC.
  const early = clock;
  clock = Date.parse("2025-10-31T21:58:00.000Z");
  await call({ device: "aug-pdm-spindle", at: 0 }, { result: false });
  clock = early;

  for (let i = 0; i < 10; i++) await call({ device: "aug-pdm-spindle", at: 0 });
  const copilot = { device: "aug-wi-copilot", zone: "augsburg-l2-supervisory", workstation: "aug-hmi-h2-07", conduit: "aug-l2-to-azure-copilot", destination: "azure-openai-weu", model: "gpt-4o", outcome: "redacted" as const, level: "CONFIDENTIAL" as const, labels: { personal_data: 1 }, operator: { id: "operator@nordwerk.example", assurance: "verified" as const } };
  const copilotCalls: string[] = [];
  for (let i = 0; i < 4; i++) copilotCalls.push(await call({ ...copilot, at: 0 }));
  for (let i = 0; i < 2; i++) await call({ device: "aug-anomaly-telemetry", conduit: "aug-l3-to-gemini-anomaly", destination: "google-gemini", model: "gemini-2.5-flash", outcome: "flagged", level: "CONFIDENTIAL", at: 0 }, { result: false });
  const mes = { device: "aug-mes-scheduler", workstation: "aug-mes-app01", conduit: "aug-l3-to-anthropic-scheduling", destination: "anthropic", model: "claude-sonnet-4-5", level: "CONFIDENTIAL" as const, operator: { id: "planner-17@mes", assurance: "asserted" as const } };
  const mesCalls: string[] = [];
  for (let i = 0; i < 3; i++) mesCalls.push(await call({ ...mes, at: 0 }));
  for (let i = 0; i < 3; i++) await append(refusal({ device: "avr-qi-casting", plant: "aveiro", zone: "aveiro-l2-supervisory", workstation: "avr-qi-cast01", destination: "vision-onprem", code: "conduit_not_authorized", at: 0 }));
  for (let i = 0; i < 2; i++) await append(unidentified());
  await append(refusal({ ...mes, code: "model_not_allowed", at: 0 }));
  await append(oversight({ callRecordId: copilotCalls[0]!, decision: "accepted", operator: copilot.operator, device: "aug-wi-copilot" }));
  await append(oversight({ callRecordId: copilotCalls[1]!, decision: "accepted", operator: copilot.operator, device: "aug-wi-copilot" }));
  await append(oversight({ callRecordId: mesCalls[0]!, decision: "rejected", operator: mes.operator, device: "aug-mes-scheduler" }));
  // The copilot's token, as the devices page would have issued it.
  const credential = await database.db.deviceCredential.create({
    data: { label: "terminal", tokenPrefix: "cl_dev_T3st", tokenHash: "d".repeat(64), expiresAt: new Date("2026-11-20T12:00:00Z"), device: { connect: { slug: "aug-wi-copilot" } } },
  });
  await append({
    kind: "admin_change",
    body: { actor: { userId: "u1", email: "admin@nordwerk.example", role: "ADMIN" }, entity: { type: "DeviceCredential", id: credential.id }, action: "update", before: "a".repeat(64), after: "b".repeat(64), summary: "token revoked" },
  });
  await writer.close();

  // A log whose last record awaits its checkpoint.
  let pendingClock = Date.parse("2025-11-12T09:00:00.000Z");
  pending = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "edge-pending", name: "edge-pending", writer: "proxy:edge-pending" }, checkpointEvery: 1000, checkpointSeconds: 3600, now: () => new Date((pendingClock += minute)) });
  await pending.append(callWithResult({ device: "aug-pdm-spindle", at: pendingClock }).call);
  await pending.checkpoint();
  await pending.append(callWithResult({ device: "aug-pdm-spindle", at: pendingClock }).call);

  // What the proxy noticed: a shared copilot token, the casting camera's flow, and one seen only before the scope.
  const [device, camera, vision] = await Promise.all([
    database.db.device.findUniqueOrThrow({ where: { slug: "aug-wi-copilot" } }),
    database.db.device.findUniqueOrThrow({ where: { slug: "avr-qi-casting" } }),
    database.db.aiDestination.findUniqueOrThrow({ where: { slug: "vision-onprem" } }),
  ]);
  await database.db.anomaly.createMany({
    data: [
      { kind: "shared_device_token", subject: credential.id, deviceId: device.id, detail: JSON.stringify({ addresses: ["10.20.2.17", "10.40.12.57"] }), count: 7, firstSeenAt: new Date("2025-11-10T06:00:00Z"), lastSeenAt: new Date("2025-11-10T07:30:00Z") },
      { kind: "unauthorised_flow", subject: `${camera.id} ${vision.id}`, deviceId: camera.id, destinationId: vision.id, detail: JSON.stringify({ code: "conduit_not_authorized" }), count: 3, firstSeenAt: new Date("2025-11-10T08:30:00Z"), lastSeenAt: new Date("2025-11-10T08:40:00Z") },
      { kind: "unidentified_caller", subject: "10.99.0.1", detail: JSON.stringify({ code: "invalid_device_token" }), count: 500, firstSeenAt: new Date("2025-10-01T00:00:00Z"), lastSeenAt: new Date("2025-10-02T00:00:00Z") },
    ],
  });

  everything = await gatherPackContent({ db: database.db, scope, now: gatheredAt });
}, 180_000);

afterAll(async () => {
  await pending?.close();
  await store?.close();
  await database?.drop();
});

describe("gatherPackContent", () => {
  it("counts the calls, refusals, redactions, flags and unauthorised flows of the scope exactly", () => {
    const s = everything.summary;
    expect(everything.scope).toMatchObject({ from: "2025-10-31T23:00:00.000Z", to: "2025-11-23T23:00:00.000Z" });
    // edge-test: 19 calls and 6 refusals; edge-pending: 2 calls.
    expect(s).toMatchObject({ calls: 27, forwarded: 21, allowed: 15, redacted: 4, flagged: 2, refused: 6 });
    expect(s.refusalsByCode).toEqual([
      { key: "conduit_not_authorized", count: 3 },
      { key: "device_token_missing", count: 2 },
      { key: "model_not_allowed", count: 1 },
    ]);
    expect(s.callsByLevel).toEqual([
      { key: "INTERNAL", count: 12 },
      { key: "CONFIDENTIAL", count: 9 },
    ]);
    expect(s.results).toEqual([
      { key: "completed", count: 17 },
      { key: "pending", count: 4 },
    ]);
    expect(s.unauthorisedFlows).toEqual({ attempts: 3, flows: [{ plant: "aveiro", device: "avr-qi-casting", destination: "vision-onprem", attempts: 3, firstAt: expect.stringMatching(/^2025-11-10T/), lastAt: expect.stringMatching(/^2025-11-10T/) }] });
    expect(s.unidentifiedOutsideScope).toBeNull();
    expect(s.ledgerActivity).toEqual({ adminChanges: 1, credentialChanges: 1, exports: 0, packDownloads: 0, reportSubmissions: 0 });
  });

  it("measures identity coverage: a valid device token, and a verified or asserted operator", () => {
    const { identity } = everything.summary;
    // The MES's refused call names its planner too.
    expect(identity).toMatchObject({ calls: 27, verifiedDevice: 25, operatorVerified: 4, operatorAsserted: 4, operatorNone: 19, deviceCoverage: 25 / 27, operatorCoverage: 8 / 27 });
    expect(identity.byDevice.find((d) => d.device === "aug-wi-copilot")).toEqual({ device: "aug-wi-copilot", workload: "WORK_INSTRUCTION_COPILOT", calls: 4, operatorVerified: 4, operatorAsserted: 0, operatorNone: 0 });
    expect(identity.byDevice.find((d) => d.device === "aug-mes-scheduler")).toMatchObject({ calls: 4, operatorAsserted: 4 });
    expect(everything.summary.oversight).toEqual({ decisions: 3, byDecision: [{ key: "accepted", count: 2 }, { key: "rejected", count: 1 }], operatorVerified: 2, operatorAsserted: 1, operatorNone: 0 });
  });

  it("counts every record of the scope once, by kind, by log and by day in the plant's time zone", () => {
    const s = everything.summary;
    // edge-test: 19 calls, 17 results, 6 refusals, 3 decisions, 1 change; edge-pending: 2 calls. The seed's log is outside November.
    expect(s.recordsByKind).toEqual([
      { key: "ai_call", count: 21 },
      { key: "ai_call_result", count: 17 },
      { key: "ai_call_denied", count: 6 },
      { key: "oversight_decision", count: 3 },
      { key: "admin_change", count: 1 },
    ]);
    expect(s.records).toBe(48);
    const edge = everything.logs.find((l) => l.logId === edgeLogId)!;
    // Sequence 0 is the call of 31 October, before the scope.
    expect(edge).toMatchObject({ name: "edge-test", writer: "proxy:edge-test", records: 46, firstSeq: 1, lastSeq: 46, covered: true, lastVerification: null });
    expect(edge.checkpoint).toMatchObject({ treeSize: 47 });
    expect(edge.keys).toHaveLength(1);
    expect(everything.logs.find((l) => l.logId === "edge-pending")).toMatchObject({ records: 2, firstSeq: 0, lastSeq: 1, covered: false, checkpoint: { treeSize: 1 } });
    expect(everything.activity.reduce((n, a) => n + a.count, 0)).toBe(48);
    expect(new Set(everything.activity.map((a) => a.day))).toEqual(new Set(["2025-11-10", "2025-11-12"]));
  });

  it("lists the conduit inventory with approval, states as of the gathering, security levels and calls in scope", () => {
    const { conduits, zones, devices } = everything.inventory;
    expect(conduits.map((c) => c.slug)).toEqual(["aug-l2-to-azure-copilot", "aug-l2-to-vision-onprem", "aug-l3-to-anthropic-scheduling", "aug-l3-to-gemini-anomaly", "aug-l3-to-openai-eu", "avr-l2-to-openai-eu-pdm", "avr-l3-to-azure-copilot"]);
    expect(conduits.find((c) => c.slug === "aug-l2-to-azure-copilot")).toMatchObject({
      plant: "augsburg",
      state: "in_force",
      approvedBy: "Miguel Santos",
      maxDataClass: "INTERNAL",
      overLimitAction: "REDACT",
      failMode: "CLOSED",
      slTarget: 3,
      sourceZone: { slug: "augsburg-l2-supervisory", slTarget: 3, slAchieved: 2 },
      destination: { slug: "azure-openai-weu", supplier: "microsoft-ireland", transport: "tls" },
      calls: { forwarded: 4, redacted: 4, flagged: 0, refused: 0, byLevel: [{ key: "CONFIDENTIAL", count: 4 }] },
    });
    expect(conduits.find((c) => c.slug === "aug-l3-to-anthropic-scheduling")).toMatchObject({ state: "expired", calls: { forwarded: 3, refused: 0 } });
    expect(conduits.find((c) => c.slug === "aug-l2-to-vision-onprem")).toMatchObject({ failMode: "OPEN", destination: { transport: "plain" } });
    expect(zones.map((z) => z.slug).slice(0, 2)).toEqual(["augsburg-l1-control", "augsburg-l2-supervisory"]);
    expect(zones.at(-1)?.plant).toBeNull();
    expect(devices).toHaveLength(8);
    expect(devices.find((d) => d.slug === "aug-mes-scheduler")).toMatchObject({ mayAssertOperator: true, tokens: { active: 0, revoked: 0, expired: 0, activeWithoutExpiry: 0 } });
    expect(devices.find((d) => d.slug === "aug-wi-copilot")).toMatchObject({ tokens: { active: 1, revoked: 0, expired: 0, activeWithoutExpiry: 0 } });
  });

  it("follows the supplier chain of the conduits in scope, with assessments and alerts", () => {
    const { suppliers, chains, alerts } = everything.suppliers;
    expect(chains.map((c) => c.root).sort()).toEqual(["anthropic-ireland", "google-cloud-emea", "microsoft-ireland", "openai-ireland", "optiscan-vision"]);
    const openai = chains.find((c) => c.root === "openai-ireland")!;
    expect(openai.entries.map((e) => [e.supplier, e.depth])).toEqual([
      ["openai-ireland", 0],
      ["microsoft-ireland", 1],
    ]);
    expect(openai.entries[1]!.link).toMatchObject({ from: "openai-ireland" });
    expect(suppliers.find((s) => s.slug === "openai-ireland")).toMatchObject({ approval: { approvedDataClass: "CONFIDENTIAL" }, calls: 12 });
    // Microsoft receives the copilot's calls directly and OpenAI's as its sub-processor.
    expect(suppliers.find((s) => s.slug === "microsoft-ireland")).toMatchObject({ calls: 16 });
    expect(suppliers.find((s) => s.slug === "microsoft-ireland")).toMatchObject({ receivedLevel: "CONFIDENTIAL" });
    expect(alerts.every((a) => suppliers.some((s) => s.slug === a.supplier))).toBe(true);
  });

  it("judges each incident's NIS2 deadlines as of the gathering: met, or missed", () => {
    expect(everything.incidents.map((i) => i.reference)).toEqual(["INC-2025-001", "INC-2025-002"]);
    const [token, ransomware] = everything.incidents;
    expect(token).toMatchObject({ plants: ["augsburg"], reportable: true, significance: { significant: true }, named: false });
    expect(token!.deadlines.map((d) => [d.stage, d.status, d.missed])).toEqual([
      ["EARLY_WARNING", "met", false],
      ["NOTIFICATION", "met", false],
      ["FINAL", "upcoming", false],
    ]);
    // Aware on 20 November 07:00 UTC, nothing sent by the 25th: both hour deadlines missed.
    expect(ransomware!.deadlines.slice(0, 2).map((d) => [d.stage, d.dueAt, d.status, d.missed])).toEqual([
      ["EARLY_WARNING", "2025-11-21T07:00:00.000Z", "overdue", true],
      ["NOTIFICATION", "2025-11-23T07:00:00.000Z", "overdue", true],
    ]);
    expect(controlMap(everything).find((c) => c.id === "Art. 23")).toMatchObject({ status: "gap" });
  });

  it("lists the anomalies seen in the period, and judges the ledger's coverage", () => {
    expect(everything.anomalies.map((a) => [a.kind, a.device?.slug ?? null, a.count])).toEqual([
      ["shared_device_token", "aug-wi-copilot", 7],
      ["unauthorised_flow", "avr-qi-casting", 3],
    ]);
    expect(everything.anomalies[0]).toMatchObject({ tokenRevoked: false, addresses: ["10.20.2.17", "10.40.12.57"], incidents: [] });
    const statuses = Object.fromEntries(controlMap(everything).map((c) => [c.id, c.status]));
    expect(statuses).toMatchObject({ "SR 1.2": "partial", "SR 1.5": "gap", "SR 2.8": "partial", "SR 3.9": "partial", "SR 6.2": "partial" });
    expect(everything.access.usersByRole).toHaveLength(5);
    expect(everything.organisation).toEqual(["Nordwerk Antriebstechnik GmbH", "Nordwerk Fundição Portugal, Lda."]);
  });

  it("scoped to a plant: its calls, the refusals without a plant counted apart, its conduits, incidents and anomalies", async () => {
    const aveiro = await gatherPackContent({ db: database.db, scope: { ...scope, plants: ["aveiro"] }, now: gatheredAt, catchUpIndex: false });
    expect(aveiro.summary).toMatchObject({ calls: 3, forwarded: 0, refused: 3, records: 3, unidentifiedOutsideScope: 2 });
    expect(aveiro.plants.map((p) => p.slug)).toEqual(["aveiro"]);
    expect(aveiro.organisation).toEqual(["Nordwerk Fundição Portugal, Lda."]);
    expect(aveiro.inventory.conduits.map((c) => c.slug)).toEqual(["avr-l2-to-openai-eu-pdm", "avr-l3-to-azure-copilot"]);
    expect(aveiro.incidents.map((i) => i.reference)).toEqual(["INC-2025-002"]);
    expect(aveiro.anomalies.map((a) => a.kind)).toEqual(["unauthorised_flow"]);
    expect(aveiro.logs.map((l) => [l.logId, l.records])).toEqual([[edgeLogId, 3]]);
  });

  it("scoped to a conduit: its calls with their results and oversight decisions; an incident named by the scope", async () => {
    const copilot = await gatherPackContent({ db: database.db, scope: { ...scope, conduits: ["aug-l2-to-azure-copilot"], incident: "INC-2025-002" }, now: gatheredAt, catchUpIndex: false });
    expect(copilot.summary).toMatchObject({ calls: 4, redacted: 4, records: 10, recordsByKind: [{ key: "ai_call", count: 4 }, { key: "ai_call_result", count: 4 }, { key: "oversight_decision", count: 2 }] });
    expect(copilot.summary.oversight.decisions).toBe(2);
    expect(copilot.inventory.conduits.map((c) => c.slug)).toEqual(["aug-l2-to-azure-copilot"]);
    expect(copilot.inventory.devices.map((d) => d.slug)).toEqual(["aug-qi-camera-l3", "aug-wi-copilot"]);
    expect(copilot.suppliers.chains.map((c) => c.root)).toEqual(["microsoft-ireland"]);
    expect(copilot.incidents.find((i) => i.reference === "INC-2025-002")).toMatchObject({ named: true });
  });

  it("selects through recordScopeSql exactly the records it counts", async () => {
    for (const s of [scope, { ...scope, plants: ["augsburg"] }, { ...scope, conduits: ["aug-l2-to-azure-copilot"] }]) {
      const { where, params } = recordScopeSql({ provider: database.provider, scope: s });
      const rows = await database.db.$queryRawUnsafe<{ n: number | bigint | string }[]>(`SELECT COUNT(*) AS n FROM "RecordIndex" r WHERE ${where}`, ...params);
      const content = await gatherPackContent({ db: database.db, scope: s, now: gatheredAt, catchUpIndex: false });
      expect(Number(rows[0]!.n)).toBe(content.summary.records);
    }
  });

  it("refuses a scope it cannot gather, naming what is wrong", async () => {
    const gather = (s: Partial<PackScope>) => gatherPackContent({ db: database.db, scope: { ...scope, ...s }, now: gatheredAt, catchUpIndex: false });
    await expect(gather({ from: scope.to, to: scope.from })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("runs the wrong way") });
    await expect(gather({ plants: ["linz"] })).rejects.toMatchObject({ code: "validation_failed", message: 'No plant "linz".' });
    await expect(gather({ plants: ["aveiro"], conduits: ["aug-l2-to-azure-copilot"] })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("leaves no plant of the scope") });
    await expect(gather({ incident: "INC-1999-001" })).rejects.toMatchObject({ code: "validation_failed", message: 'No incident "INC-1999-001".' });
    await expect(gather({ timeZone: "Mars/Olympus" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(gather({ from: "last tuesday" })).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("is plain data: the same after a round trip through JSON", () => {
    expect(JSON.parse(JSON.stringify(everything))).toEqual(everything);
  });
});
