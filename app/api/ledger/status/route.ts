import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { openAppLedger } from "@/lib/ledger";
import { ledgerStatus } from "@/lib/ledger/status";

export const GET = apiRoute({ permission: "records:read", handle: async () => ledgerStatus({ store: (await openAppLedger()).store, db: db() }) });
