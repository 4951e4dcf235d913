// Device credentials (IEC 62443-3-3 SR 1.2, 1.5): each device calls the proxy with its
// own random token. The token is shown once; only its SHA-256 is kept. A token carries
// 256 random bits, so a fast hash is enough: there is nothing to guess, unlike a password.
// Issuing, rotating and revoking are administrative changes, recorded before they apply.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";

export const deviceTokenPrefix = "cl_dev_";

const day = 86_400_000;

export function generateDeviceToken(): string {
  return `${deviceTokenPrefix}${randomBytes(32).toString("base64url")}`;
}

export function hashDeviceToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Enough of a token to tell it apart in lists and logs, not enough to use it. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, deviceTokenPrefix.length + 6);
}

const labelSchema = z.string().trim().min(1, "Give the credential a label.").max(120);
const expiresInDaysSchema = z
  .number({ error: "The lifetime in days must be a whole number." })
  .int("The lifetime in days must be a whole number.")
  .positive("The lifetime in days must be at least 1.")
  .max(3650, "The lifetime in days is at most 3650 (10 years).")
  .nullable();

export const issueCredentialSchema = z.object({
  label: labelSchema.default("token"),
  expiresInDays: expiresInDaysSchema.default(365),
});

/** What a rotation leaves out is taken from the credential it replaces. */
export const rotateCredentialSchema = z.object({ label: labelSchema.optional(), expiresInDays: expiresInDaysSchema.optional() });

export type CredentialState = "active" | "expired" | "revoked";

export function credentialState(options: { revokedAt: Date | null; expiresAt: Date | null; now: Date }): CredentialState {
  if (options.revokedAt) return "revoked";
  if (options.expiresAt && options.expiresAt.getTime() <= options.now.getTime()) return "expired";
  return "active";
}

const credentialView = {
  id: true,
  label: true,
  tokenPrefix: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  lastUsedFrom: true,
  createdAt: true,
  deviceId: true,
} as const;

/** The state an admin_change record hashes: never the token, never its hash. */
function auditedState(credential: { id: string; deviceId: string; label: string; tokenPrefix: string; expiresAt: Date | null; revokedAt: Date | null }) {
  const { id, deviceId, label, tokenPrefix, expiresAt, revokedAt } = credential;
  return { id, deviceId, label, tokenPrefix, expiresAt, revokedAt };
}

async function findDevice(options: { db: Db; device: string }) {
  const device = await options.db.device.findFirst({
    where: { OR: [{ id: options.device }, { slug: options.device }] },
    select: { id: true, slug: true, status: true },
  });
  if (!device) throw new AppError({ code: "not_found", message: `No device "${options.device}".` });
  return device;
}

async function findCredential(options: { db: Db; credentialId: string }) {
  const credential = await options.db.deviceCredential.findUnique({ where: { id: options.credentialId }, select: credentialView });
  if (!credential) throw new AppError({ code: "not_found", message: "No such device credential." });
  return credential;
}

/** A new token and the row that will hold its hash; nothing is written yet. */
function newCredential(options: { device: { id: string; slug: string; status: string }; label: string; expiresInDays: number | null; now: Date; testCall?: boolean }) {
  const { device, now } = options;
  // A disabled device is refused by the proxy anyway; a fresh token for it would only be a loose secret.
  if (device.status !== "ACTIVE") throw new AppError({ code: "conflict", message: `Device ${device.slug} is disabled; enable it before issuing a token.` });
  const token = generateDeviceToken();
  const lifetimeMs = options.testCall ? testCallTokenMinutes * 60_000 : options.expiresInDays === null ? null : options.expiresInDays * day;
  const expiresAt = lifetimeMs === null ? null : new Date(now.getTime() + lifetimeMs);
  const state = { id: randomUUID(), deviceId: device.id, label: options.label, tokenPrefix: tokenDisplayPrefix(token), expiresAt, revokedAt: null };
  const summary = `token ${state.tokenPrefix}… issued for ${options.testCall ? "a test call of " : ""}device ${device.slug}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ", no expiry"}`;
  // createdAt is the issue time the expiry was counted from (a rotation inherits the lifetime).
  return { token, state, summary, data: { ...state, tokenHash: hashDeviceToken(token), createdAt: now } };
}

/** How long the token of a test call from the app lives (proxy/test-call.ts revokes it at once). */
export const testCallTokenMinutes = 5;

/**
 * Issues a new token for a device; the token is in the result and nowhere else. A
 * `testCall` token lives testCallTokenMinutes, whatever the input says.
 */
export async function issueDeviceCredential(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  device: string;
  input: z.input<typeof issueCredentialSchema>;
  testCall?: boolean;
  now?: Date;
}) {
  const input = issueCredentialSchema.parse(options.input);
  const device = await findDevice(options);
  const issued = newCredential({ device, ...input, testCall: options.testCall, now: options.now ?? new Date() });
  await recordAdminChange({ ...options, entity: { type: "DeviceCredential", id: issued.state.id }, action: "create", before: null, after: issued.state, summary: issued.summary });
  const credential = await options.db.deviceCredential.create({
    data: { ...issued.data, issuedById: options.actor.id },
    select: credentialView,
  });
  return { token: issued.token, credential };
}

