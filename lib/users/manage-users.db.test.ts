import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { createUser, listUsers, resetPassword, updateUser } from "@/lib/users/manage-users";

let t: TestDatabase;
let adminId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  adminId = (await createUser({ db: t.db, input: { email: "admin@test.example", name: "Admin", role: "ADMIN" } })).user.id;
});
afterAll(() => t?.drop());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "none",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected: ${String(e)}`),
  );

describe("user administration", () => {
  it("creates a user with a one-time random password and refuses a duplicate e-mail", async () => {
    const { user, password } = await createUser({ db: t.db, input: { email: "new@test.example", name: "New", role: "AUDITOR" } });
    expect(user).not.toHaveProperty("passwordHash");
    const stored = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ password, hash: stored.passwordHash ?? "" })).toBe(true);
    expect(await codeOf(createUser({ db: t.db, input: { email: "new@test.example", name: "Again", role: "CISO" } }))).toBe("conflict");
    expect(await t.db.user.count({ where: { email: "new@test.example" } })).toBe(1);
  });

  it("keeps at least one active administrator and never lets an admin lock themselves out", async () => {
    expect(await codeOf(updateUser({ db: t.db, actorId: adminId, userId: adminId, input: { disabled: true } }))).toBe("conflict");
    const other = (await createUser({ db: t.db, input: { email: "admin2@test.example", name: "Admin 2", role: "ADMIN" } })).user;
    await updateUser({ db: t.db, actorId: adminId, userId: other.id, input: { role: "CISO" } });
    expect(await codeOf(updateUser({ db: t.db, actorId: other.id, userId: adminId, input: { role: "AUDITOR" } }))).toBe("conflict");
    expect((await t.db.user.findUniqueOrThrow({ where: { id: adminId } })).role).toBe("ADMIN");
  });

  it("disables and re-enables an account, and resets a password", async () => {
    const { user } = await createUser({ db: t.db, input: { email: "temp@test.example", name: "Temp", role: "CISO" } });
    expect((await updateUser({ db: t.db, actorId: adminId, userId: user.id, input: { disabled: true } })).disabledAt).not.toBeNull();
    expect((await updateUser({ db: t.db, actorId: adminId, userId: user.id, input: { disabled: false } })).disabledAt).toBeNull();
    const { password } = await resetPassword({ db: t.db, userId: user.id });
    const stored = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ password, hash: stored.passwordHash ?? "" })).toBe(true);
    expect(await codeOf(resetPassword({ db: t.db, userId: "missing" }))).toBe("not_found");
    expect(await codeOf(updateUser({ db: t.db, actorId: adminId, userId: "missing", input: { role: "CISO" } }))).toBe("not_found");
  });

  it("lists users without secrets", async () => {
    const users = await listUsers({ db: t.db });
    expect(users.length).toBeGreaterThanOrEqual(4);
    for (const u of users) expect(u).not.toHaveProperty("passwordHash");
  });
});
