import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "next-auth";
import type { AdapterUser } from "next-auth/adapters";
import { decode, encode, type JWT } from "next-auth/jwt";
import { hashPassword } from "@/lib/auth/password";
import { sessionCallbacks } from "@/lib/auth/options";
import { activeSessionUser, type SessionUser } from "@/lib/auth/session-user";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { LogWriter } from "@/lib/ledger/log-writer";
import { startAdminLedger, type AdminLedger } from "@/lib/testing/admin-ledger";
import type { TestDatabase } from "@/lib/testing/test-database";
import { resetPassword, updateUser } from "@/lib/users/manage-users";

let t: TestDatabase;
let admin: SessionUser;
let record: LogWriter["append"];
const secret = "a-test-secret-that-is-at-least-32-characters-long";
const limits = { maxFailuresPerAccount: 50, maxFailuresPerAddress: 50, windowSeconds: 900 };

let setup: AdminLedger;

beforeAll(async () => {
  setup = await startAdminLedger({ logId: "app-sessions" });
  ({ t, record, admin } = setup);
});
afterAll(() => setup?.close());

async function newUser(email: string) {
  const password = "first-password";
  const user = await t.db.user.create({ data: { email, name: email, role: "CISO", passwordHash: await hashPassword(password) } });
  return { id: user.id, email, password };
}

/** Signs in as next-auth does: the credentials check, the token it signs, as a cookie would carry it. */
async function signIn(login: { email: string; password: string }): Promise<string> {
  const user = await signInWithPassword({ db: t.db, limits, credentials: login, ip: "10.0.0.1" });
  const token = await sessionCallbacks.jwt({ token: { email: user.email, name: user.name } as JWT, user, account: null });
  return encode({ token, secret });
}

/** What currentUser() makes of a session cookie on a later request. */
async function userFor(cookie: string) {
  const token = await decode({ token: cookie, secret });
  if (!token) throw new Error("the token did not decode");
  const session = await sessionCallbacks.session({ session: { expires: "" } as Session, token, user: {} as AdapterUser, newSession: undefined, trigger: "update" });
  return activeSessionUser({ db: t.db, claims: session.user });
}

describe("session versions", () => {
  it("refuses a session signed in before an administrator reset the password; the new password signs in", async () => {
    const user = await newUser("reset@test.example");
    const before = await signIn(user);
    expect(await userFor(before)).toMatchObject({ id: user.id, role: "CISO" });

    const { password } = await resetPassword({ db: t.db, record, actor: admin, userId: user.id });
    expect(await userFor(before)).toBeNull();

    const after = await signIn({ email: user.email, password });
    expect(await userFor(after)).toMatchObject({ id: user.id });
    expect(await userFor(before)).toBeNull();
  });

  it("ends sessions on a role change and on disabling, and re-enabling does not revive them", async () => {
    const user = await newUser("role@test.example");
    const first = await signIn(user);
    await updateUser({ db: t.db, record, actor: admin, userId: user.id, input: { role: "AUDITOR" } });
    expect(await userFor(first)).toBeNull();

    const second = await signIn(user);
    expect(await userFor(second)).toMatchObject({ role: "AUDITOR" });
    await updateUser({ db: t.db, record, actor: admin, userId: user.id, input: { disabled: true } });
    await updateUser({ db: t.db, record, actor: admin, userId: user.id, input: { disabled: false } });
    expect(await userFor(second)).toBeNull();
    expect(await userFor(await signIn(user))).toMatchObject({ id: user.id });
  });

  it("keeps sessions through a change that takes nothing away", async () => {
    const user = await newUser("same@test.example");
    const cookie = await signIn(user);
    await updateUser({ db: t.db, record, actor: admin, userId: user.id, input: { role: "CISO", disabled: false } });
    expect(await userFor(cookie)).toMatchObject({ id: user.id });
  });

  it("refuses a token without a session version (issued before versions existed)", async () => {
    const user = await newUser("legacy@test.example");
    const legacy = await encode({ token: { email: user.email, uid: user.id, role: "CISO" } as JWT, secret });
    expect(await userFor(legacy)).toBeNull();
  });
});
