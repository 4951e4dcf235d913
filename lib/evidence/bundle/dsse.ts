// DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1): the signature covers
// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, so the payload
// type is authenticated along with the bytes and neither can be swapped. Verification
// runs in Node and the browser; signing is in sign.ts.
import { z } from "zod";
import { concatBytes, ed25519Verify, fromBase64, utf8 } from "@/lib/evidence/bundle/encoding";

export interface DsseSignature {
  /** An unauthenticated hint: the ledger key id (SHA-256 of the key's DER SPKI, hex). */
  keyid?: string;
  sig: string;
}

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

export interface DsseKey {
  keyId: string;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

export type DsseVerification =
  | { ok: true; payload: Uint8Array; payloadType: string; keyIds: string[] }
  | { ok: false; reason: string };

const envelopeSchema = z.object({
  payload: z.string(),
  payloadType: z.string(),
  signatures: z.array(z.object({ keyid: z.string().optional(), sig: z.string() })).min(1).max(16),
});

/** Pre-Authentication Encoding: the bytes that are signed. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8.encode(payloadType);
  return concatBytes(utf8.encode(`DSSEv1 ${type.length} `), type, utf8.encode(` ${payload.length} `), payload);
}

/**
 * Verifies as DSSE's multi-signature rule says: the envelope is valid when signatures
 * by at least `threshold` distinct keys verify (failures are skipped) and its payload
 * type is one of `payloadTypes`. Never throws.
 */
export async function verifyDsseEnvelope(options: {
  envelope: unknown;
  keys: readonly DsseKey[];
  payloadTypes: readonly string[];
  threshold?: number;
}): Promise<DsseVerification> {
  const parsed = envelopeSchema.safeParse(options.envelope);
  if (!parsed.success) return { ok: false, reason: "not a DSSE envelope (payload, payloadType, signatures)" };
  const envelope = parsed.data;
  const payload = fromBase64(envelope.payload);
  if (!payload) return { ok: false, reason: "the payload is not base64" };
  const message = pae(envelope.payloadType, payload);
  const accepted = new Set<string>();
  for (const signature of envelope.signatures) {
    const sig = fromBase64(signature.sig);
    if (!sig) continue;
    // The key id only narrows the search: a hint naming no key means every key is tried.
    const named = options.keys.filter((k) => k.keyId === signature.keyid);
    for (const key of named.length > 0 ? named : options.keys) {
      if (!accepted.has(key.keyId) && (await ed25519Verify({ publicKey: key.publicKey, signature: sig, message }))) {
        accepted.add(key.keyId);
        break;
      }
    }
  }
  const threshold = options.threshold ?? 1;
  if (accepted.size < threshold) {
    return { ok: false, reason: threshold === 1 ? "no signature verifies with a known key: the envelope was altered or signed by another key" : `signatures by ${accepted.size} of the ${threshold} required keys verify` };
  }
  if (!options.payloadTypes.includes(envelope.payloadType)) return { ok: false, reason: `payload type "${envelope.payloadType}" is not supported` };
  return { ok: true, payload, payloadType: envelope.payloadType, keyIds: [...accepted] };
}
