import type { Metadata } from "next";
import Link from "next/link";
import { IncidentForm } from "@/components/incidents/incident-form";
import { ReadOnlyNotice } from "@/components/incidents/read-only-notice";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { incidentFormOptions } from "@/lib/incidents/form-options";
import { listPlants, selectedPlant } from "@/lib/plants/selection";

export const metadata: Metadata = { title: "Open an incident" };

export default async function NewIncidentPage() {
  const user = await requirePageUser({ permission: "incidents:read" });
  const options = await incidentFormOptions({ db: db() });
  const plant = await selectedPlant(await listPlants());
  const first = options.plants.find((p) => p.id === plant?.id) ?? options.plants[0];
  const rules = options.rules.find((r) => r.memberState === first?.memberState);
  return (
    <>
      <PageHeader
        eyebrow={<Link href="/incidents">Incidents</Link>}
        title="Open an incident"
        description="Open it when the initial assessment concludes the incident is significant: that moment starts the NIS2 reporting clock."
      />
      <section className="card" aria-label="New incident">
        {can(user.role, "incidents:write") ? (
          <IncidentForm
            {...options}
            initial={{
              title: "",
              description: "",
              plantIds: first ? [first.id] : [],
              severity: "MEDIUM",
              suspectedMalicious: false,
              crossBorderImpact: false,
              occurredAt: null,
              detectedAt: null,
              awareAt: null,
              containedAt: null,
              handlingEndedAt: null,
              closedAt: null,
              entityCategory: first?.entityCategory ?? "IMPORTANT",
              trustServiceProvider: false,
              memberState: first?.memberState ?? "DE",
              competentAuthority: rules?.competentAuthority ?? "",
              csirt: rules?.csirt ?? "",
            }}
          />
        ) : (
          <ReadOnlyNotice what="open them" />
        )}
      </section>
    </>
  );
}
