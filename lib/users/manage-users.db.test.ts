import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { stateHash } from "@/lib/ledger/admin-change";
import { LogWriter } from "@/lib/ledger/log-writer";
import { parseEnvelope } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { startAdminLedger, type AdminLedger } from "@/lib/testing/admin-ledger";
import type { TestDatabase } from "@/lib/testing/test-database";
import { createUser, listUsers, resetPassword, updateUser } from "@/lib/users/manage-users";

let t: TestDatabase;
let store: LedgerStore;
let writer: LogWriter;
let admin: SessionUser;
let record: LogWriter["append"];

let setup: AdminLedger;

beforeAll(async () => {
  setup = await startAdminLedger({ logId: "app-users" });
  ({ t, store, writer, record, admin } = setup);
});
afterAll(() => setup?.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "none",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected: ${String(e)}`),
  );

async function lastRecordBody() {
  const head = await store.logHead(writer.logId);
  const [row] = await store.readRecords({ logId: writer.logId, fromSeq: head.size - 1, limit: 1 });
  return parseEnvelope(row!.envelope)!.body as Record<string, unknown>;
}

describe("user administration", () => {
  it("creates a user with a one-time random password, recorded in the ledger first", async () => {
    const { user, password } = await createUser({ db: t.db, record, actor: admin, input: { email: "new@test.example", name: "New", role: "AUDITOR" } });
    expect(user).not.toHaveProperty("passwordHash");
    const stored = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ password, hash: stored.passwordHash ?? "" })).toBe(true);
    const body = await lastRecordBody();
    expect(body).toMatchObject({
      actor: { userId: admin.id, email: admin.email, role: "ADMIN" },
      entity: { type: "User", id: user.id },
      action: "create",
      before: null,
      after: stateHash({ id: user.id, email: "new@test.example", name: "New", role: "AUDITOR", disabledAt: null }),
    });
    expect(JSON.stringify(body)).not.toContain(password);
  });

  it("refuses a duplicate e-mail without writing a record", async () => {
    const before = writer.size;
    expect(await codeOf(createUser({ db: t.db, record, actor: admin, input: { email: "new@test.example", name: "Again", role: "CISO" } }))).toBe("conflict");
    expect(await t.db.user.count({ where: { email: "new@test.example" } })).toBe(1);
    expect(writer.size).toBe(before);
  });

  it("keeps at least one active administrator and never lets an admin lock themselves out", async () => {
    expect(await codeOf(updateUser({ db: t.db, record, actor: admin, userId: admin.id, input: { disabled: true } }))).toBe("conflict");
    const other = (await createUser({ db: t.db, record, actor: admin, input: { email: "admin2@test.example", name: "Admin 2", role: "ADMIN" } })).user;
    await updateUser({ db: t.db, record, actor: admin, userId: other.id, input: { role: "CISO" } });
    expect((await lastRecordBody()).summary).toBe("role ADMIN to CISO");
    const otherActor: SessionUser = { id: other.id, email: other.email, name: other.name, role: "ADMIN" };
    expect(await codeOf(updateUser({ db: t.db, record, actor: otherActor, userId: admin.id, input: { role: "AUDITOR" } }))).toBe("conflict");
    expect((await t.db.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("ADMIN");
  });

  it("disables and re-enables an account, and resets a password, each recorded", async () => {
    const { user } = await createUser({ db: t.db, record, actor: admin, input: { email: "temp@test.example", name: "Temp", role: "CISO" } });
    expect((await updateUser({ db: t.db, record, actor: admin, userId: user.id, input: { disabled: true } })).disabledAt).not.toBeNull();
    expect((await lastRecordBody()).summary).toBe("disabled");
    expect((await updateUser({ db: t.db, record, actor: admin, userId: user.id, input: { disabled: false } })).disabledAt).toBeNull();
    const { password } = await resetPassword({ db: t.db, record, actor: admin, userId: user.id });
    expect((await lastRecordBody()).summary).toBe("password reset");
    const stored = await t.db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword({ password, hash: stored.passwordHash ?? "" })).toBe(true);
    expect(await codeOf(resetPassword({ db: t.db, record, actor: admin, userId: "missing" }))).toBe("not_found");
    expect(await codeOf(updateUser({ db: t.db, record, actor: admin, userId: "missing", input: { role: "CISO" } }))).toBe("not_found");
  });

  it("creates an operator and changes the role, each recorded (the database accepts the OPERATOR role)", async () => {
    const { user } = await createUser({ db: t.db, record, actor: admin, input: { email: "shift@test.example", name: "Shift Lead", role: "OPERATOR" } });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("OPERATOR");
    expect((await lastRecordBody()).after).toEqual(stateHash({ id: user.id, email: "shift@test.example", name: "Shift Lead", role: "OPERATOR", disabledAt: null }));
    await updateUser({ db: t.db, record, actor: admin, userId: user.id, input: { role: "AUDITOR" } });
    expect((await lastRecordBody()).summary).toBe("role OPERATOR to AUDITOR");
  });

  it("applies no change when the ledger cannot record it", async () => {
    const failing: LogWriter["append"] = async () => {
      throw new AppError({ code: "unavailable", message: "The audit ledger could not write the record." });
    };
    expect(await codeOf(createUser({ db: t.db, record: failing, actor: admin, input: { email: "ghost@test.example", name: "Ghost", role: "CISO" } }))).toBe("unavailable");
    expect(await t.db.user.count({ where: { email: "ghost@test.example" } })).toBe(0);
  });

  it("lists users without secrets, and the ledger of all these changes verifies", async () => {
    const users = await listUsers({ db: t.db });
    expect(users.length).toBeGreaterThanOrEqual(4);
    for (const u of users) expect(u).not.toHaveProperty("passwordHash");
    await writer.checkpoint();
    expect((await verifyLedger({ store })).ok).toBe(true);
  });
});
