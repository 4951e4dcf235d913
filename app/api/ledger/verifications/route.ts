import { apiRoute } from "@/lib/http/route";
import { openAppLedger } from "@/lib/ledger";
import { runVerification } from "@/lib/ledger/operations";

// Verifies the whole ledger now; the run and its result are kept for the status panel.
export const POST = apiRoute({
  permission: "ledger:verify",
  handle: async ({ user }) => {
    const report = await runVerification({ store: (await openAppLedger()).store, trigger: `app:${user.email}` });
    return { ok: report.ok, records: report.records, startedAt: report.startedAt, finishedAt: report.finishedAt, logs: report.logs };
  },
});
