// Verifies an evidence bundle offline, in Node (npm run pack:verify) and in the browser
// (drop a pack on a page), trusting nothing in it but the keys it is checked against:
//
// - manifest.json: a DSSE envelope whose signature verifies with the manifest key of
//   keys.json, or, given trusted keys, with one of those (keys.json must then list no
//   other key); its payload lists every other file, and each file's SHA-256 and size must
//   match, with none missing or added;
// - keys.json: each key id and fingerprint is the SHA-256 of its key;
// - checkpoints/<logId>.note: signed by a key of that log (C2SP signed note);
// - records.jsonl with proofs.jsonl, line by line: records by log, then sequence, none
//   twice; each record's fields are its signed envelope's; its Ed25519 signature; its leaf
//   hash; the hash chain where neighbours are consecutive; its RFC 9162 inclusion proof to
//   its log's checkpoint;
// - consistency/<logId>.json: the RFC 9162 proof that this pack's checkpoint extends an
//   older one, and, given the previous pack, that the older one is that pack's checkpoint;
// - evidence.pdf: by the injected PDF check, when given.
//
// Every finding is a problem naming the file, the record (log and index) and the reason;
// malformed input never throws. Records are streamed: memory does not grow with them.
import { type BundleCrypto, type SignatureCheck, webBundleCrypto } from "@/lib/evidence/bundle/crypto";
import { verifyDsseEnvelope, type DsseKey } from "@/lib/evidence/bundle/dsse";
import { fromBase64, isSha256Hex, rawEd25519FromSpki, sha256, toHex } from "@/lib/evidence/bundle/encoding";
import {
  bundlePaths,
  checkpointPath,
  consistencyFileSchema,
  consistencyPath,
  keysFileSchema,
  manifestPayloadType,
  manifestSchema,
  type KeysFile,
  type Manifest,
  type PackInfo,
} from "@/lib/evidence/bundle/format";
import { noteKeyHash, noteVerifierKey, verifyCheckpointNote, type Checkpoint, type NoteKey } from "@/lib/evidence/bundle/note";
import { InclusionChecker, verifyConsistency } from "@/lib/evidence/bundle/rfc9162";
import { readEntry, readEntryBytes, readZipDirectory, ZipEntryError, type ZipEntry, type ZipSource } from "@/lib/evidence/bundle/zip-read";

export interface BundleProblem {
  /** Path in the pack; "(zip)" for the archive itself; "previous:<path>" for the previous pack. */
  file: string;
  logId?: string;
  /** The record's sequence number in its log. */
  index?: number;
  /** Line in records.jsonl or proofs.jsonl, from 1. */
  line?: number;
  reason: string;
}

/** Keys obtained out of band: every key in keys.json must be one of them. */
export interface TrustedKeys {
  keys: { spki: string; logId?: string }[];
  /** SHA-256 of the PDF certificate's DER, hex, when known. */
  pdfCertificateFingerprint?: string;
}

export type PdfVerifier = (options: { pdf: Uint8Array; certificatePem: string | null; certificateFingerprint: string | null }) => Promise<{ ok: boolean; detail: string }>;

export interface BundleLogReport {
  logId: string;
  records: number;
  treeSize: number | null;
  root: string | null;
  /** Whether this pack's checkpoint provably extends the previous pack's (null: no previous pack given or no checkpoint). */
  extendsPrevious: boolean | null;
}

export interface BundleReport {
  ok: boolean;
  problems: BundleProblem[];
  /** Problems found beyond those listed. */
  moreProblems: number;
  pack: PackInfo | null;
  /** Key id of the ledger key whose signature on the manifest verified. */
  manifestSignedBy: string | null;
  files: number;
  records: number;
  logs: BundleLogReport[];
  pdf: { status: "valid" | "invalid" | "not checked"; detail: string };
  previous: { packId: string | null; checked: boolean } | null;
}

export interface VerifyProgress {
  phase: "files" | "records";
  /** Records checked so far. */
  records: number;
  /** Bytes of records.jsonl read, of its size. */
  bytes: number;
  totalBytes: number;
}

const genesisPrev = "0".repeat(64);
const maxSmallFile = 16 * 1024 * 1024;
const maxLine = 4 * 1024 * 1024;
const signatureBatch = 1000;

export async function verifyBundle(options: {
  source: ZipSource;
  trustedKeys?: TrustedKeys;
  previous?: ZipSource;
  verifyPdf?: PdfVerifier;
  crypto?: BundleCrypto;
  maxProblems?: number;
  onProgress?: (progress: VerifyProgress) => void;
}): Promise<BundleReport> {
  const report = new Report(options.maxProblems ?? 1000);
  const crypto = options.crypto ?? webBundleCrypto();
  try {
    await new BundleCheck({ ...options, crypto, report }).run();
  } catch (error) {
    report.add({ file: "(pack)", reason: `verification stopped: ${error instanceof Error ? error.message : String(error)}` });
  }
  return report.finish();
}

