import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ReadOnlyNotice } from "@/components/incidents/read-only-notice";
import { ReportForm } from "@/components/incidents/report-form";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { findIncident } from "@/lib/incidents/incident-page";
import { incidentTimeZone } from "@/lib/incidents/incident-state";
import { reportStages } from "@/lib/incidents/inputs";
import { stageSpecs, type ReportFields } from "@/lib/incidents/report-content";

export const metadata: Metadata = { title: "Report" };

export default async function NewReportPage(props: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser({ permission: "incidents:read" });
  const incident = await findIncident((await props.params).id);
  const requested = (await props.searchParams).stage;
  const stage = reportStages.find((s) => s === requested);
  if (!stage) notFound();
  const spec = stageSpecs[stage];
  // Start from what the incident records; the reporter adjusts before sending.
  const known: ReportFields = {
    summary: incident.description,
    description: incident.description,
    suspectedMalicious: incident.suspectedMalicious,
    crossBorderImpact: incident.crossBorderImpact,
    severity: incident.severity,
  };
  const defaults: ReportFields = Object.fromEntries(spec.fields.map((f) => [f.key, known[f.key] ?? (f.kind === "yesno" ? false : f.kind === "severity" ? incident.severity : "")]));

  return (
    <>
      <PageHeader eyebrow={<Link href={`/incidents/${incident.id}`}>{incident.reference}</Link>} title={spec.title} description={`${spec.article}. ${spec.purpose}`} />
      <section className="card" aria-label={`${spec.title} for ${incident.reference}`}>
        {can(user.role, "incidents:write") ? (
          <ReportForm
            incidentId={incident.id}
            stage={stage}
            timeZone={incidentTimeZone(incident)}
            serverNow={new Date().toISOString()}
            defaults={defaults}
            recipients={[incident.competentAuthority, incident.csirt].filter((r) => r !== "")}
          />
        ) : (
          <ReadOnlyNotice what="submit reports" />
        )}
      </section>
    </>
  );
}
