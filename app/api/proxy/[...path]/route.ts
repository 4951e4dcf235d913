// The inspection proxy, embedded: /api/proxy/<destination>/<provider path>. The app's
// server (scripts/serve.ts) answers these paths itself with the same core before Next.js
// sees them; this route serves them under `next dev`. Devices authenticate with their own
// tokens, not a session, so it sits outside apiRoute; everything happens in the
// framework-free core (proxy/core.ts).
import { embeddedProxy, proxyMount } from "@/proxy/embedded";
import { forwardedClient } from "@/proxy/source-address";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handle(request: Request): Promise<Response> {
  const { proxy } = await embeddedProxy();
  const path = new URL(request.url).pathname.slice(proxyMount.length);
  // scripts/serve.ts sets X-Forwarded-For to the address it saw (or keeps a trusted proxy's).
  const sourceAddress = forwardedClient(request.headers.get("x-forwarded-for"));
  return proxy.handle(request, { path, sourceAddress });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
