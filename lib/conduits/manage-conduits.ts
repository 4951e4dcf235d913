// Acting on conduits from the application: suspend and resume (emergency actions,
// effective at every proxy within one inventory refresh), edit limits, renew, and
// propose new conduits. A change that allows more waits for a second person (four eyes);
// one that only narrows applies at once. Every change is recorded in the ledger before
// it is written, and a write checks the conduit is still as the person saw it, so two
// people editing at once cannot overwrite each other.
import { z } from "zod";
import { can } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/session";
import type { Conduit, Db } from "@/lib/db";
import { ConduitStatus, DataClass, FailMode, OverLimitAction } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";
import { policyColumns, policyDiff, policyFieldLabels, policyOf, showPolicyValue, widenedFields, type ConduitPolicy, type FieldChange } from "@/lib/conduits/conduit-policy";

const slug = z
  .string()
  .max(100)
  .regex(/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/, "Use lowercase letters, digits and . _ - (like aug-l3-to-azure-pdm).");
const reason = z.string().trim().min(3, "Say why, in a few words.").max(500);
const instant = z.iso.datetime({ offset: true, error: "Give a date and time." }).transform((s) => new Date(s).toISOString());
const policyList = z
  .array(z.string().trim().min(1).max(200))
  .max(100)
  .refine((items) => new Set(items).size === items.length, "List each value once.");
/** The conduit as the person saw it when they acted. */
const expectedUpdatedAt = z.iso.datetime({ offset: true });

export const conduitPolicyInput = z
  .strictObject({
    name: z.string().trim().min(1, "Give the conduit a name.").max(200),
    justification: z.string().trim().max(2000),
    allowedPurposes: policyList,
    allowedModels: policyList,
    allowedEndpoints: policyList,
    maxDataClass: z.enum(DataClass),
    overLimitAction: z.enum(OverLimitAction),
    failMode: z.enum(FailMode),
    validFrom: instant,
    validUntil: instant.nullable(),
    reviewDueAt: instant.nullable(),
  })
  .superRefine((p, ctx) => {
    if (p.validUntil !== null && p.validUntil <= p.validFrom) {
      ctx.addIssue({ code: "custom", path: ["validUntil"], message: "The validity must end after it starts." });
    }
  });

export const statusChangeInput = z.strictObject({ reason, expectedUpdatedAt });
export const editConduitInput = z.strictObject({ policy: conduitPolicyInput, reason, expectedUpdatedAt });
export const proposeConduitInput = z.strictObject({
  slug,
  sourceZone: slug,
  destination: slug,
  slTarget: z.number().int().min(1, "IEC 62443 security levels are 1 to 4.").max(4, "IEC 62443 security levels are 1 to 4."),
  policy: conduitPolicyInput,
  reason,
  flowKey: z.string().max(500).nullable().default(null),
});
export const decideChangeInput = z.strictObject({ decision: z.enum(["approve", "reject"]), note: z.string().trim().max(500).default("") });

/** Who acts, when, and where their change is recorded: what every change here takes. */
export interface Acting {
  db: Db;
  record: RecordFn;
  actor: SessionUser;
  now: Date;
}

/** The compliance officer's and the administrator's: the auditor reads only. */
export function requireInventoryWrite(actor: SessionUser): void {
  if (!can(actor.role, "inventory:write")) throw new AppError({ code: "forbidden", message: `The role ${actor.role} may not change the conduit inventory.` });
}

function fieldError(path: string, message: string): AppError {
  return new AppError({ code: "validation_failed", message, issues: [{ path, message }] });
}

async function findConduit(options: { db: Db; slug: string }): Promise<Conduit> {
  const conduit = await options.db.conduit.findUnique({ where: { slug: options.slug } });
  if (!conduit) throw new AppError({ code: "not_found", message: `There is no conduit ${options.slug}.` });
  return conduit;
}

function staleError(conduit: Conduit): AppError {
  return new AppError({ code: "conflict", message: `Conduit ${conduit.slug} was changed by someone else since you opened it; nothing was saved. Reload the page and try again.` });
}

const describeChanges = (changes: FieldChange[]) =>
  changes.map((c) => `${policyFieldLabels[c.field]}: ${showPolicyValue(c.before)} → ${showPolicyValue(c.after)}`).join("; ");

/** Writes `data` only if the conduit is still at `expected`; the ledger record comes first. */
async function writeConduit(options: Acting & { conduit: Conduit; expected: string; data: Partial<Conduit>; summary: string; after: object }) {
  const { db, conduit } = options;
  if (conduit.updatedAt.toISOString() !== new Date(options.expected).toISOString()) throw staleError(conduit);
  await recordAdminChange({
    record: options.record,
    actor: options.actor,
    entity: { type: "Conduit", id: conduit.id },
    action: "update",
    before: conduitState(conduit),
    after: options.after,
    summary: options.summary.slice(0, 500),
  });
  const written = await db.conduit.updateMany({ where: { id: conduit.id, updatedAt: conduit.updatedAt }, data: options.data });
  if (written.count === 0) throw staleError(conduit);
  return db.conduit.findUniqueOrThrow({ where: { id: conduit.id } });
}

