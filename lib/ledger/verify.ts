// Whole-ledger verification: re-derives everything from the signed envelopes and
// reports every place where the stored ledger disagrees with itself or with an exported
// checkpoint. It trusts nothing stored except the bytes it checks: each signature, the
// sequence, the hash chain, every leaf and tree node, each checkpoint's root and
// signature, consistency between consecutive checkpoints, and (given an exported
// checkpoint) that the database has not been rolled back or rewritten behind it.
//
// Record signatures: a checkpoint signs the Merkle root over every leaf below it, and a
// leaf is the hash of the whole signed envelope, so once a checkpoint's signature is
// valid and its root matches the recomputed tree, every record below it is authenticated
// by that one signature, exactly as Certificate Transparency monitors check a log. By
// default ("uncovered") each record's own Ed25519 signature is therefore checked only
// where no matching checkpoint vouches for it: the tail after the last checkpoint and
// every interval whose checkpoint does not match (which also locates the edited record).
// "all" checks every record's signature as well; it finds, in addition, a signature
// column damaged under a matching checkpoint (the content stays proven; only the
// record's stand-alone receipt is broken). On two cores that costs about 4 times longer.
import type { KeyObject } from "node:crypto";
import { keyIdOf, publicKeyFromSpki } from "@/lib/ledger/keys";
import {
  consistencyProof,
  consistencyProofNodes,
  leafHashOfText,
  mapSource,
  MerkleFrontier,
  nodeKey,
  verifyConsistency,
  type NodeId,
} from "@/lib/ledger/merkle";
import { envelopeVersion, genesisPrev, verifyCheckpointSignature, type SignedCheckpoint } from "@/lib/ledger/record";
import { CryptoPool, type SignatureCheck } from "@/lib/ledger/crypto-pool";
import type { CheckpointRow, LedgerStore, RecordRow } from "@/lib/ledger/store";

export interface VerificationProblem {
  logId: string;
  seq?: number;
  recordId?: string;
  problem: string;
}

export interface LogReport {
  logId: string;
  name: string;
  records: number;
  checkpoints: number;
  latestCheckpointSize: number | null;
  root: string | null;
  problems: VerificationProblem[];
  /** Records whose own signature was checked. */
  signaturesChecked: number;
  /** Records authenticated by a valid, matching checkpoint instead of their own signature. */
  coveredByCheckpoints: number;
  /** Set when an exported checkpoint of this log was checked: true when it matches. */
  anchorOk?: boolean;
}

export interface VerificationReport {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  records: number;
  signatureChecks: SignatureChecks;
  logs: LogReport[];
  /** Set when an exported checkpoint was checked against the database. */
  anchor?: { logId: string; size: number; ok: boolean };
}

export type ExportedCheckpoint = SignedCheckpoint & { publicKey?: string };

/** Which record signatures to check one by one; see the comment at the top. */
export type SignatureChecks = "uncovered" | "all";

// Records waiting for a checkpoint to vouch for them are checked anyway beyond this many,
// so memory stays bounded however far apart the checkpoints are.
const maxPendingSignatures = 20_000;

// Problems reported per log before the rest are summarised, so a wholesale rewrite
// does not produce a million-line report.
const maxProblemsPerLog = 200;

export async function verifyLedger(options: {
  store: LedgerStore;
  anchor?: ExportedCheckpoint;
  signatureChecks?: SignatureChecks;
  batchSize?: number;
}): Promise<VerificationReport> {
  const pool = new CryptoPool();
  try {
    return await verifyAllLogs({ ...options, pool });
  } finally {
    await pool.close();
  }
}

