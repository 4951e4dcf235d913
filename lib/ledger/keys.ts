// Ed25519 keys of the audit logs. A log's private key lives in one file under
// <data>/keys/ (owner-only) or comes from configuration (base64 PKCS#8, for
// containers); it never enters the database, a log line, a page or a pack. The key id
// is the SHA-256 of the DER SubjectPublicKeyInfo, so anyone holding the public key can
// recompute it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDir, writePrivateFile } from "@/lib/data-dir";
import { AppError } from "@/lib/errors";

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
  keyId: string;
}

export function keyIdOf(spki: Buffer): string {
  return createHash("sha256").update(spki).digest("hex");
}

export function publicKeyFromSpki(spkiBase64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(spkiBase64, "base64"), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 public key");
  return key;
}

function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new AppError({ code: "bad_request", message: "The ledger signing key must be an Ed25519 key." });
  }
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: "der", type: "spki" });
  return { privateKey, publicKey, spki, keyId: keyIdOf(spki) };
}

export function generateSigningKey(): SigningKey {
  return signingKeyFrom(generateKeyPairSync("ed25519").privateKey);
}

/** A key given as base64 PKCS#8 DER (the LEDGER_SIGNING_KEY and PROXY_LEDGER_SIGNING_KEY settings). */
export function signingKeyFromPkcs8(base64: string): SigningKey {
  try {
    return signingKeyFrom(createPrivateKey({ key: Buffer.from(base64, "base64"), format: "der", type: "pkcs8" }));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError({ code: "bad_request", message: "The configured ledger signing key (LEDGER_SIGNING_KEY or PROXY_LEDGER_SIGNING_KEY) is not a base64 PKCS#8 Ed25519 private key." });
  }
}

export function keyFile(options: { keysDir: string; logName: string }): string {
  return path.join(options.keysDir, `${options.logName}.ed25519.pem`);
}

/** The log's current key: from configuration, else its key file, else a new key written owner-only. */
export function loadOrCreateSigningKey(options: { keysDir: string; logName: string; configured?: string }): SigningKey {
  if (options.configured) return signingKeyFromPkcs8(options.configured);
  const file = keyFile(options);
  if (fs.existsSync(file)) return signingKeyFrom(createPrivateKey(fs.readFileSync(file, "utf8")));
  return writeSigningKey({ ...options, key: generateSigningKey() });
}

export function writeSigningKey(options: { keysDir: string; logName: string; key: SigningKey }): SigningKey {
  ensurePrivateDir(options.keysDir);
  const pem = options.key.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  writePrivateFile({ file: keyFile(options), content: pem });
  return options.key;
}
