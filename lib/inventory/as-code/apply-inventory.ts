// Applies an inventory plan. Every change is recorded in the audit ledger first (the
// records are durable before anything is written, lib/ledger/admin-change.ts); then all
// changes are written in one transaction, which checks that each entity is still as the
// plan saw it. A failure leaves the inventory as it was: the ledger then holds records
// of an attempt, never an unrecorded change.
import { can } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { governedColumns, type EntityType } from "@/lib/inventory/as-code/inventory-rows";
import { entityLabels, type InventoryChange, type InventoryPlan } from "@/lib/inventory/as-code/plan-inventory";
import { recordAdminChange, stateHash, type RecordFn } from "@/lib/ledger/admin-change";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** The operations every inventory model shares, on the governed columns only. */
interface RowDelegate {
  findUnique(args: { where: { id: string }; select: Record<string, true> }): Promise<object | null>;
  create(args: { data: object }): Promise<unknown>;
  update(args: { where: { id: string }; data: object }): Promise<unknown>;
  delete(args: { where: { id: string } }): Promise<unknown>;
}

// One cast instead of seven copies of each operation: the rows were typed when planned.
const delegates: Record<EntityType, (tx: Tx) => unknown> = {
  Plant: (tx) => tx.plant,
  Zone: (tx) => tx.zone,
  Workstation: (tx) => tx.workstation,
  AiDestination: (tx) => tx.aiDestination,
  Device: (tx) => tx.device,
  Conduit: (tx) => tx.conduit,
  ClassificationRule: (tx) => tx.classificationRule,
};

const summaryOf = (change: InventoryChange) => {
  const fields = change.fields.length > 0 ? ` (${change.fields.map((f) => f.field).join(", ")})` : "";
  return `inventory file: ${change.action} ${entityLabels[change.type]} ${change.key}${fields}`.slice(0, 500);
};

async function applyChange(options: { tx: Tx; change: InventoryChange }) {
  const { tx, change } = options;
  const rows = delegates[change.type](tx) as RowDelegate;
  const what = `${entityLabels[change.type]} "${change.key}"`;
  if (change.before) {
    const current = await rows.findUnique({ where: { id: change.before.id }, select: governedColumns[change.type] });
    if (stateHash(current) !== stateHash(change.before)) {
      throw new AppError({ code: "conflict", message: `${what} was changed by someone else after the plan was made; nothing was applied, plan again` });
    }
  }
  try {
    if (change.action === "create") await rows.create({ data: change.after! });
    else if (change.action === "delete") await rows.delete({ where: { id: change.before!.id } });
    else {
      const { id, ...data } = change.after!;
      await rows.update({ where: { id }, data });
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "P2002") throw new AppError({ code: "conflict", message: `${what} already exists (created by someone else after the plan was made); nothing was applied, plan again` });
    if (code === "P2003") throw new AppError({ code: "conflict", message: `${what} is still referenced by other records; nothing was applied` });
    throw error;
  }
}

export async function applyInventoryPlan(options: { db: Db; record: RecordFn; actor: SessionUser; plan: InventoryPlan }) {
  const { db, record, actor, plan } = options;
  if (!can(actor.role, "inventory:write")) {
    throw new AppError({ code: "forbidden", message: `The role ${actor.role} may not change the inventory.` });
  }
  const count = (action: InventoryChange["action"]) => plan.changes.filter((c) => c.action === action).length;
  const result = { created: count("create"), updated: count("update"), deleted: count("delete") };
  if (plan.changes.length === 0) return result;

  // Appended together, the records share one ledger commit.
  await Promise.all(
    plan.changes.map((change) =>
      recordAdminChange({
        record,
        actor,
        entity: { type: change.type, id: (change.after ?? change.before)!.id },
        action: change.action,
        before: change.before,
        after: change.after,
        summary: summaryOf(change),
      }),
    ),
  );

  try {
    await db.$transaction(
      async (tx) => {
        for (const change of plan.changes) await applyChange({ tx, change });
      },
      // Serializable: the checks above hold until the commit (SQLite is serializable anyway).
      { isolationLevel: "Serializable", maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    if ((error as { code?: string }).code === "P2034") {
      throw new AppError({ code: "conflict", message: "The inventory was changed concurrently; nothing was applied, plan again." });
    }
    throw error;
  }
  return result;
}
