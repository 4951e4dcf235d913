import { db } from "@/lib/db";
import { proposeConduit, proposeConduitInput } from "@/lib/conduits/manage-conduits";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";

// A new conduit is always a proposal: it comes into force when a second person approves it.
export const POST = apiRoute({
  permission: "inventory:write",
  body: proposeConduitInput,
  status: 201,
  handle: ({ user, body }) => proposeConduit({ db: db(), record: recordEvent, actor: user, now: new Date(), input: body }),
});
