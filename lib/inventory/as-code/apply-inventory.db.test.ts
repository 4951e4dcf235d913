import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { applyInventoryPlan } from "@/lib/inventory/as-code/apply-inventory";
import { exportInventory } from "@/lib/inventory/as-code/export-inventory";
import { classificationRuleKey, type InventoryFile } from "@/lib/inventory/as-code/format";
import { inventoryActor } from "@/lib/inventory/as-code/inventory-actor";
import { governedColumns } from "@/lib/inventory/as-code/inventory-rows";
import { parseInventoryFile } from "@/lib/inventory/as-code/parse-inventory-file";
import { formatPlan, planInventory } from "@/lib/inventory/as-code/plan-inventory";
import { stateHash } from "@/lib/ledger/admin-change";
import { LogWriter } from "@/lib/ledger/log-writer";
import { loadInventorySnapshot } from "@/proxy/inventory";
import { parseEnvelope } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { startRecordedDemo, type RecordedDemo } from "@/lib/testing/recorded-demo";
import type { TestDatabase } from "@/lib/testing/test-database";

let demo: RecordedDemo;
let t: TestDatabase;
let store: LedgerStore;
let writer: LogWriter;
let record: LogWriter["append"];
let admin: SessionUser;

beforeAll(async () => {
  demo = await startRecordedDemo({ logId: "app-inventory", now: new Date("2026-11-26T10:00:00Z") });
  ({ database: t, store, writer, record } = demo);
  admin = await inventoryActor({ db: t.db, email: "admin@nordwerk.example" });
});
afterAll(() => demo?.close());

/** The current inventory, exported and read back as a file. */
async function exported(): Promise<InventoryFile> {
  return parseInventoryFile({ text: await exportInventory({ db: t.db, format: "yaml" }), source: "export.yaml" });
}

async function recordsSince(size: number) {
  const rows = await store.readRecords({ logId: writer.logId, fromSeq: size, limit: 1000 });
  return rows.map((row) => {
    const envelope = parseEnvelope(row.envelope)!;
    return { kind: envelope.kind, body: envelope.body as Record<string, unknown> };
  });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => {
      if (!(error instanceof AppError)) throw error;
      return { code: error.code, message: error.message };
    },
  );

const counts = async () => ({
  plants: await t.db.plant.count(),
  zones: await t.db.zone.count(),
  workstations: await t.db.workstation.count(),
  devices: await t.db.device.count(),
  destinations: await t.db.aiDestination.count(),
  conduits: await t.db.conduit.count(),
  classificationRules: await t.db.classificationRule.count(),
});

describe("export", () => {
  it("writes the whole inventory, the same way every time, without secrets", async () => {
    await t.db.aiDestination.update({ where: { slug: "openai-eu" }, data: { apiKeyCiphertext: "v1:ciphertext-of-the-key", apiKeyHint: "x7Qa" } });
    const yaml = await exportInventory({ db: t.db, format: "yaml" });
    expect(await exportInventory({ db: t.db, format: "yaml" })).toBe(yaml);
    expect(yaml).not.toMatch(/ciphertext|x7Qa|apiKey/);
    const file = await exported();
    const n = await counts();
    expect([file.plants, file.zones, file.workstations, file.devices, file.destinations, file.conduits].map((s) => s.length)).toEqual([
      n.plants,
      n.zones,
      n.workstations,
      n.devices,
      n.destinations,
      n.conduits,
    ]);
    expect(JSON.parse(await exportInventory({ db: t.db, format: "json" }))).toEqual(file);
  });

  it("applied back, changes nothing and records nothing", async () => {
    const size = writer.size;
    const plan = await planInventory({ db: t.db, file: await exported(), prune: true });
    expect(plan.changes).toEqual([]);
    expect(plan.unchanged).toBe(Object.values(await counts()).reduce((a, b) => a + b, 0));
    expect(formatPlan({ plan })).toMatch(/0 to create, 0 to update, 0 to delete, \d+ unchanged/);
    expect(await applyInventoryPlan({ db: t.db, record, actor: admin, plan })).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(writer.size).toBe(size);
  });
});

