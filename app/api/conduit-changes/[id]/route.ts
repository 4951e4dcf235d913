import { db } from "@/lib/db";
import { decideChangeInput, decideConduitChange, withdrawConduitChange } from "@/lib/conduits/manage-conduits";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { refreshEmbeddedInventory } from "@/proxy/embedded";

export const POST = apiRoute({
  permission: "inventory:write",
  body: decideChangeInput,
  handle: async ({ user, body, params }) => {
    const decided = await decideConduitChange({ db: db(), record: recordEvent, actor: user, now: new Date(), changeId: params.id ?? "", input: body });
    await refreshEmbeddedInventory();
    return decided;
  },
});

export const DELETE = apiRoute({
  permission: "inventory:write",
  handle: ({ user, params }) => withdrawConduitChange({ db: db(), record: recordEvent, actor: user, now: new Date(), changeId: params.id ?? "" }),
});
