// What applying an inventory file would change: per entity create, update or unchanged,
// and with `prune` a delete for every entity the file no longer lists. Without `prune`
// entities missing from the file are left alone, so a file can grow from a partial one.
// A delete that would cut a link the file does not govern (a device's credentials, a
// plant's incidents) is refused: disable or retire instead.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { classificationRuleKey, workstationKey, type InventoryFile } from "@/lib/inventory/as-code/format";
import {
  describeRows,
  entityTypes,
  readInventorySnapshot,
  type DescribedRows,
  type EntityType,
  type InventoryEntries,
  type InventoryRows,
} from "@/lib/inventory/as-code/inventory-rows";
import { stateHash } from "@/lib/ledger/admin-change";

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ChangeOf<T extends EntityType> {
  type: T;
  /** The entity's name in the file: its slug, or plant/hostname for a workstation. */
  key: string;
  action: "create" | "update" | "delete";
  /** For an update: what changes, in the file's terms. */
  fields: FieldChange[];
  before: InventoryRows[T] | null;
  after: InventoryRows[T] | null;
}

export type InventoryChange = { [T in EntityType]: ChangeOf<T> }[EntityType];

export interface InventoryPlan {
  /** In the order they are applied: creates and updates referenced-first, then deletes referencing-first. */
  changes: InventoryChange[];
  unchanged: number;
}

/** How each entity type is called in the file. */
export const entityLabels: Record<EntityType, string> = {
  Plant: "plant",
  Zone: "zone",
  Workstation: "workstation",
  AiDestination: "destination",
  Device: "device",
  Conduit: "conduit",
  ClassificationRule: "classification rule",
};

type Sections = { [T in EntityType]: InventoryEntries[T][] };

const sectionsOf = (file: InventoryFile): Sections => ({
  Plant: file.plants,
  Zone: file.zones,
  Workstation: file.workstations,
  AiDestination: file.destinations,
  Device: file.devices,
  Conduit: file.conduits,
  ClassificationRule: file.classificationRules,
});

const keyOf: { [T in EntityType]: (entry: InventoryEntries[T]) => string } = {
  Plant: (e) => e.slug,
  Zone: (e) => e.slug,
  Workstation: workstationKey,
  AiDestination: (e) => e.slug,
  Device: (e) => e.slug,
  Conduit: (e) => e.slug,
  ClassificationRule: classificationRuleKey,
};

type RowBuilders = { [T in EntityType]: (entry: InventoryEntries[T], id: string) => InventoryRows[T] };

