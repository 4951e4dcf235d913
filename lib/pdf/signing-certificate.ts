// The identity that signs PDFs (evidence packs, incident reports): an ECDSA P-256 or RSA
// key and its X.509 certificate. A configured one (a PKCS#12 file, or a PEM key and
// certificate chain) is used as given; otherwise a self-signed certificate is created on
// first use and kept with the ledger keys under <data>/keys/ (owner-only, key and
// certificate in one file, so they are always written and replaced together). Ed25519
// stays with the ledger: common PDF readers do not accept it.
import "reflect-metadata";
import { constants, createHash, createPrivateKey, createPublicKey, randomBytes, verify, webcrypto, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { CryptoKeySigner, P12Signer, type Signer } from "@libpdf/core";
import * as x509 from "@peculiar/x509";
import { loadConfig, type Config, type PdfSigningConfig } from "@/lib/config";
import type { Db } from "@/lib/db";
import { ensurePrivateDir, writePrivateFile } from "@/lib/data-dir";
import { AppError } from "@/lib/errors";

const crypto = webcrypto as unknown as Crypto;

export interface SigningCertificate {
  der: Uint8Array;
  pem: string;
  /** SHA-256 of the DER certificate, lowercase hex (`openssl x509 -fingerprint -sha256` without colons). */
  sha256Fingerprint: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

export interface PdfSigningIdentity {
  /** generated: the self-signed certificate under <data>/keys/; pkcs12, pem: configured. */
  source: "generated" | "pkcs12" | "pem";
  signer: Signer;
  certificate: SigningCertificate;
  /** The certificates above it, nearest first; empty for a self-signed certificate. */
  chain: SigningCertificate[];
}

export type ConfiguredIdentity = PdfSigningConfig["identity"];

const yearsValid = 5;

export function pdfSigningKeyFile(keysDir: string): string {
  return path.join(keysDir, "pdf-signing.pem");
}

function parsedCertificate(der: Uint8Array): x509.X509Certificate {
  return new x509.X509Certificate(new Uint8Array(der));
}

function publicKeyOf(der: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(parsedCertificate(der).publicKey.rawData), format: "der", type: "spki" });
}

function certificateOf(der: Uint8Array): SigningCertificate {
  const cert = parsedCertificate(der);
  return {
    der: new Uint8Array(der),
    pem: cert.toString("pem"),
    sha256Fingerprint: createHash("sha256").update(der).digest("hex"),
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

/** The certificate and its chain for keys.json: what an auditor compares with the PDF's signature. */
export function signingCertificateJson(identity: PdfSigningIdentity) {
  const { certificate } = identity;
  return {
    source: identity.source,
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    sha256Fingerprint: certificate.sha256Fingerprint,
    chainPem: [certificate, ...identity.chain].map((c) => c.pem),
  };
}

function misconfigured(message: string): AppError {
  return new AppError({ code: "internal", message });
}

const curves: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

/** A WebCrypto signer for a Node key: ECDSA for EC keys, PKCS#1 v1.5 for RSA. */
async function signerFromKey(options: { key: KeyObject; certificate: Uint8Array; chain: Uint8Array[]; setting: string }): Promise<Signer> {
  const pkcs8 = options.key.export({ format: "der", type: "pkcs8" });
  if (options.key.asymmetricKeyType === "ec") {
    const namedCurve = curves[options.key.asymmetricKeyDetails?.namedCurve ?? ""];
    if (!namedCurve) throw misconfigured(`${options.setting}: the EC key must be on P-256, P-384 or P-521.`);
    const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve }, false, ["sign"]);
    return new CryptoKeySigner(key, options.certificate, "EC", "ECDSA", options.chain);
  }
  if (options.key.asymmetricKeyType === "rsa") {
    const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    return new CryptoKeySigner(key, options.certificate, "RSA", "RSASSA-PKCS1-v1_5", options.chain);
  }
  throw misconfigured(`${options.setting}: the key must be an EC (P-256) or RSA key, not ${options.key.asymmetricKeyType ?? "unknown"}.`);
}

/** Signs a probe and checks it with the certificate's public key: a key that is not the certificate's would sign PDFs no one can verify. */
async function assertSignerMatches(options: { signer: Signer; setting: string }): Promise<void> {
  const probe = new TextEncoder().encode("conduit-ledger pdf signing probe");
  const publicKey = publicKeyOf(options.signer.certificate);
  const signature = await options.signer.sign(probe, "SHA-256");
  const pss = options.signer.signatureAlgorithm === "RSA-PSS";
  const valid = verify("sha256", probe, { key: publicKey, dsaEncoding: "der", ...(pss ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {}) }, signature);
  if (!valid) throw misconfigured(`${options.setting}: the private key does not belong to the signing certificate.`);
}

