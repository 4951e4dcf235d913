// Structured logs (pino). Secret-bearing fields are redacted wherever they appear, so a
// careless log call cannot write a password, token or key.
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

export const logger = pino({
  level: loadConfig().logLevel,
  base: { service: "conduit-ledger" },
  redact: {
    paths: redactedFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
    censor: "[redacted]",
  },
});
