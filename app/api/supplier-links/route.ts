import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { createLink, createLinkSchema } from "@/lib/suppliers/manage-links";

export const POST = apiRoute({
  permission: "suppliers:write",
  body: createLinkSchema,
  status: 201,
  handle: ({ user, body }) => createLink({ db: db(), record: recordEvent, actor: user, input: body }),
});
