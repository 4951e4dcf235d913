import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { embeddedProxy } from "@/proxy/embedded";
import { sendTestCall, testCallSchema } from "@/proxy/test-call";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Calls through the embedded proxy as the device, with a token issued for the call and
// revoked after it; the answer reports the outcome, the record and what the provider got.
export const POST = apiRoute({
  permission: "inventory:write",
  body: testCallSchema,
  handle: async ({ user, body, params }) => sendTestCall({ db: db(), record: recordEvent, actor: user, runtime: await embeddedProxy(), device: params.device ?? "", input: body }),
});
