// Downloads a certification's evidence file as it was uploaded, with its SHA-256.
import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { readEvidenceFile } from "@/lib/suppliers/certifications";

export const GET = apiRoute({
  permission: "suppliers:read",
  handle: async ({ params }) => {
    const file = await readEvidenceFile({ db: db(), certificationId: params.id ?? "" });
    return new Response(Buffer.from(file.content), {
      headers: {
        "content-type": file.mediaType,
        // Header values are bytes: an ASCII fallback name, and the real one encoded (RFC 6266).
        "content-disposition": `attachment; filename="${file.fileName.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        "x-content-type-options": "nosniff",
        "x-evidence-sha256": file.sha256,
        "cache-control": "private, no-store",
      },
    });
  },
});