function assertCurrent(options: { certificate: SigningCertificate; setting: string; now: Date }): void {
  const { certificate, now } = options;
  if (now < certificate.notBefore) throw misconfigured(`${options.setting}: the signing certificate (${certificate.subject}) is not valid before ${certificate.notBefore.toISOString()}.`);
  if (now > certificate.notAfter) throw misconfigured(`${options.setting}: the signing certificate (${certificate.subject}) expired on ${certificate.notAfter.toISOString()}.`);
}

async function identityFrom(options: { source: PdfSigningIdentity["source"]; signer: Signer; setting: string; now: Date }): Promise<PdfSigningIdentity> {
  const certificate = certificateOf(options.signer.certificate);
  assertCurrent({ certificate, setting: options.setting, now: options.now });
  await assertSignerMatches(options);
  return { source: options.source, signer: options.signer, certificate, chain: (options.signer.certificateChain ?? []).map(certificateOf) };
}

/** A PEM setting is either the PEM text itself or the path of a file holding it. */
function readPemSetting(options: { value: string; setting: string }): string {
  if (options.value.includes("-----BEGIN")) return options.value;
  try {
    return fs.readFileSync(path.resolve(options.value), "utf8");
  } catch {
    throw misconfigured(`${options.setting}: no readable PEM file at ${path.resolve(options.value)}.`);
  }
}

function pemBlocks(options: { text: string; setting: string }): { type: string; der: Uint8Array; pem: string }[] {
  try {
    return x509.PemConverter.decodeWithHeaders(options.text).map((b) => ({ type: b.type, der: new Uint8Array(b.rawData), pem: x509.PemConverter.encode([b]) }));
  } catch {
    throw misconfigured(`${options.setting}: not PEM text.`);
  }
}

/** A PEM key and a PEM chain: the certificate whose public key is the key's signs, the others form its chain. */
async function identityFromPem(options: { key: string; cert: string; source: PdfSigningIdentity["source"]; keySetting: string; certSetting: string; now: Date }): Promise<PdfSigningIdentity> {
  const keyBlock = pemBlocks({ text: options.key, setting: options.keySetting }).find((b) => /PRIVATE KEY$/.test(b.type));
  if (!keyBlock) throw misconfigured(`${options.keySetting}: no private key in it.`);
  if (keyBlock.type === "ENCRYPTED PRIVATE KEY") throw misconfigured(`${options.keySetting}: the private key is encrypted; give it unencrypted (file mode 0600) or use PDF_SIGNING_P12.`);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyBlock.pem);
  } catch {
    throw misconfigured(`${options.keySetting}: not a PEM private key this app can read.`);
  }
  const certificates = pemBlocks({ text: options.cert, setting: options.certSetting }).filter((b) => b.type === "CERTIFICATE");
  if (certificates.length === 0) throw misconfigured(`${options.certSetting}: no certificate in it.`);
  const publicKey = createPublicKey(key);
  const leaf = certificates.find((c) => {
    try {
      return publicKeyOf(c.der).equals(publicKey);
    } catch {
      throw misconfigured(`${options.certSetting}: a certificate in it cannot be read.`);
    }
  });
  if (!leaf) throw misconfigured(`${options.keySetting} does not belong to any certificate in ${options.certSetting}.`);
  const chain = certificates.filter((c) => c !== leaf).map((c) => c.der);
  const signer = await signerFromKey({ key, certificate: leaf.der, chain, setting: options.keySetting });
  return identityFrom({ source: options.source, signer, setting: options.certSetting, now: options.now });
}

async function identityFromPkcs12(options: { file: string; passphrase: string; now: Date }): Promise<PdfSigningIdentity> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(options.file));
  } catch {
    throw misconfigured(`PDF_SIGNING_P12: no readable file at ${options.file}.`);
  }
  let signer: Signer;
  try {
    signer = await P12Signer.create(bytes, options.passphrase);
  } catch (error) {
    // The library's messages never carry the passphrase; they do say which step failed.
    const reason = error instanceof Error ? error.message : String(error);
    if (/password|MAC|integrity/i.test(reason)) throw misconfigured(`PDF_SIGNING_P12: ${options.file} does not open with PDF_SIGNING_P12_PASSPHRASE (wrong passphrase?).`);
    throw misconfigured(`PDF_SIGNING_P12: ${options.file} is not a PKCS#12 file this app can read (${reason}).`);
  }
  return identityFrom({ source: "pkcs12", signer, setting: "PDF_SIGNING_P12", now: options.now });
}

