import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { resetPassword } from "@/lib/users/manage-users";

export const POST = apiRoute({
  permission: "users:write",
  handle: ({ params }) => resetPassword({ db: db(), userId: params.id ?? "" }),
});