/** The state a ledger hash covers: what the conduit allows and whether it is in force. */
function conduitState(conduit: Conduit) {
  return { ...policyOf(conduit), slug: conduit.slug, status: conduit.status, sourceZoneId: conduit.sourceZoneId, destinationId: conduit.destinationId, slTarget: conduit.slTarget };
}

export async function suspendConduit(options: Acting & { slug: string; input: z.infer<typeof statusChangeInput> }) {
  requireInventoryWrite(options.actor);
  const conduit = await findConduit({ db: options.db, slug: options.slug });
  if (conduit.status !== "ACTIVE") throw new AppError({ code: "conflict", message: `Conduit ${conduit.slug} is ${conduit.status.toLowerCase()}, not active.` });
  const data = { status: ConduitStatus.SUSPENDED, statusReason: options.input.reason };
  return writeConduit({ ...options, conduit, expected: options.input.expectedUpdatedAt, data, after: { ...conduitState(conduit), status: "SUSPENDED" }, summary: `suspended conduit ${conduit.slug}: ${options.input.reason}` });
}

/** Resuming restores exactly what a second person approved, so it needs no new approval. */
export async function resumeConduit(options: Acting & { slug: string; input: z.infer<typeof statusChangeInput> }) {
  requireInventoryWrite(options.actor);
  const conduit = await findConduit({ db: options.db, slug: options.slug });
  if (conduit.status !== "SUSPENDED") throw new AppError({ code: "conflict", message: `Conduit ${conduit.slug} is not suspended.` });
  const data = { status: ConduitStatus.ACTIVE, statusReason: options.input.reason };
  return writeConduit({ ...options, conduit, expected: options.input.expectedUpdatedAt, data, after: { ...conduitState(conduit), status: "ACTIVE" }, summary: `resumed conduit ${conduit.slug}: ${options.input.reason}` });
}

export type EditOutcome = { applied: true; conduit: Conduit } | { applied: false; changeId: string; widened: string[] };

/**
 * Edits (and renews) a conduit's limits. Narrowing applies at once; if any field allows
 * more, the whole change waits for approval, so no one half of a change is in force alone.
 */
export async function editConduit(options: Acting & { slug: string; input: z.infer<typeof editConduitInput> }): Promise<EditOutcome> {
  requireInventoryWrite(options.actor);
  const { db, input } = options;
  const conduit = await findConduit({ db, slug: options.slug });
  if (conduit.status === "RETIRED") throw new AppError({ code: "conflict", message: `Conduit ${conduit.slug} is retired; propose a new one instead.` });
  if (conduit.updatedAt.toISOString() !== new Date(input.expectedUpdatedAt).toISOString()) throw staleError(conduit);
  const before = policyOf(conduit);
  const after: ConduitPolicy = input.policy;
  const changes = policyDiff({ before, after });
  if (changes.length === 0) throw new AppError({ code: "bad_request", message: "Nothing was changed." });
  const widened = widenedFields({ before, after });
  if (widened.length === 0) {
    const updated = await writeConduit({
      ...options,
      conduit,
      expected: input.expectedUpdatedAt,
      data: policyColumns(after),
      after: { ...conduitState(conduit), ...after },
      summary: `narrowed conduit ${conduit.slug} (${input.reason}): ${describeChanges(changes)}`,
    });
    return { applied: true, conduit: updated };
  }
  await ensureNoPendingChange({ db, conduitId: conduit.id, slug: conduit.slug });
  const change = await proposeChange({ ...options, action: "update", conduitId: conduit.id, slug: conduit.slug, proposed: { ...conduitState(conduit), ...after }, baseUpdatedAt: conduit.updatedAt, reason: input.reason, flowKey: null, summary: `proposed to widen conduit ${conduit.slug} (${input.reason}): ${describeChanges(changes)}` });
  return { applied: false, changeId: change.id, widened: widened.map((f) => policyFieldLabels[f]) };
}

async function ensureNoPendingChange(options: { db: Db; conduitId: string; slug: string }) {
  const pending = await options.db.conduitChange.findFirst({ where: { conduitId: options.conduitId, status: "PENDING" } });
  if (pending) throw new AppError({ code: "conflict", message: `A change to conduit ${options.slug} already waits for approval; approve, reject or withdraw it first.` });
}

