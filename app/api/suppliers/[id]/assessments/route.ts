import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { createAssessment, createAssessmentSchema } from "@/lib/suppliers/assessments";

export const POST = apiRoute({
  permission: "suppliers:write",
  body: createAssessmentSchema,
  status: 201,
  handle: ({ user, body, params }) => createAssessment({ db: db(), record: recordEvent, actor: user, supplierId: params.id ?? "", templateKey: body.templateKey }),
});
