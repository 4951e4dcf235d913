import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/card";
import { MemberStateRulesForm } from "@/components/incidents/member-state-rules-form";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { listReportingRules } from "@/lib/incidents/member-state-rules";

export const metadata: Metadata = { title: "Reporting rules" };

export default async function ReportingRulesPage() {
  const user = await requirePageUser({ permission: "incidents:read" });
  const rules = await listReportingRules({ db: db() });
  const writer = can(user.role, "incidents:write");
  return (
    <>
      <PageHeader
        eyebrow={<Link href="/incidents">Incidents</Link>}
        title="Reporting rules"
        description="Per Member State: the competent authority and CSIRT new incidents report to, and whether month deadlines roll to the next working day (off unless national law says so)."
      />
      {rules.map((r) => (
        <Card key={r.memberState} id={`rules-${r.memberState}`} title={`${r.name} (${r.memberState})`} description={r.hasPlants ? undefined : "No plant here; kept for incidents reported under its law."}>
          {writer ? (
            <MemberStateRulesForm {...r} />
          ) : (
            <div className="card-body">
              <dl className="facts">
                <dt>Competent authority</dt>
                <dd>{r.competentAuthority || <span className="muted">not named</span>}</dd>
                <dt>CSIRT</dt>
                <dd>{r.csirt || <span className="muted">not named</span>}</dd>
                <dt>Next-working-day roll</dt>
                <dd>{r.nextWorkingDayRoll ? `On, ${r.holidays.length} public holidays listed` : "Off"}</dd>
              </dl>
            </div>
          )}
        </Card>
      ))}
    </>
  );
}
