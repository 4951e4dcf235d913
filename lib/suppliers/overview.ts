// Everything the supplier pages and the conduit page show about the chain, loaded in
// one pass: suppliers, links, destinations with their conduits, certifications, the
// latest approval of each supplier, call volumes of the window, and from those the
// exposure of every supplier and the alerts. Supplier counts are small (tens), so the
// whole graph is read at once; call volumes are summed from the hourly traffic rollups.
import type { Db } from "@/lib/db";
import { conduitState } from "@/lib/inventory/conduit-state";
import { supplierAlerts, type SupplierAlert } from "@/lib/suppliers/alerts";
import { catchUpRecordIndex } from "@/lib/records/record-index";
import { countCalls } from "@/lib/suppliers/call-volumes";
import { chainMembers, resolveChain } from "@/lib/suppliers/chain";
import { supplierExposure, type GraphDestination, type SupplierExposure } from "@/lib/suppliers/exposure";
import type { DataClassName } from "@/lib/suppliers/scoring";

/** Days of ledger records counted for call volumes. */
export const callWindowDays = 30;

const day = 24 * 60 * 60 * 1000;

export const supplierLinkView = {
  id: true,
  fromId: true,
  toId: true,
  dataShared: true,
  contractRef: true,
  breachNotificationHours: true,
  trainingOnCustomerData: true,
  retention: true,
  dataLocation: true,
} as const;

export async function loadSupplierOverview(options: { db: Db; now: Date }) {
  const { db, now } = options;
  // Call volumes come from the traffic rollups the records index keeps: catch up briefly first.
  await catchUpRecordIndex({ db, budgetMs: 400 });
  const since = new Date(now.getTime() - callWindowDays * day);
  const [suppliers, links, destinations, certifications, approved, plants, volumes] = await Promise.all([
    db.supplier.findMany({ orderBy: { name: "asc" } }),
    db.supplierLink.findMany({ select: supplierLinkView, orderBy: { createdAt: "asc" } }),
    db.aiDestination.findMany({
      select: {
        id: true,
        slug: true,
        name: true,
        supplierId: true,
        conduits: {
          select: { id: true, slug: true, name: true, maxDataClass: true, status: true, validFrom: true, validUntil: true, sourceZone: { select: { name: true, plant: { select: { slug: true, name: true } } } } },
          orderBy: { name: "asc" },
        },
      },
      orderBy: { name: "asc" },
    }),
    db.certification.findMany({
      select: { id: true, supplierId: true, scheme: true, title: true, issuer: true, reference: true, scope: true, issuedAt: true, expiresAt: true, evidence: { select: { id: true, fileName: true, mediaType: true, size: true, sha256: true } } },
      orderBy: { expiresAt: "asc" },
    }),
    db.assessment.findMany({
      where: { status: "APPROVED" },
      select: { id: true, supplierId: true, rating: true, score: true, approvedAt: true, nextReviewAt: true, approvedDataClass: true },
      orderBy: { approvedAt: "desc" },
    }),
    db.plant.findMany({ select: { slug: true, name: true } }),
    countCalls({ db, since, until: now }),
  ]);

  const graphDestinations: GraphDestination[] = destinations.map((d) => ({
    id: d.id,
    slug: d.slug,
    name: d.name,
    supplierId: d.supplierId,
    conduits: d.conduits.map((c) => ({
      id: c.id,
      slug: c.slug,
      name: c.name,
      maxDataClass: c.maxDataClass,
      state: conduitState({ status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, now }),
      zone: c.sourceZone.name,
      plant: c.sourceZone.plant,
    })),
  }));

  // The latest approval of each supplier is the one in force.
  const approvals = new Map<string, (typeof approved)[number] & { nextReviewAt: Date; approvedDataClass: DataClassName }>();
  for (const a of approved) {
    if (approvals.has(a.supplierId) || !a.nextReviewAt || !a.approvedDataClass) continue;
    approvals.set(a.supplierId, { ...a, nextReviewAt: a.nextReviewAt, approvedDataClass: a.approvedDataClass });
  }

  const plantNames = new Map(plants.map((p) => [p.slug, p.name]));
  const exposures = new Map<string, SupplierExposure>(
    suppliers.map((s) => [s.id, supplierExposure({ supplierId: s.id, links, destinations: graphDestinations, volumes, plantNames })]),
  );

  // Every supplier that owns a destination with a conduit starts a chain of its own.
  const roots = suppliers.filter((s) => graphDestinations.some((d) => d.supplierId === s.id && d.conduits.length > 0));
  const chains = roots.map((s) => ({ rootId: s.id, members: chainMembers(resolveChain({ rootId: s.id, links })) }));

  const alerts: SupplierAlert[] = supplierAlerts({
    now,
    suppliers,
    certifications,
    approvals,
    receivedLevels: new Map([...exposures].map(([id, e]) => [id, e.receivedLevel])),
    chains,
  });

  return { now, since, suppliers, links, destinations: graphDestinations, certifications, approvals, volumes, exposures, chains, alerts };
}

export type SupplierOverview = Awaited<ReturnType<typeof loadSupplierOverview>>;
export type SupplierLinkRow = SupplierOverview["links"][number];
