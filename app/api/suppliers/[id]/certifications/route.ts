// A certification with its evidence file, as multipart/form-data: the certification's
// fields and one "file".
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { readMultipartForm } from "@/lib/http/multipart";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { certificationInputSchema, createCertification } from "@/lib/suppliers/certifications";
import { maxEvidenceBytes } from "@/lib/suppliers/evidence-file";

// Room for the form fields and multipart boundaries beside the largest evidence file.
const maxUploadBytes = maxEvidenceBytes + 64 * 1024;

export const POST = apiRoute({
  permission: "suppliers:write",
  status: 201,
  handle: async ({ user, params, request }) => {
    const form = await readMultipartForm({ request, maxBytes: maxUploadBytes });
    const file = form.get("file");
    if (!(file instanceof File)) throw new AppError({ code: "validation_failed", message: "Attach the evidence file.", issues: [{ path: "file", message: "required" }] });
    const fields = Object.fromEntries([...form.entries()].filter(([key, value]) => key !== "file" && typeof value === "string"));
    return createCertification({
      db: db(),
      record: recordEvent,
      actor: user,
      supplierId: params.id ?? "",
      input: certificationInputSchema.parse(fields),
      file: { fileName: file.name, declaredType: file.type, content: new Uint8Array(await file.arrayBuffer()) },
    });
  },
});
