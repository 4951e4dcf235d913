import { db } from "@/lib/db";
import { editConduit, editConduitInput } from "@/lib/conduits/manage-conduits";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { refreshEmbeddedInventory } from "@/proxy/embedded";

export const PATCH = apiRoute({
  permission: "inventory:write",
  body: editConduitInput,
  handle: async ({ user, body, params }) => {
    const outcome = await editConduit({ db: db(), record: recordEvent, actor: user, now: new Date(), slug: params.slug ?? "", input: body });
    if (outcome.applied) await refreshEmbeddedInventory();
    return outcome;
  },
});
