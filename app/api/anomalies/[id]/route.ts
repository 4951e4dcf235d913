import { db } from "@/lib/db";
import { acknowledgeAnomaly, anomalyReviewInput } from "@/lib/conduits/review-findings";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";

export const POST = apiRoute({
  permission: "inventory:write",
  body: anomalyReviewInput,
  handle: ({ user, body, params }) => acknowledgeAnomaly({ db: db(), record: recordEvent, actor: user, now: new Date(), anomalyId: params.id ?? "", input: body }),
});
