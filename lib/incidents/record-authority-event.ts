// What the CSIRT or the competent authority said, on the incident's timeline: a reply
// (the CSIRT should answer an early warning within 24 h) or a request for an
// intermediate report, whose due date the requester sets (NIS2 Art. 23(4)(c)).
import { randomUUID } from "node:crypto";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import {
  applyIncidentChange,
  checkIncidentInstants,
  clockOf,
  incidentTimeZone,
  isReportable,
  loadIncident,
  recordIncidentChange,
  type LedgerAppend,
} from "@/lib/incidents/incident-state";
import type { IncidentEventInput } from "@/lib/incidents/inputs";

const authorityEventNames = { CSIRT_REPLY: "CSIRT reply", INTERMEDIATE_REPORT_REQUEST: "Request for an intermediate report" } as const;

export async function recordAuthorityEvent(options: { db: Db; record: LedgerAppend; actor: SessionUser; incidentId: string; input: IncidentEventInput; now?: Date }) {
  const { db, actor, input } = options;
  const now = options.now ?? new Date();
  const incident = await loadIncident({ db, incidentId: options.incidentId });
  const dueAt = input.kind === "INTERMEDIATE_REPORT_REQUEST" ? input.dueAt : null;

  // A request joins the clock, so the engine checks it against awareness and its due
  // date; a reply is checked on its own: not in the future, and not before the incident
  // (a CSIRT may tell the entity of an incident, so it may precede detection, but not
  // the incident itself).
  const clock = clockOf(incident);
  if (dueAt) clock.intermediateRequests.push({ requestedAt: input.at, dueAt });
  checkIncidentInstants({
    clock,
    containedAt: incident.containedAt,
    closedAt: incident.closedAt,
    finalReportSubmitted: incident.reports.some((r) => r.stage === "FINAL"),
    reportable: isReportable(incident),
    now,
    timeZone: incidentTimeZone(incident),
    extra: dueAt
      ? []
      : [
          {
            path: "at",
            label: `The ${authorityEventNames[input.kind]}`,
            at: input.at,
            notBefore: clock.occurredAt ? { at: clock.occurredAt, label: "the incident occurred" } : { at: clock.detectedAt, label: "the incident was detected" },
          },
        ],
  });

  const id = randomUUID();
  const state = { id, incidentId: incident.id, kind: input.kind, at: input.at, dueAt, source: input.source, summary: input.summary };
  const ledger = await recordIncidentChange({
    ...options,
    entity: { type: "IncidentEvent", id },
    action: "create",
    before: null,
    after: state,
    summary: `${incident.reference}: ${authorityEventNames[input.kind]} from ${input.source} recorded`.slice(0, 500),
  });
  return applyIncidentChange({
    db,
    incidentId: incident.id,
    version: incident.version,
    write: (tx) => tx.incidentEvent.create({ data: { ...state, recordedById: actor.id, ledgerRecordId: ledger.id }, select: { id: true, kind: true, at: true, dueAt: true } }),
  });
}
