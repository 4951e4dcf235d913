import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { exploreRecords } from "@/lib/records/explore-records";

// One page of the records explorer; the filters are the page's URL parameters (UTC unless tz is given).
// searchedTo is set when the page stopped at its search window: `next` searches on from there.
export const GET = apiRoute({
  permission: "records:read",
  handle: async ({ request }) => {
    const { rows, next, searchedTo, behind } = await exploreRecords({ db: db(), params: new URL(request.url).searchParams, defaultTimeZone: "UTC" });
    return { rows, next, searchedTo, behind };
  },
});
