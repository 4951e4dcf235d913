import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { saveAnswers, saveAnswersSchema } from "@/lib/suppliers/assessments";

export const PATCH = apiRoute({
  permission: "suppliers:write",
  body: saveAnswersSchema,
  handle: ({ user, body, params }) => saveAnswers({ db: db(), record: recordEvent, actor: user, assessmentId: params.id ?? "", answers: body.answers }),
});
