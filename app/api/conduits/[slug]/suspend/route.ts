import { db } from "@/lib/db";
import { suspendConduit, statusChangeInput } from "@/lib/conduits/manage-conduits";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { refreshEmbeddedInventory } from "@/proxy/embedded";

export const POST = apiRoute({
  permission: "inventory:write",
  body: statusChangeInput,
  handle: async ({ user, body, params }) => {
    const conduit = await suspendConduit({ db: db(), record: recordEvent, actor: user, now: new Date(), slug: params.slug ?? "", input: body });
    await refreshEmbeddedInventory();
    return conduit;
  },
});
