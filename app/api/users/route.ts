import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { recordEvent } from "@/lib/ledger";
import { createUser, createUserSchema, listUsers } from "@/lib/users/manage-users";

export const GET = apiRoute({ permission: "users:read", handle: () => listUsers({ db: db() }) });

export const POST = apiRoute({
  permission: "users:write",
  body: createUserSchema,
  status: 201,
  handle: ({ user, body }) => createUser({ db: db(), record: recordEvent, actor: user, input: body }),
});
