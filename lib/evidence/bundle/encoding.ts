// Byte helpers for code that runs in Node and in the browser alike (no Buffer, no
// node:crypto): hex, both base64 alphabets, UTF-8 and SHA-256 by @noble/hashes, which
// hashes synchronously and incrementally where WebCrypto can do neither.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

export const utf8 = new TextEncoder();

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += hexDigits[b]!;
  return out;
}
const hexDigits = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

const hexValues = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) hexValues["0123456789abcdef".charCodeAt(i)] = i;

/** Lowercase hex (of `length` bytes, when given), or null. */
export function fromHex(text: unknown, length?: number): Uint8Array | null {
  if (typeof text !== "string" || text.length % 2 !== 0) return null;
  if (length !== undefined && text.length !== length * 2) return null;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const high = hexValues[text.charCodeAt(i * 2)] ?? -1;
    const low = hexValues[text.charCodeAt(i * 2 + 1)] ?? -1;
    if (high < 0 || low < 0) return null;
    bytes[i] = high * 16 + low;
  }
  return bytes;
}

export function isSha256Hex(text: unknown): text is string {
  return typeof text === "string" && /^[0-9a-f]{64}$/.test(text);
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Standard or URL-safe base64 (DSSE verifiers must take either), padded or not; null
 * when malformed. Strict: no whitespace, no stray characters.
 */
export function fromBase64(text: unknown): Uint8Array | null {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null;
  const standard = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (standard.length % 4 === 1) return null;
  try {
    const binary = atob(standard + "=".repeat((4 - (standard.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = nobleSha256.create();
  for (const p of parts) hash.update(p);
  return hash.digest();
}

export interface Sha256Stream {
  update(data: Uint8Array): void;
  /** Lowercase hex. */
  digestHex(): string;
}

export function sha256Stream(): Sha256Stream {
  const hash = nobleSha256.create();
  return { update: (data) => void hash.update(data), digestHex: () => toHex(hash.digest()) };
}

// --- Ed25519 keys -----------------------------------------------------------------

// DER SubjectPublicKeyInfo of an Ed25519 key: this fixed 12-byte prefix, then the raw
// 32-byte key (RFC 8410 §4).
const ed25519SpkiPrefix = fromHex("302a300506032b6570032100")!;

/** The raw 32-byte public key inside an Ed25519 SPKI, or null when it is not one. */
export function rawEd25519FromSpki(spki: Uint8Array): Uint8Array | null {
  if (spki.length !== 44 || !sameBytes(spki.subarray(0, 12), ed25519SpkiPrefix)) return null;
  return spki.slice(12);
}

export function spkiFromRawEd25519(raw: Uint8Array): Uint8Array {
  return concatBytes(ed25519SpkiPrefix, raw);
}

const importedKeys = new Map<string, Promise<CryptoKey | null>>();

/** WebCrypto Ed25519 verification (Node 20 and current browsers); false, never a throw, on bad input. */
export async function ed25519Verify(options: { publicKey: Uint8Array; signature: Uint8Array; message: Uint8Array }): Promise<boolean> {
  if (options.publicKey.length !== 32 || options.signature.length !== 64) return false;
  const id = toHex(options.publicKey);
  let key = importedKeys.get(id);
  if (!key) {
    key = crypto.subtle.importKey("raw", options.publicKey as BufferSource, { name: "Ed25519" }, false, ["verify"]).catch(() => null);
    // A verifier sees a handful of keys; the bound only stops a hostile pack from growing it.
    if (importedKeys.size > 1000) importedKeys.clear();
    importedKeys.set(id, key);
  }
  const cryptoKey = await key;
  if (!cryptoKey) return false;
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, options.signature as BufferSource, options.message as BufferSource);
  } catch {
    return false;
  }
}
