// The framework baseline of `npm run bench:proxy`: the least a route handler can do with
// the embedded proxy's requests (same runtime and route segment config as app/api/proxy,
// same server and interceptor path). It reads the body as the proxy does, with the proxy's
// size limit, and answers a small JSON: no sign-in, no database, no state, nothing
// forwarded. It takes bodies from anyone, so it answers only where the benchmark turned
// it on (BENCHMARK_BASELINE_ROUTE=true); elsewhere it is 404 like any unknown path.
import { loadConfig } from "@/lib/config";
import { readBody } from "@/proxy/body";
import { ProxyError, proxyErrorResponse } from "@/proxy/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const config = loadConfig();
  if (!config.benchmarkBaselineRoute) return Response.json({ error: { code: "not_found", message: "Not found." } }, { status: 404 });
  try {
    const body = await readBody({ request, maxBytes: config.proxy.maxBodyBytes, timeoutMs: config.proxy.bodyTimeoutMs });
    return Response.json({ ok: true, bytes: body.byteLength });
  } catch (error) {
    if (error instanceof ProxyError) return proxyErrorResponse({ error });
    throw error;
  }
}