/** Reads a trusted-keys file: a pack's keys.json, the published /.well-known/conduit-ledger/keys.json, or { keys: [{ spki }] }. */
export function parseTrustedKeys(value: unknown): TrustedKeys | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as { logs?: unknown; keys?: unknown; pdfCertificate?: { fingerprint?: unknown } | null };
  const keys: TrustedKeys["keys"] = [];
  const take = (k: unknown, logId?: string) => {
    const spki = (k as { spki?: unknown } | null)?.spki;
    if (typeof spki === "string" && spki.length > 0) keys.push({ spki, logId });
  };
  if (Array.isArray(v.logs)) {
    for (const log of v.logs as { logId?: unknown; keys?: unknown }[]) {
      if (Array.isArray(log?.keys)) for (const k of log.keys) take(k, typeof log.logId === "string" ? log.logId : undefined);
    }
  }
  if (Array.isArray(v.keys)) for (const k of v.keys) take(k, typeof (k as { logId?: unknown })?.logId === "string" ? (k as { logId: string }).logId : undefined);
  if (keys.length === 0) return null;
  const fingerprint = v.pdfCertificate?.fingerprint;
  return { keys, pdfCertificateFingerprint: isSha256Hex(fingerprint) ? fingerprint : undefined };
}

/** SHA-256 of a PEM certificate's DER, hex; null when it is not PEM. */
export function pemFingerprint(pem: string): string | null {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  const der = match ? fromBase64(match[1]!.replace(/\s+/g, "")) : null;
  return der && der.length > 0 ? toHex(sha256(der)) : null;
}

class Report {
  problems: BundleProblem[] = [];
  more = 0;
  pack: PackInfo | null = null;
  manifestSignedBy: string | null = null;
  files = 0;
  records = 0;
  logs = new Map<string, BundleLogReport>();
  pdf: BundleReport["pdf"] = { status: "not checked", detail: "no PDF check was given" };
  previous: BundleReport["previous"] = null;

  constructor(private readonly max: number) {}

  add(problem: BundleProblem): void {
    if (this.problems.length < this.max) this.problems.push(problem);
    else this.more++;
  }

  log(logId: string): BundleLogReport {
    let log = this.logs.get(logId);
    if (!log) this.logs.set(logId, (log = { logId, records: 0, treeSize: null, root: null, extendsPrevious: null }));
    return log;
  }

  finish(): BundleReport {
    return {
      ok: this.problems.length === 0 && this.more === 0,
      problems: this.problems,
      moreProblems: this.more,
      pack: this.pack,
      manifestSignedBy: this.manifestSignedBy,
      files: this.files,
      records: this.records,
      logs: [...this.logs.values()].sort((a, b) => compare(a.logId, b.logId)),
      pdf: this.pdf,
      previous: this.previous,
    };
  }
}

interface LogKeys {
  origin: string;
  /** By key id: base64 SPKI and raw key. */
  keys: Map<string, { spki: string; raw: Uint8Array }>;
}

/** What a pack's keys.json, manifest and checkpoints establish; read for the pack and for the previous pack alike. */
interface PackHeads {
  manifest: Manifest | null;
  /** Expected SHA-256 and size by path, from the verified manifest. */
  expected: Map<string, { sha256: string; size: number }>;
  keysFile: KeysFile | null;
  logs: Map<string, LogKeys>;
  checkpoints: Map<string, Checkpoint>;
}

class BundleCheck {
  private readonly source: ZipSource;
  private readonly crypto: BundleCrypto;
  private readonly report: Report;
  private readonly options: { trustedKeys?: TrustedKeys; previous?: ZipSource; verifyPdf?: PdfVerifier; onProgress?: (p: VerifyProgress) => void };

  constructor(options: { source: ZipSource; crypto: BundleCrypto; report: Report; trustedKeys?: TrustedKeys; previous?: ZipSource; verifyPdf?: PdfVerifier; onProgress?: (p: VerifyProgress) => void }) {
    this.source = options.source;
    this.crypto = options.crypto;
    this.report = options.report;
    this.options = options;
  }

