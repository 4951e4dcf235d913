// Evidence attached to an incident: ledger records (AI calls, denials, oversight
// decisions, ...), anomalies, conduits and suppliers. A link keeps a snapshot of what
// it pointed at and the snapshot's SHA-256, because anomalies, conduits and suppliers
// change later; for a ledger record it keeps the log, sequence number and leaf hash,
// from which an evidence pack proves the record's inclusion against a checkpoint.
import { randomUUID } from "node:crypto";
import type { SessionUser } from "@/lib/auth/session";
import type { Db, EvidenceKind } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordKindLabels } from "@/lib/format";
import { applyIncidentChange, isUniqueViolation, loadIncident, recordIncidentChange, type LedgerAppend, type LoadedIncident } from "@/lib/incidents/incident-state";
import type { EvidenceLinkInput } from "@/lib/incidents/inputs";
import { canonicalJson, sha256Hex } from "@/lib/ledger/record";
import { summarizeRecord } from "@/lib/records/project-record";

export const evidenceKindLabels: Record<EvidenceKind, string> = {
  LEDGER_RECORD: "Ledger record",
  ANOMALY: "Anomaly",
  CONDUIT: "Conduit",
  SUPPLIER: "Supplier",
};

export const evidenceKindPlurals: Record<EvidenceKind, string> = {
  LEDGER_RECORD: "Ledger records",
  ANOMALY: "Anomalies",
  CONDUIT: "Conduits",
  SUPPLIER: "Suppliers",
};

