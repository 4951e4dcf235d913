// Ledger operations used by the app, the API and the command line: verification runs,
// checkpoint export, proofs for a record, and the status panel's figures.
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import {
  consistencyProof,
  consistencyProofNodes,
  inclusionProof,
  inclusionProofNodes,
  mapSource,
  nodeKey,
  type Hash,
  type NodeId,
  type PerfectNodeSource,
} from "@/lib/ledger/merkle";
import type { SignedCheckpoint } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger, type ExportedCheckpoint, type SignatureChecks, type VerificationReport } from "@/lib/ledger/verify";

/** Verifies the whole ledger and records the run and its result. */
export async function runVerification(options: {
  store: LedgerStore;
  anchor?: ExportedCheckpoint;
  signatureChecks?: SignatureChecks;
  trigger: string;
}): Promise<VerificationReport> {
  const report = await verifyLedger({ store: options.store, anchor: options.anchor, signatureChecks: options.signatureChecks });
  await options.store.insertVerificationRun({
    id: randomUUID(),
    logId: null,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    ok: report.ok,
    records: report.records,
    report: JSON.stringify(report),
    trigger: options.trigger,
  });
  return report;
}

/** The latest signed checkpoint of a log, with its public key, as a self-contained file. */
export async function exportCheckpoint(options: { store: LedgerStore; logId?: string }): Promise<ExportedCheckpoint> {
  const logs = await options.store.listLogs();
  const log = options.logId ? logs.find((l) => l.id === options.logId) : (logs.find((l) => l.name === "app") ?? logs[0]);
  if (!log) throw new AppError({ code: "not_found", message: options.logId ? `No log "${options.logId}".` : "The ledger has no log yet." });
  const latest = await options.store.latestCheckpoint(log.id);
  if (!latest) throw new AppError({ code: "not_found", message: `Log ${log.id} has no checkpoint yet.` });
  const key = (await options.store.listKeys(log.id)).find((k) => k.keyId === latest.keyId);
  const checkpoint: SignedCheckpoint = {
    v: 1,
    kind: "checkpoint",
    log: log.id,
    size: latest.treeSize,
    root: latest.rootHash,
    at: latest.at,
    key: latest.keyId,
    signature: latest.signature,
  };
  return key ? { ...checkpoint, publicKey: key.publicKeySpki } : checkpoint;
}

export interface InclusionProofResult {
  record: { id: string; logId: string; seq: number; envelope: string; leafHash: string; signature: string; keyId: string };
  checkpoint: SignedCheckpoint;
  publicKey: string | null;
  proof: string[];
}

/**
 * Proof that a record is in its log: the audit path from the record's leaf to the root
 * of the latest checkpoint that covers it, with that checkpoint and the signing key, so a
 * client can check all of it without trusting the server.
 */
export async function proveInclusion(options: { store: LedgerStore; recordId: string }): Promise<InclusionProofResult> {
  const row = await options.store.readRecordById(options.recordId);
  if (!row) throw new AppError({ code: "not_found", message: `No record "${options.recordId}".` });
  const latest = await options.store.latestCheckpoint(row.logId);
  if (!latest || latest.treeSize <= row.seq) {
    throw new AppError({ code: "conflict", message: "No checkpoint covers this record yet; one is written within the checkpoint interval." });
  }
  const source = await nodeSource({ store: options.store, logId: row.logId, ids: inclusionProofNodes(row.seq, latest.treeSize) });
  const proof = inclusionProof({ source, index: row.seq, size: latest.treeSize }).map(hex);
  const keys = await options.store.listKeys(row.logId);
  return {
    record: { id: row.id, logId: row.logId, seq: row.seq, envelope: row.envelope, leafHash: row.leafHash, signature: row.signature, keyId: row.keyId },
    checkpoint: signedCheckpoint(latest),
    publicKey: keys.find((k) => k.keyId === row.keyId)?.publicKeySpki ?? null,
    proof,
  };
}

const hex = (h: Hash) => h.toString("hex");

/** Fetches exactly the tree nodes a proof needs, in one round trip. */
async function nodeSource(options: { store: LedgerStore; logId: string; ids: NodeId[] }): Promise<PerfectNodeSource> {
  const stored = await options.store.readNodes(options.logId, options.ids);
  if (options.ids.some((id) => !stored.has(nodeKey(id)))) {
    throw new AppError({ code: "internal", message: "The log's tree is incomplete; run ledger verification." });
  }
  return mapSource(new Map([...stored].map(([k, v]) => [k, Buffer.from(v, "hex")])));
}

function signedCheckpoint(row: { logId: string; treeSize: number; rootHash: string; at: string; keyId: string; signature: string }): SignedCheckpoint {
  return { v: 1, kind: "checkpoint", log: row.logId, size: row.treeSize, root: row.rootHash, at: row.at, key: row.keyId, signature: row.signature };
}

/**
 * Proof that the log at the checkpoint of size `to` extends the one of size `from`
 * (RFC 9162 consistency proof), with both signed checkpoints, so an auditor holding an
 * older checkpoint can check that nothing before it was changed.
 */
export async function proveConsistency(options: { store: LedgerStore; logId: string; from: number; to: number }) {
  const checkpoints = await options.store.listCheckpoints(options.logId);
  const older = checkpoints.find((c) => c.treeSize === options.from);
  const newer = checkpoints.find((c) => c.treeSize === options.to);
  if (checkpoints.length === 0) throw new AppError({ code: "not_found", message: `No checkpoints for log "${options.logId}".` });
  if (!older || !newer) {
    throw new AppError({ code: "not_found", message: `Both sizes must be checkpoints of log "${options.logId}"; it has checkpoints at ${checkpoints.map((c) => c.treeSize).join(", ")}.` });
  }
  if (options.from > options.to) throw new AppError({ code: "bad_request", message: "The older checkpoint must not be larger than the newer one." });
  const source = await nodeSource({ store: options.store, logId: options.logId, ids: consistencyProofNodes(options.from, options.to) });
  return {
    from: signedCheckpoint(older),
    to: signedCheckpoint(newer),
    proof: consistencyProof({ source, oldSize: options.from, newSize: options.to }).map(hex),
  };
}
