// Whether an incident is significant, checked against the criteria of Implementing
// Regulation (EU) 2024/2690 Art. 3 and 4. That regulation binds digital
// infrastructure providers, not manufacturers; for a plant it is the best public
// benchmark, so the result is advice with its reasoning recorded, and the CISO still
// decides under NIS2 Art. 23(3). The wording here is ours, not the regulation's.
import { AppError } from "@/lib/errors";
import { addCalendarMonths, assertTimeZone } from "@/lib/incidents/local-time";

export type SignificanceCriterion = "financial_loss" | "trade_secrets" | "death" | "health_damage" | "malicious_access" | "recurring";

export type SignificanceVerdict = "significant" | "not_significant" | "not_an_incident";

/** A yes/no answer by the assessor, with why: the reasoning is part of the record. */
export interface AssessorAnswer {
  applies: boolean;
  reasoning: string;
}

/** An earlier incident of the same entity that was not significant on its own. */
export interface EarlierIncident {
  reference: string;
  occurredAt: Date;
  rootCause: string;
  directLossEur: number;
}

export interface SignificanceAnswers {
  /** Planned maintenance is not an incident at all. */
  plannedMaintenance: AssessorAnswer;
  /** Direct loss caused or likely to be caused, and the turnover of the preceding financial year (null if unknown). */
  financialLoss: { directLossEur: number; annualTurnoverEur: number | null; reasoning: string };
  /** Trade secrets exfiltrated, or the incident is capable of it. */
  tradeSecretsExfiltrated: AssessorAnswer;
  /** A person died, or the incident is capable of causing a death. */
  deathCaused: AssessorAnswer;
  /** Considerable damage to a person's health, caused or possible. */
  considerableHealthDamage: AssessorAnswer;
  /** Successful access, suspected malicious and unauthorised, capable of severe operational disruption. */
  maliciousUnauthorisedAccess: AssessorAnswer;
  /** For the recurrence test: this incident's time and apparent root cause, and earlier non-significant incidents. */
  recurrence: { occurredAt: Date; rootCause: string | null; earlierIncidents: EarlierIncident[] };
}

export interface CriterionFinding {
  criterion: SignificanceCriterion;
  met: boolean;
  reasoning: string;
}

export interface SignificanceAssessment {
  verdict: SignificanceVerdict;
  findings: CriterionFinding[];
  summary: string;
}

const LOSS_CAP_EUR = 500_000;
const TURNOVER_SHARE = 0.05;
const RECURRENCE_MONTHS = 6;
const criterionNames: Record<SignificanceCriterion, string> = {
  financial_loss: "direct financial loss",
  trade_secrets: "exfiltration of trade secrets",
  death: "death of a person",
  health_damage: "considerable damage to health",
  malicious_access: "malicious unauthorised access",
  recurring: "recurring incidents",
};

const euros = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const eur = (amount: number) => `EUR ${euros.format(amount)}`;

/** The lower of EUR 500 000 and 5 % of annual turnover; the cap alone when turnover is unknown. */
function lossThresholdEur(annualTurnoverEur: number | null): number {
  return annualTurnoverEur === null ? LOSS_CAP_EUR : Math.min(LOSS_CAP_EUR, TURNOVER_SHARE * annualTurnoverEur);
}

function thresholdReason(annualTurnoverEur: number | null): string {
  const threshold = lossThresholdEur(annualTurnoverEur);
  return annualTurnoverEur === null
    ? `threshold ${eur(threshold)} (turnover unknown, so the EUR 500,000 cap applies)`
    : `threshold ${eur(threshold)}, the lower of EUR 500,000 and 5 % of the turnover of ${eur(annualTurnoverEur)}`;
}