/** The rows a file's entries describe, references resolved to database ids (existing or new). */
function rowBuilders(options: { file: InventoryFile; idOf: (type: EntityType, key: string) => string; supplierId: (slug: string) => string }): RowBuilders {
  const { file, idOf } = options;
  const plantOfZone = new Map(file.zones.map((z) => [z.slug, z.plant]));
  const zonePlant = (zone: string) => {
    const plant = plantOfZone.get(zone);
    // checkInventoryFile guarantees a device's zone is a plant zone of the file.
    if (!plant) throw new Error(`zone ${zone} has no plant`);
    return plant;
  };
  return {
    Plant: (e, id) => ({
      id,
      slug: e.slug,
      name: e.name,
      operator: e.operator,
      city: e.city,
      memberState: e.memberState,
      timeZone: e.timeZone,
      entityCategory: e.entityCategory,
    }),
    Zone: (e, id) => ({
      id,
      slug: e.slug,
      name: e.name,
      description: e.description,
      kind: e.kind,
      purdueLevel: e.purdueLevel,
      slTarget: e.slTarget,
      slAchieved: e.slAchieved,
      plantId: e.plant === null ? null : idOf("Plant", e.plant),
    }),
    Workstation: (e, id) => ({
      id,
      name: e.name,
      hostname: e.hostname,
      ipAddress: e.ipAddress,
      description: e.description,
      plantId: idOf("Plant", e.plant),
      zoneId: idOf("Zone", e.zone),
    }),
    AiDestination: (e, id) => ({
      id,
      slug: e.slug,
      name: e.name,
      provider: e.provider,
      baseUrl: e.baseUrl,
      region: e.region,
      zoneId: idOf("Zone", e.zone),
      supplierId: e.supplier === null ? null : options.supplierId(e.supplier),
    }),
    Device: (e, id) => {
      const plant = zonePlant(e.zone);
      return {
        id,
        slug: e.slug,
        name: e.name,
        workload: e.workload,
        application: e.application,
        vendor: e.vendor,
        defaultPurpose: e.defaultPurpose,
        mayAssertOperator: e.mayAssertOperator,
        status: e.status,
        plantId: idOf("Plant", plant),
        zoneId: idOf("Zone", e.zone),
        workstationId: e.workstation === null ? null : idOf("Workstation", workstationKey({ plant, hostname: e.workstation })),
      };
    },
    Conduit: (e, id) => ({
      id,
      slug: e.slug,
      name: e.name,
      justification: e.justification,
      status: e.status,
      validFrom: new Date(e.validFrom),
      validUntil: e.validUntil === null ? null : new Date(e.validUntil),
      reviewDueAt: e.reviewDue === null ? null : new Date(e.reviewDue),
      allowedPurposes: JSON.stringify(e.allowedPurposes),
      allowedModels: JSON.stringify(e.allowedModels),
      allowedEndpoints: JSON.stringify(e.allowedEndpoints),
      maxDataClass: e.maxDataClass,
      overLimitAction: e.overLimitAction,
      failMode: e.failMode,
      slTarget: e.slTarget,
      sourceZoneId: idOf("Zone", e.sourceZone),
      destinationId: idOf("AiDestination", e.destination),
    }),
    ClassificationRule: (e, id) => ({
      id,
      plantId: idOf("Plant", e.plant),
      label: e.label,
      level: e.level,
      pattern: e.pattern,
      flags: e.flags,
      terms: JSON.stringify(e.terms),
      description: e.description,
    }),
  };
}

function fieldChanges(before: object, after: object): FieldChange[] {
  const from = before as Record<string, unknown>;
  return Object.entries(after)
    .filter(([field, value]) => JSON.stringify(from[field]) !== JSON.stringify(value))
    .map(([field, to]) => ({ field, from: from[field] ?? null, to }));
}

/** Deletes that would cut links the file does not govern. */
async function refusedDeletes(options: { db: Db; changes: InventoryChange[] }): Promise<string[]> {
  const deleted = (type: EntityType) => options.changes.filter((c) => c.type === type && c.action === "delete");
  const [devices, plants] = await Promise.all([
    options.db.device.findMany({
      where: { id: { in: deleted("Device").map((c) => c.before!.id) } },
      select: { slug: true, _count: { select: { credentials: true } } },
    }),
    options.db.plant.findMany({
      where: { id: { in: deleted("Plant").map((c) => c.before!.id) } },
      select: { slug: true, _count: { select: { incidentLinks: true } } },
    }),
  ]);
  return [
    ...devices
      .filter((d) => d._count.credentials > 0)
      .map((d) => `device "${d.slug}" has ${d._count.credentials} device credential(s) in its history; keep it in the file with status: DISABLED instead`),
    ...plants
      .filter((p) => p._count.incidentLinks > 0)
      .map((p) => `plant "${p.slug}" is named in ${p._count.incidentLinks} incident(s); it stays as long as they refer to it`),
  ];
}

interface PlanContext {
  described: DescribedRows;
  wanted: Sections;
  ids: Record<EntityType, Map<string, string>>;
  build: RowBuilders;
  prune: boolean;
}

