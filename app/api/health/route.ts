// Liveness and database reachability, for the start script and plant monitoring.
import { db } from "@/lib/db";
import { errorResponse } from "@/lib/http/errors";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    await db().plant.count();
    return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
  } catch {
    return errorResponse(new AppError({ code: "unavailable", message: "The database is not reachable." }));
  }
}
