// The conduit inventory of one plant (or all): zones, the conduits leaving them with
// their state, and the devices that call AI from them.
import type { Db } from "@/lib/db";
import { conduitState, type ConduitState } from "@/lib/inventory/conduit-state";

export interface InventoryConduit {
  id: string;
  slug: string;
  name: string;
  sourceZone: string;
  plant: string | null;
  destination: string;
  provider: string;
  maxDataClass: string;
  overLimitAction: string;
  state: ConduitState;
  validUntil: Date | null;
  reviewDueAt: Date | null;
  sourceZoneId: string;
  destinationZoneId: string;
}

export async function listInventory(options: { db: Db; plantId: string | null; now: Date }) {
  const { db, plantId, now } = options;
  const plantFilter = plantId ? { plantId } : {};
  const [zones, conduits, devices] = await Promise.all([
    db.zone.findMany({
      where: plantId ? { OR: [{ plantId }, { plantId: null }] } : {},
      include: { plant: { select: { name: true } }, _count: { select: { devices: true, outboundConduits: true } } },
      orderBy: [{ plantId: "asc" }, { purdueLevel: "asc" }],
    }),
    db.conduit.findMany({
      where: plantId ? { sourceZone: { plantId } } : {},
      include: {
        sourceZone: { select: { name: true, plant: { select: { name: true } } } },
        destination: { select: { name: true, provider: true, zoneId: true } },
      },
      orderBy: { name: "asc" },
    }),
    db.device.findMany({
      where: plantFilter,
      include: { zone: { select: { name: true } }, workstation: { select: { hostname: true } }, plant: { select: { name: true } } },
      orderBy: { name: "asc" },
    }),
  ]);

  // Plant zones first, from the field level up; external AI zones last.
  zones.sort((a, b) => Number(a.plantId === null) - Number(b.plantId === null));

  const inventoryConduits: InventoryConduit[] = conduits.map((c) => ({
    id: c.id,
    slug: c.slug,
    name: c.name,
    sourceZone: c.sourceZone.name,
    plant: c.sourceZone.plant?.name ?? null,
    destination: c.destination.name,
    provider: c.destination.provider,
    maxDataClass: c.maxDataClass,
    overLimitAction: c.overLimitAction,
    state: conduitState({ status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, now }),
    validUntil: c.validUntil,
    reviewDueAt: c.reviewDueAt,
    sourceZoneId: c.sourceZoneId,
    destinationZoneId: c.destination.zoneId,
  }));
  return { zones, conduits: inventoryConduits, devices };
}
