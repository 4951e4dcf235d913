import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { reportSubmissionSchema } from "@/lib/incidents/inputs";
import { submitReport } from "@/lib/incidents/submit-report";
import { recordEvent } from "@/lib/ledger";

export const POST = apiRoute({
  permission: "incidents:write",
  body: reportSubmissionSchema,
  status: 201,
  handle: ({ user, body, params }) => submitReport({ db: db(), record: recordEvent, actor: user, incidentId: params.id ?? "", input: body }),
});
