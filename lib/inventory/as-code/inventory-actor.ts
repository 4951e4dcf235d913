// Who an inventory change is attributed to when it comes from the command line: an
// existing, enabled account that may change the inventory (IEC 62443-3-3 SR 1.1: every
// change traces to a person, not to "the host").
import { can, permissions } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export async function inventoryActor(options: { db: Db; email: string }): Promise<SessionUser> {
  const email = options.email.trim().toLowerCase();
  const user = await options.db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, role: true, disabledAt: true } });
  if (!user) throw new AppError({ code: "not_found", message: `No account ${email}: --as names the user the changes are attributed to.` });
  if (user.disabledAt) throw new AppError({ code: "forbidden", message: `The account ${email} is disabled.` });
  if (!can(user.role, "inventory:write")) {
    throw new AppError({
      code: "forbidden",
      message: `${email} has the role ${user.role}; only ${permissions["inventory:write"].join(" and ")} may change the inventory.`,
    });
  }
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
