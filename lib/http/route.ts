// The adapter every API route goes through: authentication and permission first, then
// request checks (same-origin, JSON, size), then zod validation, then one domain
// function. Any error becomes `{ "error": { "code", "message" } }` via errorResponse.
import type { z } from "zod";
import { loadConfig } from "@/lib/config";
import { requireApiUser, type SessionUser } from "@/lib/auth/session";
import type { Permission } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/errors";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

interface RouteOptions<Body> {
  permission: Permission;
  body?: z.ZodType<Body>;
  handle: (input: { user: SessionUser; body: Body; params: Record<string, string>; request: Request }) => Promise<unknown>;
  /** Status for a successful response; 200 by default. */
  status?: number;
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** Reads a JSON body, refusing more than maxBytes even when Content-Length lies or is absent. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError({ code: "unsupported_media_type", message: "Send the body as application/json." });
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new AppError({ code: "payload_too_large", message: `The body is larger than ${maxBytes} bytes.` });
  if (declared > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text === "" ? "null" : text);
  } catch {
    throw new AppError({ code: "bad_request", message: "The body is not valid JSON." });
  }
}

/** Browsers send Origin on cross-site writes; refuse those that do not come from this app (CSRF). */
function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  // "null" (sandboxed frames, file: pages, some redirects) and other unparsable values
  // name no origin of ours: cross-site, not a server error.
  const originHost = URL.canParse(origin) ? new URL(origin).host : null;
  if (originHost === null || originHost !== host) {
    throw new AppError({ code: "forbidden", message: "Cross-site requests are not accepted." });
  }
}

export function apiRoute<Body = undefined>(options: RouteOptions<Body>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const user = await requireApiUser({ permission: options.permission });
      let body = undefined as Body;
      if (!safeMethods.has(request.method)) {
        assertSameOrigin(request);
        if (options.body) body = options.body.parse(await readJsonBody(request, loadConfig().maxJsonBodyBytes));
      }
      const rawParams = (await context.params) ?? {};
      const params = Object.fromEntries(
        Object.entries(rawParams).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]),
      );
      const result = await options.handle({ user, body, params, request });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true }, { status: options.status ?? 200, headers: { "cache-control": "no-store" } });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
