// The one place that turns any thrown value into an HTTP error response
// `{ "error": { "code", "message" } }`. Unknown errors become a bare 500: their
// details go to the log, never to the client.
import { ZodError } from "zod";
import { AppError, errorStatus, type ErrorBody } from "@/lib/errors";
import { logger } from "@/lib/logger";

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new AppError({
      code: "validation_failed",
      message: "The request does not have the expected shape.",
      issues: error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message })),
    });
  }
  logger.error({ err: error }, "unhandled error");
  return new AppError({ code: "internal", message: "An internal error occurred. It has been logged." });
}

export function errorResponse(error: unknown): Response {
  const appError = toAppError(error);
  const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
  if (appError.issues) body.error.issues = appError.issues;
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (appError.code === "rate_limited") headers["retry-after"] = "60";
  return Response.json(body, { status: errorStatus[appError.code], headers });
}
