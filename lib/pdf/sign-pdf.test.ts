import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PDF } from "@libpdf/core";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signPdf, verifyPdfSignature } from "@/lib/pdf/sign-pdf";
import { loadOrCreatePdfSigningIdentity, type PdfSigningIdentity } from "@/lib/pdf/signing-certificate";
import { closedPortUrl, hasOpenssl, hasPdfsig, keyAndCertificate, openssl, pdfsig, pkcs12File, samplePdf, startTimestampAuthority, tempDir, type TsaBehaviour } from "@/lib/testing/pdf-signing";

let dir: string;
let identity: PdfSigningIdentity;
const signing = { reason: "Evidence pack: supervisory review Q3 2026", location: "Augsburg Gearbox Plant" };

beforeAll(async () => {
  dir = tempDir("pdf-sign");
  identity = await loadOrCreatePdfSigningIdentity({ keysDir: path.join(dir, "keys"), organisation: "Nordwerk Antriebstechnik GmbH" });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The signature value and its time-stamp token (an unsigned attribute), read with pkijs. */
function timestampOf(pdf: Uint8Array): { token: Uint8Array; signatureValue: Uint8Array } {
  const text = Buffer.from(pdf).toString("latin1");
  const start = text.indexOf("/Contents <") + "/Contents <".length;
  const der = Buffer.from(text.slice(start, text.indexOf(">", start)), "hex");
  const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(der).buffer).content });
  const signerInfo = signedData.signerInfos[0]!;
  const token = signerInfo.unsignedAttrs!.attributes.find((a) => a.type === "1.2.840.113549.1.9.16.2.14")!.values[0]!;
  return { token: new Uint8Array(token.toBER(false)), signatureValue: new Uint8Array(signerInfo.signature.valueBlock.valueHexView) };
}

/** One byte of the signed part changed: the page's width, 595.28 to 595.29 points. */
function tampered(pdf: Uint8Array): Uint8Array {
  const copy = new Uint8Array(pdf);
  const at = Buffer.from(copy).indexOf("595.28");
  expect(at).toBeGreaterThan(0);
  copy[at + 5] = "9".charCodeAt(0);
  return copy;
}

describe("signPdf", () => {
  it("signs a pdf-lib document as PAdES B-B (ETSI.CAdES.detached) that verifies offline", async () => {
    const started = performance.now();
    const signed = await signPdf({ pdf: await samplePdf(), ...signing, contactInfo: "compliance@nordwerk.example", identity });
    const took = performance.now() - started;
    expect(signed.level).toBe("B-B");
    expect(signed.timestampError).toBeUndefined();
    expect(took).toBeLessThan(2000);
    const text = Buffer.from(signed.pdf).toString("latin1");
    expect(text).toContain("/SubFilter /ETSI.CAdES.detached");
    expect(text).toContain(signing.reason);

    const check = await verifyPdfSignature({ pdf: signed.pdf });
    expect(check).toMatchObject({ ok: true, problems: [], level: "B-B", subFilter: "ETSI.CAdES.detached", certificateFingerprint: identity.certificate.sha256Fingerprint });
    expect(check.signedAt).toBeInstanceOf(Date);
  });

  it("keeps the reason and location readable: non-ASCII as given, parentheses and backslashes as brackets and a slash", async () => {
    const signed = await signPdf({ pdf: await samplePdf(), reason: "Prüfbericht (Werk 2)\nnachgereicht\r\nheute", location: "Linz, Österreich \\ Halle 3", identity });
    const dict = (await PDF.load(signed.pdf)).getForm()!.getSignatureFields()[0]!.getSignatureDict()!;
    expect(dict.getString("Reason")!.asString()).toBe("Prüfbericht [Werk 2] nachgereicht heute");
    expect(dict.getString("Location")!.asString()).toBe("Linz, Österreich / Halle 3");
  });

  it.skipIf(!hasPdfsig)("is reported valid by poppler's pdfsig, and one changed byte is a digest mismatch", async () => {
    const signed = await signPdf({ pdf: await samplePdf(), ...signing, identity });
    const report = pdfsig({ pdf: signed.pdf, dir });
    expect(report).toContain("Signature is Valid.");
    expect(report).toContain("ETSI.CAdES.detached");
    expect(report).toContain("Conduit Ledger evidence signing");

    const changed = tampered(signed.pdf);
    expect(pdfsig({ pdf: changed, dir })).toContain("Digest Mismatch.");
    const check = await verifyPdfSignature({ pdf: changed });
    expect(check.ok).toBe(false);
    expect(check.problems.join(" ")).toMatch(/Digest mismatch: the signed bytes of the PDF were changed after signing/);
  });

  it("names bytes added after signing, a forged signature value, and an unsigned PDF", async () => {
    const signed = await signPdf({ pdf: await samplePdf(), ...signing, identity });
    const appended = Buffer.concat([signed.pdf, Buffer.from("\n% appended\n")]);
    expect((await verifyPdfSignature({ pdf: appended })).problems.join(" ")).toMatch(/covers \d+ bytes but the file has \d+: bytes were added or removed after signing/);

    // Flip a nibble inside the ECDSA signature: the digest still matches, the signature does not.
    const text = Buffer.from(signed.pdf).toString("latin1");
    const contents = text.indexOf("/Contents <") + "/Contents <".length;
    const hex = text.slice(contents, text.indexOf(">", contents)).replace(/(00)+$/, "");
    const forged = new Uint8Array(signed.pdf);
    const nibble = contents + hex.length - 10;
    forged[nibble] = forged[nibble] === 0x30 ? 0x31 : 0x30;
    const check = await verifyPdfSignature({ pdf: forged });
    expect(check.ok).toBe(false);
    expect(check.problems.join(" ")).toMatch(/does not verify/);

    expect(await verifyPdfSignature({ pdf: await samplePdf() })).toMatchObject({ ok: false, problems: [expect.stringMatching(/No signature could be read: the PDF has no signature/)] });
  });
});

