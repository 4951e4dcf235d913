import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import {
  hashDeviceToken,
  issueDeviceCredential,
  listDeviceCredentials,
  revokeDeviceCredential,
  rotateDeviceCredential,
} from "@/lib/devices/credentials";
import { listAnomalies } from "@/lib/devices/list-anomalies";
import { listDevices } from "@/lib/devices/list-devices";
import { AppError } from "@/lib/errors";
import { stateHash } from "@/lib/ledger/admin-change";
import { LogWriter } from "@/lib/ledger/log-writer";
import { parseEnvelope } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { startRecordedDemo, type RecordedDemo } from "@/lib/testing/recorded-demo";
import type { TestDatabase } from "@/lib/testing/test-database";

let demo: RecordedDemo;
let t: TestDatabase;
let store: LedgerStore;
let writer: LogWriter;
let record: LogWriter["append"];
let officer: SessionUser;

const day = 86_400_000;
const now = new Date("2026-11-26T10:00:00Z");

beforeAll(async () => {
  demo = await startRecordedDemo({ logId: "app-devices", now });
  ({ database: t, store, writer, record } = demo);
  officer = await demo.user("compliance@nordwerk.example");
});
afterAll(() => demo?.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "none",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected: ${String(e)}`),
  );

async function recordsSince(size: number) {
  const rows = await store.readRecords({ logId: writer.logId, fromSeq: size, limit: 100 });
  return rows.map((row) => ({ envelope: row.envelope, body: parseEnvelope(row.envelope)!.body as Record<string, unknown> }));
}

const stored = (id: string) => t.db.deviceCredential.findUniqueOrThrow({ where: { id }, omit: { tokenHash: false } });

describe("device credentials", () => {
  it("issues a random token, stores only its hash, and records the issue without the token", async () => {
    const size = writer.size;
    const { token, credential } = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-pdm-spindle", input: { label: "historian node", expiresInDays: 30 }, now });
    expect(token).toMatch(/^cl_dev_[A-Za-z0-9_-]{43}$/);
    expect(credential).not.toHaveProperty("tokenHash");
    expect(credential.tokenPrefix).toBe(token.slice(0, 13));
    expect(credential.expiresAt).toEqual(new Date(now.getTime() + 30 * day));

    const row = await stored(credential.id);
    expect(row.tokenHash).toBe(hashDeviceToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.issuedById).toBe(officer.id);

    const records = await recordsSince(size);
    expect(records).toHaveLength(1);
    expect(records[0]!.body).toMatchObject({
      actor: { userId: officer.id, role: "COMPLIANCE_OFFICER" },
      entity: { type: "DeviceCredential", id: credential.id },
      action: "create",
      before: null,
      after: stateHash({ id: credential.id, deviceId: row.deviceId, label: "historian node", tokenPrefix: credential.tokenPrefix, expiresAt: credential.expiresAt, revokedAt: null }),
    });
    expect(records[0]!.envelope).not.toContain(token);
    expect(records[0]!.envelope).not.toContain(row.tokenHash);

    const second = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-pdm-spindle", input: { label: "second" }, now });
    expect(second.token).not.toBe(token);
  });

  it("expires tokens after the chosen days, or never, and lists expired ones as expired", async () => {
    const forever = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-anomaly-telemetry", input: { label: "no expiry", expiresInDays: null }, now });
    expect(forever.credential.expiresAt).toBeNull();
    const old = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-anomaly-telemetry", input: { label: "old", expiresInDays: 10 }, now: new Date(now.getTime() - 11 * day) });
    const defaulted = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-anomaly-telemetry", input: { label: "default" }, now });
    expect(defaulted.credential.expiresAt).toEqual(new Date(now.getTime() + 365 * day));

    const listed = await listDeviceCredentials({ db: t.db, device: "aug-anomaly-telemetry", now });
    const stateOf = (id: string) => listed.find((c) => c.id === id)?.state;
    expect(stateOf(forever.credential.id)).toBe("active");
    expect(stateOf(old.credential.id)).toBe("expired");
    expect(stateOf(defaulted.credential.id)).toBe("active");
    for (const c of listed) expect(c).not.toHaveProperty("tokenHash");
  });

  it("rotates: a new token with the old label and lifetime, the old one revoked, both recorded", async () => {
    const first = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-qi-camera-l3", input: { label: "camera PC", expiresInDays: 90 }, now });
    const size = writer.size;
    const later = new Date(now.getTime() + 10 * day);
    const rotated = await rotateDeviceCredential({ db: t.db, record, actor: officer, credentialId: first.credential.id, now: later });
    expect(rotated.token).not.toBe(first.token);
    expect(rotated.credential).toMatchObject({ label: "camera PC", revokedAt: null, expiresAt: new Date(later.getTime() + 90 * day) });
    expect((await stored(first.credential.id)).revokedAt).toEqual(later);
    expect((await stored(rotated.credential.id)).tokenHash).toBe(hashDeviceToken(rotated.token));

    const records = await recordsSince(size);
    expect(records.map((r) => [r.body.action, (r.body.entity as { id: string }).id]).sort()).toEqual(
      [
        ["create", rotated.credential.id],
        ["update", first.credential.id],
      ].sort(),
    );
    for (const r of records) {
      expect(r.envelope).not.toContain(first.token);
      expect(r.envelope).not.toContain(rotated.token);
    }

    const relabelled = await rotateDeviceCredential({ db: t.db, record, actor: officer, credentialId: rotated.credential.id, input: { label: "new PC", expiresInDays: null }, now: later });
    expect(relabelled.credential).toMatchObject({ label: "new PC", expiresAt: null });

    const before = await t.db.deviceCredential.count();
    expect(await codeOf(rotateDeviceCredential({ db: t.db, record, actor: officer, credentialId: first.credential.id }))).toBe("conflict");
    expect(await t.db.deviceCredential.count()).toBe(before);
  });

  it("revokes once: a second revocation is a conflict, writes no record and keeps the first time", async () => {
    const { credential } = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-wi-copilot", input: { label: "terminal" }, now });
    const revokedAt = new Date(now.getTime() + day);
    const revoked = await revokeDeviceCredential({ db: t.db, record, actor: officer, credentialId: credential.id, now: revokedAt });
    expect(revoked.revokedAt).toEqual(revokedAt);
    const [revocation] = await recordsSince(writer.size - 1);
    const audited = { id: credential.id, deviceId: credential.deviceId, label: "terminal", tokenPrefix: credential.tokenPrefix, expiresAt: credential.expiresAt };
    expect(revocation!.body).toMatchObject({
      action: "update",
      before: stateHash({ ...audited, revokedAt: null }),
      after: stateHash({ ...audited, revokedAt }),
      summary: `token ${credential.tokenPrefix}… revoked`,
    });

    const size = writer.size;
    expect(await codeOf(revokeDeviceCredential({ db: t.db, record, actor: officer, credentialId: credential.id }))).toBe("conflict");
    expect(writer.size).toBe(size);
    expect((await stored(credential.id)).revokedAt).toEqual(revokedAt);
    expect((await listDeviceCredentials({ db: t.db, device: "aug-wi-copilot", now })).find((c) => c.id === credential.id)?.state).toBe("revoked");
  });

  it("lets only one of two concurrent revocations or rotations apply, and leaves no unseen token behind", async () => {
    const revokeTarget = (await issueDeviceCredential({ db: t.db, record, actor: officer, device: "avr-wi-copilot", input: { label: "race revoke" }, now })).credential;
    const revocations = await Promise.allSettled([1, 2].map(() => revokeDeviceCredential({ db: t.db, record, actor: officer, credentialId: revokeTarget.id })));
    expect(revocations.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);

    const rotateTarget = (await issueDeviceCredential({ db: t.db, record, actor: officer, device: "avr-pdm-furnace", input: { label: "race rotate" }, now })).credential;
    const rotations = await Promise.allSettled([1, 2].map(() => rotateDeviceCredential({ db: t.db, record, actor: officer, credentialId: rotateTarget.id })));
    expect(rotations.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = rotations.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as AppError).code).toBe("conflict");
    const active = (await listDeviceCredentials({ db: t.db, device: "avr-pdm-furnace", now })).filter((c) => c.state === "active");
    expect(active).toHaveLength(1);
  });

  it("refuses unknown devices and credentials, bad input and disabled devices, changing nothing", async () => {
    const before = await t.db.deviceCredential.count();
    expect(await codeOf(issueDeviceCredential({ db: t.db, record, actor: officer, device: "no-such-device", input: {} }))).toBe("not_found");
    expect(await codeOf(revokeDeviceCredential({ db: t.db, record, actor: officer, credentialId: "missing" }))).toBe("not_found");
    expect(await codeOf(rotateDeviceCredential({ db: t.db, record, actor: officer, credentialId: "missing" }))).toBe("not_found");
    await expect(issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-pdm-spindle", input: { label: " ", expiresInDays: 0 } })).rejects.toThrow(/label/);

    await t.db.device.update({ where: { slug: "avr-qi-casting" }, data: { status: "DISABLED" } });
    expect(await codeOf(issueDeviceCredential({ db: t.db, record, actor: officer, device: "avr-qi-casting", input: {} }))).toBe("conflict");
    expect(await t.db.deviceCredential.count()).toBe(before);
  });

  it("issues nothing when the ledger cannot record it", async () => {
    const failing: LogWriter["append"] = async () => {
      throw new AppError({ code: "unavailable", message: "The audit ledger could not write the record." });
    };
    const before = await t.db.deviceCredential.count();
    expect(await codeOf(issueDeviceCredential({ db: t.db, record: failing, actor: officer, device: "aug-pdm-spindle", input: {} }))).toBe("unavailable");
    const { credential } = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-pdm-spindle", input: { label: "kept" }, now });
    expect(await codeOf(revokeDeviceCredential({ db: t.db, record: failing, actor: officer, credentialId: credential.id }))).toBe("unavailable");
    expect(await codeOf(rotateDeviceCredential({ db: t.db, record: failing, actor: officer, credentialId: credential.id }))).toBe("unavailable");
    expect(await t.db.deviceCredential.count()).toBe(before + 1);
    expect((await stored(credential.id)).revokedAt).toBeNull();
  });

  it("shows the proxy's last use, flags a shared token and names the device behind each anomaly", async () => {
    const { credential } = await issueDeviceCredential({ db: t.db, record, actor: officer, device: "aug-mes-scheduler", input: { label: "MES" }, now });
    await t.db.deviceCredential.update({ where: { id: credential.id }, data: { lastUsedAt: now, lastUsedFrom: "10.30.1.10" } });
    await t.db.anomaly.create({
      data: { kind: "shared_device_token", subject: credential.id, detail: JSON.stringify({ addresses: ["10.30.1.10", "10.20.2.17"] }), count: 3, firstSeenAt: now, lastSeenAt: now },
    });
    const [device, destination] = await Promise.all([
      t.db.device.findUniqueOrThrow({ where: { slug: "avr-pdm-furnace" } }),
      t.db.aiDestination.findUniqueOrThrow({ where: { slug: "anthropic" } }),
    ]);
    await t.db.anomaly.create({
      data: { kind: "unauthorised_flow", subject: `${device.id} ${destination.id}`, deviceId: device.id, destinationId: destination.id, detail: JSON.stringify({ code: "no_conduit" }), firstSeenAt: now, lastSeenAt: now },
    });
    await t.db.anomaly.create({
      data: { kind: "unidentified_caller", subject: "198.51.100.77", detail: JSON.stringify({ code: "invalid_device_token" }), count: 140, firstSeenAt: now, lastSeenAt: now },
    });

    const [listed] = (await listDeviceCredentials({ db: t.db, device: "aug-mes-scheduler", now })).filter((c) => c.id === credential.id);
    expect(listed).toMatchObject({ lastUsedFrom: "10.30.1.10", shared: { addresses: ["10.30.1.10", "10.20.2.17"], count: 3 } });

    const augsburg = await t.db.plant.findUniqueOrThrow({ where: { slug: "augsburg" } });
    const devices = await listDevices({ db: t.db, plantId: augsburg.id, now });
    expect(devices.find((d) => d.slug === "aug-mes-scheduler")?.credentials).toEqual({ active: 1, total: 1, shared: 1 });
    expect(devices.every((d) => d.plant.id === augsburg.id)).toBe(true);

    const all = await listAnomalies({ db: t.db, plantId: null });
    expect(all.map((a) => [a.kind, a.device?.slug, a.destination?.slug ?? null, a.tokenPrefix, a.code]).sort()).toEqual(
      [
        ["shared_device_token", "aug-mes-scheduler", null, credential.tokenPrefix, ""],
        ["unauthorised_flow", "avr-pdm-furnace", "anthropic", null, "no_conduit"],
        ["unidentified_caller", undefined, null, null, "invalid_device_token"],
      ].sort(),
    );
    expect(all.find((a) => a.kind === "unidentified_caller")).toMatchObject({ addresses: ["198.51.100.77"], count: 140 });
    // A caller without a valid token belongs to no known plant, so each plant's view shows it.
    expect((await listAnomalies({ db: t.db, plantId: augsburg.id })).map((a) => a.kind).sort()).toEqual(["shared_device_token", "unidentified_caller"]);
  });

  it("leaves a ledger that verifies", async () => {
    await writer.checkpoint();
    expect((await verifyLedger({ store })).ok).toBe(true);
  });
});