  async run(): Promise<void> {
    const entries = await this.entries(this.source, "");
    if (!entries) return;
    this.report.files = entries.size;
    const heads = await this.heads({ source: this.source, entries, prefix: "" });
    this.report.pack = heads.manifest?.pack ?? null;
    for (const [logId, checkpoint] of heads.checkpoints) Object.assign(this.report.log(logId), { treeSize: checkpoint.size, root: checkpoint.root });

    // Files: each listed one present and each present one listed.
    if (heads.manifest) {
      for (const path of heads.expected.keys()) if (!entries.has(path)) this.report.add({ file: path, reason: "listed in the signed manifest but missing from the pack: removed" });
      for (const path of entries.keys()) {
        if (path !== bundlePaths.manifest && !heads.expected.has(path)) this.report.add({ file: path, reason: "not listed in the signed manifest: added to the pack" });
      }
    }
    for (const path of [bundlePaths.keys, bundlePaths.records, bundlePaths.proofs, bundlePaths.verify, bundlePaths.index, bundlePaths.pdf]) {
      if (!entries.has(path) && !heads.expected.has(path)) this.report.add({ file: path, reason: "missing from the pack" });
    }

    await this.consistency({ entries, heads });
    await this.records({ entries, heads });
    await this.pdf({ entries, heads });
    // Whatever else the manifest lists (VERIFY.md, index.html) is checked by its hash alone.
    const checked = new Set<string>([bundlePaths.manifest, bundlePaths.keys, bundlePaths.records, bundlePaths.proofs, bundlePaths.pdf]);
    for (const [path, entry] of entries) {
      if (checked.has(path) || /^checkpoints\/.+\.note$/.test(path) || /^consistency\/.+\.json$/.test(path)) continue;
      await this.hashOnly({ entry, heads, prefix: "" });
    }
  }

  // --- Archive, manifest, keys, checkpoints -------------------------------------------

  private async entries(source: ZipSource, prefix: string): Promise<Map<string, ZipEntry> | null> {
    const directory = await readZipDirectory(source);
    if (!directory.ok) {
      this.report.add({ file: `${prefix}(zip)`, reason: directory.reason });
      return null;
    }
    const entries = new Map<string, ZipEntry>();
    for (const entry of directory.entries) {
      // Directory entries (as zip -r writes them) hold no file: nothing to check.
      if (entry.path.endsWith("/") && entry.size === 0) continue;
      if (entries.has(entry.path)) this.report.add({ file: prefix + entry.path, reason: "appears twice in the ZIP: an unzip tool would show only one of them" });
      else entries.set(entry.path, entry);
    }
    return entries;
  }

  private async heads(options: { source: ZipSource; entries: Map<string, ZipEntry>; prefix: string }): Promise<PackHeads> {
    const { source, entries, prefix } = options;
    const heads: PackHeads = { manifest: null, expected: new Map(), keysFile: null, logs: new Map(), checkpoints: new Map() };

    const keysBytes = await this.small({ source, entries, path: bundlePaths.keys, prefix });
    if (keysBytes) this.keys({ bytes: keysBytes, heads, prefix });

    const manifestBytes = await this.small({ source, entries, path: bundlePaths.manifest, prefix });
    if (manifestBytes) await this.manifest({ bytes: manifestBytes, heads, prefix });
    if (keysBytes) this.matchManifest({ path: bundlePaths.keys, heads, prefix, sha256: toHex(sha256(keysBytes)), size: keysBytes.length });

    for (const [path, entry] of entries) {
      const match = /^checkpoints\/(.+)\.note$/.exec(path);
      if (!match) continue;
      const bytes = await this.small({ source, entries, path, prefix, maxBytes: 64 * 1024 });
      if (!bytes) continue;
      this.matchManifest({ path, heads, prefix, sha256: toHex(sha256(bytes)), size: entry.size });
      const logId = match[1]!;
      const log = heads.logs.get(logId);
      const text = decodeUtf8(bytes);
      if (!log) {
        this.report.add({ file: prefix + path, logId, reason: `keys.json lists no key of log ${logId}: the checkpoint cannot be checked` });
      } else if (text === null) {
        this.report.add({ file: prefix + path, logId, reason: "not UTF-8 text" });
      } else {
        const noteKeys: NoteKey[] = [...log.keys.values()].map((k) => ({ name: log.origin, publicKey: k.raw }));
        const result = await verifyCheckpointNote({ text, keys: noteKeys, origin: log.origin });
        if (result.ok) heads.checkpoints.set(logId, result.checkpoint);
        else this.report.add({ file: prefix + path, logId, reason: `checkpoint: ${result.reason}` });
      }
    }
    return heads;
  }

