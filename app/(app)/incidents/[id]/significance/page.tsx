import type { Metadata } from "next";
import Link from "next/link";
import { ReadOnlyNotice } from "@/components/incidents/read-only-notice";
import { SignificanceForm, type SignificanceFormValues } from "@/components/incidents/significance-form";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { findIncident } from "@/lib/incidents/incident-page";
import { incidentTimeZone } from "@/lib/incidents/incident-state";
import type { SignificanceAnswers } from "@/lib/incidents/significance";

export const metadata: Metadata = { title: "Significance" };

const unanswered = { applies: false, reasoning: "" };

/** The answers as stored with an assessment: JSON, so dates are ISO text. */
type StoredAnswers = Omit<SignificanceAnswers, "recurrence"> & {
  recurrence: { rootCause: string | null; earlierIncidents: { reference: string; occurredAt: string; rootCause: string; directLossEur: number }[] };
};

export default async function SignificancePage(props: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser({ permission: "incidents:read" });
  const incident = await findIncident((await props.params).id);
  const latest = incident.assessments[0];
  // A re-assessment starts from the previous answers (stored as JSON, dates as ISO text).
  const previous = latest ? (JSON.parse(latest.answers) as StoredAnswers) : null;
  const initial: SignificanceFormValues = {
    plannedMaintenance: previous?.plannedMaintenance ?? unanswered,
    financialLoss: {
      directLossEur: String(previous?.financialLoss.directLossEur ?? 0),
      annualTurnoverEur: previous?.financialLoss.annualTurnoverEur == null ? "" : String(previous.financialLoss.annualTurnoverEur),
      reasoning: previous?.financialLoss.reasoning ?? "",
    },
    tradeSecretsExfiltrated: previous?.tradeSecretsExfiltrated ?? unanswered,
    deathCaused: previous?.deathCaused ?? unanswered,
    considerableHealthDamage: previous?.considerableHealthDamage ?? unanswered,
    maliciousUnauthorisedAccess: previous?.maliciousUnauthorisedAccess ?? { applies: incident.suspectedMalicious, reasoning: "" },
    rootCause: previous?.recurrence.rootCause ?? "",
    earlierIncidents: (previous?.recurrence.earlierIncidents ?? []).map((e) => ({ reference: e.reference, occurredAt: e.occurredAt, rootCause: e.rootCause, directLossEur: String(e.directLossEur) })),
    significant: latest?.significant ?? true,
    reasoning: latest?.reasoning ?? "",
  };
  return (
    <>
      <PageHeader
        eyebrow={<Link href={`/incidents/${incident.id}`}>{incident.reference}</Link>}
        title="Significance assessment"
        description="The criteria of Implementing Regulation 2024/2690 Art. 3, a benchmark for manufacturers; each answer needs its reasoning. The conclusion is yours: an incident is significant under NIS2 Art. 23(3) if it caused or can cause severe operational disruption or financial loss, or considerable damage to others."
      />
      <section className="card" aria-label={`Significance of ${incident.reference}`}>
        {can(user.role, "incidents:write") ? <SignificanceForm incidentId={incident.id} timeZone={incidentTimeZone(incident)} initial={initial} /> : <ReadOnlyNotice what="assess them" />}
      </section>
    </>
  );
}
