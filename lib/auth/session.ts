// The signed-in user, for pages and API routes. The session token says who signed in;
// the account is re-read on every request so that disabling a user or changing a role
// takes effect at once, not when the token expires.
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { requestPathHeader, safeCallbackUrl } from "@/lib/auth/callback-url";
import { authOptions } from "@/lib/auth/options";
import { can, type Permission } from "@/lib/auth/roles";
import { homePath } from "@/lib/auth/sections";
import { db, type Role } from "@/lib/db";
import { AppError } from "@/lib/errors";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  const user = await db().user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, name: true, role: true, disabledAt: true },
  });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
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