function sameRootCause(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function checkAnswers(answers: SignificanceAnswers): void {
  const issues: { path: string; message: string }[] = [];
  const reasoned: Array<[string, string, { reasoning: string }]> = [
    ["plannedMaintenance", "planned maintenance", answers.plannedMaintenance],
    ["financialLoss", "the direct financial loss", answers.financialLoss],
    ["tradeSecretsExfiltrated", criterionNames.trade_secrets, answers.tradeSecretsExfiltrated],
    ["deathCaused", criterionNames.death, answers.deathCaused],
    ["considerableHealthDamage", criterionNames.health_damage, answers.considerableHealthDamage],
    ["maliciousUnauthorisedAccess", criterionNames.malicious_access, answers.maliciousUnauthorisedAccess],
  ];
  for (const [path, label, answer] of reasoned) {
    if (answer.reasoning.trim() === "") issues.push({ path: `${path}.reasoning`, message: `Record the reasoning behind the answer on ${label}.` });
  }
  const amounts: Array<[string, string, number]> = [
    ["financialLoss.directLossEur", "The direct financial loss", answers.financialLoss.directLossEur],
    ...answers.recurrence.earlierIncidents.map((e, i): [string, string, number] => [`recurrence.earlierIncidents.${i}.directLossEur`, `The direct loss of ${e.reference}`, e.directLossEur]),
  ];
  for (const [path, label, amount] of amounts) {
    if (!Number.isFinite(amount) || amount < 0) issues.push({ path, message: `${label} must be an amount in euros of zero or more.` });
  }
  const turnover = answers.financialLoss.annualTurnoverEur;
  if (turnover !== null && !(Number.isFinite(turnover) && turnover > 0)) {
    issues.push({ path: "financialLoss.annualTurnoverEur", message: "The annual turnover must be a positive amount in euros, or unknown." });
  }
  const dates: Array<[string, string, Date]> = [
    ["recurrence.occurredAt", "The time of this incident", answers.recurrence.occurredAt],
    ...answers.recurrence.earlierIncidents.map((e, i): [string, string, Date] => [`recurrence.earlierIncidents.${i}.occurredAt`, `The time of ${e.reference}`, e.occurredAt]),
  ];
  for (const [path, label, date] of dates) {
    if (Number.isNaN(date.getTime())) issues.push({ path, message: `${label} is not a valid date.` });
  }
  if (issues.length > 0) throw new AppError({ code: "validation_failed", message: issues.map((i) => i.message).join(" "), issues });
}

function recurrenceFinding(options: { answers: SignificanceAnswers; timeZone: string }): CriterionFinding {
  const { financialLoss, recurrence } = options.answers;
  if (!recurrence.rootCause) {
    return { criterion: "recurring", met: false, reasoning: "No apparent root cause recorded yet, so no earlier incident can share it." };
  }
  const rootCause = recurrence.rootCause;
  // Only earlier incidents count: the check runs when this incident is assessed.
  const windowStart = addCalendarMonths({ from: recurrence.occurredAt, months: -RECURRENCE_MONTHS, timeZone: options.timeZone });
  const related = recurrence.earlierIncidents.filter(
    (e) => e.occurredAt >= windowStart && e.occurredAt <= recurrence.occurredAt && sameRootCause(e.rootCause, rootCause),
  );
  if (related.length === 0) {
    return { criterion: "recurring", met: false, reasoning: `No earlier incident with the root cause "${rootCause}" in the ${RECURRENCE_MONTHS} months before this one.` };
  }
  const totalLoss = related.reduce((sum, e) => sum + e.directLossEur, financialLoss.directLossEur);
  const threshold = lossThresholdEur(financialLoss.annualTurnoverEur);
  const met = totalLoss > threshold;
  const references = related.map((e) => e.reference).join(", ");
  return {
    criterion: "recurring",
    met,
    reasoning: `${related.length + 1} incidents with the root cause "${rootCause}" within ${RECURRENCE_MONTHS} months (this one and ${references}); together a direct loss of ${eur(totalLoss)}, ${met ? "above" : "not above"} the ${thresholdReason(financialLoss.annualTurnoverEur)}.`,
  };
}

/**
 * Runs the checklist. Any criterion met makes the incident significant; none met
 * leaves it not significant by the benchmark. Planned maintenance overrides both.
 * `timeZone` is the plant's: the six-month recurrence window is counted in its calendar.
 */
export function assessSignificance(options: { answers: SignificanceAnswers; timeZone: string }): SignificanceAssessment {
  const { answers } = options;
  assertTimeZone(options.timeZone);
  checkAnswers(answers);
  const { directLossEur, annualTurnoverEur, reasoning } = answers.financialLoss;
  const lossMet = directLossEur > lossThresholdEur(annualTurnoverEur);
  const assessed = (criterion: SignificanceCriterion, answer: AssessorAnswer): CriterionFinding => ({
    criterion,
    met: answer.applies,
    reasoning: `Assessor: ${answer.applies ? "yes" : "no"}. ${answer.reasoning.trim()}`,
  });
  const findings: CriterionFinding[] = [
    {
      criterion: "financial_loss",
      met: lossMet,
      reasoning: `Direct loss of ${eur(directLossEur)} is ${lossMet ? "above" : "not above"} the ${thresholdReason(annualTurnoverEur)}. ${reasoning.trim()}`,
    },
    assessed("trade_secrets", answers.tradeSecretsExfiltrated),
    assessed("death", answers.deathCaused),
    assessed("health_damage", answers.considerableHealthDamage),
    assessed("malicious_access", answers.maliciousUnauthorisedAccess),
    recurrenceFinding(options),
  ];

  if (answers.plannedMaintenance.applies) {
    return {
      verdict: "not_an_incident",
      findings,
      summary: `Planned maintenance, which is not an incident. ${answers.plannedMaintenance.reasoning.trim()}`,
    };
  }
  const met = findings.filter((f) => f.met).map((f) => criterionNames[f.criterion]);
  if (met.length > 0) {
    return { verdict: "significant", findings, summary: `Significant: meets ${met.join(", ")}.` };
  }
  return {
    verdict: "not_significant",
    findings,
    summary:
      "Not significant by the benchmark criteria of Implementing Regulation 2024/2690. It may still be significant under NIS2 Art. 23(3) if it caused or could cause severe operational disruption or financial loss, or considerable damage to others.",
  };
}
