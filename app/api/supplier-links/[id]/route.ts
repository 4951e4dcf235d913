import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { deleteLink, linkTermsSchema, updateLinkTerms } from "@/lib/suppliers/manage-links";

export const PATCH = apiRoute({
  permission: "suppliers:write",
  body: linkTermsSchema,
  handle: ({ user, body, params }) => updateLinkTerms({ db: db(), record: recordEvent, actor: user, linkId: params.id ?? "", input: body }),
});

export const DELETE = apiRoute({
  permission: "suppliers:write",
  handle: ({ user, params }) => deleteLink({ db: db(), record: recordEvent, actor: user, linkId: params.id ?? "" }),
});
