// The cryptography the bundle verifier needs, behind one interface: the browser's
// (WebCrypto Ed25519, @noble/hashes SHA-256) is the default and also runs in Node; the CLI
// passes the faster Node one (node-crypto.ts: OpenSSL hashes as merkle.ts does them,
// libsodium Ed25519 on worker threads).
import { ed25519Verify, fromBase64, fromHex, rawEd25519FromSpki, sha256Stream, toHex, utf8, type Sha256Stream } from "@/lib/evidence/bundle/encoding";
import { leafHashOf, nobleNodeHash, type NodeHash } from "@/lib/evidence/bundle/rfc9162";

export interface SignatureCheck {
  /** The signed text (a record's envelope), verified over its UTF-8 bytes. */
  text: string;
  /** Base64 Ed25519 signature. */
  signature: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  spki: string;
}

export interface BundleCrypto {
  sha256Stream(): Sha256Stream;
  /** SHA-256(0x00 ‖ UTF-8 text): a record's Merkle leaf. */
  leafHash(text: string): Uint8Array;
  /** SHA-256(0x01 ‖ left ‖ right). */
  nodeHash: NodeHash;
  /** Bytes of hex already checked to be lowercase and of even length, in the form nodeHash takes. */
  fromHex(hex: string): Uint8Array;
  toHex(bytes: Uint8Array): string;
  /** True for each check whose signature verifies, in order. */
  verifySignatures(checks: readonly SignatureCheck[]): Promise<boolean[]>;
  close?(): Promise<void>;
}

export function webBundleCrypto(): BundleCrypto {
  const rawKeys = new Map<string, Uint8Array | null>();
  const rawKey = (spki: string) => {
    let raw = rawKeys.get(spki);
    if (raw === undefined) {
      const der = fromBase64(spki);
      raw = der ? rawEd25519FromSpki(der) : null;
      rawKeys.set(spki, raw);
    }
    return raw;
  };
  return {
    sha256Stream,
    leafHash: (text) => leafHashOf(utf8.encode(text)),
    nodeHash: nobleNodeHash,
    fromHex: (hex) => fromHex(hex) ?? new Uint8Array(),
    toHex,
    verifySignatures: (checks) =>
      Promise.all(
        checks.map((c) => {
          const publicKey = rawKey(c.spki);
          const signature = fromBase64(c.signature);
          return publicKey && signature ? ed25519Verify({ publicKey, signature, message: utf8.encode(c.text) }) : false;
        }),
      ),
  };
}
