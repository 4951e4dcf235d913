import type { Metadata } from "next";
import { EvidencePacks } from "@/components/evidence/evidence-packs";
import { presetPeriod } from "@/components/evidence/pack-format";
import { VerifyCard } from "@/components/evidence/verify-card";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { listPacks } from "@/lib/evidence/packs";
import { listPlants, selectedPlant } from "@/lib/plants/selection";

export const metadata: Metadata = { title: "Evidence packs" };

export default async function EvidencePage() {
  const user = await requirePageUser({ permission: "evidence:read" });
  const mayCreate = can(user.role, "evidence:create");
  const plants = await listPlants();
  const selected = await selectedPlant(plants);
  const [packs, conduits, incidents] = await Promise.all([
    listPacks({ db: db() }),
    mayCreate ? db().conduit.findMany({ select: { slug: true, name: true, sourceZone: { select: { plant: { select: { slug: true } } } } }, orderBy: { slug: "asc" } }) : [],
    mayCreate ? db().incident.findMany({ select: { reference: true, title: true }, orderBy: { awareAt: "desc" } }) : [],
  ]);
  // The period is read in the plant selector's plant's zone; with all plants, in the one
  // zone they share, else UTC.
  const zones = [...new Set(plants.map((p) => p.timeZone))];
  const timeZone = selected?.timeZone ?? (zones.length === 1 ? zones[0]! : "UTC");
  const period = presetPeriod({ preset: "last30", now: new Date(), timeZone });

  return (
    <>
      <PageHeader
        eyebrow="Supervisory review"
        title="Evidence packs"
        description="Signed evidence for a period and scope, to take home: a PAdES-signed PDF a person reads and a bundle of records, proofs, checkpoints and keys a machine checks offline, without trusting this server."
      />
      <EvidencePacks
        initialPacks={packs}
        form={
          mayCreate
            ? {
                plants: plants.map((p) => ({ slug: p.slug, name: p.name, timeZone: p.timeZone })),
                conduits: conduits.map((c) => ({ slug: c.slug, name: c.name, plant: c.sourceZone.plant?.slug ?? null })),
                incidents,
                selectedPlant: selected?.slug ?? null,
                defaultTimeZone: timeZone,
                defaultFrom: period.from,
                defaultTo: period.to,
              }
            : null
        }
      />
      <VerifyCard />
    </>
  );
}
