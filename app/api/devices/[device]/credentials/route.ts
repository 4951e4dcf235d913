import { apiRoute } from "@/lib/http/route";
import { db } from "@/lib/db";
import { issueCredentialSchema, issueDeviceCredential, listDeviceCredentials } from "@/lib/devices/credentials";
import { recordEvent } from "@/lib/ledger";

export const GET = apiRoute({
  permission: "inventory:read",
  handle: ({ params }) => listDeviceCredentials({ db: db(), device: params.device ?? "" }),
});

// The response carries the token; it is shown once and never stored.
export const POST = apiRoute({
  permission: "inventory:write",
  body: issueCredentialSchema,
  status: 201,
  handle: ({ user, body, params }) => issueDeviceCredential({ db: db(), record: recordEvent, actor: user, device: params.device ?? "", input: body }),
});
