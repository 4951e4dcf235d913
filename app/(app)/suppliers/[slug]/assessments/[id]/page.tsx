import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { AssessmentForm } from "@/components/suppliers/assessment-form";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { ratingBasisSchema } from "@/lib/suppliers/assessments";
import { assessmentStatusLabels } from "@/lib/suppliers/labels";
import { answersSchema, findTemplate } from "@/lib/suppliers/questionnaire";

export const metadata: Metadata = { title: "Assessment" };

const when = (date: Date) => formatDateTime({ date, timeZone: "UTC" });
const statusTone = { DRAFT: "neutral", SUBMITTED: "warn", APPROVED: "ok" } as const;

export default async function AssessmentPage(props: { params: Promise<{ slug: string; id: string }> }) {
  const user = await requirePageUser({ permission: "suppliers:read" });
  const { slug, id } = await props.params;
  const assessment = await db().assessment.findUnique({
    where: { id },
    include: { supplier: { select: { slug: true, name: true } }, author: { select: { id: true, name: true, email: true } }, approver: { select: { name: true, email: true } } },
  });
  if (!assessment || assessment.supplier.slug !== slug) notFound();
  const template = findTemplate({ key: assessment.templateKey, version: assessment.templateVersion });
  if (!template) notFound();
  const answers = answersSchema.parse(JSON.parse(assessment.answers));
  const basis = assessment.ratingBasis ? ratingBasisSchema.parse(JSON.parse(assessment.ratingBasis)) : null;
  const canWrite = can(user.role, "suppliers:write");
  const isAuthor = user.id === assessment.author.id;

  return (
    <>
      <PageHeader
        eyebrow={<Link href={`/suppliers/${slug}`}>{assessment.supplier.name}</Link>}
        title={`Assessment of ${assessment.supplier.name}`}
        description={`${template.title}, version ${template.version}. Started ${when(assessment.createdAt)} by ${assessment.author.name}.`}
      />
      <Card id="assessment-status" title="Status">
        <div className="card-body">
          {assessment.reviewNote && assessment.status === "DRAFT" && (
            <div className="notice notice-info" role="status" style={{ marginBottom: 14 }}>
              <p>
                <strong>Returned by the reviewer:</strong> {assessment.reviewNote}
              </p>
            </div>
          )}
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`badge badge-${statusTone[assessment.status]}`} data-testid="assessment-status">
                {assessmentStatusLabels[assessment.status]}
              </span>
              {assessment.status === "DRAFT" && canWrite && !isAuthor && <span className="field-hint"> Only its author, {assessment.author.name}, works on this draft.</span>}
              {assessment.status === "SUBMITTED" && isAuthor && <span className="field-hint"> Another person must approve it.</span>}
            </dd>
            <dt>Author</dt>
            <dd>
              {assessment.author.name} ({assessment.author.email})
            </dd>
            {assessment.submittedAt && (
              <>
                <dt>Submitted</dt>
                <dd>{when(assessment.submittedAt)}</dd>
              </>
            )}
            {assessment.score !== null && (
              <>
                <dt>Score</dt>
                <dd data-testid="assessment-score">{assessment.score} of 100</dd>
              </>
            )}
            {assessment.rating && basis && (
              <>
                <dt>Risk rating</dt>
                <dd>
                  <strong data-testid="assessment-rating">{assessment.rating.toLowerCase()}</strong>: {basis.reasons.join("; ")} (impact {basis.impact} of 3, weakness {basis.weakness} of 3)
                </dd>
                <dt>Exposure weighed</dt>
                <dd>
                  {basis.exposure.highestDataClass ?? "no data"} received, {basis.exposure.plants} plant{basis.exposure.plants === 1 ? "" : "s"}, {basis.exposure.conduits} conduit{basis.exposure.conduits === 1 ? "" : "s"} in force, {basis.exposure.calls} calls
                </dd>
              </>
            )}
            {assessment.approver && assessment.approvedAt && (
              <>
                <dt>Approved</dt>
                <dd>
                  {when(assessment.approvedAt)} by {assessment.approver.name} ({assessment.approver.email}), for data up to {assessment.approvedDataClass}
                </dd>
                <dt>Sign-off</dt>
                <dd>
                  {assessment.signOffRecordId ? (
                    <Link href={`/records/${assessment.signOffRecordId}`}>Ledger record {assessment.signOffRecordId}</Link>
                  ) : (
                    "No ledger record: approved in the demo data, before the ledger started."
                  )}
                </dd>
              </>
            )}
            {assessment.nextReviewAt && (
              <>
                <dt>Next review</dt>
                <dd data-testid="assessment-next-review">{when(assessment.nextReviewAt)}</dd>
              </>
            )}
          </dl>
        </div>
      </Card>
      <AssessmentForm
        assessmentId={assessment.id}
        template={template}
        answers={answers}
        editable={canWrite && isAuthor && assessment.status === "DRAFT"}
        canDecide={canWrite && !isAuthor && assessment.status === "SUBMITTED"}
        suggestedDataClass={basis?.exposure.highestDataClass ?? "INTERNAL"}
      />
    </>
  );
}
