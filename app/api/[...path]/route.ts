// Any /api path no route claims: a JSON 404, never an HTML page.
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/errors";

function notFound(request: Request): Response {
  const path = new URL(request.url).pathname;
  return errorResponse(new AppError({ code: "not_found", message: `No API route at ${path}.` }));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
