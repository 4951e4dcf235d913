import { db } from "@/lib/db";
import { acknowledgeBlockedFlow, flowReviewInput } from "@/lib/conduits/review-findings";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";

// Keeps a refused flow blocked on purpose, with the reason.
export const POST = apiRoute({
  permission: "inventory:write",
  body: flowReviewInput,
  handle: ({ user, body }) => acknowledgeBlockedFlow({ db: db(), record: recordEvent, actor: user, now: new Date(), input: body }),
});