  private keys(options: { bytes: Uint8Array; heads: PackHeads; prefix: string }): void {
    const file = options.prefix + bundlePaths.keys;
    const parsed = keysFileSchema.safeParse(parseJson(options.bytes));
    if (!parsed.success) {
      this.report.add({ file, reason: `not a valid key list: ${describeZodError(parsed.error)}` });
      return;
    }
    const keysFile = parsed.data;
    options.heads.keysFile = keysFile;
    const trusted = this.options.trustedKeys;
    for (const log of keysFile.logs) {
      if (options.heads.logs.has(log.logId)) {
        this.report.add({ file, logId: log.logId, reason: "lists the log twice" });
        continue;
      }
      if (!log.origin.endsWith(`/${log.logId}`)) this.report.add({ file, logId: log.logId, reason: `origin "${log.origin}" does not name the log` });
      const logKeys: LogKeys = { origin: log.origin, keys: new Map() };
      options.heads.logs.set(log.logId, logKeys);
      for (const key of log.keys) {
        const der = fromBase64(key.spki);
        const raw = der ? rawEd25519FromSpki(der) : null;
        const short = key.keyId.slice(0, 16);
        if (!der || !raw) {
          this.report.add({ file, logId: log.logId, reason: `key ${short}… is not an Ed25519 public key` });
          continue;
        }
        const fingerprint = toHex(sha256(der));
        if (fingerprint !== key.keyId || fingerprint !== key.fingerprint) {
          this.report.add({ file, logId: log.logId, reason: `key ${short}…: its key id or fingerprint is not the SHA-256 of the key (${fingerprint.slice(0, 16)}…): the key was swapped` });
          continue;
        }
        if (key.noteKeyName !== log.origin || key.noteKeyHash !== toHex(noteKeyHash({ name: log.origin, publicKey: raw })) || key.noteVerifierKey !== noteVerifierKey({ name: log.origin, publicKey: raw })) {
          this.report.add({ file, logId: log.logId, reason: `key ${short}…: its checkpoint-note name, key hash or verifier key does not match the key` });
        }
        if (trusted && !trusted.keys.some((t) => sameSpki(t.spki, key.spki) && (t.logId === undefined || t.logId === log.logId))) {
          this.report.add({ file, logId: log.logId, reason: `key ${short}… is not among the trusted keys: keys.json was altered or the pack comes from another ledger` });
          continue;
        }
        logKeys.keys.set(key.keyId, { spki: key.spki, raw });
      }
    }
    const pdf = keysFile.pdfCertificate;
    if (pdf) {
      const fingerprint = pemFingerprint(pdf.pem);
      if (fingerprint !== pdf.fingerprint) this.report.add({ file, reason: "the PDF certificate's fingerprint is not the SHA-256 of the certificate: it was swapped" });
      if (trusted?.pdfCertificateFingerprint && trusted.pdfCertificateFingerprint !== pdf.fingerprint) this.report.add({ file, reason: "the PDF certificate is not the trusted one" });
    }
  }

  private async manifest(options: { bytes: Uint8Array; heads: PackHeads; prefix: string }): Promise<void> {
    const file = options.prefix + bundlePaths.manifest;
    const { heads } = options;
    const signer = heads.keysFile?.manifestKey;
    const key = signer ? heads.logs.get(signer.logId)?.keys.get(signer.keyId) : undefined;
    if (!key) {
      this.report.add({ file, reason: signer ? `the manifest key ${signer.keyId.slice(0, 16)}… is not a usable key of log ${signer.logId} in keys.json` : "keys.json does not name the key that signs the manifest" });
      return;
    }
    const keys: DsseKey[] = [{ keyId: signer!.keyId, publicKey: key.raw }];
    const verified = await verifyDsseEnvelope({ envelope: parseJson(options.bytes), keys, payloadTypes: [manifestPayloadType] });
    if (!verified.ok) {
      this.report.add({ file, reason: `manifest signature: ${verified.reason}` });
      return;
    }
    const parsed = manifestSchema.safeParse(parseJson(verified.payload));
    if (!parsed.success) {
      this.report.add({ file, reason: `the signed manifest is malformed: ${describeZodError(parsed.error)}` });
      return;
    }
    const manifest = parsed.data;
    if (!options.prefix) this.report.manifestSignedBy = signer!.keyId;
    heads.manifest = manifest;
    let previous = "";
    for (const f of manifest.files) {
      if (f.path <= previous) this.report.add({ file, reason: `files are not sorted and unique at ${f.path}` });
      previous = f.path;
      if (f.path === bundlePaths.manifest) this.report.add({ file, reason: "the manifest lists itself" });
      heads.expected.set(f.path, { sha256: f.sha256, size: f.size });
    }
  }

  private matchManifest(options: { path: string; heads: PackHeads; prefix: string; sha256: string; size: number }): void {
    if (!options.heads.manifest) return;
    const expected = options.heads.expected.get(options.path);
    if (!expected) return; // reported as an added file
    if (expected.sha256 !== options.sha256 || expected.size !== options.size) {
      this.report.add({ file: options.prefix + options.path, reason: `its SHA-256 ${options.sha256.slice(0, 16)}… (${options.size} bytes) is not the ${expected.sha256.slice(0, 16)}… (${expected.size} bytes) of the signed manifest: the file was changed` });
    }
  }

  /** A whole small file, or null (reported) when it is missing or damaged. */
  private async small(options: { source: ZipSource; entries: Map<string, ZipEntry>; path: string; prefix: string; maxBytes?: number }): Promise<Uint8Array | null> {
    const entry = options.entries.get(options.path);
    if (!entry) {
      if (options.prefix || options.path === bundlePaths.manifest) this.report.add({ file: options.prefix + options.path, reason: "missing from the pack" });
      return null;
    }
    try {
      return await readEntryBytes(options.source, entry, { maxBytes: options.maxBytes ?? maxSmallFile });
    } catch (error) {
      this.report.add({ file: options.prefix + options.path, reason: `cannot be read: ${errorText(error)}` });
      return null;
    }
  }

