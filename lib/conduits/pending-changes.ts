// Conduit changes waiting for a second person, each shown as the fields it would change
// (what it allows now, what it would allow), so the approver sees exactly what widens.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { policyDiff, policyFieldLabels, policyOf, showPolicyValue, widenedFields, type ConduitPolicy } from "@/lib/conduits/conduit-policy";
import { formatDateTime } from "@/lib/format";

export interface PendingChangeView {
  id: string;
  slug: string;
  action: "create" | "update";
  reason: string;
  proposedBy: string;
  proposedAt: string;
  own: boolean;
  href: string | null;
  changes: { label: string; before: string; after: string; widens: boolean }[];
}

const proposedPolicy = z.looseObject({}).transform((o) => o as unknown as ConduitPolicy & { sourceZoneId?: string; destinationId?: string });

export async function listPendingChanges(options: { db: Db; viewerId: string; timeZone: string; plantId?: string | null; conduitId?: string }): Promise<PendingChangeView[]> {
  const { db } = options;
  const changes = await db.conduitChange.findMany({
    where: { status: "PENDING", ...(options.conduitId ? { conduitId: options.conduitId } : {}) },
    include: { conduit: { include: { sourceZone: { select: { plantId: true } } } }, proposedBy: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const zones = new Map((await db.zone.findMany({ select: { id: true, name: true, plantId: true } })).map((z) => [z.id, z]));
  const destinations = new Map((await db.aiDestination.findMany({ select: { id: true, name: true } })).map((d) => [d.id, d.name]));
  return changes
    .map((change) => {
      const proposed = proposedPolicy.parse(JSON.parse(change.proposed));
      const plantId = change.conduit ? change.conduit.sourceZone.plantId : (zones.get(proposed.sourceZoneId ?? "")?.plantId ?? null);
      let rows: PendingChangeView["changes"];
      if (change.conduit) {
        const before = policyOf(change.conduit);
        const widened = new Set<string>(widenedFields({ before, after: proposed }));
        rows = policyDiff({ before, after: proposed }).map((c) => ({ label: policyFieldLabels[c.field], before: showPolicyValue(c.before), after: showPolicyValue(c.after), widens: widened.has(c.field) }));
      } else {
        rows = [
          { label: "From zone", before: "", after: zones.get(proposed.sourceZoneId ?? "")?.name ?? "?", widens: true },
          { label: "To destination", before: "", after: destinations.get(proposed.destinationId ?? "") ?? "?", widens: true },
          ...(Object.keys(policyFieldLabels) as (keyof ConduitPolicy)[]).map((field) => ({ label: policyFieldLabels[field], before: "", after: showPolicyValue(proposed[field]), widens: false })),
        ];
      }
      return {
        plantId,
        view: {
          id: change.id,
          slug: change.slug,
          action: change.action === "create" ? ("create" as const) : ("update" as const),
          reason: change.reason,
          proposedBy: change.proposedBy.name,
          proposedAt: formatDateTime({ date: change.createdAt, timeZone: options.timeZone }),
          own: change.proposedById === options.viewerId,
          href: change.conduit ? `/conduits/${change.conduit.slug}` : null,
          changes: rows,
        },
      };
    })
    .filter((c) => !options.plantId || c.plantId === options.plantId)
    .map((c) => c.view);
}
