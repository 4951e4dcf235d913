// Writes the machine-verifiable evidence bundle (Node only): the layout is in format.ts,
// the checks an auditor runs are in verify-bundle.ts and VERIFY.md.
//
// Streaming, in constant memory: records and their inclusion proofs arrive as an async
// iterable and go straight to records.jsonl and proofs.jsonl, staged (deflated and
// hashed) in a work directory, as is the PDF; the small files follow, then the manifest
// that hashes them all, then the ZIP is assembled in path order from the staged files.
// It is written as <out>.partial and renamed at the end; on any failure (bad input, a
// full disk, an abort) the partial file and the work directory are removed, so nothing
// half-made is left to download.
//
// The writer also checks what it is given, as the verifier will (each record's leaf hash
// and inclusion proof, each checkpoint's signature, each consistency proof): a mistake in
// the pack generator fails the generation instead of producing a pack that fails later.
import { createPublicKey, type KeyObject } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import canonicalize from "canonicalize";
import { fromBase64, rawEd25519FromSpki, sha256, toHex, utf8 } from "@/lib/evidence/bundle/encoding";
import {
  bundleFormat,
  bundlePaths,
  checkpointPath,
  consistencyPath,
  controlSchema,
  jsonFile,
  keysFormat,
  logIdPattern,
  manifestPayloadType,
  packInfoSchema,
  proofLine,
  recordLine,
  type BundleRecord,
  type ConsistencyFile,
  type Control,
  type KeysFile,
  type Manifest,
  type ManifestFile,
  type PackInfo,
} from "@/lib/evidence/bundle/format";
import { renderIndexHtml } from "@/lib/evidence/bundle/html";
import { checkpointOrigin, noteKeyHash, noteVerifierKey, verifyCheckpointNote, type Checkpoint } from "@/lib/evidence/bundle/note";
import { signDsseEnvelope } from "@/lib/evidence/bundle/sign";
import { pemFingerprint } from "@/lib/evidence/bundle/verify-bundle";
import { renderVerifyMd } from "@/lib/evidence/bundle/verify-md";
import { assembleZip, StagedFile, type StagedEntry } from "@/lib/evidence/bundle/zip-write";
import { AppError } from "@/lib/errors";
import { InclusionChecker } from "@/lib/evidence/bundle/rfc9162";
import { leafHashOfText, nodeHash, verifyConsistency } from "@/lib/ledger/merkle";

export interface BundleLogInput {
  logId: string;
  /** Display name ("edge-augsburg"). */
  name: string;
  /** Every key of the log, retired ones too: older records are signed with them. */
  keys: { keyId: string; spki: string }[];
  /**
   * The log's checkpoint note (signCheckpointNote with the log's key, origin
   * checkpointOrigin({ logId })) that every proof of the log leads to; null for a log
   * with no records in the pack (listed for its keys only).
   */
  checkpoint: string | null;
  /** From the previous pack of the same scope: its checkpoint of this log and the RFC 9162 proof to this one. */
  consistency?: {
    oldSize: number;
    oldRoot: string;
    hashes: string[];
    oldCheckpoint?: string | null;
    previousPack?: { id: string; sha256: string | null } | null;
  } | null;
}

/** A record and its RFC 9162 audit path (hex, leaf to root) to its log's checkpoint in this pack. */
export interface BundleEntry {
  record: BundleRecord;
  proof: string[];
}

export interface BundleProgress {
  phase: "records" | "files" | "zip";
  done: number;
  /** Records expected, or bytes to write; null when unknown. */
  total: number | null;
}

export interface WrittenBundle {
  file: string;
  sha256: string;
  size: number;
  records: number;
  files: ManifestFile[];
}

