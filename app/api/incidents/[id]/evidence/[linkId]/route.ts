import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { unlinkEvidence } from "@/lib/incidents/evidence";
import { recordEvent } from "@/lib/ledger";

export const DELETE = apiRoute({
  permission: "incidents:write",
  handle: ({ user, params }) => unlinkEvidence({ db: db(), record: recordEvent, actor: user, incidentId: params.id ?? "", linkId: params.linkId ?? "" }),
});
