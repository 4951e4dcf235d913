// The inspection proxy, embedded: /api/proxy/<destination>/<provider path>. Devices
// authenticate with their own tokens, not a session, so this route sits outside apiRoute;
// everything happens in the framework-free core (proxy/core.ts).
import { embeddedProxy } from "@/proxy/embedded";
import { forwardedClient } from "@/proxy/source-address";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const mount = "/api/proxy";

async function handle(request: Request): Promise<Response> {
  const { proxy } = await embeddedProxy();
  const path = new URL(request.url).pathname.slice(mount.length);
  // scripts/serve.ts sets X-Forwarded-For to the address it saw (or keeps a trusted proxy's).
  const sourceAddress = forwardedClient(request.headers.get("x-forwarded-for"));
  return proxy.handle(request, { path, sourceAddress });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
