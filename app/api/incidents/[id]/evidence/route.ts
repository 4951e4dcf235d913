import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { findEvidenceCandidates, linkEvidence } from "@/lib/incidents/evidence";
import { evidenceCandidateQuerySchema, evidenceLinkSchema } from "@/lib/incidents/inputs";
import { recordEvent } from "@/lib/ledger";

export const GET = apiRoute({
  permission: "incidents:read",
  handle: ({ params, request }) => {
    const query = evidenceCandidateQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return findEvidenceCandidates({ db: db(), incidentId: params.id ?? "", ...query });
  },
});

export const POST = apiRoute({
  permission: "incidents:write",
  body: evidenceLinkSchema,
  status: 201,
  handle: ({ user, body, params }) => linkEvidence({ db: db(), record: recordEvent, actor: user, incidentId: params.id ?? "", input: body }),
});
