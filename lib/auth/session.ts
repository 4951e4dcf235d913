// The signed-in user, for pages and API routes. The session token says who signed in;
// lib/auth/session-user.ts decides on every request whether it still stands.
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { requestPathHeader, safeCallbackUrl } from "@/lib/auth/callback-url";
import { authOptions } from "@/lib/auth/options";
import { can, type Permission } from "@/lib/auth/roles";
import { homePath } from "@/lib/auth/sections";
import { activeSessionUser, type SessionUser } from "@/lib/auth/session-user";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export type { SessionUser } from "@/lib/auth/session-user";

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  return activeSessionUser({ db: db(), claims: session.user });
}

/**
 * For pages: sends a visitor without a valid session to sign-in, and back to the page
 * afterwards; sends a signed-in person without the page's permission to their role's
 * start page, before the page reads anything.
 */
export async function requirePageUser(options: { permission?: Permission } = {}): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) {
    const path = safeCallbackUrl((await headers()).get(requestPathHeader) ?? undefined);
    redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  }
  if (options.permission && !can(user.role, options.permission)) redirect(homePath(user.role));
  return user;
}

/** For API routes: 401 without a session, 403 without the permission. */
export async function requireApiUser(options: { permission: Permission }): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw new AppError({ code: "unauthenticated", message: "Sign in first." });
  if (!can(user.role, options.permission)) {
    throw new AppError({ code: "forbidden", message: `The role ${user.role} may not do this (${options.permission}).` });
  }
  return user;
}
