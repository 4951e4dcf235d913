import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { generateSigningKey, keyFile, keyIdOf, loadOrCreateSigningKey, publicKeyFromSpki, signingKeyFromPkcs8 } from "@/lib/ledger/keys";

describe("ledger signing keys", () => {
  it("creates a key once under the keys folder, readable by its owner only, and reuses it", () => {
    const keysDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "conduit-keys-")), "keys");
    const first = loadOrCreateSigningKey({ keysDir, logName: "app" });
    const file = keyFile({ keysDir, logName: "app" });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(keysDir).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(loadOrCreateSigningKey({ keysDir, logName: "app" }).keyId).toBe(first.keyId);
    expect(loadOrCreateSigningKey({ keysDir, logName: "edge" }).keyId).not.toBe(first.keyId);
  });

  it("takes a key from configuration (base64 PKCS#8) without touching the disk", () => {
    const key = generateSigningKey();
    const configured = key.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    const keysDir = path.join(os.tmpdir(), `conduit-keys-unused-${process.pid}`);
    expect(loadOrCreateSigningKey({ keysDir, logName: "app", configured }).keyId).toBe(key.keyId);
    expect(fs.existsSync(keysDir)).toBe(false);
  });

  it("derives the key id from the public key, so anyone can recompute it", () => {
    const key = generateSigningKey();
    expect(key.keyId).toBe(keyIdOf(key.spki));
    expect(keyIdOf(publicKeyFromSpki(key.spki.toString("base64")).export({ format: "der", type: "spki" }))).toBe(key.keyId);
  });

  it("refuses a configured key that is not a base64 PKCS#8 Ed25519 key", () => {
    expect(() => signingKeyFromPkcs8("not a key")).toThrow(AppError);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const ecKey = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    expect(() => signingKeyFromPkcs8(ecKey)).toThrow(/Ed25519/);
  });
});
