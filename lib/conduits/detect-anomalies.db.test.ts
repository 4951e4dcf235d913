// Conduit anomaly detection on a real database: rollup rows written as the indexer writes
// them, detection run again and again as the minute job runs it. A finding makes one row,
// seen again it counts on that row, each call once, and an acknowledged anomaly keeps its
// status and note.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectAnomalies } from "@/lib/conduits/detect-anomalies";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

const HOUR = 3_600_000;
const copilot = "aug-l2-to-azure-copilot";
const pilot = "aug-l2-to-gemini-pilot";

let database: TestDatabase;
let deviceId: string;
let destinationId: string;
let credentialId: string;

const key = (at: number) => new Date(at).toISOString().slice(0, 13);

function rollup(options: { hour: string; calls: number; conduit?: string; model?: string; outcome?: string; code?: string; level?: string; errors?: number }) {
  const refused = options.outcome === "refused";
  return {
    hour: options.hour,
    plant: "augsburg",
    zone: "augsburg-l2-supervisory",
    conduit: options.conduit ?? copilot,
    destination: "azure-openai-weu",
    device: "aug-wi-copilot",
    operator: "shift.lead@nordwerk.example",
    assurance: "verified",
    model: options.model ?? "gpt-4o",
    endpoint: "chat.completions",
    outcome: options.outcome ?? "redacted",
    code: options.code ?? "",
    level: options.level ?? (refused ? "" : "INTERNAL"),
    calls: options.calls,
    errors: options.errors ?? 0,
    results: refused ? 0 : options.calls,
    durationMsSum: 0,
    inputTokens: 0,
    outputTokens: 0,
    firstAt: `${options.hour}:02:00.000Z`,
    lastAt: `${options.hour}:58:00.000Z`,
  };
}

// Weekdays 06:00-22:00 in Augsburg (05:00-21:00 UTC in November), 32 calls an hour.
function shift(options: { from: string; until: string }) {
  const rows = [];
  for (let t = Date.parse(options.from); t < Date.parse(options.until); t += HOUR) {
    const at = new Date(t);
    const weekday = at.getUTCDay();
    if (weekday === 0 || weekday === 6 || at.getUTCHours() < 5 || at.getUTCHours() >= 21) continue;
    rows.push(rollup({ hour: key(t), calls: 32 }));
  }
  return rows;
}

const anomaly = (kind: string, subject: string) => database.db.anomaly.findUniqueOrThrow({ where: { kind_subject: { kind, subject } } });

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const plant = await db.plant.create({ data: { slug: "augsburg", name: "Augsburg", operator: "Nordwerk", city: "Augsburg", memberState: "DE", timeZone: "Europe/Berlin", entityCategory: "ESSENTIAL" } });
  const zone = await db.zone.create({ data: { slug: "augsburg-l2-supervisory", name: "L2", kind: "OT", purdueLevel: "L2", slTarget: 3, plantId: plant.id } });
  const external = await db.zone.create({ data: { slug: "ext-azure-weu", name: "Azure", kind: "EXTERNAL_AI", purdueLevel: "EXTERNAL", slTarget: 2 } });
  const destination = await db.aiDestination.create({ data: { slug: "azure-openai-weu", name: "Azure OpenAI", provider: "AZURE_OPENAI", baseUrl: "https://example.openai.azure.com", zoneId: external.id } });
  destinationId = destination.id;
  const device = await db.device.create({ data: { slug: "aug-wi-copilot", name: "Copilot", workload: "WORK_INSTRUCTION_COPILOT", application: "ShopFloor Assist", defaultPurpose: "work-instructions", plantId: plant.id, zoneId: zone.id } });
  deviceId = device.id;
  const conduit = { validFrom: new Date("2026-10-20T00:00:00Z"), maxDataClass: "INTERNAL", overLimitAction: "REDACT", slTarget: 3, sourceZoneId: zone.id, destinationId } as const;
  await db.conduit.create({ data: { ...conduit, slug: copilot, name: "Copilot to Azure", createdAt: new Date("2026-10-20T08:00:00Z"), validUntil: new Date("2027-10-20T00:00:00Z") } });
  // Created the day before: still learning, and refusing the calls it gets.
  await db.conduit.create({ data: { ...conduit, slug: pilot, name: "Pilot", createdAt: new Date("2026-11-16T08:00:00Z"), reviewDueAt: new Date("2026-11-17T09:00:00Z") } });
  const credential = await db.deviceCredential.create({ data: { label: "terminal", tokenPrefix: "cl_dev_AbCdEf", tokenHash: "f".repeat(64), expiresAt: new Date("2026-11-22T00:00:00Z"), deviceId } });
  credentialId = credential.id;

  // Learned from Monday 2 November 05:00 UTC to Monday 16 November 05:00; then a usual Monday and Tuesday.
  await db.trafficRollup.createMany({ data: shift({ from: "2026-11-02T00:00:00Z", until: "2026-11-17T14:00:00Z" }) });
  await db.trafficRollup.createMany({
    data: [
      rollup({ hour: "2026-11-17T14", calls: 200 }),
      rollup({ hour: "2026-11-17T15", calls: 32 }),
      rollup({ hour: "2026-11-17T11", calls: 4, model: "gpt-5" }),
      rollup({ hour: "2026-11-17T12", calls: 5, conduit: pilot, outcome: "refused", code: "model_not_allowed", model: "gemini-3-pro" }),
    ],
  });
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

