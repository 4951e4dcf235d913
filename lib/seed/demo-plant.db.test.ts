import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { getIncidentView } from "@/lib/incidents/incident-view";
import { conduitState } from "@/lib/inventory/conduit-state";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { formatDemoLogins, isEmptyDatabase, seedDemoPlant, type DemoLogin } from "@/lib/seed/demo-plant";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { writeProviderSchema } from "@/scripts/prisma";

let t: TestDatabase;
let logins: DemoLogin[];
let store: LedgerStore;
let writer: LogWriter;
const now = new Date("2026-11-26T10:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  store = openLedgerStore({ provider: t.provider, url: t.url });
  writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "app-seed", name: "app", writer: "app" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
  expect(await isEmptyDatabase({ db: t.db })).toBe(true);
  logins = await seedDemoPlant({ db: t.db, record: (input) => writer.append(input), now });
});
afterAll(async () => {
  await writer?.close();
  await store?.close();
  await t?.drop();
});

describe("migrations", () => {
  it("bring the database exactly to the schema in prisma/schema.prisma (no migration missing)", () => {
    const schema = writeProviderSchema(t.provider);
    const result = spawnSync(
      path.resolve("node_modules/.bin/prisma"),
      ["migrate", "diff", "--from-config-datasource", "--to-schema", schema, "--exit-code"],
      { env: { ...process.env, DATABASE_URL: t.url }, encoding: "utf8" },
    );
    // --exit-code: 0 = no difference, 2 = the migrations lag behind the schema.
    expect(result.stdout + result.stderr).not.toMatch(/\[\+\]|\[-\]|\[\*\]/);
    expect(result.status).toBe(0);
  });
});