describe("apply", () => {
  it("creates and updates in one go, each change recorded with the hashes of its state before and after", async () => {
    const file = await exported();
    file.zones.push({ slug: "augsburg-l0-process", name: "Augsburg L0 process", description: "", kind: "OT", purdueLevel: "L0", slTarget: 3, slAchieved: null, plant: "augsburg" });
    file.workstations.push({ plant: "augsburg", hostname: "aug-l0-gw01", name: "Sensor gateway", ipAddress: "10.10.0.5", description: "", zone: "augsburg-l0-process" });
    file.devices.push({
      slug: "aug-vibration-gw",
      name: "Vibration sensor gateway",
      workload: "ANOMALY_DETECTION",
      application: "VibeSense 2",
      vendor: "",
      defaultPurpose: "anomaly-triage",
      mayAssertOperator: false,
      status: "ACTIVE",
      zone: "augsburg-l0-process",
      workstation: "aug-l0-gw01",
    });
    const conduit = file.conduits.find((c) => c.slug === "aug-l3-to-openai-eu")!;
    const before = await t.db.conduit.findUniqueOrThrow({ where: { slug: conduit.slug }, select: governedColumns.Conduit });
    conduit.maxDataClass = "INTERNAL";
    conduit.allowedModels = ["gpt-4.1-mini"];

    const plan = await planInventory({ db: t.db, file, prune: false });
    expect(plan.changes.map((c) => [c.action, c.type, c.key])).toEqual([
      ["create", "Zone", "augsburg-l0-process"],
      ["create", "Workstation", "augsburg/aug-l0-gw01"],
      ["create", "Device", "aug-vibration-gw"],
      ["update", "Conduit", "aug-l3-to-openai-eu"],
    ]);
    expect(formatPlan({ plan })).toContain(
      [
        "~ update conduit aug-l3-to-openai-eu",
        '    allowedModels: ["gpt-4.1-mini","text-embedding-3-small"] -> ["gpt-4.1-mini"]',
        '    maxDataClass: "CONFIDENTIAL" -> "INTERNAL"',
      ].join("\n"),
    );

    const size = writer.size;
    expect(await applyInventoryPlan({ db: t.db, record, actor: admin, plan })).toEqual({ created: 3, updated: 1, deleted: 0 });

    const device = await t.db.device.findUniqueOrThrow({ where: { slug: "aug-vibration-gw" }, include: { zone: true, workstation: true, plant: true } });
    expect([device.plant.slug, device.zone.slug, device.workstation?.hostname]).toEqual(["augsburg", "augsburg-l0-process", "aug-l0-gw01"]);
    const after = await t.db.conduit.findUniqueOrThrow({ where: { slug: conduit.slug }, select: governedColumns.Conduit });
    expect([after.maxDataClass, after.allowedModels]).toEqual(["INTERNAL", '["gpt-4.1-mini"]']);

    const records = await recordsSince(size);
    expect(records).toHaveLength(4);
    expect(records.every((r) => r.kind === "admin_change")).toBe(true);
    expect(records[2]?.body).toEqual({
      actor: { userId: admin.id, email: admin.email, role: "ADMIN" },
      entity: { type: "Device", id: device.id },
      action: "create",
      before: null,
      after: stateHash(await t.db.device.findUniqueOrThrow({ where: { id: device.id }, select: governedColumns.Device })),
      summary: "inventory file: create device aug-vibration-gw",
    });
    expect(records[3]?.body).toMatchObject({
      entity: { type: "Conduit", id: before.id },
      action: "update",
      before: stateHash(before),
      after: stateHash(after),
      summary: "inventory file: update conduit aug-l3-to-openai-eu (allowedModels, maxDataClass)",
    });

    // Applied again, the same file is a no-op.
    expect((await planInventory({ db: t.db, file, prune: false })).changes).toEqual([]);
  });

  it("leaves entities missing from the file alone, and deletes them with prune", async () => {
    const file = await exported();
    file.devices = file.devices.filter((d) => d.slug !== "aug-vibration-gw");
    file.workstations = file.workstations.filter((w) => w.hostname !== "aug-l0-gw01");
    expect((await planInventory({ db: t.db, file, prune: false })).changes).toEqual([]);

    const plan = await planInventory({ db: t.db, file, prune: true });
    expect(plan.changes.map((c) => [c.action, c.type, c.key])).toEqual([
      ["delete", "Device", "aug-vibration-gw"],
      ["delete", "Workstation", "augsburg/aug-l0-gw01"],
    ]);
    const device = await t.db.device.findUniqueOrThrow({ where: { slug: "aug-vibration-gw" }, select: governedColumns.Device });
    const size = writer.size;
    await applyInventoryPlan({ db: t.db, record, actor: admin, plan });
    expect(await t.db.device.findUnique({ where: { slug: "aug-vibration-gw" } })).toBeNull();
    expect((await recordsSince(size))[0]?.body).toMatchObject({ entity: { type: "Device", id: device.id }, action: "delete", before: stateHash(device), after: null });
  });

  it("applies a plant's classification rules, which the proxy's classifier then counts for that plant only", async () => {
    const file = await exported();
    // The demo plant's Augsburg rules are in the export; Aveiro gets its own.
    expect(file.classificationRules.map((r) => classificationRuleKey(r))).toEqual(["augsburg/alloy_recipe", "augsburg/customer_name"]);
    file.classificationRules.push(
      { plant: "aveiro", label: "customer_name", level: "CONFIDENTIAL", pattern: null, flags: "", terms: ["Autoeuropa"], description: "Key accounts" },
      { plant: "aveiro", label: "melt_recipe", level: "RESTRICTED", pattern: "\\bliga\\s+\\d{3}\\b", flags: "i", terms: [], description: "" },
    );
    const plan = await planInventory({ db: t.db, file, prune: false });
    expect(plan.changes.map((c) => [c.action, c.type, c.key])).toEqual([
      ["create", "ClassificationRule", "aveiro/customer_name"],
      ["create", "ClassificationRule", "aveiro/melt_recipe"],
    ]);
    const size = writer.size;
    await applyInventoryPlan({ db: t.db, record, actor: admin, plan });
    expect((await recordsSince(size)).map((r) => [r.kind, (r.body.entity as { type: string }).type, r.body.action])).toEqual([
      ["admin_change", "ClassificationRule", "create"],
      ["admin_change", "ClassificationRule", "create"],
    ]);
    expect((await exported()).classificationRules.map((r) => classificationRuleKey(r))).toEqual(["augsburg/alloy_recipe", "augsburg/customer_name", "aveiro/customer_name", "aveiro/melt_recipe"]);

    // A cipher that cannot decrypt: this test forwards nothing.
    const snapshot = await loadInventorySnapshot({
      db: t.db,
      cipher: {
        encrypt: () => "",
        decrypt: () => {
          throw new Error("not here");
        },
      },
    });
    const [augsburg, aveiro] = await Promise.all(["augsburg", "aveiro"].map((slug) => t.db.plant.findUniqueOrThrow({ where: { slug } })));
    const parts = [{ kind: "text" as const, text: "Autoeuropa reports porosity in Liga 226 housings; ZF Friedrichshafen saw it in AlSi9Cu3 too." }];
    expect(snapshot.classifiers.get(aveiro!.id)!.classify({ parts })).toMatchObject({ level: "RESTRICTED", labels: { customer_name: 1, melt_recipe: 1 } });
    expect(snapshot.classifiers.get(augsburg!.id)!.classify({ parts })).toMatchObject({ level: "RESTRICTED", labels: { customer_name: 1, alloy_recipe: 1 } });

    // Pruned with a file that no longer lists them.
    const file2 = await exported();
    const pruned = await planInventory({ db: t.db, file: { ...file2, classificationRules: file2.classificationRules.filter((r) => r.plant !== "aveiro") }, prune: true });
    expect(pruned.changes.map((c) => [c.action, c.key])).toEqual([
      ["delete", "aveiro/customer_name"],
      ["delete", "aveiro/melt_recipe"],
    ]);
    await applyInventoryPlan({ db: t.db, record, actor: admin, plan: pruned });
    expect(await t.db.classificationRule.count()).toBe(2);
  });

  it("refuses to prune what other records still need, and changes and records nothing", async () => {
    const device = await t.db.device.findUniqueOrThrow({ where: { slug: "aug-wi-copilot" } });
    await t.db.deviceCredential.create({ data: { label: "shift terminal", tokenPrefix: "cl_dev_ab12", tokenHash: "f".repeat(64), deviceId: device.id } });

    const file = await exported();
    file.devices = file.devices.filter((d) => d.slug !== "aug-wi-copilot");
    // Without its plant, and everything in the plant.
    const aveiroZones = new Set(file.zones.filter((z) => z.plant === "aveiro").map((z) => z.slug));
    file.plants = file.plants.filter((p) => p.slug !== "aveiro");
    file.zones = file.zones.filter((z) => !aveiroZones.has(z.slug));
    file.workstations = file.workstations.filter((w) => w.plant !== "aveiro");
    file.devices = file.devices.filter((d) => !aveiroZones.has(d.zone));
    file.conduits = file.conduits.filter((c) => !aveiroZones.has(c.sourceZone));
    file.conduits[0]!.name = "Renamed in the same file";

    const [size, before] = [writer.size, await counts()];
    const refused = await failure(planInventory({ db: t.db, file, prune: true }));
    expect(refused).toEqual({
      code: "conflict",
      message: [
        "Pruning would delete what must stay:",
        '  device "aug-wi-copilot" has 1 device credential(s) in its history; keep it in the file with status: DISABLED instead',
        '  plant "aveiro" is named in 1 incident(s); it stays as long as they refer to it',
      ].join("\n"),
    });
    expect(await counts()).toEqual(before);
    expect(writer.size).toBe(size);
    expect((await planInventory({ db: t.db, file: await exported(), prune: true })).changes).toEqual([]);
  });

  it("applies nothing when an entity changed after the plan was made", async () => {
    const file = await exported();
    file.plants.push({ slug: "bremen", name: "Bremen Assembly Plant", operator: "Nordwerk Antriebstechnik GmbH", city: "Bremen", memberState: "DE", timeZone: "Europe/Berlin", entityCategory: "ESSENTIAL" });
    file.zones.push({ slug: "bremen-l3", name: "Bremen L3", description: "", kind: "OT", purdueLevel: "L3", slTarget: 2, slAchieved: null, plant: "bremen" });
    const last = file.conduits.at(-1)!;
    last.justification = "Reviewed in the inventory file";
    const plan = await planInventory({ db: t.db, file, prune: false });
    expect(plan.changes.map((c) => c.action)).toEqual(["create", "create", "update"]);

    // Someone edits the conduit between plan and apply.
    await t.db.conduit.update({ where: { slug: last.slug }, data: { name: "Edited in the app meanwhile" } });
    const before = await counts();
    const size = writer.size;
    const refused = await failure(applyInventoryPlan({ db: t.db, record, actor: admin, plan }));
    expect(refused).toEqual({ code: "conflict", message: `conduit "${last.slug}" was changed by someone else after the plan was made; nothing was applied, plan again` });
    // The plant and zone created before the conflict were rolled back with it.
    expect(await counts()).toEqual(before);
    expect(await t.db.plant.findUnique({ where: { slug: "bremen" } })).toBeNull();
    // Record-first: the ledger holds the attempt.
    expect(writer.size).toBe(size + 3);
  });

  it("applies nothing when the database refuses one change", async () => {
    const file = await exported();
    file.zones.push({ slug: "augsburg-l2-annex", name: "Augsburg L2 annex", description: "", kind: "OT", purdueLevel: "L2", slTarget: 2, slAchieved: null, plant: "augsburg" });
    file.destinations.push({ slug: "gemini-eu", name: "Gemini (EU)", provider: "GEMINI", baseUrl: "https://europe-west4-aiplatform.googleapis.com", region: "EU", zone: "ext-openai-eu", supplier: null });
    const plan = await planInventory({ db: t.db, file, prune: false });
    // A destination with the same slug appears before the transaction runs: a unique constraint fails.
    const zone = await t.db.zone.findUniqueOrThrow({ where: { slug: "ext-anthropic" } });
    await t.db.aiDestination.create({ data: { slug: "gemini-eu", name: "Gemini", provider: "GEMINI", baseUrl: "https://example.invalid", zoneId: zone.id } });
    const before = await counts();
    const refused = await failure(applyInventoryPlan({ db: t.db, record, actor: admin, plan }));
    expect(refused.code).toBe("conflict");
    expect(refused.message).toMatch(/^destination "gemini-eu" already exists/);
    expect(await counts()).toEqual(before);
    expect(await t.db.zone.findUnique({ where: { slug: "augsburg-l2-annex" } })).toBeNull();
  });

  it("refuses a destination naming a supplier that is not in the supplier chain", async () => {
    const file = await exported();
    file.destinations[0]!.supplier = "acme-ai";
    const refused = await failure(planInventory({ db: t.db, file, prune: false }));
    expect(refused.code).toBe("validation_failed");
    expect(refused.message).toBe('destinations[0].supplier: no supplier "acme-ai" in the supplier chain; add it in the application first');
  });
});

