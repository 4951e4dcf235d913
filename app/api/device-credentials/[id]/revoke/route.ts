import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { revokeDeviceCredential } from "@/lib/devices/credentials";
import { recordEvent } from "@/lib/ledger";

export const POST = apiRoute({
  permission: "inventory:write",
  handle: ({ user, params }) => revokeDeviceCredential({ db: db(), record: recordEvent, actor: user, credentialId: params.id ?? "" }),
});
