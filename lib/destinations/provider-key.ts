// A destination's provider API key is write-only: an administrator sets or clears it,
// the proxy decrypts it right before forwarding, and everyone else (pages, API
// responses, logs, ledger records) sees at most its hint, the last four characters.
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";
import { providerKeyHint, type ProviderKeyCipher } from "@/lib/secrets/provider-keys";

export const providerKeySchema = z.object({
  apiKey: z
    .string()
    .trim()
    .min(8, "A provider key has at least 8 characters.")
    .max(4096, "A provider key has at most 4096 characters.")
    // It goes into an HTTP header: visible ASCII only (a control character would make the
    // header fail at forwarding time, with the key in the error).
    .regex(/^[\x21-\x7e]+$/, "A provider key is printable ASCII without spaces or line breaks."),
});

export interface ProviderKeyStatus {
  set: boolean;
  hint: string | null;
}

async function findDestination(options: { db: Db; destination: string }) {
  const where = { OR: [{ id: options.destination }, { slug: options.destination }] };
  const destination = await options.db.aiDestination.findFirst({ where, select: { id: true, slug: true, name: true, apiKeyHint: true } });
  if (!destination) throw new AppError({ code: "not_found", message: `No AI destination "${options.destination}".` });
  // Whether a key is set comes from the ciphertext column, which is filtered on but never read here.
  const set = (await options.db.aiDestination.count({ where: { id: destination.id, apiKeyCiphertext: { not: null } } })) > 0;
  return { ...destination, providerKey: { set, hint: set ? destination.apiKeyHint : null } };
}

/** The audited state of a destination's key: whether one is set and its hint, never the key. */
const keyState = (destination: { id: string; slug: string }, providerKey: ProviderKeyStatus) => ({ id: destination.id, slug: destination.slug, providerKey });

const view = (destination: { id: string; slug: string; name: string }, providerKey: ProviderKeyStatus) => ({
  destination: { id: destination.id, slug: destination.slug, name: destination.name, providerKey },
});

/** Encrypts the key for this destination (bound to its id) and stores only ciphertext and hint. */
export async function setProviderKey(options: {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  cipher: ProviderKeyCipher;
  destination: string;
  input: z.input<typeof providerKeySchema>;
}) {
  const { apiKey } = providerKeySchema.parse(options.input);
  const destination = await findDestination(options);
  const after: ProviderKeyStatus = { set: true, hint: providerKeyHint(apiKey) };
  const apiKeyCiphertext = options.cipher.encrypt({ destinationId: destination.id, apiKey });
  await recordAdminChange({
    ...options,
    entity: { type: "AiDestination", id: destination.id },
    action: "update",
    before: keyState(destination, destination.providerKey),
    after: keyState(destination, after),
    summary: destination.providerKey.set
      ? `provider key of ${destination.slug} replaced (${after.hint}, was ${destination.providerKey.hint ?? "no hint"})`
      : `provider key of ${destination.slug} set (${after.hint})`,
  });
  await options.db.aiDestination.update({ where: { id: destination.id }, data: { apiKeyCiphertext, apiKeyHint: after.hint }, select: { id: true } });
  return view(destination, after);
}

/** Removes the key; calls to this destination that need one fail until a new key is set. */
export async function clearProviderKey(options: { db: Db; record: RecordFn; actor: SessionUser; destination: string }) {
  const destination = await findDestination(options);
  if (!destination.providerKey.set) throw new AppError({ code: "conflict", message: `${destination.name} has no provider key to clear.` });
  const after: ProviderKeyStatus = { set: false, hint: null };
  await recordAdminChange({
    ...options,
    entity: { type: "AiDestination", id: destination.id },
    action: "update",
    before: keyState(destination, destination.providerKey),
    after: keyState(destination, after),
    summary: `provider key of ${destination.slug} cleared (was ${destination.providerKey.hint ?? "no hint"})`,
  });
  await options.db.aiDestination.update({ where: { id: destination.id }, data: { apiKeyCiphertext: null, apiKeyHint: null }, select: { id: true } });
  return view(destination, after);
}
