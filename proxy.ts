// Next.js request interceptor (Next 16 calls this file "proxy"; it is unrelated to the
// AI inspection proxy in proxy/). It only makes the optimistic check that a page
// visitor has a valid session token and otherwise sends them to sign-in, remembering
// where they were going. Authorisation itself happens on the server in every page and
// route (lib/auth/session.ts).
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { requestPathHeader } from "@/lib/auth/callback-url";
import { loadConfig } from "@/lib/config";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  const token = await getToken({ req: request, secret: loadConfig().authSecret });
  if (!token) {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("callbackUrl", path);
    return NextResponse.redirect(signIn);
  }
  // Tell the server components which page was asked for, so that a session refused
  // there (account disabled meanwhile) also returns the user to it after sign-in.
  const headers = new Headers(request.headers);
  headers.set(requestPathHeader, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: API routes answer 401 JSON themselves; sign-in, the offline pack verifier and assets stay public.
  matcher: ["/((?!api/|_next/|signin|verify$|favicon\\.ico|favicon\\.svg|robots\\.txt|fonts/|\\.well-known/).*)"],
};
