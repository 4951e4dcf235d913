// Ledger operations used by the app, the API and the command line: verification runs,
// checkpoint export, proofs for a record, and the status panel's figures.
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import { inclusionProof, inclusionProofNodes, mapSource, nodeKey, type NodeId } from "@/lib/ledger/merkle";
import type { SignedCheckpoint } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger, type ExportedCheckpoint, type VerificationReport } from "@/lib/ledger/verify";

/** Verifies the whole ledger and records the run and its result. */
export async function runVerification(options: {
  store: LedgerStore;
  anchor?: ExportedCheckpoint;
  trigger: string;
}): Promise<VerificationReport> {
  const report = await verifyLedger({ store: options.store, anchor: options.anchor });
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
  const ids: NodeId[] = inclusionProofNodes(row.seq, latest.treeSize);
  const stored = await options.store.readNodes(row.logId, ids);
  const missing = ids.filter((id) => !stored.has(nodeKey(id)));
  if (missing.length > 0) throw new AppError({ code: "internal", message: "The log's tree is incomplete; run ledger verification." });
  const source = mapSource(new Map([...stored].map(([k, v]) => [k, Buffer.from(v, "hex")])));
  const proof = inclusionProof({ source, index: row.seq, size: latest.treeSize }).map((h) => h.toString("hex"));
  const keys = await options.store.listKeys(row.logId);
  return {
    record: { id: row.id, logId: row.logId, seq: row.seq, envelope: row.envelope, leafHash: row.leafHash, signature: row.signature, keyId: row.keyId },
    checkpoint: { v: 1, kind: "checkpoint", log: row.logId, size: latest.treeSize, root: latest.rootHash, at: latest.at, key: latest.keyId, signature: latest.signature },
    publicKey: keys.find((k) => k.keyId === row.keyId)?.publicKeySpki ?? null,
    proof,
  };
}