describe.skipIf(!hasOpenssl)("signPdf with configured identities", () => {
  it("signs with a PKCS#12 identity made by openssl", async () => {
    const p12 = await loadOrCreatePdfSigningIdentity({ keysDir: path.join(dir, "unused"), configured: { kind: "pkcs12", file: pkcs12File({ dir: tempDir("p12"), passphrase: "correct horse" }), passphrase: "correct horse" } });
    const signed = await signPdf({ pdf: await samplePdf(), ...signing, identity: p12 });
    expect(await verifyPdfSignature({ pdf: signed.pdf })).toMatchObject({ ok: true, certificateFingerprint: p12.certificate.sha256Fingerprint });
    if (hasPdfsig) expect(pdfsig({ pdf: signed.pdf, dir })).toContain("Signature is Valid.");
  });

  it("signs with a PEM RSA key and certificate", async () => {
    const { keyFile, certFile } = keyAndCertificate({ dir: tempDir("rsa"), name: "rsa", cn: "RSA signer", type: "rsa" });
    const rsa = await loadOrCreatePdfSigningIdentity({ keysDir: path.join(dir, "unused"), configured: { kind: "pem", key: keyFile, cert: certFile } });
    const signed = await signPdf({ pdf: await samplePdf(), ...signing, identity: rsa });
    expect(await verifyPdfSignature({ pdf: signed.pdf })).toMatchObject({ ok: true, certificateFingerprint: rsa.certificate.sha256Fingerprint });
    if (hasPdfsig) expect(pdfsig({ pdf: signed.pdf, dir })).toContain("Signature is Valid.");
  });
});

describe.skipIf(!hasOpenssl)("signPdf with a time-stamp authority", () => {
  const tsas: { close: () => Promise<void> }[] = [];
  const tsa = async (behaviour: TsaBehaviour) => {
    const started = await startTimestampAuthority({ dir: tempDir(`tsa-${behaviour}`), behaviour });
    tsas.push(started);
    return started;
  };
  afterAll(async () => {
    await Promise.all(tsas.map((t) => t.close()));
  });

  it("is PAdES B-T with a token from a real RFC 3161 TSA (openssl ts) on 127.0.0.1", async () => {
    const authority = await tsa("stamp");
    const before = new Date(Date.now() - 2000);
    const signed = await signPdf({ pdf: await samplePdf(), ...signing, identity, tsaUrl: authority.url });
    expect(signed).toMatchObject({ level: "B-T" });
    expect(signed.timestampError).toBeUndefined();
    expect(authority.requests()).toBe(1);

    const check = await verifyPdfSignature({ pdf: signed.pdf });
    expect(check).toMatchObject({ ok: true, problems: [], level: "B-T" });
    expect(check.timestampedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(check.timestampedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
    if (hasPdfsig) {
      const report = pdfsig({ pdf: signed.pdf, dir });
      expect(report).toContain("Signature is Valid.");
      expect(report).toContain("ETSI.CAdES.detached");
    }
    // openssl agrees: the token is a valid time stamp, by this TSA, of this signature's value.
    const { token, signatureValue } = timestampOf(signed.pdf);
    const tokenFile = path.join(dir, "token.der");
    fs.writeFileSync(tokenFile, token);
    const digest = createHash("sha256").update(signatureValue).digest("hex");
    expect(openssl({ args: ["ts", "-verify", "-digest", digest, "-token_in", "-in", tokenFile, "-CAfile", authority.certFile], cwd: dir })).toContain("Verification: OK");
    // The token is the signature's: one changed byte of the document still fails on the digest.
    expect((await verifyPdfSignature({ pdf: tampered(signed.pdf) })).ok).toBe(false);
  });

  it("falls back to B-B and says why when the TSA is unreachable (a closed port on 127.0.0.1)", async () => {
    const url = await closedPortUrl();
    const signed = await signPdf({ pdf: await samplePdf(), ...signing, identity, tsaUrl: url });
    expect(signed.level).toBe("B-B");
    expect(signed.timestampError).toContain(`No time stamp from ${url}`);
    expect(signed.timestampError).toMatch(/ECONNREFUSED/);
    expect(await verifyPdfSignature({ pdf: signed.pdf })).toMatchObject({ ok: true, level: "B-B" });
    if (hasPdfsig) expect(pdfsig({ pdf: signed.pdf, dir })).toContain("Signature is Valid.");
  });

  it("falls back to B-B when the TSA answers garbage, stamps something else, or does not answer in time", async () => {
    const garbage = await signPdf({ pdf: await samplePdf(), ...signing, identity, tsaUrl: (await tsa("garbage")).url });
    expect(garbage).toMatchObject({ level: "B-B", timestampError: expect.stringMatching(/No time stamp from .*: .*(ASN\.1|structure)/) });

    const other = await signPdf({ pdf: await samplePdf(), ...signing, identity, tsaUrl: (await tsa("stamp-other")).url });
    expect(other).toMatchObject({ level: "B-B", timestampError: expect.stringMatching(/not a valid time stamp: it stamps something other than this signature/) });

    const started = performance.now();
    const silent = await signPdf({ pdf: await samplePdf(), ...signing, identity, tsaUrl: (await tsa("silent")).url, tsaTimeoutMs: 300 });
    expect(silent).toMatchObject({ level: "B-B", timestampError: expect.stringMatching(/no answer within 300 ms/) });
    expect(performance.now() - started).toBeLessThan(3000);
    for (const signed of [garbage, other, silent]) expect((await verifyPdfSignature({ pdf: signed.pdf })).ok).toBe(true);
  });
});
