// One page of the records explorer, as the page and the API serve it: the index brought
// up to date (waiting at most a moment; a large backlog is indexed in the background and
// reported), the URL's filter read, and the page queried.
import type { Db } from "@/lib/db";
import { parseRecordQuery, type RecordQuery } from "@/lib/records/record-filter";
import { catchUpRecordIndex } from "@/lib/records/record-index";
import { queryRecords, type RecordPage } from "@/lib/records/query-records";

export const explorerPageSize = 50;
// How long a request waits for the index to catch up before it answers with what is indexed.
const catchUpBudgetMs = 400;

export interface ExplorerPage extends RecordPage {
  query: RecordQuery;
  /** Records in the ledger not yet in the index (still being indexed). */
  behind: number;
}

export async function exploreRecords(options: { db: Db; params: URLSearchParams; defaultTimeZone: string; limit?: number }): Promise<ExplorerPage> {
  const query = parseRecordQuery({ params: options.params, defaultTimeZone: options.defaultTimeZone });
  const { behind } = await catchUpRecordIndex({ db: options.db, budgetMs: catchUpBudgetMs });
  const page = await queryRecords({ db: options.db, query, limit: options.limit ?? explorerPageSize });
  return { ...page, query, behind };
}
