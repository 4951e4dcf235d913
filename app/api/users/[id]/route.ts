import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { recordEvent } from "@/lib/ledger";
import { updateUser, updateUserSchema } from "@/lib/users/manage-users";

export const PATCH = apiRoute({
  permission: "users:write",
  body: updateUserSchema,
  handle: ({ user, body, params }) => updateUser({ db: db(), record: recordEvent, actor: user, userId: params.id ?? "", input: body }),
});
