import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

// Counts how many attempts reach the password check.
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/auth/password")>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

let t: TestDatabase;
const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 6, windowSeconds: 900 };
const now = new Date("2026-11-26T10:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  const passwordHash = await hashPassword("right-password");
  for (const [email, role] of [["ciso@test.example", "CISO"], ["other@test.example", "AUDITOR"], ["third@test.example", "ADMIN"]] as const) {
    await t.db.user.create({ data: { email, name: email, role, passwordHash } });
  }
  await t.db.user.create({ data: { email: "race@test.example", name: "Race", role: "CISO", passwordHash } });
  await t.db.user.create({ data: { email: "gone@test.example", name: "Gone", role: "CISO", passwordHash, disabledAt: now } });
});
afterAll(() => t?.drop());

async function attempt(credentials: unknown, ip = "10.0.0.1", at = now) {
  try {
    const user = await signInWithPassword({ db: t.db, limits, credentials, ip, now: at });
    return { ok: true as const, user };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false as const, code: error.code };
  }
}

describe("signInWithPassword", () => {
  it("signs in with the right password, case-insensitive e-mail, and records the attempt", async () => {
    const result = await attempt({ email: " CISO@test.example ", password: "right-password" });
    expect(result).toMatchObject({ ok: true, user: { email: "ciso@test.example", role: "CISO" } });
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "ciso@test.example" } });
    expect(user.lastSignInAt?.toISOString()).toBe(now.toISOString());
    expect(await t.db.signInAttempt.count({ where: { email: "ciso@test.example", succeeded: true } })).toBe(1);
  });

  it("gives the same answer for a wrong password, an unknown account and a disabled account", async () => {
    expect(await attempt({ email: "other@test.example", password: "wrong" }, "10.0.0.2")).toEqual({ ok: false, code: "unauthenticated" });
    expect(await attempt({ email: "nobody@test.example", password: "x" }, "10.0.0.2")).toEqual({ ok: false, code: "unauthenticated" });
    expect(await attempt({ email: "gone@test.example", password: "right-password" }, "10.0.0.2")).toEqual({ ok: false, code: "unauthenticated" });
    const reasons = (await t.db.signInAttempt.findMany({ where: { ip: "10.0.0.2" } })).map((a) => a.reason).sort();
    expect(reasons).toEqual(["account_disabled", "unknown_account", "wrong_password"]);
  });

  it("refuses missing or malformed fields with a validation error and writes nothing", async () => {
    const before = await t.db.signInAttempt.count();
    expect(await attempt({ email: "ciso@test.example" })).toEqual({ ok: false, code: "validation_failed" });
    expect(await attempt({ email: "not-an-email", password: "x" })).toEqual({ ok: false, code: "validation_failed" });
    expect(await attempt(undefined)).toEqual({ ok: false, code: "validation_failed" });
    expect(await t.db.signInAttempt.count()).toBe(before);
  });

  it("locks an account after too many failures, even for the right password, until the window passes", async () => {
    for (let i = 0; i < limits.maxFailuresPerAccount; i++) {
      expect(await attempt({ email: "third@test.example", password: "wrong" }, `10.1.0.${i}`)).toEqual({ ok: false, code: "unauthenticated" });
    }
    expect(await attempt({ email: "third@test.example", password: "right-password" }, "10.1.1.1")).toEqual({ ok: false, code: "rate_limited" });
    const later = new Date(now.getTime() + (limits.windowSeconds + 1) * 1000);
    expect((await attempt({ email: "third@test.example", password: "right-password" }, "10.1.1.1", later)).ok).toBe(true);
  });

  it("limits failures per source address across accounts", async () => {
    for (let i = 0; i < limits.maxFailuresPerAddress; i++) await attempt({ email: `spray${i}@test.example`, password: "x" }, "10.9.9.9");
    expect(await attempt({ email: "other@test.example", password: "right-password" }, "10.9.9.9")).toEqual({ ok: false, code: "rate_limited" });
    expect((await attempt({ email: "other@test.example", password: "right-password" }, "10.9.9.10")).ok).toBe(true);
  });

  it("lets no more parallel wrong guesses at one account reach the password check than the limit", async () => {
    const checks = vi.mocked(verifyPassword).mock.calls.length;
    const guesses = Array.from({ length: 20 }, (_, i) => attempt({ email: "race@test.example", password: `guess-${i}` }, `10.3.0.${i}`));
    const codes = (await Promise.all(guesses)).map((r) => (r.ok ? "signed in" : r.code));
    expect(vi.mocked(verifyPassword).mock.calls.length - checks).toBeLessThanOrEqual(limits.maxFailuresPerAccount);
    expect(codes.filter((c) => c === "unauthenticated").length).toBeLessThanOrEqual(limits.maxFailuresPerAccount);
    expect(codes.filter((c) => c !== "unauthenticated").every((c) => c === "rate_limited")).toBe(true);
    // Every attempt is on record and settled: none left pending.
    const reasons = (await t.db.signInAttempt.findMany({ where: { email: "race@test.example" } })).map((a) => a.reason);
    expect(reasons).toHaveLength(20);
    expect(reasons.filter((r) => r === "wrong_password").length).toBeLessThanOrEqual(limits.maxFailuresPerAccount);
    expect(reasons.filter((r) => r !== "wrong_password").every((r) => r === "rate_limited")).toBe(true);
  });

  it("lets no more parallel guesses from one address reach the password check than its limit", async () => {
    const checks = vi.mocked(verifyPassword).mock.calls.length;
    const guesses = Array.from({ length: 20 }, (_, i) => attempt({ email: `parallel${i}@test.example`, password: "x" }, "10.4.4.4"));
    const codes = (await Promise.all(guesses)).map((r) => (r.ok ? "signed in" : r.code));
    expect(vi.mocked(verifyPassword).mock.calls.length - checks).toBeLessThanOrEqual(limits.maxFailuresPerAddress);
    expect(codes.filter((c) => c === "unauthenticated").length).toBeLessThanOrEqual(limits.maxFailuresPerAddress);
    expect(await t.db.signInAttempt.count({ where: { ip: "10.4.4.4", reason: "pending" } })).toBe(0);
  });
});
