// Anomalies as the conduit and device pages show them: the proxy's (a shared token, an
// unauthorised flow, a caller without a valid token) and the baseline rules' alike, each
// with its reason in words, what it concerns, and whether someone has acknowledged it.
import type { Db } from "@/lib/db";
import { anomalyKindOf } from "@/lib/conduits/anomaly-rules";
import { sharedAddresses } from "@/lib/devices/credentials";
import { formatDateTime } from "@/lib/format";

export interface AnomalyView {
  id: string;
  kindLabel: string;
  category: string;
  reason: string;
  subject: { label: string; href: string | null } | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  acknowledged: { note: string; by: string; at: string } | null;
  incident: { reference: string; href: string } | null;
}

export type AnomalyScope = { plantId: string | null } | { conduit: string } | { deviceId: string };

async function scopeWhere(options: { db: Db; scope: AnomalyScope }): Promise<NonNullable<Parameters<Db["anomaly"]["findMany"]>[0]>["where"]> {
  const { db, scope } = options;
  if ("conduit" in scope) return { conduit: scope.conduit };
  if ("deviceId" in scope) return { deviceId: scope.deviceId };
  if (scope.plantId === null) return {};
  const [conduits, devices] = await Promise.all([
    db.conduit.findMany({ where: { sourceZone: { plantId: scope.plantId } }, select: { slug: true } }),
    db.device.findMany({ where: { plantId: scope.plantId }, select: { id: true } }),
  ]);
  // A caller without a valid token, or an edge log's spool, belongs to no one plant: every plant's view shows it.
  return { OR: [{ conduit: { in: conduits.map((c) => c.slug) } }, { deviceId: { in: devices.map((d) => d.id) } }, { kind: { in: ["unidentified_caller", "spool_in_use"] } }] };
}

/** Open ones first, then the most recent. */
export async function listAnomalyViews(options: { db: Db; scope: AnomalyScope; timeZone: string; limit?: number }): Promise<AnomalyView[]> {
  const { db, timeZone } = options;
  const anomalies = await db.anomaly.findMany({
    where: await scopeWhere(options),
    orderBy: [{ status: "desc" }, { lastSeenAt: "desc" }],
    take: options.limit ?? 100,
    include: { acknowledgedBy: { select: { name: true } } },
  });
  const ids = (pick: (a: (typeof anomalies)[number]) => string | null) => [...new Set(anomalies.flatMap((a) => (pick(a) ? [pick(a)!] : [])))];
  const [devices, destinations, conduits, incidents] = await Promise.all([
    db.device.findMany({ where: { id: { in: ids((a) => a.deviceId) } }, select: { id: true, slug: true, name: true } }),
    db.aiDestination.findMany({ where: { id: { in: ids((a) => a.destinationId) } }, select: { id: true, name: true } }),
    db.conduit.findMany({ where: { slug: { in: ids((a) => a.conduit) } }, select: { slug: true, name: true } }),
    db.incident.findMany({ where: { id: { in: ids((a) => a.incidentId) } }, select: { id: true, reference: true } }),
  ]);
  const device = new Map(devices.map((d) => [d.id, d]));
  const destination = new Map(destinations.map((d) => [d.id, d.name]));
  const conduitName = new Map(conduits.map((c) => [c.slug, c.name]));
  const incident = new Map(incidents.map((i) => [i.id, i.reference]));
  const when = (date: Date) => formatDateTime({ date, timeZone });

  return anomalies.map((a) => {
    const d = a.deviceId ? device.get(a.deviceId) : undefined;
    const reference = a.incidentId ? incident.get(a.incidentId) : undefined;
    const { label, category } = anomalyKindOf(a.kind);
    return {
      id: a.id,
      kindLabel: label,
      category,
      reason: a.reason || proxyReason({ kind: a.kind, subject: a.subject, detail: a.detail, device: d?.name ?? null, destination: a.destinationId ? (destination.get(a.destinationId) ?? null) : null }),
      subject: a.conduit ? { label: conduitName.get(a.conduit) ?? a.conduit, href: `/conduits/${a.conduit}` } : d ? { label: d.name, href: `/devices/${d.slug}` } : null,
      count: a.count,
      firstSeen: when(a.firstSeenAt),
      lastSeen: when(a.lastSeenAt),
      acknowledged: a.status === "acknowledged" ? { note: a.note, by: a.acknowledgedBy?.name ?? "?", at: a.acknowledgedAt ? when(a.acknowledgedAt) : "" } : null,
      incident: a.incidentId && reference ? { reference, href: `/incidents/${a.incidentId}` } : null,
    };
  });
}

/** The proxy writes no reason of its own (proxy/device-usage.ts): say it from the row. */
function proxyReason(options: { kind: string; subject: string; detail: string; device: string | null; destination: string | null }): string {
  const code = (() => {
    try {
      return String((JSON.parse(options.detail) as { code?: unknown }).code ?? "");
    } catch {
      return "";
    }
  })();
  switch (options.kind) {
    case "shared_device_token":
      return `The device token of ${options.device ?? "a device"} was used from ${sharedAddresses(options.detail).join(", ")} within an hour: it is no longer one device's identity.`;
    case "unauthorised_flow":
      return `${options.device ?? "A device"} called ${options.destination ?? "a destination"}, which no conduit in force allows from its zone (${code || "refused"}).`;
    case "unidentified_caller":
      return `${options.subject} kept calling without a valid token beyond what is recorded call by call (${code || "refused"}).`;
    default:
      return "";
  }
}

/** Open anomalies per conduit slug, for the overview's table. */
export async function openAnomalyCounts(options: { db: Db }): Promise<Map<string, number>> {
  const groups = await options.db.anomaly.groupBy({ by: ["conduit"], where: { status: "open", conduit: { not: null } }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.conduit!, g._count._all]));
}
