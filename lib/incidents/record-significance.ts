// Recording a significance assessment: the checklist (significance.ts) turns the
// answers into findings with their reasoning, and the assessor records the conclusion
// under NIS2 Art. 23(3), which the checklist advises but does not make. Each
// assessment is kept; the latest decides whether the incident's deadlines apply.
import { randomUUID } from "node:crypto";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { applyIncidentChange, incidentTimeZone, loadIncident, recordIncidentChange, type LedgerAppend } from "@/lib/incidents/incident-state";
import type { SignificanceInput } from "@/lib/incidents/inputs";
import { assessSignificance } from "@/lib/incidents/significance";
import { canonicalJson } from "@/lib/ledger/record";

export async function recordSignificance(options: { db: Db; record: LedgerAppend; actor: SessionUser; incidentId: string; input: SignificanceInput; now?: Date }) {
  const { db, actor, input } = options;
  const assessedAt = options.now ?? new Date();
  const incident = await loadIncident({ db, incidentId: options.incidentId });
  const { significant, reasoning, rootCause, earlierIncidents, ...answers } = input;
  const checklistAnswers = {
    ...answers,
    // The recurrence test looks back six months from when this incident occurred (or was detected, if that is all we know).
    recurrence: { occurredAt: incident.occurredAt ?? incident.detectedAt, rootCause: rootCause || null, earlierIncidents },
  };
  const assessment = assessSignificance({ answers: checklistAnswers, timeZone: incidentTimeZone(incident) });

  const id = randomUUID();
  const state = {
    id,
    incidentId: incident.id,
    answers: canonicalJson(JSON.parse(JSON.stringify(checklistAnswers))),
    findings: canonicalJson(assessment.findings),
    verdict: assessment.verdict,
    summary: assessment.summary,
    significant,
    reasoning,
    assessedAt,
    assessedById: actor.id,
  };
  const ledger = await recordIncidentChange({
    ...options,
    entity: { type: "SignificanceAssessment", id },
    action: "create",
    before: null,
    after: state,
    summary: `${incident.reference}: assessed as ${significant ? "significant" : "not significant"} (checklist: ${assessment.verdict.replace(/_/g, " ")})`,
  });
  return applyIncidentChange({
    db,
    incidentId: incident.id,
    version: incident.version,
    write: (tx) => tx.significanceAssessment.create({ data: { ...state, ledgerRecordId: ledger.id }, select: { id: true, verdict: true, significant: true, summary: true } }),
  });
}