/** A new ECDSA P-256 key and a self-signed certificate for it, as one PEM text (key, then certificate). */
export async function createSelfSignedPdfIdentity(options: { organisation?: string; now?: Date } = {}): Promise<string> {
  const now = options.now ?? new Date();
  const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + yearsValid);
  // Most significant first (O, then CN), as DER orders it; the organisation as a raw
  // UTF8String, since a plain string value is read with DN escaping (quotes, backslashes).
  const name: x509.JsonNameParams = [{ CN: ["Conduit Ledger evidence signing"] }];
  if (options.organisation) name.unshift({ O: [{ utf8String: options.organisation }] });
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: new x509.Name(name),
      keys,
      notBefore: now,
      notAfter,
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n${cert.toString("pem")}\n`;
}

/** Writes the file only if there is none yet (two processes starting at once agree on one identity). */
function writeOnce(options: { file: string; content: string }): void {
  ensurePrivateDir(path.dirname(options.file));
  const tmp = `${options.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, options.content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, options.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The generated identity under <data>/keys/, created on first use and again once it has expired. */
async function generatedIdentity(options: { keysDir: string; organisation?: string; now: Date }): Promise<PdfSigningIdentity> {
  const file = pdfSigningKeyFile(options.keysDir);
  if (!fs.existsSync(file)) writeOnce({ file, content: await createSelfSignedPdfIdentity(options) });
  let text = fs.readFileSync(file, "utf8");
  const stored = pemBlocks({ text, setting: file }).find((b) => b.type === "CERTIFICATE");
  if (stored && certificateOf(stored.der).notAfter < options.now) {
    text = await createSelfSignedPdfIdentity(options);
    writePrivateFile({ file, content: text });
  }
  return identityFromPem({ key: text, cert: text, source: "generated", keySetting: file, certSetting: file, now: options.now });
}

/** The configured identity, else the generated one (created on first use). */
export async function loadOrCreatePdfSigningIdentity(options: { keysDir: string; configured?: ConfiguredIdentity; organisation?: string; now?: Date }): Promise<PdfSigningIdentity> {
  const now = options.now ?? new Date();
  const configured = options.configured;
  if (configured?.kind === "pkcs12") return identityFromPkcs12({ file: configured.file, passphrase: configured.passphrase, now });
  if (configured?.kind === "pem") {
    const key = readPemSetting({ value: configured.key, setting: "PDF_SIGNING_KEY" });
    const cert = readPemSetting({ value: configured.cert, setting: "PDF_SIGNING_CERT" });
    return identityFromPem({ key, cert, source: "pem", keySetting: "PDF_SIGNING_KEY", certSetting: "PDF_SIGNING_CERT", now });
  }
  return generatedIdentity({ keysDir: options.keysDir, organisation: options.organisation, now });
}

let cached: { key: string; identity: Promise<PdfSigningIdentity>; expires?: Date } | undefined;

/**
 * The app's signing identity, loaded once per process and again once its certificate has
 * expired; a failure is not kept, so a fixed file or passphrase is picked up.
 */
export function pdfSigningIdentity(options: { config: Config; organisation?: string }): Promise<PdfSigningIdentity> {
  const key = JSON.stringify([options.config.ledger.keysDir, options.config.pdfSigning.identity]);
  if (cached?.key !== key || (cached.expires && cached.expires < new Date())) {
    const identity = loadOrCreatePdfSigningIdentity({ keysDir: options.config.ledger.keysDir, configured: options.config.pdfSigning.identity, organisation: options.organisation });
    const entry: NonNullable<typeof cached> = { key, identity };
    cached = entry;
    identity.then(
      (loaded) => (entry.expires = loaded.certificate.notAfter),
      () => {
        if (cached === entry) cached = undefined;
      },
    );
  }
  return cached.identity;
}

/** What signPdf needs besides the document: the identity and the time-stamp authority. */
export interface PdfSigning {
  identity: PdfSigningIdentity;
  tsaUrl?: string;
  tsaTimeoutMs: number;
}

/** The operating company, when every plant names the same one: the generated certificate's O=. */
async function plantOperator(db: Db): Promise<string | undefined> {
  const operators = await db.plant.findMany({ select: { operator: true }, distinct: ["operator"], take: 2 });
  return operators.length === 1 ? operators[0]!.operator : undefined;
}

/** How the app signs PDFs, from its configuration. */
export async function appPdfSigning(options: { db: Db; config?: Config }): Promise<PdfSigning> {
  const config = options.config ?? loadConfig();
  const creating = !config.pdfSigning.identity && !fs.existsSync(pdfSigningKeyFile(config.ledger.keysDir));
  const identity = await pdfSigningIdentity({ config, organisation: creating ? await plantOperator(options.db) : undefined });
  return { identity, tsaUrl: config.pdfSigning.tsaUrl, tsaTimeoutMs: config.pdfSigning.tsaTimeoutMs };
}
