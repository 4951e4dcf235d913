// The request bodies of the incident API, validated with zod at the boundary. Instants
// travel as ISO 8601 with an offset (the browser converts plant-local input to UTC);
// they become Dates here. No server-only imports: the forms use these too.
import { z } from "zod";
import { memberStateCodes } from "@/lib/incidents/member-states";
import { severities, stageFieldsSchema } from "@/lib/incidents/report-content";

const instant = z.iso
  .datetime({ offset: true, error: "Give a date and time, e.g. 2026-11-26T09:30:00Z." })
  .transform((value) => new Date(value));
const optionalInstant = instant.nullable().default(null);
const shortText = (max: number) => z.string().trim().max(max, `Keep this under ${max} characters.`);
const requiredText = (max: number, message: string) => shortText(max).min(1, message);
const id = z.string().min(1).max(100);

export const incidentInputSchema = z
  .object({
    title: requiredText(200, "Give the incident a title."),
    description: shortText(20_000).default(""),
    plantIds: z.array(id).min(1, "Choose at least one affected plant.").max(50),
    severity: z.enum(severities, { error: "Choose a severity." }),
    suspectedMalicious: z.boolean(),
    crossBorderImpact: z.boolean(),
    occurredAt: optionalInstant,
    detectedAt: instant,
    awareAt: instant,
    containedAt: optionalInstant,
    handlingEndedAt: optionalInstant,
    closedAt: optionalInstant,
    entityCategory: z.enum(["ESSENTIAL", "IMPORTANT"], { error: "Choose essential or important entity." }),
    trustServiceProvider: z.boolean(),
    memberState: z.enum(memberStateCodes, { error: "Choose the EU Member State whose law applies." }),
    competentAuthority: shortText(200).default(""),
    csirt: shortText(200).default(""),
  })
  .strict();
export type IncidentInput = z.infer<typeof incidentInputSchema>;

export const reportStages = ["EARLY_WARNING", "NOTIFICATION", "INTERMEDIATE", "PROGRESS", "FINAL"] as const;

export const reportSubmissionSchema = z
  .object({
    stage: z.enum(reportStages, { error: "Choose a report stage." }),
    submittedAt: instant,
    // Both go into the report_submission ledger record, which caps them at 200 characters.
    channel: requiredText(200, "Say how the report was sent (portal, e-mail, ...)."),
    recipient: requiredText(200, "Name the authority or CSIRT the report was sent to."),
    fields: z.record(z.string(), z.unknown()),
  })
  .strict()
  // The stage's own fields are checked here too, so one answer names every problem.
  .superRefine(
    (input, ctx) => {
      const parsed = stageFieldsSchema(input.stage).safeParse(input.fields);
      for (const issue of parsed.error?.issues ?? []) ctx.addIssue({ code: "custom", path: ["fields", ...issue.path], message: issue.message });
    },
    {
      when: (payload) => {
        const value = payload.value as { stage?: unknown; fields?: unknown } | null;
        return reportStages.some((stage) => stage === value?.stage) && typeof value?.fields === "object" && value.fields !== null;
      },
    },
  );
export type ReportSubmissionInput = z.infer<typeof reportSubmissionSchema>;

export const incidentEventSchema = z
  .object({
    kind: z.enum(["CSIRT_REPLY", "INTERMEDIATE_REPORT_REQUEST"]),
    at: instant,
    dueAt: optionalInstant,
    source: requiredText(200, "Name who sent it (the CSIRT or the authority)."),
    summary: requiredText(5_000, "Say what was said or asked."),
  })
  .strict()
  .refine((e) => e.kind !== "INTERMEDIATE_REPORT_REQUEST" || e.dueAt !== null, { path: ["dueAt"], message: "A request for an intermediate report sets a due date: enter it." });
export type IncidentEventInput = z.infer<typeof incidentEventSchema>;

const answer = z.object({ applies: z.boolean(), reasoning: shortText(5_000) }).strict();
const euros = z.number().finite().nonnegative("Amounts are zero or more euros.");

export const significanceInputSchema = z
  .object({
    plannedMaintenance: answer,
    financialLoss: z.object({ directLossEur: euros, annualTurnoverEur: z.number().finite().positive().nullable(), reasoning: shortText(5_000) }).strict(),
    tradeSecretsExfiltrated: answer,
    deathCaused: answer,
    considerableHealthDamage: answer,
    maliciousUnauthorisedAccess: answer,
    rootCause: shortText(500).nullable(),
    earlierIncidents: z
      .array(z.object({ reference: requiredText(100, "Name the earlier incident."), occurredAt: instant, rootCause: requiredText(500, "Give the earlier incident's root cause."), directLossEur: euros }).strict())
      .max(50),
    // The conclusion under NIS2 Art. 23(3): the checklist advises, the entity decides.
    significant: z.boolean(),
    reasoning: requiredText(5_000, "Record why you conclude the incident is or is not significant."),
  })
  .strict();
export type SignificanceInput = z.infer<typeof significanceInputSchema>;

export const evidenceKinds = ["LEDGER_RECORD", "ANOMALY", "CONDUIT", "SUPPLIER"] as const;

export const evidenceLinkSchema = z
  .object({ kind: z.enum(evidenceKinds), targetId: id, note: shortText(2_000).default("") })
  .strict();
export type EvidenceLinkInput = z.infer<typeof evidenceLinkSchema>;

const isoDate = z.string().refine(
  (d) => {
    const day = new Date(`${d}T00:00:00Z`);
    return /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(d);
  },
  { message: "Give public holidays as calendar dates, YYYY-MM-DD." },
);

export const memberStateRulesSchema = z
  .object({
    competentAuthority: shortText(200),
    csirt: shortText(200),
    nextWorkingDayRoll: z.boolean(),
    holidays: z.array(isoDate).max(200),
  })
  .strict();
export type MemberStateRulesInput = z.infer<typeof memberStateRulesSchema>;

/** GET /api/incidents/:id/evidence: what to offer for linking. */
export const evidenceCandidateQuerySchema = z
  .object({
    kind: z.enum(evidenceKinds),
    recordKind: z.string().max(64).optional().transform((value) => value || null),
    from: instant,
    to: instant,
  })
  .refine((q) => q.from <= q.to, { path: ["to"], message: "The window ends before it starts." });
