// The ledger's public keys, published without sign-in so anyone holding a record, a
// checkpoint or an evidence pack can check its signatures. Old keys stay listed (with
// their retirement time) because old records were signed with them.
import { errorResponse } from "@/lib/http/errors";
import { openAppLedger } from "@/lib/ledger";
import { publishedKeys } from "@/lib/ledger/published-keys";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return Response.json(await publishedKeys({ store: (await openAppLedger()).store }), {
      headers: { "cache-control": "public, max-age=60", "access-control-allow-origin": "*" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
