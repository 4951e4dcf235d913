import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { approveAssessment, approveAssessmentSchema } from "@/lib/suppliers/assessments";

export const POST = apiRoute({
  permission: "suppliers:write",
  body: approveAssessmentSchema,
  handle: ({ user, body, params }) =>
    approveAssessment({ db: db(), record: recordEvent, actor: user, assessmentId: params.id ?? "", approvedDataClass: body.approvedDataClass, now: new Date() }),
});
