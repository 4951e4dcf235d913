import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { incidentOverview } from "@/lib/incidents/incident-overview";
import { incidentInputSchema } from "@/lib/incidents/inputs";
import { createIncident } from "@/lib/incidents/manage-incident";
import { recordEvent } from "@/lib/ledger";

export const GET = apiRoute({
  permission: "incidents:read",
  handle: ({ request }) => incidentOverview({ db: db(), plantId: new URL(request.url).searchParams.get("plantId") }),
});

export const POST = apiRoute({
  permission: "incidents:write",
  body: incidentInputSchema,
  status: 201,
  handle: ({ user, body }) => createIncident({ db: db(), record: recordEvent, actor: user, input: body }),
});
