// Checks a record in the browser with WebCrypto, so a reader does not have to take the
// server's word: the Ed25519 signature of the record and of the checkpoint against the
// published keys, the leaf hash, and the RFC 9162 inclusion proof from the leaf to the
// checkpoint's root. Runs anywhere WebCrypto has Ed25519 (current browsers, Node 20).
import canonicalize from "canonicalize";

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

export async function verifyRecordInBrowser(options: { bundle: ProofBundle; keys: PublishedKeySet }): Promise<Check[]> {
  const { record, checkpoint, proof } = options.bundle;
  const logKeys = options.keys.logs.find((l) => l.logId === record.logId)?.keys ?? [];
  const spkiOf = (keyId: string) => logKeys.find((k) => k.keyId === keyId)?.spki;
  const checks: Check[] = [];

  const recordKey = spkiOf(record.keyId);
  const envelopeBytes = encoder.encode(record.envelope);
  checks.push({
    name: "Record signature",
    ok: recordKey ? await ed25519Verify({ spki: recordKey, signature: record.signature, message: envelopeBytes }) : false,
    detail: recordKey ? `Ed25519, key ${record.keyId.slice(0, 16)}… from the published key list` : "the signing key is not in the published key list",
  });

  const leaf = await sha256(leafPrefix, envelopeBytes);
  checks.push({ name: "Leaf hash", ok: toHex(leaf) === record.leafHash, detail: `SHA-256(0x00 ‖ record) = ${toHex(leaf).slice(0, 16)}…` });

  const inclusion = await verifyInclusionProof({
    leaf,
    index: record.seq,
    size: checkpoint.size,
    proof: proof.map(fromHex),
    root: fromHex(checkpoint.root),
  });
  checks.push({ name: "Inclusion proof", ok: inclusion, detail: `${proof.length} hashes from record ${record.seq} to the root of a tree of ${checkpoint.size}` });

  const checkpointKey = spkiOf(checkpoint.key);
  const { signature, ...body } = checkpoint;
  const bodyText = canonicalize(body) ?? "";
  checks.push({
    name: "Checkpoint signature",
    ok: checkpoint.log === record.logId && checkpointKey ? await ed25519Verify({ spki: checkpointKey, signature, message: encoder.encode(bodyText) }) : false,
    detail: `signed tree head of size ${checkpoint.size} at ${checkpoint.at}`,
  });
  return checks;
}
