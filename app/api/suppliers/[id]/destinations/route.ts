import { z } from "zod";
import { db } from "@/lib/db";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";
import { assignDestination } from "@/lib/suppliers/manage-suppliers";

export const POST = apiRoute({
  permission: "suppliers:write",
  body: z.object({ destinationId: z.string().min(1).max(100) }).strict(),
  handle: ({ user, body, params }) => assignDestination({ db: db(), record: recordEvent, actor: user, supplierId: params.id ?? "", destinationId: body.destinationId }),
});
