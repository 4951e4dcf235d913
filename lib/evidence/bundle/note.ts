// Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), so
// the tree heads in a pack read like any transparency log's and tools built for those
// (Go's golang.org/x/mod/sumdb/note, sigsum, the transparency-dev witnesses) can check
// them. This file formats, parses and verifies; signing needs the private key and lives
// in sign.ts (Node only). Runs in Node and the browser.
//
//   conduit-ledger.local/log/app-3f2a9c…      origin: <prefix>/<logId>
//   1042                                      tree size
//   q0b0c5Ly3G…=                              root hash, base64
//                                             blank line
//   — conduit-ledger.local/log/app-3f2a9c… AbCdEf…   key name, base64(key hash ‖ Ed25519 signature)
//
// The key name is the origin (the spec's SHOULD) and the key hash the spec's
// recommended SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4].
import { concatBytes, ed25519Verify, fromBase64, fromHex, sha256, toBase64, toHex, utf8 } from "@/lib/evidence/bundle/encoding";

/** Prefix of every log's origin: "<prefix>/<logId>". Schema-less and not reachable, as the spec recommends. */
export const defaultOriginPrefix = "conduit-ledger.local/log";

/** Signature type byte of Ed25519 in signed notes. */
const ed25519Type = 0x01;

// Go's note package refuses more; the spec asks verifiers to take at least 16.
const maxSignatures = 100;

export interface Checkpoint {
  origin: string;
  size: number;
  /** Lowercase hex, as elsewhere in the ledger; the note itself carries base64. */
  root: string;
  extensions: string[];
}

export interface NoteKey {
  /** Key name as in the signature line. */
  name: string;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

export interface NoteSignature {
  name: string;
  /** The 4-byte key hash, 8 hex digits. */
  keyHash: string;
  signature: Uint8Array;
}

export type CheckpointVerification =
  | { ok: true; checkpoint: Checkpoint; verifiedBy: string[] }
  | { ok: false; reason: string; checkpoint?: Checkpoint };

export function checkpointOrigin(options: { logId: string; prefix?: string }): string {
  return `${options.prefix ?? defaultOriginPrefix}/${options.logId}`;
}

/** Key names (and origins) must be non-empty, without spaces or "+". */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0000-\u001f\u007f]/u.test(name);
}

export function noteKeyHash(options: { name: string; publicKey: Uint8Array }): Uint8Array {
  return sha256(utf8.encode(options.name), Uint8Array.of(0x0a, ed25519Type), options.publicKey).slice(0, 4);
}

/** A verifier key as Go's note package writes it: "<name>+<hash hex>+<base64(0x01 ‖ key)>". */
export function noteVerifierKey(options: { name: string; publicKey: Uint8Array }): string {
  return `${options.name}+${toHex(noteKeyHash(options))}+${toBase64(concatBytes(Uint8Array.of(ed25519Type), options.publicKey))}`;
}

/** The note text of a checkpoint: origin, size, base64 root, extension lines, each ending in a newline. */
export function formatCheckpointText(options: { origin: string; size: number; root: string | Uint8Array; extensions?: readonly string[] }): string {
  if (!isValidKeyName(options.origin)) throw new Error(`checkpoint origin "${options.origin}" must be non-empty, without spaces or "+"`);
  if (!Number.isSafeInteger(options.size) || options.size < 0) throw new Error("checkpoint size must be a non-negative safe integer");
  const root = typeof options.root === "string" ? fromHex(options.root, 32) : options.root;
  if (!root || root.length !== 32) throw new Error("checkpoint root must be a 32-byte hash");
  for (const line of options.extensions ?? []) {
    if (line.length === 0 || hasControlCharacter(line) || line.includes("\n")) throw new Error("checkpoint extension lines must be non-empty single lines");
  }
  return [options.origin, String(options.size), toBase64(root), ...(options.extensions ?? [])].map((line) => `${line}\n`).join("");
}

/** Splits a signed note into its text and signature lines; null when it is not well formed. */
export function parseSignedNote(note: string): { text: string; signatures: NoteSignature[] } | null {
  if (hasControlCharacter(note.replace(/\n/g, "")) || !note.endsWith("\n")) return null;
  // The text is separated from the signatures by the last blank line.
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return null;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length === 0 || lines.length > maxSignatures) return null;
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match || !isValidKeyName(match[1]!)) return null;
    const bytes = fromBase64(match[2]);
    // Standard, padded base64 only, as Go's note package reads it.
    if (!bytes || bytes.length < 5 || toBase64(bytes) !== match[2]) return null;
    signatures.push({ name: match[1]!, keyHash: toHex(bytes.subarray(0, 4)), signature: bytes.slice(4) });
  }
  return { text, signatures };
}

/** Reads a checkpoint's note text (origin, size, root, extensions); null when malformed. */
export function parseCheckpointText(text: string): Checkpoint | null {
  if (!text.endsWith("\n")) return null;
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3 || lines.some((line) => line.length === 0)) return null;
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isValidKeyName(origin) || !/^(0|[1-9][0-9]*)$/.test(sizeLine)) return null;
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) return null;
  const root = fromBase64(rootLine);
  // Only the canonical standard encoding: one root, one spelling.
  if (!root || root.length !== 32 || toBase64(root) !== rootLine) return null;
  return { origin, size, root: toHex(root), extensions };
}

/**
 * Verifies a checkpoint note as the spec says: signatures by unknown keys (other name or
 * key hash) are ignored, one by a known key that fails rejects the note, and at least
 * one known key must have signed. Never throws.
 */
export async function verifyCheckpointNote(options: { text: string; keys: readonly NoteKey[]; origin?: string }): Promise<CheckpointVerification> {
  const note = parseSignedNote(options.text);
  if (!note) return { ok: false, reason: "not a well-formed signed note" };
  const checkpoint = parseCheckpointText(note.text);
  if (!checkpoint) return { ok: false, reason: "the note text is not a checkpoint (origin, tree size, base64 root hash)" };
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    return { ok: false, checkpoint, reason: `origin "${checkpoint.origin}" is not the expected "${options.origin}"` };
  }
  const message = utf8.encode(note.text);
  const verifiedBy: string[] = [];
  for (const signature of note.signatures) {
    const candidates = options.keys.filter((k) => k.name === signature.name && toHex(noteKeyHash(k)) === signature.keyHash);
    if (candidates.length === 0) continue;
    let ok = false;
    for (const key of candidates) ok ||= await ed25519Verify({ publicKey: key.publicKey, signature: signature.signature, message });
    if (!ok) return { ok: false, checkpoint, reason: `the signature by ${signature.name} (key ${signature.keyHash}) does not verify: the checkpoint was altered or forged` };
    verifiedBy.push(signature.name);
  }
  if (verifiedBy.length === 0) return { ok: false, checkpoint, reason: "no signature by a known key of the log" };
  return { ok: true, checkpoint, verifiedBy };
}

function hasControlCharacter(text: string): boolean {
  return /[\u0000-\u001f]/.test(text);
}
