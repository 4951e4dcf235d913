import { apiRoute } from "@/lib/http/route";
import { openAppLedger } from "@/lib/ledger";
import { buildReceipt, receiptFileName } from "@/lib/ledger/receipt";

// GET /api/ledger/records/<id>/receipt: the record's receipt (lib/ledger/receipt.ts) as a
// download; the record page also fetches it to check the record in the browser.
export const GET = apiRoute({
  permission: "records:read",
  handle: async ({ params }) => {
    const receipt = await buildReceipt({ store: (await openAppLedger()).store, recordId: params.id ?? "" });
    return new Response(`${JSON.stringify(receipt, null, 2)}\n`, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${receiptFileName(receipt)}"`,
        "cache-control": "no-store",
      },
    });
  },
});
