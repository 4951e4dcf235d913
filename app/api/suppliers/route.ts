import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { createSupplier, supplierInputSchema } from "@/lib/suppliers/manage-suppliers";

export const POST = apiRoute({
  permission: "suppliers:write",
  body: supplierInputSchema,
  status: 201,
  handle: ({ user, body }) => createSupplier({ db: db(), record: recordEvent, actor: user, input: body }),
});