async function verifyAllLogs(options: {
  store: LedgerStore;
  anchor?: ExportedCheckpoint;
  signatureChecks?: SignatureChecks;
  batchSize?: number;
  pool: CryptoPool;
}): Promise<VerificationReport> {
  const signatureChecks = options.signatureChecks ?? "uncovered";
  const startedAt = new Date().toISOString();
  const logs = await options.store.listLogs();
  const reports: LogReport[] = [];
  let anchorResult: VerificationReport["anchor"];

  if (options.anchor && !logs.some((l) => l.id === options.anchor!.log)) {
    reports.push({
      logId: options.anchor.log,
      name: "(missing)",
      records: 0,
      checkpoints: 0,
      latestCheckpointSize: null,
      root: null,
      signaturesChecked: 0,
      coveredByCheckpoints: 0,
      problems: [{ logId: options.anchor.log, problem: "the exported checkpoint names a log that is not in the database" }],
    });
    anchorResult = { logId: options.anchor.log, size: options.anchor.size, ok: false };
  }
  for (const log of logs) {
    const anchor = options.anchor?.log === log.id ? options.anchor : undefined;
    // Batches of 1,000 rows die young (V8's scavenger frees them cheaply); at 5,000 they
    // outlived young collections and verification spent a quarter of its time in GC.
    const report = await verifyLog({ store: options.store, pool: options.pool, logId: log.id, name: log.name, anchor, signatureChecks, batchSize: options.batchSize ?? 1000 });
    reports.push(report);
    if (anchor) anchorResult = { logId: log.id, size: anchor.size, ok: report.anchorOk === true };
  }
  return {
    ok: reports.every((r) => r.problems.length === 0),
    startedAt,
    finishedAt: new Date().toISOString(),
    records: reports.reduce((n, r) => n + r.records, 0),
    signatureChecks,
    logs: reports,
    anchor: anchorResult,
  };
}

