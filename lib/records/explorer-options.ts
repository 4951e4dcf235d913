// What the explorer's filter fields offer: the inventory's names (plants, zones,
// workstations, devices, destinations, conduits), the logs, the models conduits allow,
// the plants' own classification labels and the people who may appear as operators.
// Read from the inventory, never from the million-row index.
import type { Db } from "@/lib/db";

export interface Option {
  value: string;
  label: string;
}

export interface ExplorerOptions {
  plants: (Option & { timeZone: string })[];
  zones: Option[];
  workstations: Option[];
  devices: Option[];
  destinations: Option[];
  conduits: Option[];
  logs: Option[];
  models: string[];
  customLabels: string[];
  people: string[];
}

export async function explorerOptions(options: { db: Db; plant: string | null }): Promise<ExplorerOptions> {
  const { db } = options;
  const inPlant = options.plant ? { plant: { slug: options.plant } } : {};
  const [plants, zones, workstations, devices, destinations, conduits, logs, rules, users] = await Promise.all([
    db.plant.findMany({ select: { slug: true, name: true, timeZone: true }, orderBy: { name: "asc" } }),
    db.zone.findMany({ where: options.plant ? inPlant : { plantId: { not: null } }, select: { slug: true, name: true }, orderBy: { slug: "asc" } }),
    db.workstation.findMany({ where: inPlant, select: { hostname: true, name: true }, orderBy: { hostname: "asc" } }),
    db.device.findMany({ where: inPlant, select: { slug: true, name: true }, orderBy: { slug: "asc" } }),
    db.aiDestination.findMany({ select: { slug: true, name: true }, orderBy: { slug: "asc" } }),
    db.conduit.findMany({ where: options.plant ? { sourceZone: inPlant } : {}, select: { slug: true, name: true, allowedModels: true }, orderBy: { slug: "asc" } }),
    db.auditLog.findMany({ select: { id: true, name: true, writer: true }, orderBy: { id: "asc" } }),
    db.classificationRule.findMany({ select: { label: true }, distinct: ["label"], orderBy: { label: "asc" } }),
    db.user.findMany({ select: { email: true }, orderBy: { email: "asc" } }),
  ]);
  const models = new Set<string>();
  for (const c of conduits) for (const m of JSON.parse(c.allowedModels) as string[]) if (!m.includes("*")) models.add(m);
  return {
    plants: plants.map((p) => ({ value: p.slug, label: p.name, timeZone: p.timeZone })),
    zones: zones.map((z) => ({ value: z.slug, label: z.name })),
    workstations: workstations.map((w) => ({ value: w.hostname, label: `${w.hostname} (${w.name})` })),
    devices: devices.map((d) => ({ value: d.slug, label: `${d.slug} (${d.name})` })),
    destinations: destinations.map((d) => ({ value: d.slug, label: d.name })),
    conduits: conduits.map((c) => ({ value: c.slug, label: c.slug })),
    logs: logs.map((l) => ({ value: l.id, label: `${l.id} (${l.writer === "app" ? "application" : l.writer})` })),
    models: [...models].sort(),
    customLabels: rules.map((r) => r.label),
    people: users.map((u) => u.email),
  };
}
