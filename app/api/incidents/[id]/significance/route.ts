import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { significanceInputSchema } from "@/lib/incidents/inputs";
import { recordSignificance } from "@/lib/incidents/record-significance";
import { recordEvent } from "@/lib/ledger";

export const POST = apiRoute({
  permission: "incidents:write",
  body: significanceInputSchema,
  status: 201,
  handle: ({ user, body, params }) => recordSignificance({ db: db(), record: recordEvent, actor: user, incidentId: params.id ?? "", input: body }),
});
