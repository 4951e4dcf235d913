// What people decide about what the proxy caught: a refused flow acknowledged as rightly
// blocked (with why), an anomaly acknowledged with a note or linked to an incident. Each
// decision is recorded in the ledger first, like every other change.
import { z } from "zod";
import { requireInventoryWrite, type Acting } from "@/lib/conduits/manage-conduits";
import { AppError } from "@/lib/errors";
import { recordAdminChange } from "@/lib/ledger/admin-change";

const note = z.string().trim().min(3, "Say why, in a few words.").max(500);
export const flowReviewInput = z.strictObject({ flowKey: z.string().min(3).max(500), note });
export const anomalyReviewInput = z.strictObject({ note: z.string().trim().max(500).default(""), incidentReference: z.string().trim().max(100).nullable().default(null) });


/** Keeps a refused flow blocked on purpose: it leaves the list of flows to decide. */
export async function acknowledgeBlockedFlow(options: Acting & { input: z.infer<typeof flowReviewInput> }) {
  requireInventoryWrite(options.actor);
  const { db, actor, input, now } = options;
  const before = await db.flowReview.findUnique({ where: { flowKey: input.flowKey } });
  await recordAdminChange({
    record: options.record,
    actor,
    entity: { type: "FlowReview", id: input.flowKey.slice(0, 200) },
    action: before ? "update" : "create",
    before,
    after: { flowKey: input.flowKey, note: input.note },
    summary: `kept flow ${input.flowKey} blocked: ${input.note}`.slice(0, 500),
  });
  return db.flowReview.upsert({
    where: { flowKey: input.flowKey },
    create: { flowKey: input.flowKey, note: input.note, byId: actor.id, at: now },
    update: { note: input.note, byId: actor.id, at: now },
  });
}

/** Acknowledges an anomaly; a later occurrence keeps counting on it without reopening it. */
export async function acknowledgeAnomaly(options: Acting & { anomalyId: string; input: z.infer<typeof anomalyReviewInput> }) {
  requireInventoryWrite(options.actor);
  const { db, actor, input, now } = options;
  const anomaly = await db.anomaly.findUnique({ where: { id: options.anomalyId } });
  if (!anomaly) throw new AppError({ code: "not_found", message: "There is no such anomaly." });
  let incidentId: string | null = anomaly.incidentId;
  if (input.incidentReference) {
    const incident = await db.incident.findUnique({ where: { reference: input.incidentReference }, select: { id: true } });
    if (!incident) throw new AppError({ code: "validation_failed", message: `There is no incident ${input.incidentReference}.`, issues: [{ path: "incidentReference", message: `There is no incident ${input.incidentReference}.` }] });
    incidentId = incident.id;
  }
  if (!input.note && !input.incidentReference) {
    throw new AppError({ code: "validation_failed", message: "Write a note or name an incident.", issues: [{ path: "note", message: "Write a note or name an incident." }] });
  }
  const after = { status: "acknowledged", note: input.note, incidentId };
  await recordAdminChange({
    record: options.record,
    actor,
    entity: { type: "Anomaly", id: anomaly.id },
    action: "update",
    before: { status: anomaly.status, note: anomaly.note, incidentId: anomaly.incidentId },
    after,
    summary: `acknowledged anomaly ${anomaly.kind} on ${anomaly.conduit ?? anomaly.subject}${input.incidentReference ? ` (incident ${input.incidentReference})` : ""}${input.note ? `: ${input.note}` : ""}`.slice(0, 500),
  });
  return db.anomaly.update({ where: { id: anomaly.id }, data: { ...after, acknowledgedById: actor.id, acknowledgedAt: now } });
}
