// Export of the records a filter matches, as CSV or JSON Lines, streamed page by page
// from the index: no size limit and constant memory, and a client that goes away stops
// the scan. The export is itself a ledger record, written before the first byte leaves
// (who took which records out, under which filter).
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { filterParams, type RecordFilter, type RecordSort } from "@/lib/records/record-filter";
import { indexColumns, scanRecords, type IndexTuple } from "@/lib/records/query-records";

export type ExportFormat = "csv" | "jsonl";

type RecordFn = (input: { kind: string; body: unknown }) => Promise<unknown>;

const encoder = new TextEncoder();

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
const formulaStart = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The lines of one page of rows (in indexColumns order) in `format` (CSV without its header). */
export function formatRows(options: { rows: IndexTuple[]; format: ExportFormat }): string {
  if (options.format === "jsonl") return options.rows.map((row) => `${JSON.stringify(Object.fromEntries(indexColumns.map((c, i) => [c, jsonValue(row[i])])))}\n`).join("");
  return options.rows.map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}

// PostgreSQL's driver hands float columns over as numbers, SQLite's integers as numbers too; nothing else needs mapping.
function jsonValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

export const csvHeader = `${indexColumns.join(",")}\r\n`;

/**
 * Records the export in the ledger, then returns the stream of its rows. Pulling drives
 * the scan (backpressure); cancelling the stream (the client left) ends it.
 */
export async function exportRecords(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  filter: RecordFilter;
  sort: RecordSort;
  format: ExportFormat;
}): Promise<ReadableStream<Uint8Array>> {
  const { db, filter, sort, format } = options;
  await options.record({
    kind: "records_export",
    body: { actor: { userId: options.actor.id, email: options.actor.email, role: options.actor.role }, format, filter: filterParams({ filter, sort }).toString() },
  });
  const abort = new AbortController();
  const pages = scanRecords({ db, filter, sort, signal: abort.signal });
  let headerSent = format === "jsonl";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvHeader));
        return;
      }
      const page = await pages.next();
      if (page.done) controller.close();
      else controller.enqueue(encoder.encode(formatRows({ rows: page.value, format })));
    },
    async cancel() {
      abort.abort();
      await pages.return(undefined);
    },
  });
}
