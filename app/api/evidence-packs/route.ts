import { z } from "zod";
import { db } from "@/lib/db";
import { countPackRecords, generatePack } from "@/lib/evidence/generate-pack";
import { listPacks, queuePack, startGeneration } from "@/lib/evidence/packs";
import { apiRoute } from "@/lib/http/route";

// The packs with their status and progress (the evidence page polls this while one runs).
export const GET = apiRoute({
  permission: "evidence:read",
  handle: async () => ({ packs: await listPacks({ db: db() }) }),
});

// Queues a pack for a scope; it is generated in the background. 400 naming the field for
// a bad scope or one without records, 409 while a pack of the same scope is generated.
export const POST = apiRoute({
  permission: "evidence:create",
  status: 202,
  // The scope is checked by parsePackRequest, which names the field at fault.
  body: z.unknown(),
  handle: async ({ user, body }) => {
    const pack = await queuePack({ db: db(), actor: user, input: body, countRecords: (scope) => countPackRecords({ db: db(), scope }) });
    startGeneration({ db: db(), packId: pack.id, generate: generatePack });
    return { pack: { id: pack.id, status: pack.status, recordsTotal: pack.recordsTotal } };
  },
});
