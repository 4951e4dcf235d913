import { apiRoute } from "@/lib/http/route";
import { openAppLedger } from "@/lib/ledger";
import { proveInclusion } from "@/lib/ledger/operations";

export const GET = apiRoute({
  permission: "records:read",
  handle: async ({ params }) => proveInclusion({ store: (await openAppLedger()).store, recordId: params.id ?? "" }),
});