async function verifyLog(options: {
  store: LedgerStore;
  pool: CryptoPool;
  logId: string;
  name: string;
  anchor?: ExportedCheckpoint;
  signatureChecks: SignatureChecks;
  batchSize: number;
}): Promise<LogReport> {
  const { store, logId } = options;
  const problems: VerificationProblem[] = [];
  let suppressed = 0;
  const report = (p: Omit<VerificationProblem, "logId">) => {
    if (problems.length < maxProblemsPerLog) problems.push({ logId, ...p });
    else suppressed++;
  };

  // Keys: a key id is the hash of its public key, so a swapped key cannot keep its id.
  const keys = new Map<string, KeyObject>();
  const spkiOf = new Map<string, string>();
  for (const key of await store.listKeys(logId)) {
    let spki: Buffer;
    try {
      spki = Buffer.from(key.publicKeySpki, "base64");
      const publicKey = publicKeyFromSpki(key.publicKeySpki);
      if (keyIdOf(spki) !== key.keyId) {
        report({ problem: `public key ${key.keyId.slice(0, 16)}… does not match its key id: the key was replaced` });
        continue;
      }
      keys.set(key.keyId, publicKey);
      spkiOf.set(key.keyId, key.publicKeySpki);
    } catch {
      report({ problem: `public key ${key.keyId.slice(0, 16)}… is not a valid Ed25519 key` });
    }
  }

  // Checkpoints: each must be signed by a key of this log.
  const checkpoints = await store.listCheckpoints(logId);
  const validCheckpoints: CheckpointRow[] = [];
  for (const c of checkpoints) {
    const key = keys.get(c.keyId);
    const signed: SignedCheckpoint = { v: 1, kind: "checkpoint", log: logId, size: c.treeSize, root: c.rootHash, at: c.at, key: c.keyId, signature: c.signature };
    if (!key) report({ problem: `checkpoint at size ${c.treeSize} is signed with unknown key ${c.keyId.slice(0, 16)}…` });
    else if (!verifyCheckpointSignature({ checkpoint: signed, publicKey: key })) report({ problem: `checkpoint at size ${c.treeSize} has an invalid signature: it was edited` });
    else validCheckpoints.push(c);
  }
  const checkpointAt = new Map(validCheckpoints.map((c) => [c.treeSize, c]));

  // The exported checkpoint anchors the log from outside the database.
  const anchor = options.anchor;
  let anchorProblems = 0;
  const reportAnchor = (p: Omit<VerificationProblem, "logId">) => {
    anchorProblems++;
    report(p);
  };
  if (anchor) checkAnchorSignature({ anchor, keys, report: reportAnchor });

  // Records, in sequence order. Signatures are checked on worker threads while this
  // thread walks chain and tree.
  const frontier = new MerkleFrontier();
  let prev = genesisPrev;
  let expectedSeq = 0;
  let anchorRoot: string | null = null;
  let signaturesChecked = 0;
  let coveredByCheckpoints = 0;
  // Records waiting for a checkpoint to vouch for them, and the public key each names;
  // two flat arrays, as most of them are dropped again a few hundred records later.
  let pending: RecordRow[] = [];
  let pendingKeys: string[] = [];
  let checking: Promise<void>[] = [];
  let inFlight: Promise<void>[] = [];
  const checkSignatures = () => {
    const batch = pending;
    const spkis = pendingKeys;
    pending = [];
    pendingKeys = [];
    if (batch.length === 0) return;
    signaturesChecked += batch.length;
    const checks: SignatureCheck[] = batch.map((row, i) => ({ text: row.envelope, signature: row.signature, spki: spkis[i]! }));
    checking.push(
      options.pool.verify(checks).then((results) =>
        results.forEach((ok, i) => {
          const row = batch[i]!;
          if (!ok) report({ seq: row.seq, recordId: row.id, problem: "the signature does not verify: the record was forged or edited" });
        }),
      ),
    );
  };
  for (let fromSeq = 0; ; ) {
    const rows = await store.readRecords({ logId, fromSeq, limit: options.batchSize });
    if (rows.length === 0) break;
    const completed: { id: NodeId; hash: string }[] = [];
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        report({ seq: expectedSeq, problem: row.seq > expectedSeq ? `records ${expectedSeq}..${row.seq - 1} are missing: deleted` : `sequence number ${row.seq} repeats` });
      }
      const { leaf, key } = checkRecord({ row, prev, keys, report });
      // A record signed with no key of this log is already reported by checkRecord.
      const spki = spkiOf.get(key ?? "");
      if (spki) {
        pending.push(row);
        pendingKeys.push(spki);
      }
      for (const node of frontier.append(leaf)) completed.push({ id: { level: node.level, index: node.index }, hash: node.hash.toString("hex") });
      prev = leaf.toString("hex");
      expectedSeq = row.seq + 1;
      const size = frontier.size;
      const checkpoint = checkpointAt.get(size);
      if (checkpoint) {
        if (checkpoint.rootHash === frontier.root().toString("hex")) {
          if (options.signatureChecks === "uncovered") {
            coveredByCheckpoints += pending.length;
            pending = [];
            pendingKeys = [];
          }
        } else {
          report({ seq: size - 1, problem: `checkpoint at size ${size} does not match the records before it: they were changed` });
          checkSignatures();
        }
      }
      if (anchor && size === anchor.size) anchorRoot = frontier.root().toString("hex");
    }
    if (options.signatureChecks === "all" || pending.length >= maxPendingSignatures) checkSignatures();
    await checkStoredNodes({ store, logId, completed, report });
    // The workers check this batch while the next one is read and walked; waiting for
    // the batch before keeps at most two in memory.
    await Promise.all(inFlight);
    inFlight = checking;
    checking = [];
    fromSeq = rows.at(-1)!.seq + 1;
  }
  checkSignatures();
  await Promise.all([...inFlight, ...checking]);

  const size = frontier.size;
  for (const c of validCheckpoints.filter((c) => c.treeSize > size)) {
    report({ seq: size, problem: `checkpoint at size ${c.treeSize} covers records beyond the ${size} stored: the log was truncated` });
  }
  await checkConsistency({ store, logId, checkpoints: validCheckpoints.filter((c) => c.treeSize <= size), report });

  if (anchor) {
    if (size < anchor.size) {
      reportAnchor({ problem: `exported checkpoint covers ${anchor.size} records but the database holds ${size}: it was rolled back or truncated` });
    } else if (anchorRoot !== anchor.root) {
      reportAnchor({ seq: anchor.size - 1, problem: `exported checkpoint at size ${anchor.size} does not match the records: history was rewritten` });
    }
  }
  if (suppressed > 0) problems.push({ logId, problem: `${suppressed} further problems not listed` });

  const latest = validCheckpoints.at(-1);
  return {
    logId,
    name: options.name,
    records: size,
    checkpoints: checkpoints.length,
    latestCheckpointSize: latest?.treeSize ?? null,
    root: size > 0 ? frontier.root().toString("hex") : null,
    problems,
    signaturesChecked,
    coveredByCheckpoints,
    ...(anchor ? { anchorOk: anchorProblems === 0 } : {}),
  };
}

interface EnvelopeFields {
  seq: number;
  id: string;
  kind: string;
  key: string;
  prev: string;
  at: string;
  log: string;
}

