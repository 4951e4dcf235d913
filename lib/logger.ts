// Structured logs (pino). Secret-bearing fields are redacted wherever they appear, and
// credentials inside URLs in error messages (a database driver's favourite) are
// masked, so a careless log call cannot write a password, token or key.
import pino from "pino";
import { loadConfig } from "@/lib/config";

export const redactedFields = [
  "password",
  "passwordHash",
  "token",
  "authorization",
  "apiKey",
  "apiKeyCiphertext",
  "secret",
  "cookie",
];

/** Masks the password part of any URL in a text: postgresql://user:pw@host -> postgresql://user:***@host */
export function maskUrlCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):[^@\s/]*@/gi, "$1:***@");
}

function serializeError(error: unknown) {
  const serialized = pino.stdSerializers.err(error as Error);
  return {
    ...serialized,
    message: maskUrlCredentials(String(serialized.message ?? "")),
    stack: serialized.stack ? maskUrlCredentials(serialized.stack) : undefined,
  };
}

export const logger = pino({
  level: loadConfig().logLevel,
  base: { service: "conduit-ledger" },
  serializers: { err: serializeError },
  redact: {
    paths: redactedFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
    censor: "[redacted]",
  },
});
