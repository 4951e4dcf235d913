import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { updateUser, updateUserSchema } from "@/lib/users/manage-users";

export const PATCH = apiRoute({
  permission: "users:write",
  body: updateUserSchema,
  handle: ({ user, body, params }) => updateUser({ db: db(), actorId: user.id, userId: params.id ?? "", input: body }),
});
