// The devices that call AI through the proxy, per plant, with their identity facts
// and the state of their credentials; and one device with the conduits open to it.
import type { Db } from "@/lib/db";
import { credentialState } from "@/lib/devices/credentials";
import { conduitState } from "@/lib/inventory/conduit-state";

const deviceFacts = {
  id: true,
  slug: true,
  name: true,
  workload: true,
  application: true,
  vendor: true,
  defaultPurpose: true,
  mayAssertOperator: true,
  status: true,
  zoneId: true,
  plant: { select: { id: true, slug: true, name: true, timeZone: true } },
  zone: { select: { name: true, purdueLevel: true } },
  workstation: { select: { name: true, hostname: true, ipAddress: true } },
} as const;

export async function listDevices(options: { db: Db; plantId: string | null; now: Date }) {
  const { db, plantId, now } = options;
  const devices = await db.device.findMany({
    where: plantId ? { plantId } : {},
    select: { ...deviceFacts, credentials: { select: { id: true, expiresAt: true, revokedAt: true } } },
    orderBy: [{ plant: { name: "asc" } }, { name: "asc" }],
  });
  const shared = await db.anomaly.findMany({
    where: { kind: "shared_device_token", subject: { in: devices.flatMap((d) => d.credentials.map((c) => c.id)) } },
    select: { subject: true },
  });
  const sharedIds = new Set(shared.map((a) => a.subject));
  return devices.map(({ credentials, ...device }) => ({
    ...device,
    credentials: {
      active: credentials.filter((c) => credentialState({ ...c, now }) === "active").length,
      total: credentials.length,
      shared: credentials.filter((c) => sharedIds.has(c.id)).length,
    },
  }));
}

/** One device by slug or id, with the conduits that leave its zone and where they lead. */
export async function getDevice(options: { db: Db; device: string; now: Date }) {
  const { db, now } = options;
  const device = await db.device.findFirst({ where: { OR: [{ slug: options.device }, { id: options.device }] }, select: deviceFacts });
  if (!device) return null;
  const conduits = await db.conduit.findMany({
    where: { sourceZoneId: device.zoneId },
    select: {
      slug: true,
      name: true,
      status: true,
      validFrom: true,
      validUntil: true,
      destination: { select: { slug: true, name: true, provider: true } },
    },
    orderBy: { name: "asc" },
  });
  return {
    ...device,
    conduits: conduits.map(({ status, validFrom, validUntil, ...c }) => ({ ...c, state: conduitState({ status, validFrom, validUntil, now }) })),
  };
}
