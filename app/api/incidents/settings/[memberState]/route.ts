import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { memberStateRulesSchema } from "@/lib/incidents/inputs";
import { updateMemberStateRules } from "@/lib/incidents/member-state-rules";
import { recordEvent } from "@/lib/ledger";

export const PUT = apiRoute({
  permission: "incidents:write",
  body: memberStateRulesSchema,
  handle: ({ user, body, params }) => updateMemberStateRules({ db: db(), record: recordEvent, actor: user, memberState: params.memberState ?? "", input: body }),
});
