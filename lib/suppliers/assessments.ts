// The life of an assessment: the author drafts answers against the current
// questionnaire version and submits; submission scores the answers and rates the risk
// against the supplier's exposure at that moment; a different person approves (four
// eyes), which is recorded in the ledger as the sign-off and sets the next review date
// from the rating, or returns it to the author with a note. Each step is recorded
// before it is applied, and applied only if the assessment is still in the state the
// step started from.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { AssessmentStatus, Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";
import { clampSummary } from "@/lib/suppliers/summary";
import { assessmentStatusLabels } from "@/lib/suppliers/labels";
import { loadSupplierOverview } from "@/lib/suppliers/overview";
import { answersSchema, currentTemplates, findTemplate, templateQuestions, type Answers, type QuestionnaireTemplate } from "@/lib/suppliers/questionnaire";
import { dataClasses, nextReviewDate, rateRisk, scoreAnswers } from "@/lib/suppliers/scoring";

export const createAssessmentSchema = z.object({ templateKey: z.string().min(1).max(60) }).strict();
export const saveAnswersSchema = z.object({ answers: answersSchema }).strict();
export const approveAssessmentSchema = z.object({ approvedDataClass: z.enum(dataClasses) }).strict();
export const returnAssessmentSchema = z.object({ note: z.string().trim().min(1, "Say what the author should change.").max(2000) }).strict();

/** What the rating weighed, fixed at submission (Assessment.ratingBasis). */
export const ratingBasisSchema = z.object({
  exposure: z.object({ highestDataClass: z.enum(dataClasses).nullable(), plants: z.number(), conduits: z.number(), calls: z.number() }),
  impact: z.number(),
  weakness: z.number(),
  reasons: z.array(z.string()),
  failedCritical: z.array(z.string()),
});
export type RatingBasis = z.infer<typeof ratingBasisSchema>;

const assessmentView = {
  id: true,
  supplierId: true,
  templateKey: true,
  templateVersion: true,
  status: true,
  answers: true,
  score: true,
  rating: true,
  ratingBasis: true,
  approvedDataClass: true,
  reviewNote: true,
  authorId: true,
  submittedAt: true,
  approverId: true,
  approvedAt: true,
  nextReviewAt: true,
  signOffRecordId: true,
} as const;

async function loadAssessment(options: { db: Db; assessmentId: string }) {
  const assessment = await options.db.assessment.findUnique({
    where: { id: options.assessmentId },
    select: { ...assessmentView, supplier: { select: { name: true } }, author: { select: { email: true } } },
  });
  if (!assessment) throw new AppError({ code: "not_found", message: "No such assessment." });
  const template = findTemplate({ key: assessment.templateKey, version: assessment.templateVersion });
  if (!template) throw new Error(`questionnaire ${assessment.templateKey} v${assessment.templateVersion} is not published`);
  const { supplier, author, ...state } = assessment;
  return { state, supplierName: supplier.name, authorEmail: author.email, template, answers: answersSchema.parse(JSON.parse(assessment.answers)) };
}

function expectStatus(status: AssessmentStatus, expected: AssessmentStatus) {
  if (status !== expected) {
    throw new AppError({ code: "conflict", message: `This assessment is ${assessmentStatusLabels[status].toLowerCase()}; the step needs it to be ${assessmentStatusLabels[expected].toLowerCase()}.` });
  }
}

function expectAuthor(options: { actor: SessionUser; authorId: string; authorEmail: string }) {
  if (options.actor.id !== options.authorId) {
    throw new AppError({ code: "forbidden", message: `Only the author (${options.authorEmail}) works on this draft.` });
  }
}

/** Applies a step only if no one moved the assessment on in the meantime. */
async function applyStep(options: { db: Db; assessmentId: string; from: AssessmentStatus; data: Parameters<Db["assessment"]["updateMany"]>[0]["data"] }) {
  const { count } = await options.db.assessment.updateMany({ where: { id: options.assessmentId, status: options.from }, data: options.data });
  if (count === 0) throw new AppError({ code: "conflict", message: "The assessment changed at the same time. Reload and try again." });
}

