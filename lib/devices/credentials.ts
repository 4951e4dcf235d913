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

export const issueCredentialSchema = z.object({
  label: z.string().trim().min(1, "Give the credential a label.").max(120).default("token"),
  expiresInDays: z.number().int().positive().max(3650).nullable().default(365),
});

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

async function findDevice(options: { db: Db; device: string }) {
  const device = await options.db.device.findFirst({
    where: { OR: [{ id: options.device }, { slug: options.device }] },
    select: { id: true, slug: true, status: true },
  });
  if (!device) throw new AppError({ code: "not_found", message: `No device "${options.device}".` });
  return device;
}

/** Issues a new token for a device; the token is in the result and nowhere else. */
export async function issueDeviceCredential(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  device: string;
  input: z.input<typeof issueCredentialSchema>;
  now?: Date;
}) {
  const input = issueCredentialSchema.parse(options.input);
  const device = await findDevice(options);
  const now = options.now ?? new Date();
  const token = generateDeviceToken();
  const id = randomUUID();
  const expiresAt = input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000);
  const state = { id, deviceId: device.id, label: input.label, tokenPrefix: tokenDisplayPrefix(token), expiresAt, revokedAt: null };
  await recordAdminChange({
    ...options,
    entity: { type: "DeviceCredential", id },
    action: "create",
    before: null,
    after: state,
    summary: `token ${state.tokenPrefix}… issued for device ${device.slug}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ", no expiry"}`,
  });
  const credential = await options.db.deviceCredential.create({
    data: { ...state, tokenHash: hashDeviceToken(token), issuedById: options.actor.id },
    select: credentialView,
  });
  return { token, credential };
}

/** Revokes a credential at once; the proxy refuses it from its next inventory refresh. */
export async function revokeDeviceCredential(options: { db: Db; record: RecordFn; actor: SessionUser; credentialId: string; now?: Date }) {
  const { db } = options;
  const credential = await db.deviceCredential.findUnique({ where: { id: options.credentialId }, select: credentialView });
  if (!credential) throw new AppError({ code: "not_found", message: "No such device credential." });
  if (credential.revokedAt) throw new AppError({ code: "conflict", message: `Credential ${credential.tokenPrefix}… is already revoked.` });
  const revokedAt = options.now ?? new Date();
  const before = { id: credential.id, deviceId: credential.deviceId, label: credential.label, tokenPrefix: credential.tokenPrefix, expiresAt: credential.expiresAt, revokedAt: null };
  await recordAdminChange({
    ...options,
    entity: { type: "DeviceCredential", id: credential.id },
    action: "update",
    before,
    after: { ...before, revokedAt },
    summary: `token ${credential.tokenPrefix}… revoked`,
  });
  return db.deviceCredential.update({ where: { id: credential.id }, data: { revokedAt }, select: credentialView });
}

/** Issues a replacement token and revokes the old one, so a device never holds two for long. */
export async function rotateDeviceCredential(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  credentialId: string;
  input?: z.input<typeof issueCredentialSchema>;
}) {
  const old = await options.db.deviceCredential.findUnique({ where: { id: options.credentialId }, select: credentialView });
  if (!old) throw new AppError({ code: "not_found", message: "No such device credential." });
  if (old.revokedAt) throw new AppError({ code: "conflict", message: `Credential ${old.tokenPrefix}… is revoked; issue a new one instead.` });
  const issued = await issueDeviceCredential({ ...options, device: old.deviceId, input: options.input ?? { label: old.label } });
  await revokeDeviceCredential({ ...options, credentialId: old.id });
  return issued;
}

export async function listDeviceCredentials(options: { db: Db; device: string }) {
  const device = await findDevice(options);
  return options.db.deviceCredential.findMany({ where: { deviceId: device.id }, select: credentialView, orderBy: { createdAt: "desc" } });
}
