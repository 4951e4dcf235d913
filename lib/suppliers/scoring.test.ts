import { describe, expect, it } from "vitest";
import { findTemplate, templateQuestions, type Answers } from "@/lib/suppliers/questionnaire";
import { highestDataClass, nextReviewDate, rateRisk, scoreAnswers, type ExposureSummary } from "@/lib/suppliers/scoring";

const template = findTemplate({ key: "ai-supplier", version: 1 })!;
const questions = templateQuestions(template);
const evidence = [{ label: "DPA", url: "https://example.com/dpa" }];
const all = (choice: "yes" | "partial" | "no"): Answers =>
  Object.fromEntries(questions.map((q) => [q.id, { choice, note: "", evidence: q.critical ? evidence : [] }]));

const exposure = (overrides: Partial<ExposureSummary> = {}): ExposureSummary => ({ highestDataClass: "INTERNAL", plants: 1, conduits: 1, calls: 100, ...overrides });

describe("scoreAnswers", () => {
  it("scores all yes 100, all partly 50, all no 0", () => {
    expect(scoreAnswers({ template, answers: all("yes") }).score).toBe(100);
    expect(scoreAnswers({ template, answers: all("partial") }).score).toBe(50);
    expect(scoreAnswers({ template, answers: all("no") }).score).toBe(0);
  });

  it("weighs questions and leaves out those not applicable", () => {
    const weights = questions.reduce((n, q) => n + q.weight, 0);
    const heavy = questions.find((q) => q.weight === 3)!;
    const answers = { ...all("yes"), [heavy.id]: { choice: "no" as const, note: "", evidence: [] } };
    expect(scoreAnswers({ template, answers }).score).toBe(Math.round((100 * (weights - 3)) / weights));

    const wireless = questions.find((q) => q.id === "sp04-wireless")!;
    const withNa = { ...answers, [wireless.id]: { choice: "na" as const, note: "", evidence: [] } };
    expect(scoreAnswers({ template, answers: withNa }).score).toBe(Math.round((100 * (weights - 3 - wireless.weight)) / (weights - wireless.weight)));
  });

  it("reports progress per section, unanswered questions, failed critical questions and missing evidence", () => {
    const result = scoreAnswers({ template, answers: { "dh-location": { choice: "yes", note: "", evidence: [] }, "tr-no-training": { choice: "no", note: "", evidence: [] } } });
    expect(result.answered).toBe(2);
    expect(result.total).toBe(questions.length);
    expect(result.sections.find((s) => s.id === "data-handling")).toMatchObject({ answered: 1, total: 3 });
    expect(result.unanswered).toHaveLength(questions.length - 2);
    expect(result.failedCritical).toEqual(["tr-no-training"]);
    expect(result.missingEvidence).toEqual(["dh-location"]);
  });

  it("has no score while nothing with a value is answered", () => {
    expect(scoreAnswers({ template, answers: {} }).score).toBeNull();
    expect(scoreAnswers({ template, answers: { "sp04-wireless": { choice: "na", note: "", evidence: [] } } }).score).toBeNull();
  });
});

describe("rateRisk", () => {
  it("rates a good supplier that receives internal data low", () => {
    expect(rateRisk({ score: 95, failedCritical: 0, exposure: exposure() })).toMatchObject({ rating: "LOW", impact: 1, weakness: 0 });
  });

  it("never rates a supplier that receives restricted data low", () => {
    expect(rateRisk({ score: 100, failedCritical: 0, exposure: exposure({ highestDataClass: "RESTRICTED" }) }).rating).toBe("MEDIUM");
  });

  it("weighs the exposure: the same answers rate higher with more sensitive data or more plants", () => {
    const answers = { score: 72, failedCritical: 0 };
    expect(rateRisk({ ...answers, exposure: exposure({ highestDataClass: "PUBLIC" }) }).rating).toBe("LOW");
    expect(rateRisk({ ...answers, exposure: exposure({ highestDataClass: "INTERNAL" }) }).rating).toBe("MEDIUM");
    expect(rateRisk({ ...answers, exposure: exposure({ highestDataClass: "CONFIDENTIAL" }) }).rating).toBe("MEDIUM");
    expect(rateRisk({ ...answers, exposure: exposure({ highestDataClass: "CONFIDENTIAL", plants: 2 }) })).toMatchObject({ rating: "HIGH", impact: 3 });
    expect(rateRisk({ ...answers, exposure: exposure({ highestDataClass: "CONFIDENTIAL", calls: 10_000 }) }).rating).toBe("HIGH");
    expect(rateRisk({ ...answers, exposure: exposure({ highestDataClass: null, plants: 0, conduits: 0, calls: 0 }) })).toMatchObject({ rating: "LOW", impact: 0 });
  });

  it("lets a failed critical question weaken a good score, and two make it critical with sensitive data", () => {
    expect(rateRisk({ score: 90, failedCritical: 1, exposure: exposure() })).toMatchObject({ weakness: 2, rating: "MEDIUM" });
    expect(rateRisk({ score: 90, failedCritical: 2, exposure: exposure({ highestDataClass: "CONFIDENTIAL" }) })).toMatchObject({ weakness: 3, rating: "CRITICAL" });
    expect(rateRisk({ score: 40, failedCritical: 0, exposure: exposure({ highestDataClass: "RESTRICTED" }) }).rating).toBe("CRITICAL");
  });

  it("gives its reasons", () => {
    const { reasons } = rateRisk({ score: 60, failedCritical: 1, exposure: exposure({ highestDataClass: "CONFIDENTIAL", plants: 2 }) });
    expect(reasons).toEqual(["score 60 of 100", "1 critical question answered no", "receives data up to CONFIDENTIAL", "serves 2 plants"]);
  });
});

describe("nextReviewDate", () => {
  const approvedAt = new Date("2026-08-31T09:30:00Z");
  it("sets the next review by rating: 24, 12, 6 or 3 months", () => {
    expect(nextReviewDate({ rating: "LOW", approvedAt }).toISOString()).toBe("2028-08-31T09:30:00.000Z");
    expect(nextReviewDate({ rating: "MEDIUM", approvedAt }).toISOString()).toBe("2027-08-31T09:30:00.000Z");
    // 31 August + 6 months ends on the last day of February.
    expect(nextReviewDate({ rating: "HIGH", approvedAt }).toISOString()).toBe("2027-02-28T09:30:00.000Z");
    expect(nextReviewDate({ rating: "CRITICAL", approvedAt }).toISOString()).toBe("2026-11-30T09:30:00.000Z");
  });
});

describe("highestDataClass", () => {
  it("orders the classification levels", () => {
    expect(highestDataClass(["INTERNAL", "RESTRICTED", "PUBLIC"])).toBe("RESTRICTED");
    expect(highestDataClass([])).toBeNull();
  });
});
