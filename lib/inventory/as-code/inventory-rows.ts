// The database side of inventory as code: which columns an inventory file governs, how
// they are read, and how they read back as a file (export, and the planner's "before").
import type { AiDestination, ClassificationRule, Conduit, Db, Device, Plant, Workstation, Zone } from "@/lib/db";
import {
  classificationRuleKey,
  inventoryFileVersion,
  workstationKey,
  type ClassificationRuleEntry,
  type ConduitEntry,
  type DestinationEntry,
  type DeviceEntry,
  type InventoryFile,
  type PlantEntry,
  type WorkstationEntry,
  type ZoneEntry,
} from "@/lib/inventory/as-code/format";

type Timestamps = "createdAt" | "updatedAt";

/**
 * The columns an inventory file governs, per entity, with their database ids: what a
 * change writes and what its ledger state hashes cover. Provider keys and conduit
 * approvals are kept in the application, not in the file.
 */
export interface InventoryRows {
  Plant: Omit<Plant, Timestamps>;
  Zone: Omit<Zone, Timestamps>;
  Workstation: Omit<Workstation, Timestamps>;
  AiDestination: Omit<AiDestination, Timestamps | "apiKeyCiphertext" | "apiKeyHint">;
  Device: Omit<Device, Timestamps>;
  Conduit: Omit<Conduit, Timestamps | "approvedById" | "approvedAt" | "statusReason">;
  ClassificationRule: Omit<ClassificationRule, Timestamps>;
}

export type EntityType = keyof InventoryRows;

/** Dependency order: every entity comes after the entities it references. */
export const entityTypes = ["Plant", "Zone", "Workstation", "AiDestination", "Device", "Conduit", "ClassificationRule"] as const satisfies readonly EntityType[];

// Listing every column makes a column added to prisma/schema.prisma a compile error here
// until the file format decides about it.
export const governedColumns = {
  Plant: { id: true, slug: true, name: true, operator: true, city: true, memberState: true, timeZone: true, entityCategory: true },
  Zone: { id: true, slug: true, name: true, description: true, kind: true, purdueLevel: true, slTarget: true, slAchieved: true, plantId: true },
  Workstation: { id: true, name: true, hostname: true, ipAddress: true, description: true, plantId: true, zoneId: true },
  AiDestination: { id: true, slug: true, name: true, provider: true, baseUrl: true, region: true, zoneId: true, supplierId: true },
  Device: {
    id: true,
    slug: true,
    name: true,
    workload: true,
    application: true,
    vendor: true,
    defaultPurpose: true,
    mayAssertOperator: true,
    status: true,
    plantId: true,
    zoneId: true,
    workstationId: true,
  },
  Conduit: {
    id: true,
    slug: true,
    name: true,
    justification: true,
    status: true,
    validFrom: true,
    validUntil: true,
    reviewDueAt: true,
    allowedPurposes: true,
    allowedModels: true,
    allowedEndpoints: true,
    maxDataClass: true,
    overLimitAction: true,
    failMode: true,
    slTarget: true,
    sourceZoneId: true,
    destinationId: true,
  },
  ClassificationRule: { id: true, plantId: true, label: true, level: true, pattern: true, flags: true, terms: true, description: true },
} as const satisfies { [T in EntityType]: Record<keyof InventoryRows[T], true> };

export type RowsByType = { [T in EntityType]: InventoryRows[T][] };

export interface InventorySnapshot {
  rows: RowsByType;
  /** Supplier slugs by id: destinations name their supplier, the file does not hold suppliers. */
  suppliers: Map<string, string>;
}

export async function readInventorySnapshot(options: { db: Db }): Promise<InventorySnapshot> {
  const { db } = options;
  const [Plant, Zone, Workstation, AiDestination, Device, Conduit, ClassificationRule, suppliers] = await Promise.all([
    db.plant.findMany({ select: governedColumns.Plant }),
    db.zone.findMany({ select: governedColumns.Zone }),
    db.workstation.findMany({ select: governedColumns.Workstation }),
    db.aiDestination.findMany({ select: governedColumns.AiDestination }),
    db.device.findMany({ select: governedColumns.Device }),
    db.conduit.findMany({ select: governedColumns.Conduit }),
    db.classificationRule.findMany({ select: governedColumns.ClassificationRule }),
    db.supplier.findMany({ select: { id: true, slug: true } }),
  ]);
  return {
    rows: { Plant, Zone, Workstation, AiDestination, Device, Conduit, ClassificationRule },
    suppliers: new Map(suppliers.map((s) => [s.id, s.slug])),
  };
}

/** A conduit's policy list or a rule's terms, stored as JSON text. */
function policyList(text: string, what: string): string[] {
  const list: unknown = JSON.parse(text);
  if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) throw new Error(`${what} is not a JSON array of strings`);
  return list;
}

/** The file entry each entity type reads as. */
export interface InventoryEntries {
  Plant: PlantEntry;
  Zone: ZoneEntry;
  Workstation: WorkstationEntry;
  AiDestination: DestinationEntry;
  Device: DeviceEntry;
  Conduit: ConduitEntry;
  ClassificationRule: ClassificationRuleEntry;
}

export type DescribedRows = { [T in EntityType]: { row: InventoryRows[T]; entry: InventoryEntries[T] }[] };

