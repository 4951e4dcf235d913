// Whether a session token still stands for its account. The token says who signed in
// and at which session version; the account is re-read on every request so that
// disabling a user, changing a role or resetting a password (each raises the version,
// lib/users/manage-users.ts) ends the sessions issued before at once, not when they expire.
import type { Db, Role } from "@/lib/db";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export async function activeSessionUser(options: { db: Db; claims: { id: string; sessionVersion?: number } }): Promise<SessionUser | null> {
  const { db, claims } = options;
  const user = await db.user.findUnique({
    where: { id: claims.id },
    select: { id: true, email: true, name: true, role: true, disabledAt: true, sessionVersion: true },
  });
  // A token from before session versions carries none, and is refused like a stale one.
  if (!user || user.disabledAt || user.sessionVersion !== claims.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
