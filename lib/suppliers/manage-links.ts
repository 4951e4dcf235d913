// Links of the supplier chain and their terms: our contract with a direct supplier
// (no `from`) and each supplier's sub-processors. A link that would close a cycle is
// refused with the cycle named; the check runs again inside a serializable
// transaction, so two people adding opposite links at once cannot create one either.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";
import { clampSummary } from "@/lib/suppliers/summary";
import { assertNoCycle, type ChainEdge } from "@/lib/suppliers/chain";
import { supplierLinkView } from "@/lib/suppliers/overview";

export const linkTermsSchema = z
  .object({
    dataShared: z.string().trim().max(1000).default(""),
    contractRef: z.string().trim().max(200).default(""),
    breachNotificationHours: z.number().int().min(0).max(8760).nullable().default(null),
    trainingOnCustomerData: z.enum(["YES", "NO", "OPT_OUT"]).nullable().default(null),
    retention: z.string().trim().max(500).default(""),
    dataLocation: z.string().trim().max(500).default(""),
  })
  .strict();

export const createLinkSchema = linkTermsSchema.extend({
  /** Null for our own contract with a direct supplier. */
  fromId: z.string().min(1).max(100).nullable(),
  toId: z.string().min(1).max(100),
});

type LinkTerms = z.infer<typeof linkTermsSchema>;

const serializable = { isolationLevel: "Serializable" as const };

/** PostgreSQL aborts one of two conflicting serializable transactions (P2034). */
function retryLater(error: unknown): never {
  if ((error as { code?: string }).code === "P2034") {
    throw new AppError({ code: "conflict", message: "The supplier chain changed at the same time. Try again." });
  }
  throw error;
}

async function assertLinkAllowed(options: { db: Pick<Db, "supplierLink">; fromId: string | null; toId: string; names: ReadonlyMap<string, string> }) {
  const { db, fromId, toId, names } = options;
  const existing = await db.supplierLink.findFirst({ where: { fromId, toId }, select: { id: true } });
  if (existing) {
    throw new AppError({
      code: "conflict",
      message: fromId === null ? `Our contract with ${names.get(toId)} is already recorded; change its terms instead.` : `${names.get(fromId)} already passes data to ${names.get(toId)}; change the terms of that link instead.`,
    });
  }
  const links: ChainEdge[] = await db.supplierLink.findMany({ select: { fromId: true, toId: true } });
  assertNoCycle({ links: [...links, { fromId, toId }], names, from: fromId ?? undefined });
}

export async function createLink(options: { db: Db; record: RecordFn; actor: SessionUser; input: z.infer<typeof createLinkSchema> }) {
  const { db, input } = options;
  const ids = [input.toId, ...(input.fromId ? [input.fromId] : [])];
  const suppliers = await db.supplier.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  if (suppliers.length !== new Set(ids).size) throw new AppError({ code: "not_found", message: "No such supplier." });
  const names = new Map(suppliers.map((s) => [s.id, s.name]));
  await assertLinkAllowed({ db, fromId: input.fromId, toId: input.toId, names });

  const id = randomUUID();
  const data = { id, ...input };
  const summary = input.fromId === null ? `contract with ${names.get(input.toId)} recorded` : `${names.get(input.toId)} added as sub-processor of ${names.get(input.fromId)}`;
  await recordAdminChange({ ...options, entity: { type: "SupplierLink", id }, action: "create", before: null, after: data, summary });
  return db
    .$transaction(async (tx) => {
      await assertLinkAllowed({ db: tx, fromId: input.fromId, toId: input.toId, names });
      return tx.supplierLink.create({ data, select: supplierLinkView });
    }, serializable)
    .catch(retryLater);
}

export async function updateLinkTerms(options: { db: Db; record: RecordFn; actor: SessionUser; linkId: string; input: LinkTerms }) {
  const { db, linkId, input } = options;
  const before = await db.supplierLink.findUnique({ where: { id: linkId }, select: { ...supplierLinkView, from: { select: { name: true } }, to: { select: { name: true } } } });
  if (!before) throw new AppError({ code: "not_found", message: "No such supplier link." });
  const { from, to, ...state } = before;
  const after = { ...state, ...input };
  const changed = (Object.keys(input) as (keyof LinkTerms)[]).filter((k) => input[k] !== state[k]);
  const label = from ? `link ${from.name} → ${to.name}` : `contract with ${to.name}`;
  await recordAdminChange({ ...options, entity: { type: "SupplierLink", id: linkId }, action: "update", before: state, after, summary: clampSummary(`${label}: ${changed.join(", ") || "no change"}`) });
  return db.supplierLink.update({ where: { id: linkId }, data: input, select: supplierLinkView });
}

export async function deleteLink(options: { db: Db; record: RecordFn; actor: SessionUser; linkId: string }) {
  const { db, linkId } = options;
  const before = await db.supplierLink.findUnique({ where: { id: linkId }, select: { ...supplierLinkView, from: { select: { name: true } }, to: { select: { name: true } } } });
  if (!before) throw new AppError({ code: "not_found", message: "No such supplier link." });
  const { from, to, ...state } = before;
  const summary = from ? `${to.name} removed as sub-processor of ${from.name}` : `contract with ${to.name} removed`;
  await recordAdminChange({ ...options, entity: { type: "SupplierLink", id: linkId }, action: "delete", before: state, after: null, summary });
  await db.supplierLink.delete({ where: { id: linkId } });
  return { ok: true };
}
