// What each NIS2 Art. 23(4) report carries, stage by stage, as regulatory-facts.md sets
// it out: the form, the frozen content, the ledger record and the PDF all read these
// field lists, so a stage's content is defined once. Labels paraphrase the law.
// Shared by the server and the browser: no server-only imports here.
import { z } from "zod";
import type { ReportStage } from "@/lib/db";

export const severities = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type Severity = (typeof severities)[number];

export interface ReportField {
  key: string;
  label: string;
  hint: string;
  kind: "text" | "yesno" | "severity";
  required: boolean;
}

export interface StageSpec {
  title: string;
  article: string;
  /** What the law asks at this stage, in one line. */
  purpose: string;
  fields: ReportField[];
}

const text = (key: string, label: string, hint: string, required = true): ReportField => ({ key, label, hint, kind: "text", required });
const yesno = (key: string, label: string, hint: string): ReportField => ({ key, label, hint, kind: "yesno", required: true });
const severity: ReportField = { key: "severity", label: "Severity", hint: "Your assessment of how severe the incident is.", kind: "severity", required: true };

export const stageSpecs: Record<ReportStage, StageSpec> = {
  EARLY_WARNING: {
    title: "Early warning",
    article: "NIS2 Art. 23(4)(a)",
    purpose: "Without undue delay, at most 24 h after awareness: whether unlawful or malicious action is suspected and whether the incident could have a cross-border impact.",
    fields: [
      text("summary", "What is known so far", "A short description of the incident as far as it is known."),
      yesno("suspectedMalicious", "Unlawful or malicious action suspected", "Is the incident suspected of being caused by unlawful or malicious acts?"),
      text("maliciousDetails", "Why (not) suspected", "What points to or away from unlawful or malicious action.", false),
      yesno("crossBorderImpact", "Possible cross-border impact", "Could the incident have an impact in other Member States?"),
      text("crossBorderDetails", "Cross-border details", "Which Member States or services could be affected.", false),
      text("assistanceRequested", "Assistance requested", "Guidance or operational advice you ask of the CSIRT, if any.", false),
    ],
  },
  NOTIFICATION: {
    title: "Incident notification",
    article: "NIS2 Art. 23(4)(b)",
    purpose: "Without undue delay, at most 72 h after awareness (24 h for trust service providers): an update of the early warning and an initial assessment of severity and impact, with indicators of compromise where available.",
    fields: [
      text("earlyWarningUpdate", "Update of the early warning", "What changed or became known since the early warning."),
      severity,
      text("impact", "Initial assessment of the impact", "Affected operations, services, plants and people; the extent and duration so far."),
      yesno("suspectedMalicious", "Unlawful or malicious action suspected", "The current assessment."),
      yesno("crossBorderImpact", "Possible cross-border impact", "The current assessment."),
      text("indicatorsOfCompromise", "Indicators of compromise", "Hashes, addresses, domains, accounts, where available.", false),
    ],
  },
  INTERMEDIATE: {
    title: "Intermediate report",
    article: "NIS2 Art. 23(4)(c)",
    purpose: "On request of the CSIRT or the competent authority, by the date it set: relevant status updates.",
    fields: [
      text("statusUpdate", "Status update", "What the request asked for and the current state of handling."),
    ],
  },
  PROGRESS: {
    title: "Progress report",
    article: "NIS2 Art. 23(4)(e)",
    purpose: "When the incident is still ongoing at the final-report date: a progress report at that time; the final report follows one month after handling ends.",
    fields: [
      text("progress", "Progress so far", "What has been found and done since the notification."),
      severity,
      text("mitigationOngoing", "Mitigation under way", "Measures still being applied and what remains to be done."),
      text("expectedEnd", "Expected end of handling", "When handling is expected to end, as far as can be said.", false),
    ],
  },
  FINAL: {
    title: "Final report",
    article: "NIS2 Art. 23(4)(d)",
    purpose: "At most one month after the notification was submitted: a detailed description including severity and impact, the type of threat or root cause, the mitigation applied and ongoing, and any cross-border impact.",
    fields: [
      text("description", "Detailed description", "The incident in full, including its severity and impact."),
      severity,
      text("rootCause", "Type of threat or root cause", "What likely triggered the incident."),
      text("mitigationApplied", "Mitigation applied", "Measures taken to contain and remediate the incident."),
      text("mitigationOngoing", "Mitigation ongoing", "Measures still running, or none."),
      yesno("crossBorderImpact", "Cross-border impact", "Whether the incident had an impact in other Member States."),
      text("crossBorderDetails", "Cross-border details", "Where applicable: which Member States and how.", false),
    ],
  },
};

const longText = (label: string) => z.string({ error: `Fill in "${label}".` }).trim().max(20_000, "Keep this under 20,000 characters.");

/** The zod schema of one stage's fields: required texts must not be empty. */
export function stageFieldsSchema(stage: ReportStage) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of stageSpecs[stage].fields) {
    if (field.kind === "yesno") shape[field.key] = z.boolean({ error: `Answer "${field.label}" with yes or no.` });
    else if (field.kind === "severity") shape[field.key] = z.enum(severities, { error: "Choose a severity." });
    else shape[field.key] = field.required ? longText(field.label).min(1, `Fill in "${field.label}".`) : longText(field.label).default("");
  }
  return z.object(shape).strict();
}

export type ReportFields = Record<string, string | boolean>;