/** Reads the fields verification compares, from an envelope that failed the fast check. */
function envelopeFields(text: string): EnvelopeFields | null {
  try {
    const e = JSON.parse(text) as Record<string, unknown>;
    return hasHeaderFields(e) ? (e as unknown as EnvelopeFields) : null;
  } catch {
    return null;
  }
}

function hasHeaderFields(e: Record<string, unknown>): boolean {
  const strings = ["id", "kind", "key", "prev", "at", "log"] as const;
  return typeof e.seq === "number" && strings.every((f) => typeof e[f] === "string");
}

/**
 * Checks one stored record against its envelope (the signature is checked apart); returns
 * the leaf hash recomputed from the envelope and the key the envelope names. A canonical
 * envelope starts with its time and ends with every other header field, so an intact
 * record is confirmed by comparing those two ends with what its columns and the chain
 * say, without parsing the body; anything else is parsed and each difference named.
 */
function checkRecord(options: {
  row: RecordRow;
  prev: string;
  keys: Map<string, KeyObject>;
  report: (p: Omit<VerificationProblem, "logId">) => void;
}): { leaf: Buffer; key: string | null } {
  const { row, report } = options;
  const at = { seq: row.seq, recordId: row.id };
  const leaf = leafHashOfText(row.envelope);
  if (leaf.toString("hex") !== row.leafHash) report({ ...at, problem: "the stored leaf hash does not match the envelope: the record was edited" });
  const head = `{"at":"${row.at}","body":`;
  const tail = `,"id":${JSON.stringify(row.id)},"key":${JSON.stringify(row.keyId)},"kind":${JSON.stringify(row.kind)},"log":${JSON.stringify(row.logId)},"prev":"${options.prev}","seq":${row.seq},"v":${envelopeVersion}}`;
  if (row.envelope.startsWith(head) && row.envelope.endsWith(tail)) {
    if (!options.keys.has(row.keyId)) report({ ...at, problem: `signed with key ${row.keyId.slice(0, 16)}…, which is not a valid key of this log` });
    return { leaf, key: row.keyId };
  }
  const envelope = envelopeFields(row.envelope);
  if (!envelope) {
    report({ ...at, problem: "the envelope is not a well-formed record: it was edited" });
    return { leaf, key: null };
  }
  const mismatched = [
    envelope.seq !== row.seq && "seq",
    envelope.id !== row.id && "id",
    envelope.kind !== row.kind && "kind",
    envelope.key !== row.keyId && "keyId",
    envelope.log !== row.logId && "logId",
    new Date(envelope.at).getTime() !== new Date(row.at).getTime() && "at",
  ].filter(Boolean);
  if (mismatched.length > 0) report({ ...at, problem: `column ${mismatched.join(", ")} differs from the signed envelope: the record was edited or moved` });
  if (envelope.prev !== options.prev) report({ ...at, problem: "the hash chain is broken here: the previous record was changed, removed or reordered" });
  if (!options.keys.has(envelope.key)) report({ ...at, problem: `signed with key ${envelope.key.slice(0, 16)}…, which is not a valid key of this log` });
  return { leaf, key: envelope.key };
}

async function checkStoredNodes(options: {
  store: LedgerStore;
  logId: string;
  completed: { id: NodeId; hash: string }[];
  report: (p: Omit<VerificationProblem, "logId">) => void;
}): Promise<void> {
  // The nodes a batch completes are consecutive on each level: one range read per level,
  // compared by position (a missing row shifts nothing: the index is checked too).
  const levels = new Map<number, { index: number; hash: string }[]>();
  for (const { id, hash } of options.completed) {
    const nodes = levels.get(id.level);
    if (nodes) nodes.push({ index: id.index, hash });
    else levels.set(id.level, [{ index: id.index, hash }]);
  }
  for (const [level, nodes] of levels) {
    const from = nodes[0]!.index;
    const rows = await options.store.readNodeLevel({ logId: options.logId, level, fromIndex: from, limit: nodes.at(-1)!.index - from + 1 });
    for (const node of nodes) {
      const atPosition = rows[node.index - from];
      const found = atPosition?.index === node.index ? atPosition.hash : rows.find((r) => r.index === node.index)?.hash;
      if (found !== node.hash) {
        options.report({ problem: `tree node ${nodeKey({ level, index: node.index })} is ${found ? "different from" : "missing for"} the records it covers` });
      }
    }
  }
}

