import fs from "node:fs";
import { Readable } from "node:stream";
import { db } from "@/lib/db";
import { openPackDownload } from "@/lib/evidence/packs";
import { apiRoute } from "@/lib/http/route";
import { recordEvent } from "@/lib/ledger";

// A ready pack's ZIP; the download is written to the ledger before the first byte.
export const GET = apiRoute({
  permission: "evidence:read",
  handle: async ({ user, params }) => {
    const pack = await openPackDownload({ db: db(), actor: user, id: params.id!, record: recordEvent });
    const body = Readable.toWeb(fs.createReadStream(pack.file)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        "content-type": "application/zip",
        "content-length": String(pack.bytes),
        "content-disposition": `attachment; filename="${pack.name}"`,
        "x-content-sha256": pack.sha256,
        "cache-control": "no-store",
      },
    });
  },
});
