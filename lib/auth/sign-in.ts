// Password sign-in with a rate limit per account and per source address. Every attempt
// is recorded (a security event, IEC 62443-3-3 SR 2.8); failures beyond the limit are
// refused before the password is even checked. An attempt still being checked counts as
// a failure ("pending") until it succeeds.
import { z } from "zod";
import type { Config } from "@/lib/config";
import type { Db, Role } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { decoyPasswordHash, verifyPassword } from "@/lib/auth/password";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254),
  password: z.string().min(1, "Enter your password.").max(1024),
});

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Goes into the session token; a session whose version is no longer the account's is refused. */
  sessionVersion: number;
}

export async function signInWithPassword(options: {
  db: Db;
  limits: Config["signInLimits"];
  credentials: unknown;
  ip: string;
  now?: Date;
}): Promise<SignedInUser> {
  const { db, limits, ip } = options;
  const parsed = signInSchema.safeParse(options.credentials);
  if (!parsed.success) {
    throw new AppError({ code: "validation_failed", message: parsed.error.issues[0]?.message ?? "Invalid sign-in." });
  }
  const { email, password } = parsed.data;
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - limits.windowSeconds * 1000);

  // The attempt is on record as a failure before anything is checked, and the limits are
  // counted only once that row is committed, so parallel attempts each count at least all
  // those committed before them: no more than the limit reach the password check. (Count
  // and insert in one transaction would hide parallel rows from each other until commit.)
  const attempt = await db.signInAttempt.create({
    data: { email, ip, succeeded: false, reason: "pending", createdAt: now },
    select: { id: true },
  });
  const settle = (succeeded: boolean, reason: string | null) =>
    db.signInAttempt.update({ where: { id: attempt.id }, data: { succeeded, reason } });

  // Both counts include this attempt.
  const [accountFailures, addressFailures] = await Promise.all([
    db.signInAttempt.count({ where: { email, succeeded: false, createdAt: { gte: since } } }),
    db.signInAttempt.count({ where: { ip, succeeded: false, createdAt: { gte: since } } }),
  ]);
  if (accountFailures > limits.maxFailuresPerAccount || addressFailures > limits.maxFailuresPerAddress) {
    await settle(false, "rate_limited");
    throw new AppError({
      code: "rate_limited",
      message: `Too many failed sign-ins. Try again in ${Math.ceil(limits.windowSeconds / 60)} minutes.`,
    });
  }

  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const valid = await verifyPassword({ password, hash: user?.passwordHash ?? (await decoyPasswordHash()) });
  if (!user || !valid || user.disabledAt) {
    await settle(false, !user ? "unknown_account" : user.disabledAt ? "account_disabled" : "wrong_password");
    throw new AppError({ code: "unauthenticated", message: "The e-mail address or password is not correct." });
  }
  await Promise.all([settle(true, null), db.user.update({ where: { id: user.id }, data: { lastSignInAt: now } })]);
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}
