import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { incidentEventSchema } from "@/lib/incidents/inputs";
import { recordAuthorityEvent } from "@/lib/incidents/record-authority-event";
import { recordEvent } from "@/lib/ledger";

export const POST = apiRoute({
  permission: "incidents:write",
  body: incidentEventSchema,
  status: 201,
  handle: ({ user, body, params }) => recordAuthorityEvent({ db: db(), record: recordEvent, actor: user, incidentId: params.id ?? "", input: body }),
});