describe("demo plant seed", () => {
  it("creates two plants in two Member States with their own time zones", async () => {
    const plants = await t.db.plant.findMany({ orderBy: { slug: "asc" } });
    expect(plants.map((p) => [p.memberState, p.timeZone])).toEqual([
      ["DE", "Europe/Berlin"],
      ["PT", "Europe/Lisbon"],
    ]);
  });

  it("creates zones at Purdue L1 to L4, an industrial DMZ and external AI zones", async () => {
    const zones = await t.db.zone.findMany();
    const levels = new Set(zones.map((z) => z.purdueLevel));
    for (const level of ["L1", "L2", "L3", "L3_5", "L4", "EXTERNAL"]) expect(levels).toContain(level);
    expect(zones.filter((z) => z.kind === "EXTERNAL_AI" && z.plantId === null).length).toBeGreaterThanOrEqual(3);
    for (const z of zones) expect(z.slTarget).toBeGreaterThanOrEqual(1);
  });

  it("covers the five AI workloads with devices on workstations", async () => {
    const devices = await t.db.device.findMany();
    expect(new Set(devices.map((d) => d.workload))).toEqual(
      new Set(["PREDICTIVE_MAINTENANCE", "ANOMALY_DETECTION", "QUALITY_INSPECTION", "WORK_INSTRUCTION_COPILOT", "SCHEDULING"]),
    );
    expect(devices.every((d) => d.workstationId)).toBe(true);
  });

  it("has OpenAI-compatible, Anthropic, Azure OpenAI, Gemini and an on-premises vision destination", async () => {
    const destinations = await t.db.aiDestination.findMany({ include: { zone: true } });
    expect(new Set(destinations.map((d) => d.provider))).toEqual(
      new Set(["OPENAI_COMPATIBLE", "ANTHROPIC", "AZURE_OPENAI", "GEMINI", "GENERIC_INFERENCE"]),
    );
    const vision = destinations.find((d) => d.provider === "GENERIC_INFERENCE");
    expect(vision?.zone.kind).toBe("OT");
  });

  it("without the demo provider, leaves the destinations at their providers' addresses and without keys", async () => {
    const destinations = await t.db.aiDestination.findMany({ select: { baseUrl: true, apiKeyHint: true } });
    expect(destinations.every((d) => !d.baseUrl.includes("_demo-provider") && d.apiKeyHint === null)).toBe(true);
  });

  it("has a Gemini pilot conduit that flags rather than blocks calls above INTERNAL", async () => {
    const pilot = await t.db.conduit.findUniqueOrThrow({ where: { slug: "aug-l3-to-gemini-anomaly" }, include: { destination: true } });
    expect([pilot.destination.provider, pilot.maxDataClass, pilot.overLimitAction]).toEqual(["GEMINI", "INTERNAL", "FLAG"]);
  });

  it("has conduits, exactly one of them expired", async () => {
    const conduits = await t.db.conduit.findMany();
    const states = conduits.map((c) => conduitState({ status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, now }));
    expect(states.filter((s) => s === "expired")).toHaveLength(1);
    expect(states.filter((s) => s === "in_force").length).toBeGreaterThanOrEqual(4);
  });

  it("creates one user per role with a random password stored only as a scrypt hash", async () => {
    expect(logins.map((l) => l.role)).toEqual(["ADMIN", "COMPLIANCE_OFFICER", "CISO", "AUDITOR", "OPERATOR"]);
    for (const login of logins) {
      const user = await t.db.user.findUniqueOrThrow({ where: { email: login.email }, omit: { passwordHash: false } });
      expect(user.role).toBe(login.role);
      expect(user.passwordHash).not.toContain(login.password);
      expect(await verifyPassword({ password: login.password, hash: user.passwordHash ?? "" })).toBe(true);
    }
    expect(new Set(logins.map((l) => l.password)).size).toBe(5);
    expect(formatDemoLogins(logins)).toContain(logins[3]?.password);
  });

  it("prints the operator's sign-in with the others, in the line format e2e/support.ts reads", () => {
    const operator = logins.find((l) => l.role === "OPERATOR");
    expect(operator?.email).toBe("operator@nordwerk.example");
    const line = formatDemoLogins(logins).split("\n").find((l) => l.includes("operator@nordwerk.example"));
    expect(line?.startsWith("  ")).toBe(true);
    expect(line?.trim().split(/\s+/)).toEqual(["OPERATOR", "operator@nordwerk.example", operator?.password]);
  });

  it("opens two NIS2 incidents: one with the notification sent and the final report pending, one awaiting its early warning", async () => {
    const incidents = await t.db.incident.findMany({ orderBy: { reference: "asc" } });
    expect(incidents.map((i) => [i.reference, i.memberState, i.status])).toEqual([
      ["INC-2026-001", "DE", "CONTAINED"],
      ["INC-2026-002", "PT", "OPEN"],
    ]);
    const [notified, fresh] = await Promise.all(incidents.map((i) => getIncidentView({ db: t.db, incidentId: i.id, now })));
    const statusOf = (view: typeof notified, stage: string) => view?.deadlines.find((d) => d.stage === stage);
    expect(statusOf(notified, "EARLY_WARNING")?.status).toBe("met");
    expect(statusOf(notified, "NOTIFICATION")?.status).toBe("met");
    expect(statusOf(notified, "FINAL")).toMatchObject({ status: "upcoming", provisional: false });
    expect(notified?.timeline.some((e) => e.title.startsWith("CSIRT reply from CERT-Bund"))).toBe(true);
    expect(notified?.evidence.map((e) => e.kind).sort()).toEqual(["CONDUIT", "SUPPLIER"]);
    expect(statusOf(fresh, "EARLY_WARNING")).toMatchObject({ status: "upcoming", submittedAt: null });
    expect(statusOf(fresh, "EARLY_WARNING")?.dueAt?.iso).toBe(new Date(now.getTime() + 19 * 3600_000).toISOString());
  });

  it("records every incident step in the ledger, which verifies", async () => {
    const submissions = await t.db.auditRecord.findMany({ where: { kind: "report_submission" } });
    const reports = await t.db.incidentReport.findMany();
    expect(submissions.map((r) => r.id).sort()).toEqual(reports.map((r) => r.ledgerRecordId).sort());
    await writer.checkpoint();
    expect((await verifyLedger({ store })).ok).toBe(true);
  });

  it("is not run again once the database holds data", async () => {
    expect(await isEmptyDatabase({ db: t.db })).toBe(false);
  });

  it("never returns secret columns unless asked by name", async () => {
    const user = await t.db.user.findFirstOrThrow();
    expect(user).not.toHaveProperty("passwordHash");
    const destination = await t.db.aiDestination.findFirstOrThrow();
    expect(destination).not.toHaveProperty("apiKeyCiphertext");
  });
});
