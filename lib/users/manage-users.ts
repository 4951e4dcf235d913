// Account administration (ADMIN only, enforced by the routes). New and reset passwords
// are random, returned once to the administrator, and only their scrypt hash is kept.
// Every change is recorded in the audit ledger before it is applied.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { roles } from "@/lib/auth/roles";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import type { Db, Role } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";

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

export async function createUser(options: { db: Db; record: RecordFn; actor: SessionUser; input: z.infer<typeof createUserSchema> }) {
  const { db, input } = options;
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    throw new AppError({ code: "conflict", message: `An account for ${input.email} already exists.` });
  }
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const id = randomUUID();
  const state = { id, email: input.email, name: input.name, role: input.role, disabledAt: null };
  await recordAdminChange({ ...options, entity: { type: "User", id }, action: "create", before: null, after: state, summary: `account created with role ${input.role}` });
  try {
    const user = await db.user.create({ data: { id, ...input, passwordHash }, select: userView });
    return { user, password };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError({ code: "conflict", message: `An account for ${input.email} already exists.` });
    }
    throw error;
  }
}

const auditedView = { id: true, email: true, name: true, role: true, disabledAt: true } as const;

export async function updateUser(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  userId: string;
  input: z.infer<typeof updateUserSchema>;
}) {
  const { db, actor, userId, input } = options;
  const user = await db.user.findUnique({ where: { id: userId }, select: auditedView });
  if (!user) throw new AppError({ code: "not_found", message: "No such user." });
  const losesAdmin = user.role === "ADMIN" && ((input.role && input.role !== "ADMIN") || input.disabled === true);
  if (losesAdmin) {
    if (userId === actor.id) {
      throw new AppError({ code: "conflict", message: "You cannot remove your own administrator access." });
    }
    const admins = await db.user.count({ where: { role: "ADMIN", disabledAt: null } });
    if (admins <= 1) throw new AppError({ code: "conflict", message: "The last active administrator must stay." });
  }
  const disabledAt = input.disabled === undefined ? user.disabledAt : input.disabled ? new Date() : null;
  const after = { ...user, role: (input.role as Role | undefined) ?? user.role, disabledAt };
  const changes = [
    after.role !== user.role && `role ${user.role} to ${after.role}`,
    input.disabled !== undefined && (input.disabled ? "disabled" : "enabled"),
  ].filter(Boolean);
  await recordAdminChange({ ...options, entity: { type: "User", id: userId }, action: "update", before: user, after, summary: changes.join(", ") || "no change" });
  // A new role or a disabled account ends the sessions signed in before (lib/auth/session-user.ts).
  const endsSessions = after.role !== user.role || input.disabled === true;
  return db.user.update({
    where: { id: userId },
    data: { role: after.role, disabledAt, ...(endsSessions && { sessionVersion: { increment: 1 } }) },
    select: userView,
  });
}

export async function resetPassword(options: { db: Db; record: RecordFn; actor: SessionUser; userId: string }) {
  const user = await options.db.user.findUnique({ where: { id: options.userId }, select: auditedView });
  if (!user) throw new AppError({ code: "not_found", message: "No such user." });
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  // The password hash itself stays out of the ledger; the record says that it changed.
  await recordAdminChange({ ...options, entity: { type: "User", id: user.id }, action: "update", before: user, after: user, summary: "password reset" });
  // Whoever knew the old password may be signed in with it: their sessions end here.
  await options.db.user.update({ where: { id: user.id }, data: { passwordHash, sessionVersion: { increment: 1 } } });
  return { password };
}
