// Provider API keys at rest: AES-256-GCM under a key that lives outside the database
// (configuration, or <data>/secrets/provider-keys.key, owner-only). The destination id is
// bound in as associated data, so a ciphertext copied onto another destination does not
// decrypt. Only the proxy decrypts, right before it forwards a call.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "@/lib/config";
import { writePrivateFile } from "@/lib/data-dir";
import { AppError } from "@/lib/errors";

const version = "v1";

export interface ProviderKeyCipher {
  encrypt(options: { destinationId: string; apiKey: string }): string;
  decrypt(options: { destinationId: string; ciphertext: string }): string;
}

/** The encryption key from configuration, else created once under <data>/secrets/. */
export function loadProviderKeyCipher(config: Pick<Config, "providerKeyEncryptionKey" | "secretsDir">): ProviderKeyCipher {
  let key: Buffer;
  if (config.providerKeyEncryptionKey) key = Buffer.from(config.providerKeyEncryptionKey, "base64");
  else {
    const file = path.join(config.secretsDir, "provider-keys.key");
    if (!fs.existsSync(file)) writePrivateFile({ file, content: `${randomBytes(32).toString("base64")}\n` });
    key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  }
  if (key.length !== 32) throw new Error("the provider key encryption key must be 32 bytes");
  return createProviderKeyCipher({ key });
}

export function createProviderKeyCipher(options: { key: Buffer }): ProviderKeyCipher {
  const { key } = options;
  return {
    encrypt({ destinationId, apiKey }) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(destinationId, "utf8"));
      const sealed = Buffer.concat([cipher.update(apiKey, "utf8"), cipher.final()]);
      return [version, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), sealed.toString("base64url")].join(".");
    },
    decrypt({ destinationId, ciphertext }) {
      const [v, iv, tag, sealed] = ciphertext.split(".");
      if (v !== version || !iv || !tag || sealed === undefined) throw new AppError({ code: "internal", message: "unreadable provider key ciphertext" });
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(destinationId, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(sealed, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        // Wrong encryption key or a ciphertext moved between destinations: never guess.
        throw new AppError({ code: "internal", message: "the provider key does not decrypt with this installation's key" });
      }
    },
  };
}

/** What people may see of a provider key: its last four characters. */
export function providerKeyHint(apiKey: string): string {
  return `…${apiKey.slice(-4)}`;
}
