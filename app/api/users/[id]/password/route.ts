import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { recordEvent } from "@/lib/ledger";
import { resetPassword } from "@/lib/users/manage-users";

export const POST = apiRoute({
  permission: "users:write",
  handle: ({ user, params }) => resetPassword({ db: db(), record: recordEvent, actor: user, userId: params.id ?? "" }),
});
