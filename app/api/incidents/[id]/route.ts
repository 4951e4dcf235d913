import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { getIncidentView } from "@/lib/incidents/incident-view";
import { incidentInputSchema } from "@/lib/incidents/inputs";
import { updateIncident } from "@/lib/incidents/manage-incident";
import { recordEvent } from "@/lib/ledger";

export const GET = apiRoute({
  permission: "incidents:read",
  handle: ({ params }) => getIncidentView({ db: db(), incidentId: params.id ?? "" }),
});

export const PUT = apiRoute({
  permission: "incidents:write",
  body: incidentInputSchema,
  handle: ({ user, body, params }) => updateIncident({ db: db(), record: recordEvent, actor: user, incidentId: params.id ?? "", input: body }),
});
