// Scoring of an assessment and its risk rating. Pure functions: the same answers and
// exposure always give the same score, rating and next review date.
//
// score     weighted share of the answered questions that the supplier meets (yes 1,
//           partly 0.5, no 0; "not applicable" leaves the question out), 0-100.
// weakness  0-3 from the score; a "no" on a critical question makes it at least 2,
//           two or more make it 3.
// impact    0-3 from the exposure: the highest data class that reaches the supplier
//           (PUBLIC 0 ... RESTRICTED 3), one more when several plants or many calls
//           depend on it.
// rating    impact + weakness: 0-1 low, 2-3 medium, 4 high, 5-6 critical. A supplier
//           that receives restricted data is never rated low, however good its answers.
import type { Answers, QuestionnaireTemplate } from "@/lib/suppliers/questionnaire";
import { templateQuestions } from "@/lib/suppliers/questionnaire";

export const dataClasses = ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"] as const;
export type DataClassName = (typeof dataClasses)[number];
export const riskRatings = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type Rating = (typeof riskRatings)[number];

export const dataClassRank = (level: DataClassName): number => dataClasses.indexOf(level);

export function highestDataClass(levels: Iterable<DataClassName>): DataClassName | null {
  let best: DataClassName | null = null;
  for (const level of levels) if (best === null || dataClassRank(level) > dataClassRank(best)) best = level;
  return best;
}

/** Calls in the window from which a supplier counts as heavily used. */
export const heavyUseCalls = 10_000;

/** Months until the next assessment, by rating. */
export const reviewIntervalMonths: Record<Rating, number> = { LOW: 24, MEDIUM: 12, HIGH: 6, CRITICAL: 3 };

const choiceValue = { yes: 1, partial: 0.5, no: 0 } as const;

export interface SectionProgress {
  id: string;
  title: string;
  answered: number;
  total: number;
}

export interface AnswerScore {
  /** 0-100, null while no question with a value has been answered. */
  score: number | null;
  answered: number;
  total: number;
  sections: SectionProgress[];
  /** Critical questions answered "no". */
  failedCritical: string[];
  /** Critical questions answered yes or partly without an evidence link. */
  missingEvidence: string[];
  unanswered: string[];
}

export function scoreAnswers(options: { template: QuestionnaireTemplate; answers: Answers }): AnswerScore {
  const { template, answers } = options;
  let weighted = 0;
  let weights = 0;
  const failedCritical: string[] = [];
  const missingEvidence: string[] = [];
  const unanswered: string[] = [];
  for (const question of templateQuestions(template)) {
    const answer = answers[question.id];
    if (!answer) {
      unanswered.push(question.id);
      continue;
    }
    if (answer.choice === "na") continue;
    weighted += question.weight * choiceValue[answer.choice];
    weights += question.weight;
    if (question.critical && answer.choice === "no") failedCritical.push(question.id);
    if (question.critical && answer.choice !== "no" && answer.evidence.length === 0) missingEvidence.push(question.id);
  }
  const sections = template.sections.map((s) => ({
    id: s.id,
    title: s.title,
    total: s.questions.length,
    answered: s.questions.filter((question) => answers[question.id] !== undefined).length,
  }));
  const total = sections.reduce((n, s) => n + s.total, 0);
  return {
    score: weights === 0 ? null : Math.round((100 * weighted) / weights),
    answered: total - unanswered.length,
    total,
    sections,
    failedCritical,
    missingEvidence,
    unanswered,
  };
}

/** What a rating weighs about the supplier's exposure (lib/suppliers/exposure.ts). */
export interface ExposureSummary {
  highestDataClass: DataClassName | null;
  plants: number;
  conduits: number;
  calls: number;
}

export interface RiskRating {
  rating: Rating;
  impact: number;
  weakness: number;
  reasons: string[];
}

export function rateRisk(options: { score: number | null; failedCritical: number; exposure: ExposureSummary }): RiskRating {
  const { score, failedCritical, exposure } = options;
  const reasons: string[] = [];

  let weakness = score === null ? 3 : score >= 85 ? 0 : score >= 70 ? 1 : score >= 50 ? 2 : 3;
  reasons.push(score === null ? "no question answered with a value" : `score ${score} of 100`);
  if (failedCritical > 0) {
    weakness = Math.max(weakness, failedCritical >= 2 ? 3 : 2);
    reasons.push(`${failedCritical} critical question${failedCritical === 1 ? "" : "s"} answered no`);
  }

  let impact = exposure.highestDataClass === null ? 0 : dataClassRank(exposure.highestDataClass);
  reasons.push(exposure.highestDataClass === null ? "no conduit reaches the supplier" : `receives data up to ${exposure.highestDataClass}`);
  if (exposure.plants >= 2 || exposure.calls >= heavyUseCalls) {
    impact = Math.min(3, impact + 1);
    reasons.push(exposure.plants >= 2 ? `serves ${exposure.plants} plants` : `${exposure.calls} calls in the window`);
  }

  const points = impact + weakness;
  const rating: Rating = points <= 1 ? "LOW" : points <= 3 ? "MEDIUM" : points === 4 ? "HIGH" : "CRITICAL";
  return { rating, impact, weakness, reasons };
}

/** The next review date: the approval date plus the rating's interval, in calendar months (UTC). */
export function nextReviewDate(options: { rating: Rating; approvedAt: Date }): Date {
  const d = new Date(options.approvedAt);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + reviewIntervalMonths[options.rating]);
  // 31 August + 6 months is the last day of February, not 3 March.
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}
