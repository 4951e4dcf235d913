// Next.js request interceptor (Next 16 calls this file "proxy"; it is unrelated to the
// AI inspection proxy in proxy/). It only makes the optimistic check that a page
// visitor has a valid session token and otherwise sends them to sign-in, remembering
// where they were going. Authorisation itself happens on the server in every page and
// route (lib/auth/session.ts).
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { loadConfig } from "@/lib/config";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const token = await getToken({ req: request, secret: loadConfig().authSecret });
  if (token) return NextResponse.next();
  const signIn = new URL("/signin", request.url);
  signIn.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Pages only: API routes answer 401 JSON themselves; sign-in and assets stay public.
  matcher: ["/((?!api/|_next/|signin|favicon\\.ico|robots\\.txt|fonts/|\\.well-known/).*)"],
};
