import { apiRoute } from "@/lib/http/route";
import { openAppLedger } from "@/lib/ledger";
import { exportCheckpoint } from "@/lib/ledger/operations";

// GET /api/ledger/logs/<log>/checkpoint: the log's latest signed checkpoint with its public
// key, the file `npm run ledger:checkpoint -- --out FILE` writes, as a download.
export const GET = apiRoute({
  permission: "records:read",
  handle: async ({ params }) => {
    const checkpoint = await exportCheckpoint({ store: (await openAppLedger()).store, logId: params.logId ?? "" });
    const file = `checkpoint-${checkpoint.log}-${checkpoint.size}.json`.replace(/[^A-Za-z0-9._-]/g, "_");
    return new Response(`${JSON.stringify(checkpoint, null, 2)}\n`, {
      headers: { "content-type": "application/json; charset=utf-8", "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" },
    });
  },
});
