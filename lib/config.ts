// The one place that reads process.env. Every setting is validated here, has a
// documented default (README "Configuration"), and is read through loadConfig().
import path from "node:path";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const unforwardableHeaders = new Set(["authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "host", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length", "forwarded", "x-forwarded-for", "x-real-ip"]);

const envSchema = z.object({
  CONDUIT_DATA_DIR: z.string().min(1).default("data"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must be a file: URL (SQLite) or a postgresql:// URL")
    .optional(),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: positiveInt(3000).refine((p) => p < 65536, "must be a TCP port"),
  // Trust X-Forwarded-* from a reverse proxy in front of the app (otherwise they are replaced).
  TRUST_PROXY_HEADERS: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  // Public base URL of the app, for sign-in redirects behind a reverse proxy.
  NEXTAUTH_URL: z.url().optional(),
  // Secret that signs session tokens; created under <data>/secrets/ on first start when unset.
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SESSION_MAX_AGE_SECONDS: positiveInt(8 * 60 * 60),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(5),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: positiveInt(20),
  SIGNIN_WINDOW_SECONDS: positiveInt(15 * 60),
  MAX_JSON_BODY_BYTES: positiveInt(1024 * 1024),
  // Audit ledger: the log's signing key (base64 PKCS#8 DER; else <data>/keys/), its id, checkpoint cadence.
  LEDGER_SIGNING_KEY: z.string().min(40).optional(),
  LEDGER_LOG_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, . _ - only").optional(),
  LEDGER_CHECKPOINT_EVERY: positiveInt(1000),
  LEDGER_CHECKPOINT_SECONDS: positiveInt(60),
  // Inspection proxy. The standalone edge server listens on PROXY_HOST:PROXY_PORT and writes
  // its own log (PROXY_LOG_NAME); both mounts share the limits and timeouts.
  PROXY_HOST: z.string().min(1).default("127.0.0.1"),
  // 0 picks a free port (tests).
  PROXY_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  PROXY_LOG_NAME: z.string().regex(/^[a-z0-9-]{1,40}$/, "lowercase letters, digits and - only").default("edge"),
  // The edge log's own signing key (base64 PKCS#8 DER; else <data>/keys/<PROXY_LOG_NAME>.ed25519.pem).
  PROXY_LEDGER_SIGNING_KEY: z.string().min(40).optional(),
  PROXY_MAX_BODY_BYTES: positiveInt(20 * 1024 * 1024),
  PROXY_UPSTREAM_TIMEOUT_MS: positiveInt(120_000),
  PROXY_STREAM_IDLE_TIMEOUT_MS: positiveInt(120_000),
  // A request body still arriving after this long is cut off (a slow-loris caller holds a
  // connection and a buffer for as long as it trickles).
  PROXY_BODY_TIMEOUT_MS: positiveInt(30_000),
  // Request headers passed to every provider besides each provider's own allow-list
  // (comma-separated names, e.g. a gateway's tracing header). Credential and hop-by-hop
  // headers cannot be added: the provider key is the only credential that leaves.
  PROXY_FORWARDED_HEADERS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((names) => names.every((name) => /^[a-z0-9-]{1,64}$/.test(name) && !unforwardableHeaders.has(name) && !name.startsWith("x-conduit-")), "header names only (letters, digits, -), and no credential, cookie, hop-by-hop or x-conduit- header"),
  PROXY_INVENTORY_REFRESH_MS: positiveInt(2000),
  OPERATOR_ASSERTION_MAX_AGE_SECONDS: positiveInt(15 * 60),
  // Key that encrypts provider API keys at rest (base64, 32 bytes); else created under <data>/secrets/.
  PROVIDER_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded")
    .optional(),
  // Serves /api/proxy-baseline, the empty route `npm run bench:proxy` measures against;
  // off by default, as it takes bodies from anyone.
  BENCHMARK_BASELINE_ROUTE: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  // The built-in demo provider answers the demo plant's AI destinations when the database
  // holds the demo seed (auto); off never starts it.
  DEMO_PROVIDER: z.enum(["auto", "off"]).default("auto"),
  // AI calls the first start sends through the proxy to seed the demo's ledger (0: none).
  DEMO_TRAFFIC_CALLS: z.coerce.number().int().min(0).max(200_000).default(10_000),
  // PDF signing (evidence packs, incident reports): a PKCS#12 file and its passphrase, or a PEM
  // private key and certificate chain (each PEM text or a file's path); else a self-signed
  // certificate created under <data>/keys/. With an RFC 3161 time-stamp authority the
  // signatures are PAdES B-T; when it does not answer within the timeout they are B-B.
  PDF_SIGNING_P12: z.string().min(1).optional(),
  PDF_SIGNING_P12_PASSPHRASE: z.string().optional(),
  PDF_SIGNING_KEY: z.string().min(1).optional(),
  PDF_SIGNING_CERT: z.string().min(1).optional(),
  PDF_SIGNING_TSA_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  PDF_SIGNING_TSA_TIMEOUT_MS: positiveInt(10_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
});

export type DatabaseProvider = "sqlite" | "postgresql";

export interface Config {
  dataDir: string;
  secretsDir: string;
  database: { provider: DatabaseProvider; url: string };
  host: string;
  port: number;
  publicUrl: string;
  trustProxyHeaders: boolean;
  authSecret: string | undefined;
  sessionMaxAgeSeconds: number;
  signInLimits: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowSeconds: number };
  maxJsonBodyBytes: number;
  ledger: { keysDir: string; signingKey: string | undefined; logId: string | undefined; checkpointEvery: number; checkpointSeconds: number };
  proxy: {
    host: string;
    port: number;
    logName: string;
    signingKey: string | undefined;
    maxBodyBytes: number;
    upstreamTimeoutMs: number;
    streamIdleTimeoutMs: number;
    bodyTimeoutMs: number;
    forwardedHeaders: string[];
    inventoryRefreshMs: number;
    operatorAssertionMaxAgeSeconds: number;
  };
  providerKeyEncryptionKey: string | undefined;
  pdfSigning: PdfSigningConfig;
  benchmarkBaselineRoute: boolean;
  demo: {
    provider: "auto" | "off";
    /** Where the demo provider answers: under the app's own port, on an address of this machine. */
    providerUrl: string;
    trafficCalls: number;
  };
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  nodeEnv: z.infer<typeof envSchema>["NODE_ENV"];
}

/** A configured PDF signing identity (else one is created under <data>/keys/) and the time-stamp authority. */
export interface PdfSigningConfig {
  identity: { kind: "pkcs12"; file: string; passphrase: string } | { kind: "pem"; key: string; cert: string } | undefined;
  tsaUrl: string | undefined;
  tsaTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function databaseProviderOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new ConfigError(`DATABASE_URL must be a file: URL or a postgresql:// URL`);
}

/** Where a browser on this machine reaches the server; a wildcard listen address is not one. */
function defaultPublicUrl(host: string, port: number): string {
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/** One identity or none: a PKCS#12 file, or a PEM key with its certificate chain. */
function pdfSigningOf(e: z.infer<typeof envSchema>): PdfSigningConfig {
  const problems: string[] = [];
  if (e.PDF_SIGNING_P12 && (e.PDF_SIGNING_KEY || e.PDF_SIGNING_CERT)) problems.push("PDF_SIGNING_P12: set either it or PDF_SIGNING_KEY and PDF_SIGNING_CERT, not both");
  if (Boolean(e.PDF_SIGNING_KEY) !== Boolean(e.PDF_SIGNING_CERT)) problems.push("PDF_SIGNING_KEY and PDF_SIGNING_CERT: set both or neither");
  if (e.PDF_SIGNING_P12_PASSPHRASE !== undefined && !e.PDF_SIGNING_P12) problems.push("PDF_SIGNING_P12_PASSPHRASE: set without PDF_SIGNING_P12");
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  const identity = e.PDF_SIGNING_P12
    ? { kind: "pkcs12" as const, file: path.resolve(e.PDF_SIGNING_P12), passphrase: e.PDF_SIGNING_P12_PASSPHRASE ?? "" }
    : e.PDF_SIGNING_KEY && e.PDF_SIGNING_CERT
      ? { kind: "pem" as const, key: e.PDF_SIGNING_KEY, cert: e.PDF_SIGNING_CERT }
      : undefined;
  return { identity, tsaUrl: e.PDF_SIGNING_TSA_URL, tsaTimeoutMs: e.PDF_SIGNING_TSA_TIMEOUT_MS };
}

/** The path under the app's port where the demo provider answers (scripts/serve.ts mounts it). */
export const demoProviderMount = "/_demo-provider";

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.CONDUIT_DATA_DIR);
  const url = e.DATABASE_URL ?? `file:${path.join(dataDir, "conduit-ledger.db")}`;
  return {
    dataDir,
    secretsDir: path.join(dataDir, "secrets"),
    database: { provider: databaseProviderOf(url), url },
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.NEXTAUTH_URL ?? defaultPublicUrl(e.HOST, e.PORT),
    trustProxyHeaders: e.TRUST_PROXY_HEADERS,
    authSecret: e.NEXTAUTH_SECRET,
    sessionMaxAgeSeconds: e.SESSION_MAX_AGE_SECONDS,
    signInLimits: {
      maxFailuresPerAccount: e.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: e.SIGNIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: e.SIGNIN_WINDOW_SECONDS,
    },
    maxJsonBodyBytes: e.MAX_JSON_BODY_BYTES,
    ledger: {
      keysDir: path.join(dataDir, "keys"),
      signingKey: e.LEDGER_SIGNING_KEY,
      logId: e.LEDGER_LOG_ID,
      checkpointEvery: e.LEDGER_CHECKPOINT_EVERY,
      checkpointSeconds: e.LEDGER_CHECKPOINT_SECONDS,
    },
    proxy: {
      host: e.PROXY_HOST,
      port: e.PROXY_PORT,
      logName: e.PROXY_LOG_NAME,
      signingKey: e.PROXY_LEDGER_SIGNING_KEY,
      maxBodyBytes: e.PROXY_MAX_BODY_BYTES,
      upstreamTimeoutMs: e.PROXY_UPSTREAM_TIMEOUT_MS,
      streamIdleTimeoutMs: e.PROXY_STREAM_IDLE_TIMEOUT_MS,
      bodyTimeoutMs: e.PROXY_BODY_TIMEOUT_MS,
      forwardedHeaders: e.PROXY_FORWARDED_HEADERS,
      inventoryRefreshMs: e.PROXY_INVENTORY_REFRESH_MS,
      operatorAssertionMaxAgeSeconds: e.OPERATOR_ASSERTION_MAX_AGE_SECONDS,
    },
    providerKeyEncryptionKey: e.PROVIDER_KEY_ENCRYPTION_KEY,
    pdfSigning: pdfSigningOf(e),
    benchmarkBaselineRoute: e.BENCHMARK_BASELINE_ROUTE,
    // The proxy calls it from this machine, so a public NEXTAUTH_URL is no use here.
    demo: { provider: e.DEMO_PROVIDER, providerUrl: `${defaultPublicUrl(e.HOST, e.PORT)}${demoProviderMount}`, trafficCalls: e.DEMO_TRAFFIC_CALLS },
    logLevel: e.LOG_LEVEL,
    nodeEnv: e.NODE_ENV,
  };
}

let cached: Config | undefined;

export function loadConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Environment for child processes (prisma CLI, next server), with the resolved settings made explicit. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const config = loadConfig();
  return {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    CONDUIT_DATA_DIR: config.dataDir,
    DATABASE_URL: config.database.url,
    ...extra,
  };
}
