import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import * as x509 from "@peculiar/x509";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { loadOrCreatePdfSigningIdentity, pdfSigningIdentity, pdfSigningKeyFile, signingCertificateJson } from "@/lib/pdf/signing-certificate";
import { hasOpenssl, keyAndCertificate, openssl, pkcs12File, tempDir } from "@/lib/testing/pdf-signing";

const dirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The error a promise rejects with, to read its message. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const YEAR = 365.25 * 24 * 3600_000;

describe("the generated PDF signing identity", () => {
  it("is an ECDSA P-256 certificate for digital signatures, created once under the keys folder, owner-only, and reused", async () => {
    const keysDir = path.join(scratch("pdf-id"), "keys");
    const identity = await loadOrCreatePdfSigningIdentity({ keysDir, organisation: 'Nordwerk, "Antriebe" GmbH' });
    const file = pdfSigningKeyFile(keysDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(keysDir).mode & 0o777).toBe(0o700);
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/^-----BEGIN PRIVATE KEY-----[\s\S]*-----BEGIN CERTIFICATE-----/);

    expect(identity.source).toBe("generated");
    expect(identity.signer).toMatchObject({ keyType: "EC", signatureAlgorithm: "ECDSA" });
    expect(identity.chain).toEqual([]);
    const cert = new x509.X509Certificate(identity.certificate.pem);
    expect(cert.subjectName.getField("CN")).toEqual(["Conduit Ledger evidence signing"]);
    expect(cert.subjectName.getField("O")).toEqual(['Nordwerk, "Antriebe" GmbH']);
    expect(cert.publicKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    expect(usage?.critical).toBe(true);
    expect(usage!.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(identity.certificate.notAfter.getTime() - identity.certificate.notBefore.getTime()).toBeGreaterThan(4.9 * YEAR);

    const again = await loadOrCreatePdfSigningIdentity({ keysDir, organisation: "Someone else" });
    expect(again.certificate.sha256Fingerprint).toBe(identity.certificate.sha256Fingerprint);
    expect(signingCertificateJson(again)).toEqual({
      source: "generated",
      subject: identity.certificate.subject,
      issuer: identity.certificate.subject,
      serialNumber: identity.certificate.serialNumber,
      notBefore: identity.certificate.notBefore.toISOString(),
      notAfter: identity.certificate.notAfter.toISOString(),
      sha256Fingerprint: identity.certificate.sha256Fingerprint,
      chainPem: [identity.certificate.pem],
    });
  });

  it.skipIf(!hasOpenssl)("has the fingerprint openssl prints, so an auditor can compare it with standard tools", async () => {
    const dir = scratch("pdf-fp");
    const identity = await loadOrCreatePdfSigningIdentity({ keysDir: path.join(dir, "keys") });
    fs.writeFileSync(path.join(dir, "cert.pem"), identity.certificate.pem);
    const printed = openssl({ args: ["x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256"], cwd: dir });
    expect(printed.split("=")[1]!.trim().replace(/:/g, "").toLowerCase()).toBe(identity.certificate.sha256Fingerprint);
  });

  it("is replaced by a new one once it has expired", async () => {
    const keysDir = path.join(scratch("pdf-renew"), "keys");
    const first = await loadOrCreatePdfSigningIdentity({ keysDir });
    const later = new Date(first.certificate.notAfter.getTime() + 24 * 3600_000);
    const renewed = await loadOrCreatePdfSigningIdentity({ keysDir, now: later });
    expect(renewed.certificate.sha256Fingerprint).not.toBe(first.certificate.sha256Fingerprint);
    expect(renewed.certificate.notBefore).toEqual(later);
    expect(fs.statSync(pdfSigningKeyFile(keysDir)).mode & 0o777).toBe(0o600);
    expect((await loadOrCreatePdfSigningIdentity({ keysDir, now: later })).certificate.sha256Fingerprint).toBe(renewed.certificate.sha256Fingerprint);
  });

  it("is loaded once per process for the app's configuration", async () => {
    const config = parseConfig({ CONDUIT_DATA_DIR: scratch("pdf-app") });
    const first = pdfSigningIdentity({ config });
    expect(pdfSigningIdentity({ config })).toBe(first);
    expect((await first).certificate.sha256Fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe.skipIf(!hasOpenssl)("a configured PDF signing identity", () => {
  it("takes a PEM key and chain, as text or as files, in any order, without touching the keys folder", async () => {
    const dir = scratch("pdf-pem");
    const leaf = keyAndCertificate({ dir, name: "leaf", cn: "Nordwerk document signing" });
    const other = keyAndCertificate({ dir, name: "issuer", cn: "Nordwerk issuing CA" });
    const chainFile = path.join(dir, "chain.pem");
    // The issuer first: the signing certificate is the one whose public key is the key's.
    fs.writeFileSync(chainFile, fs.readFileSync(other.certFile, "utf8") + fs.readFileSync(leaf.certFile, "utf8"));
    const keysDir = path.join(dir, "keys");

    const fromFiles = await loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pem", key: leaf.keyFile, cert: chainFile } });
    expect(fromFiles.source).toBe("pem");
    expect(fromFiles.certificate.subject).toBe("CN=Nordwerk document signing");
    expect(fromFiles.chain.map((c) => c.subject)).toEqual(["CN=Nordwerk issuing CA"]);
    expect(signingCertificateJson(fromFiles).chainPem).toHaveLength(2);

    const fromText = await loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pem", key: fs.readFileSync(leaf.keyFile, "utf8"), cert: fs.readFileSync(leaf.certFile, "utf8") } });
    expect(fromText.certificate.sha256Fingerprint).toBe(fromFiles.certificate.sha256Fingerprint);
    expect(fs.existsSync(keysDir)).toBe(false);
  });

  it("refuses a key that does not belong to the certificate, an unreadable file and an expired certificate, naming the setting", async () => {
    const dir = scratch("pdf-pem-bad");
    const a = keyAndCertificate({ dir, name: "a", cn: "A" });
    const b = keyAndCertificate({ dir, name: "b", cn: "B" });
    const keysDir = path.join(dir, "keys");
    const mismatch = await failure(loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pem", key: a.keyFile, cert: b.certFile } }));
    expect(mismatch.message).toBe("PDF_SIGNING_KEY does not belong to any certificate in PDF_SIGNING_CERT.");

    const missing = await failure(loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pem", key: path.join(dir, "nope.key"), cert: a.certFile } }));
    expect(missing.message).toMatch(/^PDF_SIGNING_KEY: no readable PEM file at .*nope\.key\.$/);

    const notAKey = await failure(loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pem", key: a.certFile, cert: a.certFile } }));
    expect(notAKey.message).toBe("PDF_SIGNING_KEY: no private key in it.");

    const expired = await failure(loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pem", key: a.keyFile, cert: a.certFile }, now: new Date(Date.now() + 60 * 24 * 3600_000) }));
    expect(expired.message).toMatch(/^PDF_SIGNING_CERT: the signing certificate \(CN=A\) expired on \d{4}-/);
  });

  it("opens a PKCS#12 file with its passphrase; a wrong passphrase is a clear error that never shows a passphrase", async () => {
    const dir = scratch("pdf-p12");
    const file = pkcs12File({ dir, passphrase: "Correct-Horse-42" });
    const keysDir = path.join(dir, "keys");
    const identity = await loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pkcs12", file, passphrase: "Correct-Horse-42" } });
    expect(identity).toMatchObject({ source: "pkcs12", certificate: { subject: "CN=Configured PKCS12 signer" } });
    expect(identity.signer.keyType).toBe("EC");

    const wrong = await failure(loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pkcs12", file, passphrase: "Battery-Staple-7" } }));
    expect(wrong.code).toBe("internal");
    expect(wrong.message).toBe(`PDF_SIGNING_P12: ${file} does not open with PDF_SIGNING_P12_PASSPHRASE (wrong passphrase?).`);
    expect(wrong.message).not.toMatch(/Battery|Correct|\n\s+at /);

    const notP12 = path.join(dir, "not.p12");
    fs.writeFileSync(notP12, "not a PKCS#12 file");
    expect((await failure(loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pkcs12", file: notP12, passphrase: "x" } }))).message).toMatch(
      /^PDF_SIGNING_P12: .*not\.p12 is not a PKCS#12 file this app can read/,
    );
    expect((await failure(loadOrCreatePdfSigningIdentity({ keysDir, configured: { kind: "pkcs12", file: path.join(dir, "missing.p12"), passphrase: "x" } }))).message).toMatch(
      /^PDF_SIGNING_P12: no readable file at .*missing\.p12\.$/,
    );
    expect(fs.existsSync(keysDir)).toBe(false);
  });
});

describe("PDF signing settings", () => {
  it("default to the generated identity, no time-stamp authority and a 10 s TSA timeout", () => {
    expect(parseConfig({}).pdfSigning).toEqual({ identity: undefined, tsaUrl: undefined, tsaTimeoutMs: 10_000 });
    expect(parseConfig({ PDF_SIGNING_P12: "signer.p12", PDF_SIGNING_P12_PASSPHRASE: "pw", PDF_SIGNING_TSA_URL: "https://tsa.example/tsr" }).pdfSigning).toEqual({
      identity: { kind: "pkcs12", file: path.resolve("signer.p12"), passphrase: "pw" },
      tsaUrl: "https://tsa.example/tsr",
      tsaTimeoutMs: 10_000,
    });
    expect(parseConfig({ PDF_SIGNING_KEY: "k.pem", PDF_SIGNING_CERT: "c.pem" }).pdfSigning.identity).toEqual({ kind: "pem", key: "k.pem", cert: "c.pem" });
  });

  it("refuse two identities at once, half a PEM identity and a TSA URL that is not http(s)", () => {
    expect(() => parseConfig({ PDF_SIGNING_P12: "a.p12", PDF_SIGNING_KEY: "k.pem", PDF_SIGNING_CERT: "c.pem" })).toThrow(/PDF_SIGNING_P12: set either it or PDF_SIGNING_KEY/);
    expect(() => parseConfig({ PDF_SIGNING_KEY: "k.pem" })).toThrow(ConfigError);
    expect(() => parseConfig({ PDF_SIGNING_CERT: "c.pem" })).toThrow(/PDF_SIGNING_KEY and PDF_SIGNING_CERT: set both or neither/);
    expect(() => parseConfig({ PDF_SIGNING_P12_PASSPHRASE: "secret" })).toThrow(/PDF_SIGNING_P12_PASSPHRASE: set without PDF_SIGNING_P12/);
    expect(() => parseConfig({ PDF_SIGNING_TSA_URL: "ftp://tsa.example" })).toThrow(/PDF_SIGNING_TSA_URL/);
    expect(() => parseConfig({ PDF_SIGNING_TSA_TIMEOUT_MS: "0" })).toThrow(/PDF_SIGNING_TSA_TIMEOUT_MS/);
  });
});
