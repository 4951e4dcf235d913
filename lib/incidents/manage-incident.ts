// Opening an incident and changing its facts (instants, handling milestones, entity
// settings, plants). Each change is checked (the deadline engine's rules included),
// recorded in the ledger, then applied in one transaction.
import { randomUUID } from "node:crypto";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import {
  applyIncidentChange,
  checkIncidentInstants,
  clockOf,
  isReportable,
  isUniqueViolation,
  loadIncident,
  statusFor,
  type LoadedIncident,
} from "@/lib/incidents/incident-state";
import type { IncidentInput } from "@/lib/incidents/inputs";
import { reportingTimeZone } from "@/lib/incidents/member-states";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";

/** What the ledger's before/after hashes cover: the incident's own facts and its plants. */
function incidentState(incident: { id: string; reference: string; plantIds: string[]; memberState: string } & Omit<IncidentInput, "plantIds" | "memberState">) {
  return { ...incident, plantIds: [...incident.plantIds].sort(), status: statusFor(incident) };
}

function stateOf(incident: LoadedIncident) {
  return incidentState({
    id: incident.id,
    reference: incident.reference,
    title: incident.title,
    description: incident.description,
    plantIds: incident.plants.map((p) => p.plantId),
    severity: incident.severity,
    suspectedMalicious: incident.suspectedMalicious,
    crossBorderImpact: incident.crossBorderImpact,
    occurredAt: incident.occurredAt,
    detectedAt: incident.detectedAt,
    awareAt: incident.awareAt,
    containedAt: incident.containedAt,
    handlingEndedAt: incident.handlingEndedAt,
    closedAt: incident.closedAt,
    entityCategory: incident.entityCategory,
    trustServiceProvider: incident.trustServiceProvider,
    memberState: incident.memberState,
    competentAuthority: incident.competentAuthority,
    csirt: incident.csirt,
  });
}

async function plantsFor(options: { db: Db; plantIds: string[] }) {
  const ids = [...new Set(options.plantIds)];
  const plants = await options.db.plant.findMany({ where: { id: { in: ids } }, select: { id: true, memberState: true, timeZone: true } });
  if (plants.length !== ids.length) {
    throw new AppError({ code: "validation_failed", message: "One of the chosen plants does not exist.", issues: [{ path: "plantIds", message: "Unknown plant." }] });
  }
  return plants;
}

/** INC-<year>-<number>, counted per calendar year of opening. */
async function nextReference(options: { db: Db; now: Date }): Promise<string> {
  const prefix = `INC-${options.now.getUTCFullYear()}-`;
  const count = await options.db.incident.count({ where: { reference: { startsWith: prefix } } });
  return `${prefix}${String(count + 1).padStart(3, "0")}`;
}

export async function createIncident(options: { db: Db; record: RecordFn; actor: SessionUser; input: IncidentInput; now?: Date }) {
  const { db, input } = options;
  const now = options.now ?? new Date();
  const plants = await plantsFor({ db, plantIds: input.plantIds });
  const timeZone = reportingTimeZone({ memberState: input.memberState, plants });
  checkIncidentInstants({
    clock: { ...input, submissions: [], intermediateRequests: [] },
    containedAt: input.containedAt,
    closedAt: input.closedAt,
    finalReportSubmitted: false,
    reportable: true,
    now,
    timeZone,
  });

  const id = randomUUID();
  const reference = await nextReference({ db, now });
  const { plantIds, ...facts } = input;
  const state = incidentState({ id, reference, ...input });
  await recordAdminChange({ ...options, entity: { type: "Incident", id }, action: "create", before: null, after: state, summary: `incident ${reference} opened: ${input.title}`.slice(0, 500) });
  try {
    return await db.incident.create({
      data: { id, reference, ...facts, status: state.status, plants: { create: [...new Set(plantIds)].map((plantId) => ({ plantId })) } },
      select: { id: true, reference: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError({ code: "conflict", message: `Another incident took the reference ${reference} at the same moment. Submit again.` });
    throw error;
  }
}

function changedFields(before: ReturnType<typeof stateOf>, after: ReturnType<typeof stateOf>): string[] {
  const text = (value: unknown) => JSON.stringify(value);
  return (Object.keys(after) as (keyof typeof after)[]).filter((key) => text(before[key]) !== text(after[key]));
}

export async function updateIncident(options: { db: Db; record: RecordFn; actor: SessionUser; incidentId: string; input: IncidentInput; now?: Date }) {
  const { db, input } = options;
  const now = options.now ?? new Date();
  const incident = await loadIncident({ db, incidentId: options.incidentId });
  const plants = await plantsFor({ db, plantIds: input.plantIds });
  const timeZone = reportingTimeZone({ memberState: input.memberState, plants });
  checkIncidentInstants({
    clock: { ...clockOf(incident), ...input },
    containedAt: input.containedAt,
    closedAt: input.closedAt,
    finalReportSubmitted: incident.reports.some((r) => r.stage === "FINAL"),
    reportable: isReportable(incident),
    now,
    timeZone,
  });

  const before = stateOf(incident);
  const after = incidentState({ id: incident.id, reference: incident.reference, ...input });
  const changed = changedFields(before, after);
  if (changed.length === 0) return { id: incident.id, reference: incident.reference };
  await recordAdminChange({ ...options, entity: { type: "Incident", id: incident.id }, action: "update", before, after, summary: `incident ${incident.reference}: ${changed.join(", ")} changed`.slice(0, 500) });
  const { plantIds, ...facts } = input;
  return applyIncidentChange({
    db,
    incidentId: incident.id,
    version: incident.version,
    write: async (tx) => {
      await tx.incidentPlant.deleteMany({ where: { incidentId: incident.id } });
      await tx.incidentPlant.createMany({ data: [...new Set(plantIds)].map((plantId) => ({ incidentId: incident.id, plantId })) });
      return tx.incident.update({ where: { id: incident.id }, data: { ...facts, status: after.status }, select: { id: true, reference: true } });
    },
  });
}