  private async hashOnly(options: { entry: ZipEntry; heads: PackHeads; prefix: string; keep?: boolean }): Promise<Uint8Array | null> {
    const { entry } = options;
    const hash = this.crypto.sha256Stream();
    const kept: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of readEntry(this.source, entry)) {
        hash.update(chunk);
        size += chunk.length;
        if (options.keep) kept.push(chunk);
      }
    } catch (error) {
      this.report.add({ file: options.prefix + entry.path, reason: `cannot be read: ${errorText(error)}` });
      return null;
    }
    this.matchManifest({ path: entry.path, heads: options.heads, prefix: options.prefix, sha256: hash.digestHex(), size });
    if (!options.keep) return null;
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const k of kept) {
      bytes.set(k, offset);
      offset += k.length;
    }
    return bytes;
  }

  // --- Consistency with the previous pack ----------------------------------------------

  private async consistency(options: { entries: Map<string, ZipEntry>; heads: PackHeads }): Promise<void> {
    const { entries, heads } = options;
    const proven = new Map<string, { oldSize: number; oldRoot: string }>();
    for (const [path, entry] of entries) {
      const match = /^consistency\/(.+)\.json$/.exec(path);
      if (!match) continue;
      const logId = match[1]!;
      const bytes = await this.small({ source: this.source, entries, path, prefix: "", maxBytes: 1024 * 1024 });
      if (!bytes) continue;
      this.matchManifest({ path, heads, prefix: "", sha256: toHex(sha256(bytes)), size: entry.size });
      const parsed = consistencyFileSchema.safeParse(parseJson(bytes));
      if (!parsed.success) {
        this.report.add({ file: path, logId, reason: `not a valid consistency proof: ${describeZodError(parsed.error)}` });
        continue;
      }
      const c = parsed.data;
      const checkpoint = heads.checkpoints.get(logId);
      if (c.logId !== logId || c.newCheckpoint !== checkpointPath(logId)) {
        this.report.add({ file: path, logId, reason: `names log ${c.logId} and checkpoint ${c.newCheckpoint}, not this file's log` });
        continue;
      }
      if (!checkpoint) {
        this.report.add({ file: path, logId, reason: "this pack has no valid checkpoint of the log to prove consistency with" });
        continue;
      }
      if (c.newSize !== checkpoint.size || c.newRoot !== checkpoint.root) {
        this.report.add({ file: path, logId, reason: `leads to a tree of size ${c.newSize}, not to the checkpoint in ${checkpointPath(logId)} (size ${checkpoint.size})` });
        continue;
      }
      const hash = (hex: string) => this.crypto.fromHex(hex);
      if (!verifyConsistency({ oldSize: c.oldSize, newSize: c.newSize, oldRoot: hash(c.oldRoot), newRoot: hash(c.newRoot), proof: c.hashes.map(hash), nodeHash: this.crypto.nodeHash })) {
        this.report.add({ file: path, logId, reason: `the proof does not show that the tree of size ${c.newSize} extends the tree of size ${c.oldSize}: history before the old checkpoint was rewritten` });
        continue;
      }
      if (c.oldCheckpoint !== null) {
        const log = heads.logs.get(logId);
        const old = await verifyCheckpointNote({ text: c.oldCheckpoint, keys: [...(log?.keys.values() ?? [])].map((k) => ({ name: log!.origin, publicKey: k.raw })), origin: log?.origin });
        if (!old.ok) this.report.add({ file: path, logId, reason: `old checkpoint: ${old.reason}` });
        else if (old.checkpoint.size !== c.oldSize || old.checkpoint.root !== c.oldRoot) this.report.add({ file: path, logId, reason: "the old checkpoint note is not the tree the proof starts from" });
      }
      proven.set(logId, { oldSize: c.oldSize, oldRoot: c.oldRoot });
    }

    if (!this.options.previous) return;
    const previousEntries = await this.entries(this.options.previous, "previous:");
    if (!previousEntries) {
      this.report.previous = { packId: null, checked: false };
      return;
    }
    const previous = await this.heads({ source: this.options.previous, entries: previousEntries, prefix: "previous:" });
    this.report.previous = { packId: previous.manifest?.pack.id ?? null, checked: previous.manifest !== null };
    if (!previous.manifest) return;
    // A log keeps its keys, retired ones included: one the previous pack knew and this one lacks was swapped out.
    for (const [logId, log] of previous.logs) {
      const current = heads.logs.get(logId);
      for (const [keyId, key] of log.keys) {
        if (current && current.keys.get(keyId)?.spki !== key.spki) this.report.add({ file: bundlePaths.keys, logId, reason: `lacks key ${keyId.slice(0, 16)}… that the previous pack lists for the log: the keys were swapped` });
      }
    }
    for (const [logId, old] of previous.checkpoints) {
      const path = consistencyPath(logId);
      const current = heads.checkpoints.get(logId);
      const log = this.report.log(logId);
      log.extendsPrevious = false;
      const proof = proven.get(logId);
      if (!current) {
        this.report.add({ file: checkpointPath(logId), logId, reason: `the previous pack has a checkpoint of this log (size ${old.size}); this pack has none to extend it` });
      } else if (old.size === current.size && old.root === current.root) {
        log.extendsPrevious = true;
      } else if (!proof) {
        this.report.add({ file: path, logId, reason: `missing: nothing shows this pack's checkpoint (size ${current.size}) extends the previous pack's (size ${old.size})` });
      } else if (proof.oldSize !== old.size || proof.oldRoot !== old.root) {
        this.report.add({
          file: path,
          logId,
          reason: `starts from a tree of size ${proof.oldSize} (root ${proof.oldRoot.slice(0, 16)}…), not from the previous pack's checkpoint (size ${old.size}, root ${old.root.slice(0, 16)}…): the log was rewritten or truncated since the previous pack`,
        });
      } else {
        log.extendsPrevious = true;
      }
    }
  }

  // --- Records and their proofs --------------------------------------------------------

  private async records(options: { entries: Map<string, ZipEntry>; heads: PackHeads }): Promise<void> {
    const { entries, heads } = options;
    const recordsEntry = entries.get(bundlePaths.records);
    const proofsEntry = entries.get(bundlePaths.proofs);
    if (!recordsEntry || !proofsEntry) return;
    const records = new LineReader(this.source, recordsEntry, this.crypto);
    const proofs = new LineReader(this.source, proofsEntry, this.crypto);
    const missingCheckpoint = new Set<string>();
    const checkers = new Map<string, InclusionChecker>();
    const checkerOf = (logId: string, checkpoint: Checkpoint) => {
      let checker = checkers.get(logId);
      if (!checker) {
        checker = new InclusionChecker({ size: checkpoint.size, root: this.crypto.fromHex(checkpoint.root), nodeHash: this.crypto.nodeHash, fromHex: this.crypto.fromHex });
        checkers.set(logId, checker);
      }
      return checker;
    };
    const unknownLog = new Set<string>();
    let previous: { logId: string; seq: number; leaf: string } | null = null;
    let batch: (SignatureCheck & { logId: string; seq: number; line: number })[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      const checks = batch;
      batch = [];
      const done = this.crypto.verifySignatures(checks).then((results) =>
        results.forEach((ok, i) => {
          const c = checks[i]!;
          if (!ok) this.report.add({ file: bundlePaths.records, logId: c.logId, index: c.seq, line: c.line, reason: "the Ed25519 signature does not verify: the record was edited or forged" });
        }),
      );
      // Keeps one batch on the workers while the next is read and checked.
      await inFlight;
      inFlight = done;
    };

    for (let line = 1; ; line++) {
      let recordText: string | null;
      let proofText: string | null;
      try {
        [recordText, proofText] = await Promise.all([records.next(), proofs.next()]);
      } catch (error) {
        const file = error instanceof LineError ? error.file : bundlePaths.records;
        this.report.add({ file, line, reason: `cannot be read past this line: ${errorText(error)}` });
        break;
      }
      if (recordText === null && proofText === null) break;
      if (recordText === null || proofText === null) {
        this.report.add({ file: recordText === null ? bundlePaths.proofs : bundlePaths.records, line, reason: recordText === null ? "has more lines than records.jsonl: a record was removed" : "has more lines than proofs.jsonl: a proof was removed" });
        break;
      }
      if (line % 1000 === 0) this.options.onProgress?.({ phase: "records", records: line, bytes: records.bytes, totalBytes: recordsEntry.size });

      const record = parseRecord(recordText);
      if (typeof record === "string") {
        this.report.add({ file: bundlePaths.records, line, reason: record });
        previous = null;
        continue;
      }
      const at = { logId: record.logId, index: record.seq, line };
      const problem = (file: string, reason: string) => this.report.add({ file, ...at, reason });
      this.report.records++;
      this.report.log(record.logId).records++;

      // Order: by log id, then sequence number; a repeat or a step back is a reordered or duplicated record.
      if (previous && (record.logId < previous.logId || (record.logId === previous.logId && record.seq <= previous.seq))) {
        problem(bundlePaths.records, record.logId === previous.logId && record.seq === previous.seq ? "appears twice" : `out of order: comes after ${previous.logId} #${previous.seq}`);
      }
      const leafHash = this.crypto.leafHash(record.envelope);
      const leaf = this.crypto.toHex(leafHash);
      if (leaf !== record.leafHash) problem(bundlePaths.records, "its leaf hash is not SHA-256(0x00 ‖ envelope): the envelope or the hash was changed");
      const envelopeProblem = checkEnvelope(record);
      if (envelopeProblem) problem(bundlePaths.records, envelopeProblem);
      else if (previous && previous.logId === record.logId && previous.seq === record.seq - 1 && record.prev !== previous.leaf) {
        problem(bundlePaths.records, `its signed prev hash is not the leaf hash of record ${record.seq - 1} in the pack: the chain between them is broken`);
      } else if (record.seq === 0 && record.prev !== genesisPrev) {
        problem(bundlePaths.records, "the first record of a log must point to the genesis hash");
      }
      previous = { logId: record.logId, seq: record.seq, leaf };

      const log = heads.logs.get(record.logId);
      const key = log?.keys.get(record.keyId);
      if (!log) {
        if (!unknownLog.has(record.logId)) problem(bundlePaths.keys, `lists no key of log ${record.logId}: its records cannot be checked`);
        unknownLog.add(record.logId);
      } else if (!key) {
        problem(bundlePaths.records, `signed with key ${record.keyId.slice(0, 16)}…, which keys.json does not list (as trusted) for the log`);
      } else {
        batch.push({ text: record.envelope, signature: record.signature, spki: key.spki, logId: record.logId, seq: record.seq, line });
        if (batch.length >= signatureBatch) await flush();
      }

      const proof = parseProof(proofText);
      if (typeof proof === "string") {
        problem(bundlePaths.proofs, proof);
        continue;
      }
      if (proof.logId !== record.logId || proof.logIndex !== record.seq) {
        problem(bundlePaths.proofs, `line ${line} is the proof of ${proof.logId} #${proof.logIndex}, not of this record: a record or proof was removed, added or moved`);
        continue;
      }
      const checkpoint = heads.checkpoints.get(record.logId);
      if (proof.checkpoint !== checkpointPath(record.logId)) {
        problem(bundlePaths.proofs, `refers to ${proof.checkpoint}, not to ${checkpointPath(record.logId)}`);
      } else if (!checkpoint) {
        if (!missingCheckpoint.has(record.logId)) problem(checkpointPath(record.logId), "no valid checkpoint of the log: its records' proofs cannot be checked");
        missingCheckpoint.add(record.logId);
      } else if (proof.treeSize !== checkpoint.size || proof.rootHash !== checkpoint.root) {
        problem(bundlePaths.proofs, `is a proof to a tree of size ${proof.treeSize}, but the checkpoint is of size ${checkpoint.size} with another root: the checkpoint was replaced`);
      } else if (!checkerOf(record.logId, checkpoint).verify({ leafHash, index: record.seq, proof: proof.hashes })) {
        problem(bundlePaths.proofs, `the inclusion proof does not lead from the record to the root of the checkpoint (size ${checkpoint.size}): the record, its proof or the checkpoint was changed`);
      }
    }
    await flush();
    await inFlight;
    for (const reader of [records, proofs]) {
      // One file may have stopped early (more lines than the other): hash the rest of it too.
      await reader.drain().catch(() => undefined);
      const digest = reader.finish();
      if (digest) this.matchManifest({ path: reader.entry.path, heads, prefix: "", ...digest });
    }
  }

  private async pdf(options: { entries: Map<string, ZipEntry>; heads: PackHeads }): Promise<void> {
    const entry = options.entries.get(bundlePaths.pdf);
    if (!entry) return;
    const verifyPdf = this.options.verifyPdf;
    const bytes = await this.hashOnly({ entry, heads: options.heads, prefix: "", keep: verifyPdf !== undefined });
    if (!verifyPdf || !bytes) return;
    const certificate = options.heads.keysFile?.pdfCertificate ?? null;
    try {
      const result = await verifyPdf({ pdf: bytes, certificatePem: certificate?.pem ?? null, certificateFingerprint: certificate?.fingerprint ?? null });
      this.report.pdf = { status: result.ok ? "valid" : "invalid", detail: result.detail };
      if (!result.ok) this.report.add({ file: bundlePaths.pdf, reason: `PDF signature: ${result.detail}` });
    } catch (error) {
      this.report.pdf = { status: "invalid", detail: errorText(error) };
      this.report.add({ file: bundlePaths.pdf, reason: `PDF signature check failed: ${errorText(error)}` });
    }
  }
}