describe("who may apply", () => {
  it("accepts enabled administrators and compliance officers only", async () => {
    expect((await inventoryActor({ db: t.db, email: "Compliance@Nordwerk.example" })).role).toBe("COMPLIANCE_OFFICER");
    expect(await failure(inventoryActor({ db: t.db, email: "auditor@nordwerk.example" }))).toEqual({
      code: "forbidden",
      message: "auditor@nordwerk.example has the role AUDITOR; only ADMIN and COMPLIANCE_OFFICER may change the inventory.",
    });
    expect((await failure(inventoryActor({ db: t.db, email: "ciso@nordwerk.example" }))).code).toBe("forbidden");
    expect((await failure(inventoryActor({ db: t.db, email: "nobody@nordwerk.example" }))).code).toBe("not_found");
    await t.db.user.update({ where: { email: "compliance@nordwerk.example" }, data: { disabledAt: new Date() } });
    expect(await failure(inventoryActor({ db: t.db, email: "compliance@nordwerk.example" }))).toEqual({ code: "forbidden", message: "The account compliance@nordwerk.example is disabled." });
  });

  it("refuses a plan applied as an auditor before recording anything", async () => {
    const auditor = await t.db.user.findUniqueOrThrow({ where: { email: "auditor@nordwerk.example" } });
    const file = await exported();
    file.plants[0]!.city = "Augsburg-Lechhausen";
    const plan = await planInventory({ db: t.db, file, prune: false });
    const size = writer.size;
    const refused = await failure(applyInventoryPlan({ db: t.db, record, actor: { id: auditor.id, email: auditor.email, name: auditor.name, role: "AUDITOR" }, plan }));
    expect(refused.code).toBe("forbidden");
    expect(writer.size).toBe(size);
    expect((await t.db.plant.findUniqueOrThrow({ where: { slug: file.plants[0]!.slug } })).city).not.toBe("Augsburg-Lechhausen");
  });
});

// Last: it applies the example's dates and texts over the demo plant.
describe("the documented example", () => {
  it("applies to the demo plant, and is a no-op the second time", async () => {
    const file = parseInventoryFile({ text: fs.readFileSync("docs/inventory.example.yaml", "utf8"), source: "docs/inventory.example.yaml" });
    const plan = await planInventory({ db: t.db, file, prune: false });
    expect(plan.changes.filter((c) => c.action === "create")).toEqual([]);
    await applyInventoryPlan({ db: t.db, record, actor: admin, plan });
    expect((await planInventory({ db: t.db, file, prune: false })).changes).toEqual([]);
  });
});