/** One entity type's creates, updates and (with prune) deletes. */
function planEntities<T extends EntityType>(type: T, context: PlanContext) {
  const { ids, prune } = context;
  const keyFor = keyOf[type];
  const current = new Map(context.described[type].map((d) => [keyFor(d.entry), d]));
  const changes: ChangeOf<T>[] = [];
  const deletes: ChangeOf<T>[] = [];
  let unchanged = 0;
  for (const entry of context.wanted[type]) {
    const key = keyFor(entry);
    const after = context.build[type](entry, ids[type].get(key)!);
    const existing = current.get(key);
    if (!existing) {
      changes.push({ type, key, action: "create", fields: [], before: null, after });
    } else if (stateHash(existing.row) === stateHash(after)) {
      unchanged++;
    } else {
      // A difference only in a derived column (a device's plant) shows as that column.
      const fields = fieldChanges(existing.entry, entry);
      changes.push({ type, key, action: "update", fields: fields.length > 0 ? fields : fieldChanges(existing.row, after), before: existing.row, after });
    }
    current.delete(key);
  }
  if (prune) for (const [key, { row }] of current) deletes.push({ type, key, action: "delete", fields: [], before: row, after: null });
  return { changes, deletes, unchanged };
}

export async function planInventory(options: { db: Db; file: InventoryFile; prune: boolean }): Promise<InventoryPlan> {
  const { db, file, prune } = options;
  const snapshot = await readInventorySnapshot({ db });
  const described = describeRows(snapshot);
  const wanted = sectionsOf(file);

  const supplierIds = new Map([...snapshot.suppliers].map(([id, slug]) => [slug, id]));
  const unknownSuppliers = file.destinations.flatMap((d, i) =>
    d.supplier !== null && !supplierIds.has(d.supplier)
      ? [{ path: `destinations[${i}].supplier`, message: `no supplier "${d.supplier}" in the supplier chain; add it in the application first` }]
      : [],
  );
  if (unknownSuppliers.length > 0) {
    throw new AppError({
      code: "validation_failed",
      message: unknownSuppliers.map((p) => `${p.path}: ${p.message}`).join("\n"),
      issues: unknownSuppliers,
    });
  }

  // Existing entities keep their ids; new ones get theirs now, so that the ledger can
  // name them before they are written.
  const idsOf = <T extends EntityType>(type: T) => {
    const keyFor = keyOf[type];
    const known = new Map(described[type].map((d) => [keyFor(d.entry), d.row.id]));
    for (const entry of wanted[type]) if (!known.has(keyFor(entry))) known.set(keyFor(entry), randomUUID());
    return known;
  };
  const ids = Object.fromEntries(entityTypes.map((type) => [type, idsOf(type)])) as PlanContext["ids"];
  const idOf = (type: EntityType, key: string) => {
    const id = ids[type].get(key);
    // checkInventoryFile guarantees that every reference names an entity of the file.
    if (id === undefined) throw new Error(`${type} ${key} is in neither the file nor the database`);
    return id;
  };
  const build = rowBuilders({ file, idOf, supplierId: (slug) => supplierIds.get(slug)! });

  const planned = entityTypes.map((type) => planEntities(type, { described, wanted, ids, build, prune }));
  // Deletes go last and in reverse dependency order: what references an entity goes first.
  const changes = planned.flatMap((p) => p.changes as InventoryChange[]);
  const deletes = planned.toReversed().flatMap((p) => p.deletes as InventoryChange[]);

  const refused = await refusedDeletes({ db, changes: deletes });
  if (refused.length > 0) {
    throw new AppError({ code: "conflict", message: `Pruning would delete what must stay:\n${refused.map((r) => `  ${r}`).join("\n")}` });
  }
  return { changes: [...changes, ...deletes], unchanged: planned.reduce((n, p) => n + p.unchanged, 0) };
}

const shown = (value: unknown) => JSON.stringify(value);

/** The plan as a reviewer reads it: + create, ~ update (with its fields), - delete. */
export function formatPlan(options: { plan: InventoryPlan }): string {
  const { changes, unchanged } = options.plan;
  const sign = { create: "+", update: "~", delete: "-" } as const;
  const lines = changes.flatMap((c) => [
    `${sign[c.action]} ${c.action} ${entityLabels[c.type]} ${c.key}`,
    ...c.fields.map((f) => `    ${f.field}: ${shown(f.from)} -> ${shown(f.to)}`),
  ]);
  const count = (action: InventoryChange["action"]) => changes.filter((c) => c.action === action).length;
  lines.push(`${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete, ${unchanged} unchanged`);
  return `${lines.join("\n")}\n`;
}