// --- Lines of a JSONL entry, hashed as they are read ------------------------------------

class LineError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

class LineReader {
  bytes = 0;
  private readonly chunks: AsyncGenerator<Uint8Array>;
  private readonly hash;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private lines: string[] = [];
  private next_ = 0;
  private rest = "";
  private ended = false;
  private failed = false;

  constructor(
    source: ZipSource,
    readonly entry: ZipEntry,
    crypto: BundleCrypto,
  ) {
    this.chunks = readEntry(source, entry);
    this.hash = crypto.sha256Stream();
  }

  async next(): Promise<string | null> {
    while (this.next_ >= this.lines.length) {
      if (this.ended) return null;
      await this.fill();
    }
    return this.lines[this.next_++]!;
  }

  /** Reads the rest of the entry, for its hash. */
  async drain(): Promise<void> {
    while (!this.ended && !this.failed) await this.fill();
  }

  /** SHA-256 and size of everything read, once the entry was read to its end. */
  finish(): { sha256: string; size: number } | null {
    return this.ended && !this.failed ? { sha256: this.hash.digestHex(), size: this.bytes } : null;
  }

  private async fill(): Promise<void> {
    this.lines = [];
    this.next_ = 0;
    let result: IteratorResult<Uint8Array>;
    let text: string;
    try {
      result = await this.chunks.next();
      if (!result.done) {
        this.hash.update(result.value);
        this.bytes += result.value.length;
      }
      text = this.rest + this.decoder.decode(result.done ? undefined : result.value, { stream: !result.done });
    } catch (error) {
      this.failed = true;
      throw new LineError(this.entry.path, error instanceof TypeError ? "not UTF-8 text" : errorText(error));
    }
    const parts = text.split("\n");
    this.rest = parts.pop()!;
    if (this.rest.length > maxLine) {
      this.failed = true;
      throw new LineError(this.entry.path, `a line is longer than ${maxLine} characters`);
    }
    this.lines = parts;
    if (result.done) {
      this.ended = true;
      // A file must end in a newline; a last line without one is still checked.
      if (this.rest.length > 0) this.lines.push(this.rest);
      this.rest = "";
    }
  }
}

