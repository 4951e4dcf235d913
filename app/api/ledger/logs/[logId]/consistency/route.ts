import { z } from "zod";
import { apiRoute } from "@/lib/http/route";
import { openAppLedger } from "@/lib/ledger";
import { proveConsistency } from "@/lib/ledger/operations";

const query = z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() });

// GET /api/ledger/logs/<log>/consistency?from=<size>&to=<size>
export const GET = apiRoute({
  permission: "records:read",
  handle: async ({ params, request }) => {
    const { from, to } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
    return proveConsistency({ store: (await openAppLedger()).store, logId: params.logId ?? "", from, to });
  },
});