interface Target {
  label: string;
  snapshot: Record<string, unknown>;
  ledger: { logId: string; seq: number; leafHash: string } | null;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

async function loadTarget(options: { db: Db; kind: EvidenceKind; targetId: string }): Promise<Target | null> {
  const { db, targetId } = options;
  switch (options.kind) {
    case "LEDGER_RECORD": {
      const r = await db.auditRecord.findUnique({ where: { id: targetId }, select: { id: true, logId: true, seq: true, kind: true, at: true, leafHash: true, keyId: true, envelope: true } });
      if (!r) return null;
      const summary = summarizeRecord({ kind: r.kind, envelope: r.envelope });
      return {
        label: truncate(`${recordKindLabels[r.kind] ?? r.kind} ${r.logId} #${r.seq}: ${summary}`, 300),
        snapshot: { id: r.id, logId: r.logId, seq: r.seq, kind: r.kind, at: r.at, leafHash: r.leafHash, keyId: r.keyId, summary },
        ledger: { logId: r.logId, seq: r.seq, leafHash: r.leafHash },
      };
    }
    case "ANOMALY": {
      const a = await db.anomaly.findUnique({ where: { id: targetId } });
      if (!a) return null;
      return { label: truncate(`${a.kind}: ${a.subject} (seen ${a.count}×)`, 300), snapshot: { ...a }, ledger: null };
    }
    case "CONDUIT": {
      const c = await db.conduit.findUnique({
        where: { id: targetId },
        include: { sourceZone: { select: { slug: true, name: true } }, destination: { select: { slug: true, name: true } } },
      });
      if (!c) return null;
      return { label: truncate(`${c.name} (${c.slug})`, 300), snapshot: { ...c }, ledger: null };
    }
    case "SUPPLIER": {
      const s = await db.supplier.findUnique({ where: { id: targetId } });
      if (!s) return null;
      return { label: truncate(`${s.name} (${s.slug})`, 300), snapshot: { ...s }, ledger: null };
    }
  }
}

type LinkState = Omit<LoadedIncident["evidence"][number], "snapshot" | "ledgerRecordId">;

/** What the ledger's before/after hashes cover; the snapshot is in through its hash. */
function linkState(link: LinkState): LinkState {
  const { id, incidentId, kind, targetId, label, snapshotHash, note, logId, seq, leafHash, linkedAt, linkedById } = link;
  return { id, incidentId, kind, targetId, label, snapshotHash, note, logId, seq, leafHash, linkedAt, linkedById };
}

export async function linkEvidence(options: { db: Db; record: LedgerAppend; actor: SessionUser; incidentId: string; input: EvidenceLinkInput; now?: Date }) {
  const { db, actor, input } = options;
  const linkedAt = options.now ?? new Date();
  const incident = await loadIncident({ db, incidentId: options.incidentId });
  const target = await loadTarget({ db, kind: input.kind, targetId: input.targetId });
  if (!target) {
    throw new AppError({ code: "validation_failed", message: `No ${evidenceKindLabels[input.kind].toLowerCase()} with the id ${input.targetId}.`, issues: [{ path: "targetId", message: "Not found." }] });
  }
  if (incident.evidence.some((e) => e.kind === input.kind && e.targetId === input.targetId)) {
    throw new AppError({ code: "conflict", message: `This ${evidenceKindLabels[input.kind].toLowerCase()} is already linked to ${incident.reference}.` });
  }
  // Dates become ISO text, as stateHash does, so the hash can be recomputed from the stored text.
  const snapshot = canonicalJson(JSON.parse(JSON.stringify(target.snapshot)));
  const id = randomUUID();
  const state = linkState({
    id,
    incidentId: incident.id,
    kind: input.kind,
    targetId: input.targetId,
    label: target.label,
    snapshotHash: sha256Hex(snapshot),
    note: input.note,
    logId: target.ledger?.logId ?? null,
    seq: target.ledger?.seq ?? null,
    leafHash: target.ledger?.leafHash ?? null,
    linkedAt,
    linkedById: actor.id,
  });
  const ledger = await recordIncidentChange({
    ...options,
    entity: { type: "IncidentEvidence", id },
    action: "create",
    before: null,
    after: state,
    summary: truncate(`${incident.reference}: linked ${evidenceKindLabels[input.kind].toLowerCase()} ${target.label}`, 500),
  });
  try {
    return await applyIncidentChange({
      db,
      incidentId: incident.id,
      version: incident.version,
      write: (tx) => tx.incidentEvidence.create({ data: { ...state, snapshot, ledgerRecordId: ledger.id }, select: { id: true, kind: true, label: true, snapshotHash: true } }),
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError({ code: "conflict", message: `This ${evidenceKindLabels[input.kind].toLowerCase()} is already linked to ${incident.reference}.` });
    throw error;
  }
}

export async function unlinkEvidence(options: { db: Db; record: LedgerAppend; actor: SessionUser; incidentId: string; linkId: string }) {
  const { db } = options;
  const incident = await loadIncident({ db, incidentId: options.incidentId });
  const link = incident.evidence.find((e) => e.id === options.linkId);
  if (!link) throw new AppError({ code: "not_found", message: `No such evidence link on ${incident.reference}.` });
  await recordIncidentChange({
    ...options,
    entity: { type: "IncidentEvidence", id: link.id },
    action: "delete",
    before: linkState(link),
    after: null,
    summary: truncate(`${incident.reference}: unlinked ${evidenceKindLabels[link.kind].toLowerCase()} ${link.label}`, 500),
  });
  await applyIncidentChange({ db, incidentId: incident.id, version: incident.version, write: (tx) => tx.incidentEvidence.delete({ where: { id: link.id } }) });
}

export interface EvidenceCandidate {
  id: string;
  label: string;
  detail: string;
  at: Date | null;
  linked: boolean;
}

const candidateLimit = 100;

/**
 * What can be linked: ledger records of a kind within a time window (newest first),
 * anomalies seen within the window, or all conduits or suppliers.
 */
export async function findEvidenceCandidates(options: {
  db: Db;
  incidentId: string;
  kind: EvidenceKind;
  recordKind: string | null;
  from: Date;
  to: Date;
}): Promise<{ candidates: EvidenceCandidate[]; truncated: boolean }> {
  const { db, from, to } = options;
  const linked = new Set(
    (await db.incidentEvidence.findMany({ where: { incidentId: options.incidentId, kind: options.kind }, select: { targetId: true } })).map((e) => e.targetId),
  );
  const take = candidateLimit + 1;
  let candidates: Omit<EvidenceCandidate, "linked">[];
  switch (options.kind) {
    case "LEDGER_RECORD": {
      const rows = await db.auditRecord.findMany({
        where: { ...(options.recordKind ? { kind: options.recordKind } : {}), at: { gte: from, lte: to } },
        orderBy: [{ at: "desc" }, { seq: "desc" }],
        take,
        select: { id: true, logId: true, seq: true, kind: true, at: true, envelope: true },
      });
      candidates = rows.map((r) => ({ id: r.id, label: summarizeRecord({ kind: r.kind, envelope: r.envelope }), detail: `${recordKindLabels[r.kind] ?? r.kind} · ${r.logId} #${r.seq}`, at: r.at }));
      break;
    }
    case "ANOMALY": {
      const rows = await db.anomaly.findMany({ where: { firstSeenAt: { lte: to }, lastSeenAt: { gte: from } }, orderBy: { lastSeenAt: "desc" }, take });
      candidates = rows.map((a) => ({ id: a.id, label: `${a.kind}: ${a.subject}`, detail: `seen ${a.count}×`, at: a.lastSeenAt }));
      break;
    }
    case "CONDUIT": {
      const rows = await db.conduit.findMany({ orderBy: { name: "asc" }, take, include: { sourceZone: { select: { name: true } }, destination: { select: { name: true } } } });
      candidates = rows.map((c) => ({ id: c.id, label: c.name, detail: `${c.sourceZone.name} to ${c.destination.name}`, at: null }));
      break;
    }
    case "SUPPLIER": {
      const rows = await db.supplier.findMany({ orderBy: { name: "asc" }, take });
      candidates = rows.map((s) => ({ id: s.id, label: s.name, detail: s.services, at: null }));
      break;
    }
  }
  return {
    candidates: candidates.slice(0, candidateLimit).map((c) => ({ ...c, linked: linked.has(c.id) })),
    truncated: candidates.length > candidateLimit,
  };
}
