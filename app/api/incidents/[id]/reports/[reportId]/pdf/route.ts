import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { reportDocument } from "@/lib/incidents/report-pdf";

export const GET = apiRoute({
  permission: "incidents:read",
  handle: async ({ params }) => {
    const { filename, bytes } = await reportDocument({ db: db(), incidentId: params.id ?? "", reportId: params.reportId ?? "" });
    return new Response(Buffer.from(bytes), {
      headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
    });
  },
});