export async function createAssessment(options: { db: Db; record: RecordFn; actor: SessionUser; supplierId: string; templateKey: string }) {
  const { db, actor, supplierId } = options;
  const template = currentTemplates().find((t) => t.key === options.templateKey);
  if (!template) throw new AppError({ code: "validation_failed", message: `No questionnaire "${options.templateKey}".` });
  const supplier = await db.supplier.findUnique({ where: { id: supplierId }, select: { name: true } });
  if (!supplier) throw new AppError({ code: "not_found", message: "No such supplier." });
  const open = await db.assessment.findFirst({ where: { supplierId, status: { in: ["DRAFT", "SUBMITTED"] } }, select: { status: true } });
  if (open) {
    throw new AppError({ code: "conflict", message: `An assessment of ${supplier.name} is already open (${assessmentStatusLabels[open.status].toLowerCase()}); finish it first.` });
  }
  const id = randomUUID();
  const data = { id, supplierId, templateKey: template.key, templateVersion: template.version, authorId: actor.id };
  await recordAdminChange({ ...options, entity: { type: "Assessment", id }, action: "create", before: null, after: data, summary: `assessment of ${supplier.name} started (${template.key} v${template.version})` });
  return db.assessment.create({ data, select: { id: true } });
}

function checkAnswers(options: { template: QuestionnaireTemplate; answers: Answers }) {
  const questions = new Map(templateQuestions(options.template).map((q) => [q.id, q]));
  const issues: { path: string; message: string }[] = [];
  for (const [id, answer] of Object.entries(options.answers)) {
    const question = questions.get(id);
    if (!question) issues.push({ path: `answers.${id}`, message: "no such question in this questionnaire" });
    else if (question.critical && answer.choice === "na") issues.push({ path: `answers.${id}`, message: "a critical question cannot be not applicable" });
  }
  if (issues.length > 0) throw new AppError({ code: "validation_failed", message: "Some answers do not fit the questionnaire.", issues });
}

export async function saveAnswers(options: { db: Db; record: RecordFn; actor: SessionUser; assessmentId: string; answers: Answers }) {
  const { db, actor, assessmentId, answers } = options;
  const loaded = await loadAssessment({ db, assessmentId });
  expectStatus(loaded.state.status, "DRAFT");
  expectAuthor({ actor, authorId: loaded.state.authorId, authorEmail: loaded.authorEmail });
  checkAnswers({ template: loaded.template, answers });
  const after = { ...loaded.state, answers: JSON.stringify(answers) };
  const progress = scoreAnswers({ template: loaded.template, answers });
  await recordAdminChange({ ...options, entity: { type: "Assessment", id: assessmentId }, action: "update", before: loaded.state, after, summary: `assessment of ${loaded.supplierName}: answers saved, ${progress.answered} of ${progress.total}` });
  await applyStep({ db, assessmentId, from: "DRAFT", data: { answers: after.answers } });
  return { answered: progress.answered, total: progress.total };
}

