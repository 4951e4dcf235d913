import { loadConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { issueOperatorAssertion } from "@/lib/operators/assertions";

// A short-lived operator assertion for the signed-in person, for a plant application to
// send with its AI calls so the proxy records who operated it.
export const POST = apiRoute({
  permission: "operator:assert",
  status: 201,
  handle: ({ user }) => issueOperatorAssertion({ db: db(), config: loadConfig(), user }),
});
