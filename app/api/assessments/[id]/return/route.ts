import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { returnAssessment, returnAssessmentSchema } from "@/lib/suppliers/assessments";

export const POST = apiRoute({
  permission: "suppliers:write",
  body: returnAssessmentSchema,
  handle: ({ user, body, params }) => returnAssessment({ db: db(), record: recordEvent, actor: user, assessmentId: params.id ?? "", note: body.note }),
});
