import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { exportRecords } from "@/lib/records/export-records";
import { parseRecordQuery } from "@/lib/records/record-filter";
import { catchUpRecordIndex } from "@/lib/records/record-index";

const mediaTypes = { csv: "text/csv; charset=utf-8", jsonl: "application/x-ndjson" } as const;

// Every record the filter matches, streamed; the export is recorded in the ledger first.
export const GET = apiRoute({
  permission: "records:read",
  handle: async ({ user, request }) => {
    const params = new URL(request.url).searchParams;
    const format = params.get("format") ?? "csv";
    if (format !== "csv" && format !== "jsonl") throw new AppError({ code: "bad_request", message: "format: must be csv or jsonl.", issues: [{ path: "format", message: "must be csv or jsonl" }] });
    params.delete("format");
    const query = parseRecordQuery({ params, defaultTimeZone: "UTC" });
    await catchUpRecordIndex({ db: db(), budgetMs: 5_000 });
    const stream = await exportRecords({ db: db(), record: recordEvent, actor: user, filter: query.filter, sort: query.sort, format });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(stream, {
      headers: { "content-type": mediaTypes[format], "content-disposition": `attachment; filename="conduit-records-${stamp}.${format}"`, "cache-control": "no-store" },
    });
  },
});