export async function writeEvidenceBundle(options: {
  /** The ZIP to write; <out>.partial while it is written. */
  out: string;
  /** Where files are staged (a temporary directory is made inside and removed). */
  workDir: string;
  pack: PackInfo;
  logs: BundleLogInput[];
  /** In order: by log id (byte order), then sequence number. */
  entries: AsyncIterable<BundleEntry>;
  /** For progress only. */
  expectedRecords?: number;
  /** The PDF, or how to draw it once records.jsonl is written (its cover prints that file's SHA-256). */
  pdf: { file: string } | { bytes: Uint8Array } | { render: (staged: { recordsSha256: string; records: number }) => Promise<Uint8Array> };
  pdfCertificatePem: string | null;
  controls: Control[];
  /** The ledger key that signs the manifest: one of the keys in `logs`. */
  signingKey: { logId: string; keyId: string; privateKey: KeyObject };
  originPrefix?: string;
  onProgress?: (progress: BundleProgress) => void;
  signal?: AbortSignal;
}): Promise<WrittenBundle> {
  const pack = parseInput(packInfoSchema, options.pack, "pack");
  const controls = options.controls.map((c, i) => parseInput(controlSchema, c, `controls.${i}`));
  const logs = await checkLogs(options);
  const pdfFingerprint = options.pdfCertificatePem === null ? null : pemFingerprint(options.pdfCertificatePem);
  if (options.pdfCertificatePem !== null && pdfFingerprint === null) throw invalid("The PDF certificate is not a PEM certificate.");
  // Checked before any record is read: a control map pointing nowhere fails at once.
  const inPack = new Set<string>([...Object.values(bundlePaths), ...[...logs.values()].flatMap((l) => [...(l.note ? [checkpointPath(l.logId)] : []), ...(l.consistency ? [consistencyPath(l.logId)] : [])])]);
  for (const control of controls) {
    for (const file of control.evidenceFiles) {
      if (!inPack.has(file.split("#")[0]!)) throw invalid(`Control ${control.id} names ${file}, which is not in the pack.`);
    }
  }

  await fs.mkdir(options.workDir, { recursive: true });
  const dir = await fs.mkdtemp(path.join(options.workDir, "bundle-"));
  const open: StagedFile[] = [];
  const stage = async (file: string, method: 0 | 8, offload = false) => {
    const staged = await StagedFile.create({ dir, path: file, method, offload });
    open.push(staged);
    return staged;
  };
  const done = async (staged: StagedFile) => {
    open.splice(open.indexOf(staged), 1);
    return staged.close();
  };
  try {
    const staged: StagedEntry[] = [];
    const progress = options.onProgress;

    // Records and proofs, side by side, never more than one in memory.
    const records = await stage(bundlePaths.records, 8, true);
    const proofs = await stage(bundlePaths.proofs, 8, true);
    let count = 0;
    let previous: { logId: string; seq: number } | null = null;
    for await (const entry of options.entries) {
      const { record, proof } = entry;
      const log = logs.get(record.logId);
      const where = `record ${record.logId} #${record.seq}`;
      if (!log) throw invalid(`The ${where} belongs to a log the pack does not list.`);
      if (previous && (record.logId < previous.logId || (record.logId === previous.logId && record.seq <= previous.seq))) {
        throw invalid(`The ${where} comes after ${previous.logId} #${previous.seq}: records must come by log, then sequence number, once each.`);
      }
      previous = { logId: record.logId, seq: record.seq };
      if (!log.checkpoint) throw invalid(`The ${where} has no checkpoint of its log to prove its inclusion.`);
      if (!log.keyIds.has(record.keyId)) throw invalid(`The ${where} is signed with a key the log does not list.`);
      const leaf = leafHashOfText(record.envelope);
      if (leaf.toString("hex") !== record.leafHash) throw invalid(`The ${where} has a leaf hash that is not its envelope's.`);
      if (!proof.every((h) => /^[0-9a-f]{64}$/.test(h)) || !log.checker!.verify({ leafHash: leaf, index: record.seq, proof })) {
        throw invalid(`The inclusion proof of the ${where} does not lead to its log's checkpoint (size ${log.checkpoint.size}).`);
      }
      await records.write(recordLine(record));
      await proofs.write(proofLine({ logId: record.logId, logIndex: record.seq, treeSize: log.checkpoint.size, rootHash: log.checkpoint.root, hashes: proof, checkpoint: checkpointPath(record.logId) }));
      log.records++;
      count++;
      if (count % 1000 === 0) {
        options.signal?.throwIfAborted();
        progress?.({ phase: "records", done: count, total: options.expectedRecords ?? null });
      }
    }
    progress?.({ phase: "records", done: count, total: options.expectedRecords ?? null });
    const recordsEntry = await done(records);
    staged.push(recordsEntry, await done(proofs));

    // The PDF, stored: its streams are compressed already.
    progress?.({ phase: "files", done: 0, total: null });
    const pdf = await stage(bundlePaths.pdf, 0);
    if ("render" in options.pdf) {
      await pdf.write(await options.pdf.render({ recordsSha256: recordsEntry.sha256, records: count }));
    } else if ("bytes" in options.pdf) {
      await pdf.write(options.pdf.bytes);
    } else {
      const source = await fs.open(options.pdf.file, "r");
      try {
        for await (const chunk of source.createReadStream({ highWaterMark: 1024 * 1024 })) await pdf.write(chunk as Buffer);
      } finally {
        await source.close().catch(() => undefined);
      }
    }
    staged.push(await done(pdf));

    const small = async (file: string, text: string) => {
      const s = await stage(file, 8);
      await s.write(text);
      staged.push(await done(s));
    };
    for (const log of logs.values()) {
      if (log.note) await small(checkpointPath(log.logId), log.note);
      if (log.consistency) await small(consistencyPath(log.logId), jsonFile(log.consistency));
    }
    const keysFile: KeysFile = {
      format: keysFormat,
      manifestKey: { logId: options.signingKey.logId, keyId: options.signingKey.keyId },
      logs: [...logs.values()].map((l) => ({ logId: l.logId, name: l.name, origin: l.origin, keys: l.keys })),
      pdfCertificate: options.pdfCertificatePem === null ? null : { pem: options.pdfCertificatePem, fingerprint: pdfFingerprint! },
    };
    await small(bundlePaths.keys, jsonFile(keysFile));
    const logFacts = [...logs.values()].map((l) => ({
      logId: l.logId,
      name: l.name,
      origin: l.origin,
      treeSize: l.checkpoint?.size ?? null,
      root: l.checkpoint?.root ?? null,
      fingerprints: l.keys.map((k) => k.fingerprint),
      extendsSize: l.consistency?.oldSize ?? null,
    }));
    const previousPackId = [...logs.values()].find((l) => l.consistency?.previousPack)?.consistency?.previousPack?.id ?? null;
    await small(bundlePaths.verify, renderVerifyMd({ pack, manifestKey: keysFile.manifestKey, logs: logFacts, records: count, pdfCertificateFingerprint: pdfFingerprint, previousPackId }));

    // index.html lists every file but itself and the manifest, so it comes last but one.
    const listed = (entries: readonly StagedEntry[]) => entries.map((e) => ({ path: e.path, sha256: e.sha256, size: e.size })).sort((a, b) => compare(a.path, b.path));
    await small(bundlePaths.index, renderIndexHtml({ pack, controls, files: listed(staged), logs: logFacts.map((l) => ({ ...l, keys: logs.get(l.logId)!.keys })) }));

    const manifest: Manifest = { format: bundleFormat, pack, files: listed(staged) };
    const payload = utf8.encode(canonicalize(manifest)!);
    const envelope = signDsseEnvelope({ payload, payloadType: manifestPayloadType, privateKey: options.signingKey.privateKey, keyId: options.signingKey.keyId });
    await small(bundlePaths.manifest, jsonFile({ payloadType: envelope.payloadType, payload: envelope.payload, signatures: envelope.signatures }));
    options.signal?.throwIfAborted();

    const zip = await assembleZip({ out: options.out, entries: staged, signal: options.signal, onProgress: (d, total) => progress?.({ phase: "zip", done: d, total }) });
    return { file: options.out, sha256: zip.sha256, size: zip.size, records: count, files: manifest.files };
  } finally {
    await Promise.all(open.map((s) => s.abort()));
    await fs.rm(dir, { recursive: true, force: true });
  }
}

