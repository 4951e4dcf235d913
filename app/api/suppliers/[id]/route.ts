import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { supplierInputSchema, updateSupplier } from "@/lib/suppliers/manage-suppliers";

export const PATCH = apiRoute({
  permission: "suppliers:write",
  body: supplierInputSchema,
  handle: ({ user, body, params }) => updateSupplier({ db: db(), record: recordEvent, actor: user, supplierId: params.id ?? "", input: body }),
});