// --- Record and proof lines --------------------------------------------------------

interface ParsedRecord {
  logId: string;
  seq: number;
  id: string;
  kind: string;
  at: string;
  keyId: string;
  leafHash: string;
  signature: string;
  envelope: string;
  /** Parsed from the envelope. */
  signed: Record<string, unknown> | null;
  prev: string | null;
}

function parseRecord(text: string): ParsedRecord | string {
  const value = parseJsonText(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON record";
  const r = value as Record<string, unknown>;
  for (const field of ["logId", "id", "kind", "at", "keyId", "leafHash", "signature", "envelope"]) {
    if (typeof r[field] !== "string") return `the record has no ${field}`;
  }
  if (!isCount(r.seq)) return "the record has no sequence number";
  if (!isSha256Hex(r.leafHash) || !isSha256Hex(r.keyId)) return "the record's leafHash or keyId is not a hex SHA-256";
  const signed = parseJsonText(r.envelope as string);
  const envelope = typeof signed === "object" && signed !== null && !Array.isArray(signed) ? (signed as Record<string, unknown>) : null;
  return {
    logId: r.logId as string,
    seq: r.seq as number,
    id: r.id as string,
    kind: r.kind as string,
    at: r.at as string,
    keyId: r.keyId as string,
    leafHash: r.leafHash as string,
    signature: r.signature as string,
    envelope: r.envelope as string,
    signed: envelope,
    prev: typeof envelope?.prev === "string" ? envelope.prev : null,
  };
}

/** The record's own fields must be those its signature covers: nothing outside the envelope is believed. */
function checkEnvelope(record: ParsedRecord): string | null {
  const e = record.signed;
  if (!e) return "its envelope is not a JSON object";
  const differs = (
    [
      ["log", record.logId],
      ["seq", record.seq],
      ["id", record.id],
      ["kind", record.kind],
      ["at", record.at],
      ["key", record.keyId],
    ] as const
  )
    .filter(([field, value]) => e[field] !== value)
    .map(([field]) => field);
  if (differs.length > 0) return `its ${differs.join(", ")} ${differs.length === 1 ? "differs" : "differ"} from the signed envelope`;
  if (e.v !== 1 || !isSha256Hex(e.prev) || typeof e.body !== "object" || e.body === null) return "its envelope is not a version 1 ledger envelope";
  return null;
}

interface ParsedProof {
  logId: string;
  logIndex: number;
  treeSize: number;
  rootHash: string;
  hashes: string[];
  checkpoint: string;
}

function parseProof(text: string): ParsedProof | string {
  const value = parseJsonText(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON inclusion proof";
  const p = value as Record<string, unknown>;
  if (typeof p.logId !== "string" || typeof p.checkpoint !== "string" || !isCount(p.logIndex) || !isCount(p.treeSize)) return "the inclusion proof lacks logId, logIndex, treeSize or checkpoint";
  // Each hash the proof check uses is decoded and length-checked there; here only the shape.
  if (!isSha256Hex(p.rootHash) || !Array.isArray(p.hashes) || p.hashes.length > 64 || !p.hashes.every((h) => typeof h === "string" && h.length === 64)) {
    return "the inclusion proof's rootHash or hashes are not hex SHA-256 hashes";
  }
  return p as unknown as ParsedProof;
}

// --- Helpers ---------------------------------------------------------------------------

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseJson(bytes: Uint8Array): unknown {
  const text = decodeUtf8(bytes);
  return text === null ? undefined : parseJsonText(text);
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function sameSpki(a: string, b: string): boolean {
  if (a === b) return true;
  const x = fromBase64(a);
  const y = fromBase64(b);
  return x !== null && y !== null && toHex(x) === toHex(y);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeZodError(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join(".")}: ${i.message}` : i.message))
    .join("; ");
}

function errorText(error: unknown): string {
  if (error instanceof ZipEntryError || error instanceof LineError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
