// Everything the conduits overview shows, loaded in one place: the inventory with each
// conduit's traffic in the chosen range (from the rollups), the map, the refused flows
// with what people decided about them, changes waiting for approval, reviews coming
// due, and open anomalies.
import type { Db } from "@/lib/db";
import { listAnomalyViews, openAnomalyCounts } from "@/lib/conduits/anomaly-views";
import { watchAnomalies } from "@/lib/conduits/anomaly-watch";
import type { ConduitPolicy } from "@/lib/conduits/conduit-policy";
import { listPendingChanges } from "@/lib/conduits/pending-changes";
import { conduitTrafficTotals, listUnauthorisedFlows, trafficSummary } from "@/lib/conduits/traffic";
import type { TrafficRange } from "@/lib/conduits/traffic-range";
import { formatDateTime } from "@/lib/format";
import { listInventory } from "@/lib/inventory/list-inventory";
import { catchUpRecordIndex } from "@/lib/records/record-index";

const day = 86_400_000;
/** A review this close is listed as due soon. */
export const reviewWarningDays = 30;

export async function loadConduitsOverview(options: { db: Db; plant: { id: string; slug: string; timeZone: string } | null; viewerId: string; range: TrafficRange; now: Date }) {
  const { db, plant, range, now } = options;
  // Traffic is read from the rollups the records index keeps: catch up briefly first.
  await catchUpRecordIndex({ db, budgetMs: 400 });
  watchAnomalies({ db });
  const timeZone = plant?.timeZone ?? "UTC";
  const plantSlug = plant?.slug ?? null;
  const [inventory, totals, summary, flows, reviews, proposals, pending, anomalies, anomalyCounts, destinations, plants, devices] = await Promise.all([
    listInventory({ db, plantId: plant?.id ?? null, now }),
    conduitTrafficTotals({ db, plant: plantSlug, from: range.from, to: range.to }),
    trafficSummary({ db, scope: { plant: plantSlug }, from: range.from, to: range.to, bucket: range.bucket }),
    listUnauthorisedFlows({ db, plant: plantSlug }),
    db.flowReview.findMany({ include: { by: { select: { name: true } } } }),
    db.conduitChange.findMany({ where: { flowKey: { not: null }, status: { in: ["PENDING", "APPROVED"] } }, select: { flowKey: true, slug: true, status: true } }),
    listPendingChanges({ db, viewerId: options.viewerId, timeZone, plantId: plant?.id ?? null }),
    listAnomalyViews({ db, scope: { plantId: plant?.id ?? null }, timeZone, limit: 50 }),
    openAnomalyCounts({ db }),
    db.aiDestination.findMany({ select: { slug: true, name: true, zoneId: true }, orderBy: { name: "asc" } }),
    db.plant.findMany({ where: plant ? { id: plant.id } : {}, select: { slug: true, name: true }, orderBy: { name: "asc" } }),
    db.device.findMany({ select: { slug: true, name: true, defaultPurpose: true } }),
  ]);
  const traffic = new Map(totals.map((t) => [t.conduit, t]));
  const when = (iso: string) => formatDateTime({ date: new Date(iso), timeZone });

  const conduits = inventory.conduits.map((c) => ({ ...c, calls: traffic.get(c.slug)?.calls ?? 0, refused: traffic.get(c.slug)?.refused ?? 0, lastSeen: traffic.get(c.slug)?.lastSeen ?? null, openAnomalies: anomalyCounts.get(c.slug) ?? 0 }));
  const reviewsDue = conduits
    .filter((c) => c.state !== "retired" && c.reviewDueAt && c.reviewDueAt.getTime() - now.getTime() < reviewWarningDays * day)
    .map((c) => ({ slug: c.slug, name: c.name, reviewDueAt: c.reviewDueAt!, overdue: c.reviewDueAt! <= now }))
    .sort((a, b) => a.reviewDueAt.getTime() - b.reviewDueAt.getTime());

  const zoneBySlug = new Map(inventory.zones.map((z) => [z.slug, z]));
  const deviceBySlug = new Map(devices.map((d) => [d.slug, d]));
  const destinationBySlug = new Map(destinations.map((d) => [d.slug, d]));
  const reviewByKey = new Map(reviews.map((r) => [r.flowKey, r]));
  const proposalByKey = new Map(proposals.map((p) => [p.flowKey!, { slug: p.slug, approved: p.status === "APPROVED" }]));
  const flowViews = flows.map((flow) => {
    const zone = zoneBySlug.get(flow.zone);
    const device = deviceBySlug.get(flow.device);
    const destination = destinationBySlug.get(flow.destination);
    const review = reviewByKey.get(flow.flowKey);
    const policy: ConduitPolicy = {
      name: `${zone?.name ?? flow.zone} to ${destination?.name ?? flow.destination}`.slice(0, 200),
      justification: "",
      allowedPurposes: device ? [device.defaultPurpose] : [],
      allowedModels: flow.model ? [flow.model] : [],
      allowedEndpoints: [],
      maxDataClass: "INTERNAL",
      overLimitAction: "BLOCK",
      failMode: "CLOSED",
      validFrom: now.toISOString(),
      validUntil: new Date(now.getTime() + 365 * day).toISOString(),
      reviewDueAt: new Date(now.getTime() + 182 * day).toISOString(),
    };
    return {
      flowKey: flow.flowKey,
      zone: { slug: zone ? flow.zone : "", name: zone?.name ?? (flow.zone || "unknown zone") },
      device: device ? { slug: device.slug, name: device.name, href: `/devices/${device.slug}` } : null,
      destination: destination ? { slug: destination.slug, name: destination.name } : null,
      model: flow.model,
      calls: flow.calls,
      codes: flow.codes.map((c) => c || "refused"),
      firstSeen: when(flow.firstSeen),
      lastSeen: when(flow.lastSeen),
      review: review ? { note: review.note, by: review.by.name, at: formatDateTime({ date: review.at, timeZone }) } : null,
      proposal: proposalByKey.get(flow.flowKey) ?? null,
      draft: { slug: `${flow.device || "flow"}-to-${flow.destination}`.slice(0, 100).replace(/[^a-z0-9]+$/, ""), policy, slTarget: zone?.slTarget ?? 2 },
    };
  });
  // Flows nobody has decided about come first.
  flowViews.sort((a, b) => Number(a.review !== null || a.proposal !== null) - Number(b.review !== null || b.proposal !== null));

  const plantZones = inventory.zones.filter((z) => z.plantId !== null && z.purdueLevel !== "EXTERNAL");
  const map = {
    plants: plants.map((p) => ({
      slug: p.slug,
      name: p.name,
      zones: plantZones.filter((z) => z.plant?.name === p.name).map((z) => ({ id: z.id, slug: z.slug, name: z.name, purdueLevel: z.purdueLevel as "L0" | "L1" | "L2" | "L3" | "L3_5" | "L4" })),
    })),
    externalZones: inventory.zones
      .filter((z) => z.plantId === null)
      .map((z) => ({ id: z.id, name: z.name, destinations: destinations.filter((d) => d.zoneId === z.id).map((d) => ({ slug: d.slug, name: d.name })) })),
    conduits: conduits.map((c) => ({ slug: c.slug, name: c.name, href: `/conduits/${c.slug}`, sourceZoneId: c.sourceZoneId, destinationZoneId: c.destinationZoneId, state: c.state, calls: c.calls, refused: c.refused })),
  };

  return {
    inventory: { ...inventory, conduits },
    summary,
    flows: flowViews,
    pending,
    anomalies,
    reviewsDue,
    map,
    choices: {
      zones: plantZones.map((z) => ({ slug: z.slug, name: z.name })),
      destinations: destinations.map((d) => ({ slug: d.slug, name: d.name })),
    },
  };
}
