import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { submitAssessment } from "@/lib/suppliers/assessments";

export const POST = apiRoute({
  permission: "suppliers:write",
  handle: ({ user, params }) => submitAssessment({ db: db(), record: recordEvent, actor: user, assessmentId: params.id ?? "", now: new Date() }),
});