async function proposeChange(options: Acting & { action: "create" | "update"; conduitId: string | null; slug: string; proposed: object; baseUpdatedAt: Date | null; reason: string; flowKey: string | null; summary: string }) {
  const { db, actor } = options;
  const id = crypto.randomUUID();
  await recordAdminChange({ record: options.record, actor, entity: { type: "ConduitChange", id }, action: "create", before: null, after: options.proposed, summary: options.summary.slice(0, 500) });
  return db.conduitChange.create({
    data: { id, action: options.action, conduitId: options.conduitId, slug: options.slug, proposed: JSON.stringify(options.proposed), baseUpdatedAt: options.baseUpdatedAt, reason: options.reason, flowKey: options.flowKey, proposedById: actor.id },
  });
}

/** A new conduit: always a widening, so always a proposal. */
export async function proposeConduit(options: Acting & { input: z.infer<typeof proposeConduitInput> }) {
  requireInventoryWrite(options.actor);
  const { db, input } = options;
  const [zone, destination, taken, pendingSlug] = await Promise.all([
    db.zone.findUnique({ where: { slug: input.sourceZone } }),
    db.aiDestination.findUnique({ where: { slug: input.destination } }),
    db.conduit.findUnique({ where: { slug: input.slug } }),
    db.conduitChange.findFirst({ where: { slug: input.slug, status: "PENDING", action: "create" } }),
  ]);
  if (!zone) throw fieldError("sourceZone", `There is no zone ${input.sourceZone}.`);
  if (zone.kind === "EXTERNAL_AI") throw fieldError("sourceZone", "A conduit leaves a plant zone; this is a provider's zone.");
  if (!destination) throw fieldError("destination", `There is no AI destination ${input.destination}.`);
  if (taken || pendingSlug) throw fieldError("slug", `The name ${input.slug} is already used by ${taken ? "a conduit" : "a proposal waiting for approval"}.`);
  const duplicate = await findDuplicate({ db, sourceZoneId: zone.id, destinationId: destination.id, policy: input.policy });
  if (duplicate) throw fieldError("policy.allowedPurposes", `Conduit ${duplicate} already allows this flow with the same purposes, models and endpoints.`);
  const proposed = { ...input.policy, slug: input.slug, status: "ACTIVE", sourceZoneId: zone.id, destinationId: destination.id, slTarget: input.slTarget };
  return proposeChange({
    ...options,
    action: "create",
    conduitId: null,
    slug: input.slug,
    proposed,
    baseUpdatedAt: null,
    reason: input.reason,
    flowKey: input.flowKey,
    summary: `proposed conduit ${input.slug} from ${zone.slug} to ${destination.slug} (${input.reason})`,
  });
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** A conduit (other than `exceptId`) on the same path that allows exactly the same calls. */
async function findDuplicate(options: { db: Db; sourceZoneId: string; destinationId: string; policy: ConduitPolicy; exceptId?: string }): Promise<string | null> {
  const siblings = await options.db.conduit.findMany({ where: { sourceZoneId: options.sourceZoneId, destinationId: options.destinationId, status: { not: "RETIRED" } } });
  const p = options.policy;
  const same = siblings.find((c) => {
    if (c.id === options.exceptId) return false;
    const q = policyOf(c);
    return sameSet(p.allowedPurposes, q.allowedPurposes) && sameSet(p.allowedModels, q.allowedModels) && sameSet(p.allowedEndpoints, q.allowedEndpoints);
  });
  return same?.slug ?? null;
}

const proposedSchema = z.looseObject({ slug: z.string(), status: z.enum(ConduitStatus), sourceZoneId: z.string(), destinationId: z.string(), slTarget: z.number().int() });

/** Approve (by anyone with the right but the proposer) or reject a pending change. */
export async function decideConduitChange(options: Acting & { changeId: string; input: z.infer<typeof decideChangeInput> }) {
  requireInventoryWrite(options.actor);
  const { db, actor, input, now } = options;
  const change = await db.conduitChange.findUnique({ where: { id: options.changeId } });
  if (!change) throw new AppError({ code: "not_found", message: "There is no such proposed change." });
  if (change.status !== "PENDING") throw new AppError({ code: "conflict", message: `This change was already ${change.status.toLowerCase()}.` });
  const stored = JSON.parse(change.proposed) as unknown;
  const proposed = { ...proposedSchema.parse(stored), ...conduitPolicyInput.parse(pickPolicy(stored)) };

  if (input.decision === "reject") {
    await recordAdminChange({ record: options.record, actor, entity: { type: "ConduitChange", id: change.id }, action: "update", before: { status: "PENDING" }, after: { status: "REJECTED" }, summary: `rejected the proposed change to conduit ${change.slug}${input.note ? `: ${input.note}` : ""}`.slice(0, 500) });
    return closeChange({ db, changeId: change.id, status: "REJECTED", actor, now, note: input.note });
  }
  if (change.proposedById === actor.id) {
    throw new AppError({ code: "forbidden", message: "You proposed this change; another person must approve it (four-eyes principle)." });
  }
  const approval = { approvedById: actor.id, approvedAt: now };
  if (change.action === "create") {
    const duplicate = await findDuplicate({ db, sourceZoneId: proposed.sourceZoneId, destinationId: proposed.destinationId, policy: proposed });
    if (duplicate) throw new AppError({ code: "conflict", message: `Conduit ${duplicate} now allows this flow already; reject this proposal.` });
    const id = crypto.randomUUID();
    await recordAdminChange({ record: options.record, actor, entity: { type: "Conduit", id }, action: "create", before: null, after: proposed, summary: `approved new conduit ${change.slug} proposed for: ${change.reason}`.slice(0, 500) });
    return db.$transaction(async (tx) => {
      if ((await tx.conduit.findUnique({ where: { slug: change.slug } })) !== null) throw new AppError({ code: "conflict", message: `A conduit named ${change.slug} was created meanwhile; reject this proposal.` });
      await claimChange({ tx, changeId: change.id, status: "APPROVED", actor, now, note: input.note });
      return tx.conduit.create({
        data: { id, slug: change.slug, status: "ACTIVE", slTarget: proposed.slTarget, sourceZoneId: proposed.sourceZoneId, destinationId: proposed.destinationId, ...policyColumns(proposed), ...approval },
      });
    });
  }
  const conduit = await db.conduit.findUniqueOrThrow({ where: { id: change.conduitId! } });
  if (change.baseUpdatedAt && conduit.updatedAt.getTime() !== change.baseUpdatedAt.getTime()) {
    throw new AppError({ code: "conflict", message: `Conduit ${conduit.slug} changed after this was proposed; reject it and propose again from its current state.` });
  }
  const changes = policyDiff({ before: policyOf(conduit), after: proposed });
  await recordAdminChange({ record: options.record, actor, entity: { type: "Conduit", id: conduit.id }, action: "update", before: conduitState(conduit), after: proposed, summary: `approved widening conduit ${conduit.slug}: ${describeChanges(changes)}`.slice(0, 500) });
  return db.$transaction(async (tx) => {
    await claimChange({ tx, changeId: change.id, status: "APPROVED", actor, now, note: input.note });
    const written = await tx.conduit.updateMany({ where: { id: conduit.id, updatedAt: conduit.updatedAt }, data: { ...policyColumns(proposed), ...approval } });
    if (written.count === 0) throw staleError(conduit);
    return tx.conduit.findUniqueOrThrow({ where: { id: conduit.id } });
  });
}

function pickPolicy(stored: unknown): ConduitPolicy {
  const s = stored as Record<string, unknown>;
  return Object.fromEntries(Object.keys(policyFieldLabels).map((k) => [k, s[k]])) as unknown as ConduitPolicy;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Moves a change out of PENDING once; a second decision at the same time finds it taken. */
async function claimChange(options: { tx: Tx | Db; changeId: string; status: "APPROVED" | "REJECTED" | "WITHDRAWN"; actor: SessionUser; now: Date; note: string }) {
  const claimed = await options.tx.conduitChange.updateMany({
    where: { id: options.changeId, status: "PENDING" },
    data: { status: options.status, decidedById: options.actor.id, decidedAt: options.now, decisionNote: options.note },
  });
  if (claimed.count === 0) throw new AppError({ code: "conflict", message: "Someone else decided this change at the same time." });
}

async function closeChange(options: { db: Db; changeId: string; status: "REJECTED" | "WITHDRAWN"; actor: SessionUser; now: Date; note: string }) {
  await claimChange({ tx: options.db, ...options });
  return options.db.conduitChange.findUniqueOrThrow({ where: { id: options.changeId } });
}

/** The proposer takes their own change back. */
export async function withdrawConduitChange(options: Acting & { changeId: string }) {
  requireInventoryWrite(options.actor);
  const { db, actor } = options;
  const change = await db.conduitChange.findUnique({ where: { id: options.changeId } });
  if (!change || change.status !== "PENDING") throw new AppError({ code: "conflict", message: "This change no longer waits for approval." });
  if (change.proposedById !== actor.id) throw new AppError({ code: "forbidden", message: "Only the person who proposed a change can withdraw it; others may reject it." });
  await recordAdminChange({ record: options.record, actor, entity: { type: "ConduitChange", id: change.id }, action: "update", before: { status: "PENDING" }, after: { status: "WITHDRAWN" }, summary: `withdrew the proposed change to conduit ${change.slug}` });
  return closeChange({ db, changeId: change.id, status: "WITHDRAWN", actor, now: options.now, note: "" });
}
