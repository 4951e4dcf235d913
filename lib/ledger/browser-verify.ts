// Checks a record in the browser with WebCrypto, so a reader does not have to take the
// server's word: the Ed25519 signature of the record and of the checkpoint against the
// published keys, the leaf hash, and the RFC 9162 inclusion proof from the leaf to the
// checkpoint's root. The record's own signature needs no checkpoint, so it is checked
// as soon as the record exists; the proof follows once a checkpoint covers it. Runs
// anywhere WebCrypto has Ed25519 (current browsers, Node 20), so receipt:verify
// (lib/ledger/receipt.ts) uses the same checks offline.
import canonicalize from "canonicalize";
import { checkpointNoteText } from "@/lib/ledger/checkpoint-note";

export interface ProofBundle {
  record: { id: string; logId: string; seq: number; envelope: string; leafHash: string; signature: string; keyId: string };
  checkpoint: { v: number; kind: "checkpoint"; log: string; size: number; root: string; at: string; key: string; signature: string };
  proof: string[];
}

export interface PublishedKeySet {
  logs: { logId: string; keys: { keyId: string; spki: string }[] }[];
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const encoder = new TextEncoder();

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    joined.set(p, offset);
    offset += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
}

const leafPrefix = new Uint8Array([0]);
const nodePrefix = new Uint8Array([1]);

/** RFC 9162 §2.1.3.2: verifying an inclusion proof. */
export async function verifyInclusionProof(options: { leaf: Uint8Array; index: number; size: number; proof: Uint8Array[]; root: Uint8Array }): Promise<boolean> {
  if (!Number.isSafeInteger(options.index) || !Number.isSafeInteger(options.size) || options.index < 0 || options.index >= options.size) return false;
  let fn = options.index;
  let sn = options.size - 1;
  let r = options.leaf;
  for (const p of options.proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(nodePrefix, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(nodePrefix, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === toHex(options.root);
}

async function ed25519Verify(options: { spki: string; signature: string; message: Uint8Array }): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("spki", fromBase64(options.spki) as BufferSource, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64(options.signature) as BufferSource, options.message as BufferSource);
  } catch {
    return false;
  }
}

/**
 * SHA-256 of a key's DER SubjectPublicKeyInfo (its key id), in groups of four hex digits
 * so two people can read it to each other and compare it with one obtained out of band.
 */
export function formatFingerprint(keyId: string): string {
  return keyId.match(/.{1,4}/g)?.join(" ") ?? "";
}

/** The key id of a published key, recomputed from its SPKI rather than taken on trust. */
export async function keyIdOfSpki(spki: string): Promise<string> {
  return toHex(await sha256(fromBase64(spki)));
}

type RecordToCheck = ProofBundle["record"];
type CheckpointToCheck = ProofBundle["checkpoint"];

// Where the keys came from, as the checks' details name it.
const defaultKeySource = "the published key list";

function logKeyLookup(keys: PublishedKeySet, logId: string) {
  const logKeys = keys.logs.find((l) => l.logId === logId)?.keys ?? [];
  return (keyId: string) => logKeys.find((k) => k.keyId === keyId)?.spki;
}

const short = (hash: string) => `${hash.slice(0, 16)}…`;

/**
 * The record on its own: its Ed25519 signature and its leaf hash. This needs no
 * checkpoint, so a record can be checked the moment it is written.
 */
export async function verifyRecordSignatureInBrowser(options: { record: RecordToCheck; keys: PublishedKeySet; keySource?: string }): Promise<Check[]> {
  const { record } = options;
  const source = options.keySource ?? defaultKeySource;
  const recordKey = logKeyLookup(options.keys, record.logId)(record.keyId);
  const envelopeBytes = encoder.encode(record.envelope);
  const signed = recordKey ? await ed25519Verify({ spki: recordKey, signature: record.signature, message: envelopeBytes }) : false;
  const leaf = toHex(await sha256(leafPrefix, envelopeBytes));
  return [
    {
      name: "Record signature",
      ok: signed,
      detail: !recordKey
        ? `the signing key ${short(record.keyId)} is not in ${source}`
        : signed
          ? `Ed25519, key ${short(record.keyId)} from ${source}`
          : `the Ed25519 signature does not verify with key ${short(record.keyId)} from ${source}: the record or its signature was changed`,
    },
    {
      name: "Leaf hash",
      ok: leaf === record.leafHash,
      detail: `SHA-256(0x00 ‖ record) = ${short(leaf)}${leaf === record.leafHash ? "" : `, but the record names ${short(record.leafHash)}`}`,
    },
  ];
}

/**
 * The record's place in its log: the inclusion proof from its leaf to the root of a
 * signed checkpoint, and that checkpoint's signature.
 */
export async function verifyInclusionInBrowser(options: {
  record: RecordToCheck;
  checkpoint: CheckpointToCheck;
  proof: string[];
  keys: PublishedKeySet;
  keySource?: string;
}): Promise<Check[]> {
  const { record, checkpoint, proof } = options;
  const source = options.keySource ?? defaultKeySource;
  const leaf = await sha256(leafPrefix, encoder.encode(record.envelope));
  const included = await verifyInclusionProof({ leaf, index: record.seq, size: checkpoint.size, proof: proof.map(fromHex), root: fromHex(checkpoint.root) });

  // A checkpoint of another log proves nothing about this record, however well signed.
  const checkpointKey = logKeyLookup(options.keys, record.logId)(checkpoint.key);
  const { signature, ...body } = checkpoint;
  const sameLog = checkpoint.log === record.logId;
  // Signed as a checkpoint note; checkpoints from before notes, over their canonical JSON.
  const signedOver = (text: string) => ed25519Verify({ spki: checkpointKey!, signature, message: encoder.encode(text) });
  const signed = sameLog && checkpointKey ? (await signedOver(checkpointNoteText(body))) || (await signedOver(canonicalize(body) ?? "")) : false;
  return [
    {
      name: "Inclusion proof",
      ok: included,
      detail: `${proof.length} hashes ${included ? "lead" : "do not lead"} from record ${record.seq} to the root of a tree of ${checkpoint.size}`,
    },
    {
      name: "Checkpoint signature",
      ok: signed,
      detail: !sameLog
        ? `the checkpoint is of log ${checkpoint.log}, not of the record's log ${record.logId}`
        : !checkpointKey
          ? `the checkpoint's key ${short(checkpoint.key)} is not in ${source}`
          : signed
            ? `signed tree head of size ${checkpoint.size} at ${checkpoint.at}`
            : `the Ed25519 signature of the tree head of size ${checkpoint.size} does not verify with key ${short(checkpoint.key)}: the checkpoint was changed`,
    },
  ];
}

export async function verifyRecordInBrowser(options: { bundle: ProofBundle; keys: PublishedKeySet }): Promise<Check[]> {
  const { record, checkpoint, proof } = options.bundle;
  return [...(await verifyRecordSignatureInBrowser({ record, keys: options.keys })), ...(await verifyInclusionInBrowser({ record, checkpoint, proof, keys: options.keys }))];
}