const alreadyRevoked = (prefix: string) => new AppError({ code: "conflict", message: `Credential ${prefix}… is already revoked.` });

/** Revokes a credential at once; the proxy refuses it from its next inventory refresh. */
export async function revokeDeviceCredential(options: { db: Db; record: RecordFn; actor: SessionUser; credentialId: string; now?: Date }) {
  const { db } = options;
  const credential = await findCredential(options);
  if (credential.revokedAt) throw alreadyRevoked(credential.tokenPrefix);
  const revokedAt = options.now ?? new Date();
  const before = auditedState(credential);
  await recordAdminChange({
    ...options,
    entity: { type: "DeviceCredential", id: credential.id },
    action: "update",
    before,
    after: { ...before, revokedAt },
    summary: `token ${credential.tokenPrefix}… revoked`,
  });
  // Only the first of two concurrent revocations applies; the other keeps the first revokedAt.
  const { count } = await db.deviceCredential.updateMany({ where: { id: credential.id, revokedAt: null }, data: { revokedAt } });
  if (count === 0) throw alreadyRevoked(credential.tokenPrefix);
  return findCredential(options);
}

/**
 * Issues a replacement token and revokes the old one in one transaction, so a device never
 * holds two for long, and a rotation that loses a race leaves no token nobody has seen.
 * The replacement keeps the old label and lifetime unless the input says otherwise.
 */
export async function rotateDeviceCredential(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  credentialId: string;
  input?: z.input<typeof rotateCredentialSchema>;
  now?: Date;
}) {
  const { db } = options;
  const input = rotateCredentialSchema.parse(options.input ?? {});
  const old = await findCredential(options);
  if (old.revokedAt) throw new AppError({ code: "conflict", message: `Credential ${old.tokenPrefix}… is revoked; issue a new one instead.` });
  const device = await findDevice({ db, device: old.deviceId });
  const now = options.now ?? new Date();
  const lifetimeDays = old.expiresAt ? Math.max(1, Math.round((old.expiresAt.getTime() - old.createdAt.getTime()) / day)) : null;
  const issued = newCredential({ device, label: input.label ?? old.label, expiresInDays: input.expiresInDays === undefined ? lifetimeDays : input.expiresInDays, now });
  const before = auditedState(old);
  // Appended together, the two records share one ledger commit.
  await Promise.all([
    recordAdminChange({ ...options, entity: { type: "DeviceCredential", id: issued.state.id }, action: "create", before: null, after: issued.state, summary: `${issued.summary}, replacing ${old.tokenPrefix}…` }),
    recordAdminChange({ ...options, entity: { type: "DeviceCredential", id: old.id }, action: "update", before, after: { ...before, revokedAt: now }, summary: `token ${old.tokenPrefix}… revoked by rotation to ${issued.state.tokenPrefix}…` }),
  ]);
  const credential = await db.$transaction(async (tx) => {
    const { count } = await tx.deviceCredential.updateMany({ where: { id: old.id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) throw alreadyRevoked(old.tokenPrefix);
    return tx.deviceCredential.create({ data: { ...issued.data, issuedById: options.actor.id }, select: credentialView });
  });
  return { token: issued.token, credential };
}

/** A device's credentials, newest first, with their state and any sign that a token is shared. */
export async function listDeviceCredentials(options: { db: Db; device: string; now?: Date }) {
  const { db } = options;
  const device = await findDevice(options);
  const now = options.now ?? new Date();
  const credentials = await db.deviceCredential.findMany({ where: { deviceId: device.id }, select: credentialView, orderBy: { createdAt: "desc" } });
  const shared = await db.anomaly.findMany({
    where: { kind: "shared_device_token", subject: { in: credentials.map((c) => c.id) } },
    select: { subject: true, detail: true, count: true, firstSeenAt: true, lastSeenAt: true },
  });
  const sharedBySubject = new Map(shared.map((a) => [a.subject, { addresses: sharedAddresses(a.detail), count: a.count, firstSeenAt: a.firstSeenAt, lastSeenAt: a.lastSeenAt }]));
  return credentials.map((c) => ({ ...c, state: credentialState({ ...c, now }), shared: sharedBySubject.get(c.id) ?? null }));
}

const sharedDetailSchema = z.object({ addresses: z.array(z.string()).catch([]) }).catch({ addresses: [] });

/** The addresses a shared token was seen from, as the proxy wrote them (tolerant of detail it did not write). */
export function sharedAddresses(detail: string): string[] {
  try {
    return sharedDetailSchema.parse(JSON.parse(detail)).addresses;
  } catch {
    return [];
  }
}