export async function submitAssessment(options: { db: Db; record: RecordFn; actor: SessionUser; assessmentId: string; now: Date }) {
  const { db, actor, assessmentId, now } = options;
  const loaded = await loadAssessment({ db, assessmentId });
  expectStatus(loaded.state.status, "DRAFT");
  expectAuthor({ actor, authorId: loaded.state.authorId, authorEmail: loaded.authorEmail });
  const result = scoreAnswers({ template: loaded.template, answers: loaded.answers });
  if (result.unanswered.length > 0) {
    throw new AppError({
      code: "validation_failed",
      message: `${result.unanswered.length} of ${result.total} questions are still unanswered.`,
      issues: result.unanswered.map((id) => ({ path: `answers.${id}`, message: "unanswered" })),
    });
  }
  if (result.missingEvidence.length > 0) {
    throw new AppError({
      code: "validation_failed",
      message: `Critical answers need an evidence link: ${result.missingEvidence.join(", ")}.`,
      issues: result.missingEvidence.map((id) => ({ path: `answers.${id}.evidence`, message: "add at least one evidence link" })),
    });
  }
  const exposure = (await loadSupplierOverview({ db, now })).exposures.get(loaded.state.supplierId)!.summary;
  const risk = rateRisk({ score: result.score, failedCritical: result.failedCritical.length, exposure });
  const basis: RatingBasis = { exposure, impact: risk.impact, weakness: risk.weakness, reasons: risk.reasons, failedCritical: result.failedCritical };
  const data = { status: "SUBMITTED" as const, score: result.score, rating: risk.rating, ratingBasis: JSON.stringify(basis), submittedAt: now, reviewNote: "" };
  await recordAdminChange({
    ...options,
    entity: { type: "Assessment", id: assessmentId },
    action: "update",
    before: loaded.state,
    after: { ...loaded.state, ...data },
    summary: `assessment of ${loaded.supplierName} submitted for approval: score ${result.score ?? "none"}, rating ${risk.rating}`,
  });
  await applyStep({ db, assessmentId, from: "DRAFT", data });
  return { score: result.score, rating: risk.rating };
}

export async function approveAssessment(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  assessmentId: string;
  approvedDataClass: (typeof dataClasses)[number];
  now: Date;
}) {
  const { db, actor, assessmentId, approvedDataClass, now } = options;
  const loaded = await loadAssessment({ db, assessmentId });
  expectStatus(loaded.state.status, "SUBMITTED");
  if (actor.id === loaded.state.authorId) {
    throw new AppError({ code: "forbidden", message: "You wrote this assessment; another person must approve it (four-eyes principle)." });
  }
  const rating = loaded.state.rating!;
  const nextReviewAt = nextReviewDate({ rating, approvedAt: now });
  const data = { status: "APPROVED" as const, approverId: actor.id, approvedAt: now, nextReviewAt, approvedDataClass };
  // The sign-off is this record: keep its id so the assessment links to it.
  let signOff: { id?: string } = {};
  const record: RecordFn = async (input) => (signOff = (await options.record(input)) as { id?: string });
  await recordAdminChange({
    record,
    actor,
    entity: { type: "Assessment", id: assessmentId },
    action: "update",
    before: loaded.state,
    after: { ...loaded.state, ...data },
    summary: clampSummary(
      `sign-off: assessment of ${loaded.supplierName} (${loaded.template.key} v${loaded.template.version}) approved; ` +
      `score ${loaded.state.score ?? "none"}, rating ${rating}, approved for data up to ${approvedDataClass}, ` +
      `next review ${nextReviewAt.toISOString().slice(0, 10)}; author ${loaded.authorEmail}`,
    ),
  });
  await applyStep({ db, assessmentId, from: "SUBMITTED", data: { ...data, signOffRecordId: signOff.id ?? null } });
  return { rating, nextReviewAt, signOffRecordId: signOff.id ?? null };
}

export async function returnAssessment(options: { db: Db; record: RecordFn; actor: SessionUser; assessmentId: string; note: string }) {
  const { db, assessmentId, note } = options;
  const loaded = await loadAssessment({ db, assessmentId });
  expectStatus(loaded.state.status, "SUBMITTED");
  const data = { status: "DRAFT" as const, score: null, rating: null, ratingBasis: null, submittedAt: null, reviewNote: note };
  await recordAdminChange({
    ...options,
    entity: { type: "Assessment", id: assessmentId },
    action: "update",
    before: loaded.state,
    after: { ...loaded.state, ...data },
    summary: `assessment of ${loaded.supplierName} returned to its author`,
  });
  await applyStep({ db, assessmentId, from: "SUBMITTED", data });
  return { status: "DRAFT" };
}
