// The data folder: the SQLite database, generated secrets and keys, owner-only.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "@/lib/config";

export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Writes a file only its owner can read (0600), replacing it atomically. */
export function writePrivateFile(options: { file: string; content: string }): void {
  ensurePrivateDir(path.dirname(options.file));
  const tmp = `${options.file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, options.content, { mode: 0o600 });
  fs.renameSync(tmp, options.file);
}

/** The session-signing secret: from configuration, else created once under <data>/secrets/. */
export function ensureAuthSecret(config: Config): string {
  if (config.authSecret) return config.authSecret;
  const file = path.join(config.secretsDir, "nextauth-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = randomBytes(48).toString("base64url");
  writePrivateFile({ file, content: `${secret}\n` });
  return secret;
}

export function demoLoginsFile(config: Config): string {
  return path.join(config.dataDir, "demo-logins.txt");
}