/** Consecutive checkpoints must be consistent: the later tree extends the earlier one. */
async function checkConsistency(options: {
  store: LedgerStore;
  logId: string;
  checkpoints: CheckpointRow[];
  report: (p: Omit<VerificationProblem, "logId">) => void;
}): Promise<void> {
  for (let i = 1; i < options.checkpoints.length; i++) {
    const older = options.checkpoints[i - 1]!;
    const newer = options.checkpoints[i]!;
    const ids = consistencyProofNodes(older.treeSize, newer.treeSize);
    const stored = await options.store.readNodes(options.logId, ids);
    let ok = false;
    try {
      const source = mapSource(new Map([...stored].map(([k, v]) => [k, Buffer.from(v, "hex")])));
      const proof = consistencyProof({ source, oldSize: older.treeSize, newSize: newer.treeSize });
      ok = verifyConsistency({
        oldSize: older.treeSize,
        newSize: newer.treeSize,
        oldRoot: Buffer.from(older.rootHash, "hex"),
        newRoot: Buffer.from(newer.rootHash, "hex"),
        proof,
      });
    } catch {
      ok = false;
    }
    if (!ok) options.report({ problem: `checkpoints at sizes ${older.treeSize} and ${newer.treeSize} are not consistent` });
  }
}

function checkAnchorSignature(options: {
  anchor: ExportedCheckpoint;
  keys: Map<string, KeyObject>;
  report: (p: Omit<VerificationProblem, "logId">) => void;
}): void {
  const { anchor, keys, report } = options;
  const databaseKey = keys.get(anchor.key);
  if (!databaseKey) {
    report({ problem: `exported checkpoint is signed with key ${anchor.key.slice(0, 16)}…, which the database does not hold: its keys were replaced` });
  }
  let key = databaseKey;
  if (anchor.publicKey) {
    try {
      if (keyIdOf(Buffer.from(anchor.publicKey, "base64")) === anchor.key) key = publicKeyFromSpki(anchor.publicKey);
      else report({ problem: "exported checkpoint carries a public key that does not match its key id" });
    } catch {
      report({ problem: "exported checkpoint carries an invalid public key" });
    }
  }
  const checkpoint: SignedCheckpoint = { v: anchor.v, kind: anchor.kind, log: anchor.log, size: anchor.size, root: anchor.root, at: anchor.at, key: anchor.key, signature: anchor.signature };
  if (key && !verifyCheckpointSignature({ checkpoint, publicKey: key })) report({ problem: "exported checkpoint has an invalid signature" });
}

/** Human-readable report for the command line. */
export function formatReport(report: VerificationReport): string {
  const lines = [`Conduit Ledger verification ${report.ok ? "PASSED" : "FAILED"} (${report.records} records, ${report.startedAt} to ${report.finishedAt})`];
  const checked = report.logs.reduce((n, l) => n + l.signaturesChecked, 0);
  const covered = report.logs.reduce((n, l) => n + l.coveredByCheckpoints, 0);
  lines.push(
    report.signatureChecks === "all"
      ? `  every record's signature checked (${checked})`
      : `  ${covered} records authenticated by matching signed checkpoints, ${checked} by their own signature (--all-signatures checks every one)`,
  );
  for (const log of report.logs) {
    lines.push(
      // The root is the whole log's, which a checkpoint at a smaller size does not sign.
      `  log ${log.logId} (${log.name}): ${log.records} records` +
        (log.root ? ` (root ${log.root.slice(0, 16)}…)` : "") +
        `, ${log.checkpoints} checkpoints` +
        (log.latestCheckpointSize !== null ? `, latest at size ${log.latestCheckpointSize}` : "") +
        (log.problems.length === 0 ? ": OK" : `: ${log.problems.length} problem(s)`),
    );
    for (const p of log.problems) {
      lines.push(`    - ${p.seq !== undefined ? `seq ${p.seq}` : "log"}${p.recordId ? ` (record ${p.recordId})` : ""}: ${p.problem}`);
    }
  }
  if (report.anchor) lines.push(`  exported checkpoint (log ${report.anchor.logId}, size ${report.anchor.size}): ${report.anchor.ok ? "matches" : "DOES NOT MATCH"}`);
  return lines.join("\n");
}