describe("detectAnomalies", () => {
  const now = new Date("2026-11-17T15:30:00Z");

  it("creates one open row per finding, with its conduit, device, destination and reason", async () => {
    const run = await detectAnomalies({ db: database.db, now });
    const rows = await database.db.anomaly.findMany({ orderBy: [{ kind: "asc" }, { subject: "asc" }] });
    expect(rows.map((r) => [r.kind, r.subject])).toEqual([
      ["credential_expiring", credentialId],
      ["new_model", `${copilot} new_model gpt-5`],
      ["refusals", `${pilot} refusals aug-wi-copilot model_not_allowed`],
      ["review_overdue", `${pilot} review_overdue 2026-11-17T09:00:00.000Z`],
      ["volume_spike", `${copilot} volume_spike 2026-11-17T14`],
    ]);
    expect(run).toMatchObject({ findings: 5, created: 5, updated: 0 });
    expect(run.periods).toEqual([
      { conduit: copilot, from: new Date("2026-11-02T05:00:00Z"), until: new Date("2026-11-16T05:00:00Z"), learning: false },
      { conduit: pilot, from: new Date("2026-11-16T08:00:00Z"), until: new Date("2026-11-30T08:00:00Z"), learning: true },
    ]);
    expect(rows.every((r) => r.status === "open" && r.note === "" && r.reason !== "")).toBe(true);

    const spike = await anomaly("volume_spike", `${copilot} volume_spike 2026-11-17T14`);
    expect(spike).toMatchObject({ conduit: copilot, deviceId, destinationId, count: 200 });
    expect(spike.reason).toBe(
      "200 calls in the hour from 15:00 Europe/Berlin on Tuesday 2026-11-17; this conduit's usual Tuesday 15:00 is 32 ± 0 (learned 2026-11-02 to 2026-11-16), so more than 96 is a spike.",
    );
    expect(await anomaly("refusals", `${pilot} refusals aug-wi-copilot model_not_allowed`)).toMatchObject({ conduit: pilot, count: 5, deviceId, lastSeenAt: new Date("2026-11-17T12:58:00Z") });
    expect(await anomaly("credential_expiring", credentialId)).toMatchObject({ conduit: null, deviceId, destinationId: null, count: 1 });
  });

  it("counts on the same rows when run again, and leaves an acknowledged anomaly acknowledged with its note", async () => {
    const { db } = database;
    const acknowledged = await db.anomaly.update({
      where: { kind_subject: { kind: "new_model", subject: `${copilot} new_model gpt-5` } },
      data: { status: "acknowledged", note: "gpt-5 trial agreed with the plant manager", acknowledgedAt: now },
    });
    expect(acknowledged.count).toBe(4);

    // Nothing new: nothing to write.
    expect(await detectAnomalies({ db, now })).toMatchObject({ findings: 5, created: 0, updated: 0 });

    await db.trafficRollup.createMany({ data: [rollup({ hour: "2026-11-17T15", calls: 3, model: "gpt-5" })] });
    // Two more refusals in the same hour, added to its row as the indexer adds them.
    await db.trafficRollup.updateMany({ where: { hour: "2026-11-17T12", conduit: pilot, outcome: "refused" }, data: { calls: { increment: 2 }, lastAt: "2026-11-17T12:59:00.000Z" } });
    const later = new Date(now.getTime() + 15 * 60_000);
    expect(await detectAnomalies({ db, now: later })).toMatchObject({ findings: 5, created: 0 });
    expect(await db.anomaly.count()).toBe(5);

    const model = await anomaly("new_model", `${copilot} new_model gpt-5`);
    expect(model).toMatchObject({ status: "acknowledged", note: "gpt-5 trial agreed with the plant manager", count: 7, lastSeenAt: new Date("2026-11-17T15:58:00Z"), firstSeenAt: new Date("2026-11-17T11:02:00Z") });
    expect(model.acknowledgedAt).toEqual(now);
    expect(await anomaly("refusals", `${pilot} refusals aug-wi-copilot model_not_allowed`)).toMatchObject({ status: "open", count: 7, lastSeenAt: new Date("2026-11-17T12:59:00.000Z") });
  });

  it("keeps counting calls that have left the hours it reads", async () => {
    const { db } = database;
    await db.trafficRollup.createMany({ data: [...shift({ from: "2026-11-17T16:00:00Z", until: "2026-11-19T12:00:00Z" }), rollup({ hour: "2026-11-19T10", calls: 2, model: "gpt-5" })] });
    // Reads from 18 November 00:00: the 7 calls of the 17th are known only to the row.
    await detectAnomalies({ db, now: new Date("2026-11-19T12:10:00Z"), lookbackHours: 24 });
    expect(await anomaly("new_model", `${copilot} new_model gpt-5`)).toMatchObject({ status: "acknowledged", count: 9 });
    await detectAnomalies({ db, now: new Date("2026-11-19T12:20:00Z"), lookbackHours: 24 });
    expect((await anomaly("new_model", `${copilot} new_model gpt-5`)).count).toBe(9);
  });
});
