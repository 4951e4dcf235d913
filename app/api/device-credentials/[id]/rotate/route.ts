import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { rotateCredentialSchema, rotateDeviceCredential } from "@/lib/devices/credentials";
import { recordEvent } from "@/lib/ledger";

// The response carries the replacement token; it is shown once and never stored.
export const POST = apiRoute({
  permission: "inventory:write",
  body: rotateCredentialSchema,
  status: 201,
  handle: ({ user, body, params }) => rotateDeviceCredential({ db: db(), record: recordEvent, actor: user, credentialId: params.id ?? "", input: body }),
});
