// Signing for the bundle: checkpoint notes and the DSSE envelope of the manifest, with a
// log's Ed25519 ledger key (node:crypto; Node only). Ed25519 is deterministic, so the same
// note or manifest signed twice gives the same bytes and a pack stays reproducible.
import { createPublicKey, sign, type KeyObject } from "node:crypto";
import { pae, type DsseEnvelope } from "@/lib/evidence/bundle/dsse";
import { concatBytes, rawEd25519FromSpki, toBase64, utf8 } from "@/lib/evidence/bundle/encoding";
import { formatCheckpointText, isValidKeyName, noteKeyHash } from "@/lib/evidence/bundle/note";

export function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const raw = rawEd25519FromSpki(createPublicKey(privateKey).export({ format: "der", type: "spki" }));
  if (!raw) throw new Error("not an Ed25519 key");
  return raw;
}

/** Signs a note's text (which must end in a newline) as a C2SP signed note with one Ed25519 signature. */
export function signNote(options: { text: string; keyName: string; privateKey: KeyObject }): string {
  if (!isValidKeyName(options.keyName)) throw new Error(`key name "${options.keyName}" must be non-empty, without spaces or "+"`);
  if (!options.text.endsWith("\n") || options.text.includes("\n\n")) throw new Error("a note's text must end in a newline and hold no blank line");
  const keyHash = noteKeyHash({ name: options.keyName, publicKey: rawPublicKey(options.privateKey) });
  const signature = sign(null, utf8.encode(options.text), options.privateKey);
  return `${options.text}\n\u2014 ${options.keyName} ${toBase64(concatBytes(keyHash, signature))}\n`;
}

/** A C2SP tlog checkpoint, signed by the log's key; the key name defaults to the origin. */
export function signCheckpointNote(options: {
  origin: string;
  size: number;
  /** Hex or raw 32-byte RFC 6962 root. */
  root: string | Uint8Array;
  privateKey: KeyObject;
  keyName?: string;
  extensions?: readonly string[];
}): string {
  const text = formatCheckpointText(options);
  return signNote({ text, keyName: options.keyName ?? options.origin, privateKey: options.privateKey });
}

export function signDsseEnvelope(options: { payload: Uint8Array; payloadType: string; privateKey: KeyObject; keyId: string }): DsseEnvelope {
  const signature = sign(null, pae(options.payloadType, options.payload), options.privateKey);
  return { payload: toBase64(options.payload), payloadType: options.payloadType, signatures: [{ keyid: options.keyId, sig: toBase64(signature) }] };
}