/** Each row with the file entry it reads as (references by slug, instants as ISO text). */
export function describeRows(snapshot: InventorySnapshot): DescribedRows {
  const { rows, suppliers } = snapshot;
  const slugOf = (ids: Map<string, string>, id: string) => {
    const slug = ids.get(id);
    if (slug === undefined) throw new Error(`inventory row references ${id}, which was not read`);
    return slug;
  };
  const plants = new Map(rows.Plant.map((p) => [p.id, p.slug]));
  const zones = new Map(rows.Zone.map((z) => [z.id, z.slug]));
  const hostnames = new Map(rows.Workstation.map((w) => [w.id, w.hostname]));
  const destinations = new Map(rows.AiDestination.map((d) => [d.id, d.slug]));
  const pair = <R, E>(list: R[], entryOf: (row: R) => E) => list.map((row) => ({ row, entry: entryOf(row) }));

  return {
    Plant: pair(rows.Plant, (p) => ({
      slug: p.slug,
      name: p.name,
      operator: p.operator,
      city: p.city,
      memberState: p.memberState,
      timeZone: p.timeZone,
      entityCategory: p.entityCategory,
    })),
    Zone: pair(rows.Zone, (z) => ({
      slug: z.slug,
      name: z.name,
      description: z.description,
      kind: z.kind,
      purdueLevel: z.purdueLevel,
      slTarget: z.slTarget,
      slAchieved: z.slAchieved,
      plant: z.plantId === null ? null : slugOf(plants, z.plantId),
    })),
    Workstation: pair(rows.Workstation, (w) => ({
      plant: slugOf(plants, w.plantId),
      hostname: w.hostname,
      name: w.name,
      ipAddress: w.ipAddress,
      description: w.description,
      zone: slugOf(zones, w.zoneId),
    })),
    AiDestination: pair(rows.AiDestination, (d) => ({
      slug: d.slug,
      name: d.name,
      provider: d.provider,
      baseUrl: d.baseUrl,
      region: d.region,
      zone: slugOf(zones, d.zoneId),
      supplier: d.supplierId === null ? null : slugOf(suppliers, d.supplierId),
    })),
    Device: pair(rows.Device, (d) => ({
      slug: d.slug,
      name: d.name,
      workload: d.workload,
      application: d.application,
      vendor: d.vendor,
      defaultPurpose: d.defaultPurpose,
      mayAssertOperator: d.mayAssertOperator,
      status: d.status,
      zone: slugOf(zones, d.zoneId),
      workstation: d.workstationId === null ? null : slugOf(hostnames, d.workstationId),
    })),
    Conduit: pair(rows.Conduit, (c) => ({
      slug: c.slug,
      name: c.name,
      justification: c.justification,
      status: c.status,
      sourceZone: slugOf(zones, c.sourceZoneId),
      destination: slugOf(destinations, c.destinationId),
      validFrom: c.validFrom.toISOString(),
      validUntil: c.validUntil?.toISOString() ?? null,
      reviewDue: c.reviewDueAt?.toISOString() ?? null,
      allowedPurposes: policyList(c.allowedPurposes, `conduit ${c.slug} allowedPurposes`),
      allowedModels: policyList(c.allowedModels, `conduit ${c.slug} allowedModels`),
      allowedEndpoints: policyList(c.allowedEndpoints, `conduit ${c.slug} allowedEndpoints`),
      maxDataClass: c.maxDataClass,
      overLimitAction: c.overLimitAction,
      failMode: c.failMode,
      slTarget: c.slTarget,
    })),
    ClassificationRule: pair(rows.ClassificationRule, (r) => ({
      plant: slugOf(plants, r.plantId),
      label: r.label,
      level: r.level,
      pattern: r.pattern,
      flags: r.flags,
      terms: policyList(r.terms, `classification rule ${r.label} terms`),
      description: r.description,
    })),
  };
}

const purdueOrder = ["L0", "L1", "L2", "L3", "L3_5", "L4", "EXTERNAL"];
// Code-unit order, not the locale's: the same export on every machine.
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const bySlug = (a: { slug: string }, b: { slug: string }) => compareText(a.slug, b.slug);

/**
 * The inventory as a file, in a stable order (each plant's zones from the field level
 * up, external AI zones last) so that two exports of one inventory are identical.
 */
export function inventoryFileOf(snapshot: InventorySnapshot): InventoryFile {
  const described = describeRows(snapshot);
  const entries = <T extends EntityType>(type: T) => described[type].map((d) => d.entry);
  return {
    version: inventoryFileVersion,
    plants: entries("Plant").sort(bySlug),
    zones: entries("Zone").sort(
      (a, b) =>
        Number(a.plant === null) - Number(b.plant === null) ||
        compareText(a.plant ?? "", b.plant ?? "") ||
        purdueOrder.indexOf(a.purdueLevel) - purdueOrder.indexOf(b.purdueLevel) ||
        bySlug(a, b),
    ),
    workstations: entries("Workstation").sort((a, b) => compareText(workstationKey(a), workstationKey(b))),
    devices: entries("Device").sort(bySlug),
    destinations: entries("AiDestination").sort(bySlug),
    conduits: entries("Conduit").sort(bySlug),
    classificationRules: entries("ClassificationRule").sort((a, b) => compareText(classificationRuleKey(a), classificationRuleKey(b))),
  };
}
