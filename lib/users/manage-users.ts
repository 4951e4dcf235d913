// Account administration (ADMIN only, enforced by the routes). New and reset passwords
// are random, returned once to the administrator, and only their scrypt hash is kept.
import { z } from "zod";
import { roles } from "@/lib/auth/roles";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import type { Db, Role } from "@/lib/db";
import { AppError } from "@/lib/errors";

export const userView = { id: true, email: true, name: true, role: true, disabledAt: true, lastSignInAt: true, createdAt: true } as const;

export const createUserSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254),
  name: z.string().trim().min(1, "Enter a name.").max(120),
  role: z.enum(roles),
});

export const updateUserSchema = z
  .object({ role: z.enum(roles).optional(), disabled: z.boolean().optional() })
  .refine((u) => u.role !== undefined || u.disabled !== undefined, "Give a role or a disabled flag to change.");

export async function listUsers(options: { db: Db }) {
  return options.db.user.findMany({ select: userView, orderBy: [{ role: "asc" }, { name: "asc" }] });
}

export async function createUser(options: { db: Db; input: z.infer<typeof createUserSchema> }) {
  const { db, input } = options;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = await db.user.create({ data: { ...input, passwordHash }, select: userView });
    return { user, password };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError({ code: "conflict", message: `An account for ${input.email} already exists.` });
    }
    throw error;
  }
}

export async function updateUser(options: {
  db: Db;
  actorId: string;
  userId: string;
  input: z.infer<typeof updateUserSchema>;
}) {
  const { db, actorId, userId, input } = options;
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: userView });
    if (!user) throw new AppError({ code: "not_found", message: "No such user." });
    const losesAdmin = user.role === "ADMIN" && ((input.role && input.role !== "ADMIN") || input.disabled === true);
    if (losesAdmin) {
      if (userId === actorId) {
        throw new AppError({ code: "conflict", message: "You cannot remove your own administrator access." });
      }
      const admins = await tx.user.count({ where: { role: "ADMIN", disabledAt: null } });
      if (admins <= 1) throw new AppError({ code: "conflict", message: "The last active administrator must stay." });
    }
    const disabledAt = input.disabled === undefined ? undefined : input.disabled ? new Date() : null;
    return tx.user.update({ where: { id: userId }, data: { role: input.role as Role | undefined, disabledAt }, select: userView });
  });
}

export async function resetPassword(options: { db: Db; userId: string }) {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const updated = await options.db.user.updateMany({ where: { id: options.userId }, data: { passwordHash } });
  if (updated.count === 0) throw new AppError({ code: "not_found", message: "No such user." });
  return { password };
}
