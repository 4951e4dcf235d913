import type { Metadata } from "next";
import Link from "next/link";
import { IncidentForm } from "@/components/incidents/incident-form";
import { ReadOnlyNotice } from "@/components/incidents/read-only-notice";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { incidentFormOptions } from "@/lib/incidents/form-options";
import { findIncident } from "@/lib/incidents/incident-page";

export const metadata: Metadata = { title: "Change incident" };

export default async function EditIncidentPage(props: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser({ permission: "incidents:read" });
  const incident = await findIncident((await props.params).id);
  const options = await incidentFormOptions({ db: db() });
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return (
    <>
      <PageHeader eyebrow={<Link href={`/incidents/${incident.id}`}>{incident.reference}</Link>} title="Change incident" description="Instants, handling milestones and entity settings. Submitted reports stay as they were sent." />
      <section className="card" aria-label="Incident facts">
        {can(user.role, "incidents:write") ? (
          <IncidentForm
            {...options}
            incidentId={incident.id}
            initial={{
              title: incident.title,
              description: incident.description,
              plantIds: incident.plants.map((p) => p.plantId),
              severity: incident.severity,
              suspectedMalicious: incident.suspectedMalicious,
              crossBorderImpact: incident.crossBorderImpact,
              occurredAt: iso(incident.occurredAt),
              detectedAt: iso(incident.detectedAt),
              awareAt: iso(incident.awareAt),
              containedAt: iso(incident.containedAt),
              handlingEndedAt: iso(incident.handlingEndedAt),
              closedAt: iso(incident.closedAt),
              entityCategory: incident.entityCategory,
              trustServiceProvider: incident.trustServiceProvider,
              memberState: incident.memberState,
              competentAuthority: incident.competentAuthority,
              csirt: incident.csirt,
            }}
          />
        ) : (
          <ReadOnlyNotice what="change them" />
        )}
      </section>
    </>
  );
}