interface CheckedLog {
  logId: string;
  name: string;
  origin: string;
  keys: KeysFile["logs"][number]["keys"];
  keyIds: Set<string>;
  note: string | null;
  checkpoint: Checkpoint | null;
  /** Checks proofs into the checkpoint's tree. */
  checker: InclusionChecker | null;
  consistency: ConsistencyFile | null;
  records: number;
}

/** Validates the logs, their keys, checkpoint notes and consistency proofs; keyed by log id, in byte order. */
async function checkLogs(options: { logs: BundleLogInput[]; signingKey: { logId: string; keyId: string; privateKey: KeyObject }; originPrefix?: string }): Promise<Map<string, CheckedLog>> {
  const logs = new Map<string, CheckedLog>();
  for (const input of [...options.logs].sort((a, b) => compare(a.logId, b.logId))) {
    const { logId } = input;
    if (!logIdPattern.test(logId)) throw invalid(`Log id "${logId}" cannot name a file in the pack.`);
    if (logs.has(logId)) throw invalid(`Log ${logId} is listed twice.`);
    const origin = checkpointOrigin({ logId, prefix: options.originPrefix });
    const noteKeys = input.keys.map((k) => {
      const der = fromBase64(k.spki);
      const raw = der ? rawEd25519FromSpki(der) : null;
      if (!der || !raw || toHex(sha256(der)) !== k.keyId) throw invalid(`Key ${k.keyId.slice(0, 16)}… of log ${logId} is not an Ed25519 key with that id.`);
      return { name: origin, publicKey: raw };
    });
    if (noteKeys.length === 0) throw invalid(`Log ${logId} has no keys.`);
    const keys = input.keys.map((k, i) => {
      const publicKey = noteKeys[i]!.publicKey;
      return { keyId: k.keyId, algorithm: "Ed25519" as const, spki: k.spki, fingerprint: k.keyId, noteKeyName: origin, noteKeyHash: toHex(noteKeyHash({ name: origin, publicKey })), noteVerifierKey: noteVerifierKey({ name: origin, publicKey }) };
    });
    let checkpoint: Checkpoint | null = null;
    if (input.checkpoint !== null) {
      const verified = await verifyCheckpointNote({ text: input.checkpoint, keys: noteKeys, origin });
      if (!verified.ok) throw invalid(`The checkpoint of log ${logId}: ${verified.reason}.`);
      checkpoint = verified.checkpoint;
    }
    let consistency: ConsistencyFile | null = null;
    if (input.consistency) {
      const c = input.consistency;
      if (!checkpoint) throw invalid(`Log ${logId} has a consistency proof but no checkpoint.`);
      const hex = (h: string) => Buffer.from(/^[0-9a-f]{64}$/.test(h) ? h : "", "hex");
      if (!verifyConsistency({ oldSize: c.oldSize, newSize: checkpoint.size, oldRoot: hex(c.oldRoot), newRoot: hex(checkpoint.root), proof: c.hashes.map(hex) })) {
        throw invalid(`The consistency proof of log ${logId} from size ${c.oldSize} does not lead to its checkpoint (size ${checkpoint.size}).`);
      }
      if (c.oldCheckpoint) {
        const old = await verifyCheckpointNote({ text: c.oldCheckpoint, keys: noteKeys, origin });
        if (!old.ok || old.checkpoint.size !== c.oldSize || old.checkpoint.root !== c.oldRoot) throw invalid(`The old checkpoint of log ${logId} is not a signed checkpoint of size ${c.oldSize} with that root.`);
      }
      consistency = {
        logId,
        previousPack: c.previousPack ?? null,
        oldSize: c.oldSize,
        oldRoot: c.oldRoot,
        newSize: checkpoint.size,
        newRoot: checkpoint.root,
        hashes: c.hashes,
        oldCheckpoint: c.oldCheckpoint ?? null,
        newCheckpoint: checkpointPath(logId),
      };
    }
    logs.set(logId, {
      logId,
      name: input.name,
      origin,
      keys,
      keyIds: new Set(keys.map((k) => k.keyId)),
      note: input.checkpoint,
      checkpoint,
      checker: checkpoint && new InclusionChecker({ size: checkpoint.size, root: Buffer.from(checkpoint.root, "hex"), nodeHash: (l, r) => nodeHash(l as Buffer, r as Buffer), fromHex: (h) => Buffer.from(h, "hex") }),
      consistency,
      records: 0,
    });
  }
  const signer = logs.get(options.signingKey.logId);
  const spki = createPublicKey(options.signingKey.privateKey).export({ format: "der", type: "spki" });
  if (!signer?.keyIds.has(options.signingKey.keyId) || toHex(sha256(spki)) !== options.signingKey.keyId) {
    throw invalid("The manifest signing key must be a listed key of its log, with its private key.");
  }
  return logs;
}

function parseInput<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, name: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError({ code: "validation_failed", message: `The evidence pack's ${name} is malformed.`, issues: parsed.error.issues.map((i) => ({ path: [name, ...i.path.map(String)].join("."), message: i.message })) });
}

function invalid(message: string): AppError {
  return new AppError({ code: "validation_failed", message });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
