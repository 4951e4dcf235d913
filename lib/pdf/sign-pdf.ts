// PAdES signatures on the PDFs the app hands out (evidence packs, incident reports), and
// their check. @libpdf/core appends the signature as an incremental update (subfilter
// ETSI.CAdES.detached). With a configured RFC 3161 time-stamp authority the signature
// carries its time stamp (B-T); a TSA that does not answer, or answers something that
// is not a time stamp of this signature, costs the level (B-B), never the document.
import { createHash, webcrypto } from "node:crypto";
import { HttpTimestampAuthority, PDF, TimestampError, type DigestAlgorithm, type TimestampAuthority } from "@libpdf/core";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import type { PdfSigningIdentity } from "@/lib/pdf/signing-certificate";

export type PadesLevel = "B-B" | "B-T";

export interface SignedPdf {
  pdf: Uint8Array;
  level: PadesLevel;
  /** Why the signature has no time stamp although a TSA is configured (for the cover page). */
  timestampError?: string;
}

const oid = {
  signedData: "1.2.840.113549.1.7.2",
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  signingTime: "1.2.840.113549.1.9.5",
  messageDigest: "1.2.840.113549.1.9.4",
  data: "1.2.840.113549.1.7.1",
  timeStampToken: "1.2.840.113549.1.9.16.2.14",
};

const digestNames: Record<string, string> = {
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

// Our own engine for pkijs: @libpdf/core installs a global one whose digest() does not take
// the plain algorithm names SignedData.verify passes.
const engine = new pkijs.CryptoEngine({ name: "conduit-ledger", crypto: webcrypto as unknown as Crypto });

/** A copy of the bytes in an ArrayBuffer of their own (pkijs reads whole buffers; a Buffer may be a view into a pool). */
function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

function signedDataOf(der: Uint8Array): pkijs.SignedData {
  const contentInfo = pkijs.ContentInfo.fromBER(bufferOf(der));
  if (contentInfo.contentType !== oid.signedData) throw new Error(`content type ${contentInfo.contentType} is not CMS SignedData`);
  return new pkijs.SignedData({ schema: contentInfo.content });
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message} (${cause})` : error.message;
}

/**
 * Checks an RFC 3161 token: a SignedData over a TSTInfo whose message imprint is `imprint`
 * (or the hash of `stamped`), signed by the certificate it carries. Returns its time.
 */
async function checkTimestampToken(options: { token: Uint8Array; imprint?: Uint8Array; stamped?: Uint8Array }): Promise<Date> {
  const signedData = signedDataOf(options.token);
  const eContent = signedData.encapContentInfo.eContent;
  if (signedData.encapContentInfo.eContentType !== oid.tstInfo || !eContent) throw new Error("the token does not hold a TSTInfo");
  const tstInfo = pkijs.TSTInfo.fromBER(eContent.getValue());
  const hashedMessage = Buffer.from(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView);
  const digestName = digestNames[tstInfo.messageImprint.hashAlgorithm.algorithmId];
  if (!digestName) throw new Error(`the token's hash algorithm ${tstInfo.messageImprint.hashAlgorithm.algorithmId} is not SHA-2`);
  const imprint = options.imprint ?? createHash(digestName).update(options.stamped ?? new Uint8Array()).digest();
  if (!hashedMessage.equals(imprint)) throw new Error("it stamps something other than this signature");
  // pkijs would check a TSTInfo's imprint against the stamped bytes, which the signing
  // side never sees (only their hash): the imprint is compared above, so the TSA's
  // signature is verified as one over plain content.
  signedData.encapContentInfo.eContentType = oid.data;
  const valid = await signedData.verify({ signer: 0, checkChain: false }, engine);
  if (!valid) throw new Error("the time-stamp authority's signature does not verify");
  return tstInfo.genTime;
}

/** A fetch that gives up after timeoutMs, reading the body included, and says why a connection failed. */
function boundedFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(init?.signal ? [init.signal] : [])]);
    try {
      const response = await fetch(input, { ...init, signal });
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      if (signal.aborted) throw new Error(`no answer within ${timeoutMs} ms`, { cause: error });
      throw new Error(reasonOf(error), { cause: error });
    }
  };
}

/** The configured TSA, refusing any token that is not a valid time stamp of what it was asked to stamp. */
function checkedTimestampAuthority(options: { url: string; timeoutMs: number }): TimestampAuthority {
  const http = new HttpTimestampAuthority(options.url, { timeout: options.timeoutMs, fetch: boundedFetch(options.timeoutMs) });
  return {
    async timestamp(digest: Uint8Array, algorithm: DigestAlgorithm): Promise<Uint8Array> {
      const token = await http.timestamp(digest, algorithm);
      try {
        // The library asks for a stamp of the signature value's digest; the imprint must be exactly that.
        await checkTimestampToken({ token, imprint: digest });
      } catch (error) {
        throw new TimestampError(`the answer is not a valid time stamp: ${reasonOf(error)}`);
      }
      return token;
    },
  };
}

/** Room for the CMS: signature, signed attributes, the certificates, and a time stamp with the TSA's chain. */
function placeholderSize(options: { identity: PdfSigningIdentity; timestamped: boolean }): number {
  const certificates = [options.identity.certificate, ...options.identity.chain].reduce((sum, c) => sum + c.der.length, 0);
  return 8192 + certificates + (options.timestamped ? 16_384 : 0);
}

/**
 * Text for the signature's Reason, Location and ContactInfo. @libpdf/core 0.4.2 escapes
 * these twice, so a reader would show a backslash before every parenthesis and backslash:
 * brackets and a slash stand in for them, and line breaks become spaces.
 */
function signatureText(text: string | undefined): string | undefined {
  return text?.replace(/[\r\n]+/g, " ").replace(/\(/g, "[").replace(/\)/g, "]").replace(/\\/g, "/");
}

export async function signPdf(options: {
  pdf: Uint8Array;
  reason: string;
  location: string;
  contactInfo?: string;
  identity: PdfSigningIdentity;
  tsaUrl?: string;
  /** How long the TSA may take to answer; 10 s unless given. */
  tsaTimeoutMs?: number;
  signingTime?: Date;
}): Promise<SignedPdf> {
  const base = {
    signer: options.identity.signer,
    reason: signatureText(options.reason),
    location: signatureText(options.location),
    contactInfo: signatureText(options.contactInfo),
    signingTime: options.signingTime,
    subFilter: "ETSI.CAdES.detached" as const,
  };
  let timestampError: string | undefined;
  if (options.tsaUrl) {
    const timestampAuthority = checkedTimestampAuthority({ url: options.tsaUrl, timeoutMs: options.tsaTimeoutMs ?? 10_000 });
    try {
      const estimatedSize = placeholderSize({ identity: options.identity, timestamped: true });
      const { bytes } = await (await PDF.load(options.pdf)).sign({ ...base, level: "B-T", timestampAuthority, estimatedSize });
      return { pdf: bytes, level: "B-T" };
    } catch (error) {
      // Whatever went wrong with the time stamp (no answer, a bad one, one too large for
      // its room), the document is still signed, at B-B; a failure there is thrown.
      timestampError = `No time stamp from ${options.tsaUrl}: ${reasonOf(error)}`;
    }
  }
  // A fresh load: a failed attempt leaves its document half-signed.
  const estimatedSize = placeholderSize({ identity: options.identity, timestamped: false });
  const { bytes } = await (await PDF.load(options.pdf)).sign({ ...base, level: "B-B", estimatedSize });
  return { pdf: bytes, level: "B-B", ...(timestampError ? { timestampError } : {}) };
}

export interface PdfSignatureCheck {
  ok: boolean;
  /** What failed, in words an auditor can act on; empty when ok. */
  problems: string[];
  /** SHA-256 (hex) of the certificate that made the signature, to compare with keys.json. */
  certificateFingerprint?: string;
  subFilter?: string;
  level?: PadesLevel;
  /** The signer's claimed signing time (signed attribute). */
  signedAt?: Date;
  /** The time-stamp authority's time, when the signature carries a time stamp. */
  timestampedAt?: Date;
}

/** The latest signature (the one covering the most bytes): its ByteRange and CMS, as its signature dictionary gives them. */
async function lastSignature(pdf: Uint8Array): Promise<{ byteRange: number[]; contents: Uint8Array; subFilter?: string }> {
  const document = await PDF.load(pdf);
  const signatures = (document.getForm()?.getSignatureFields() ?? []).flatMap((field) => {
    const dict = field.getSignatureDict();
    if (!dict) return [];
    const byteRange = (dict.getArray("ByteRange")?.toArray() ?? []).map((n) => ("value" in n && typeof n.value === "number" ? n.value : NaN));
    return [{ dict, byteRange, end: (byteRange[2] ?? 0) + (byteRange[3] ?? 0) }];
  });
  const latest = signatures.sort((a, b) => a.end - b.end).at(-1);
  if (!latest) throw new Error("the PDF has no signature");
  const contents = latest.dict.getString("Contents")?.bytes;
  if (!contents) throw new Error("the signature has no Contents");
  return { byteRange: latest.byteRange, contents, subFilter: latest.dict.getName("SubFilter")?.value };
}

/**
 * Checks a signed PDF offline: the signature covers the whole file but its own value, the
 * bytes it covers hash to the signed message digest, the signature verifies with the
 * certificate it carries, and a time stamp, if any, is one of this signature. It does not
 * decide whether to trust the certificate: compare certificateFingerprint with keys.json.
 */
export async function verifyPdfSignature(options: { pdf: Uint8Array }): Promise<PdfSignatureCheck> {
  const { pdf } = options;
  const problems: string[] = [];
  let found: Awaited<ReturnType<typeof lastSignature>>;
  try {
    found = await lastSignature(pdf);
  } catch (error) {
    return { ok: false, problems: [`No signature could be read: ${reasonOf(error)}.`] };
  }
  const result: PdfSignatureCheck = { ok: false, problems, subFilter: found.subFilter };
  if (found.subFilter !== "ETSI.CAdES.detached") problems.push(`The signature's subfilter is ${found.subFilter ?? "missing"}, not ETSI.CAdES.detached (PAdES).`);

  const [start, firstLength, secondStart, secondLength] = found.byteRange;
  const wellFormed = found.byteRange.length === 4 && found.byteRange.every((n) => Number.isInteger(n) && n >= 0) && start === 0 && firstLength! < secondStart!;
  if (!wellFormed) {
    problems.push(`The signature's ByteRange [${found.byteRange.join(" ")}] is malformed.`);
    return result;
  }
  if (secondStart! + secondLength! !== pdf.length) {
    problems.push(`The signature covers ${secondStart! + secondLength!} bytes but the file has ${pdf.length}: bytes were added or removed after signing.`);
  }
  // The one gap must be the signature value itself, <hex>, and nothing else.
  if (pdf[firstLength!] !== 0x3c || pdf[secondStart! - 1] !== 0x3e) problems.push("The bytes left out of the signature are not just its value.");
  const covered = Buffer.concat([pdf.subarray(0, firstLength), pdf.subarray(secondStart, secondStart! + secondLength!)]);

  let signedData: pkijs.SignedData;
  try {
    signedData = signedDataOf(found.contents);
  } catch (error) {
    problems.push(`The signature value is not a CMS signature: ${reasonOf(error)}.`);
    return result;
  }
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) {
    problems.push("The CMS signature has no signer.");
    return result;
  }
  const signerCertificate = (signedData.certificates ?? []).find(
    (c): c is pkijs.Certificate =>
      c instanceof pkijs.Certificate && signerInfo.sid instanceof pkijs.IssuerAndSerialNumber && c.issuer.isEqual(signerInfo.sid.issuer) && c.serialNumber.isEqual(signerInfo.sid.serialNumber),
  );
  if (!signerCertificate) {
    problems.push("The CMS signature does not carry the signer's certificate.");
    return result;
  }
  result.certificateFingerprint = createHash("sha256").update(Buffer.from(signerCertificate.toSchema().toBER(false))).digest("hex");

  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  const signingTime = attributes.find((a) => a.type === oid.signingTime)?.values[0];
  if (signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime) result.signedAt = signingTime.toDate();
  const digestName = digestNames[signerInfo.digestAlgorithm.algorithmId];
  const messageDigest = attributes.find((a) => a.type === oid.messageDigest)?.values[0];
  if (!digestName) problems.push(`The signature's digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not SHA-256, SHA-384 or SHA-512.`);
  else if (!(messageDigest instanceof asn1js.OctetString)) problems.push("The CMS signature has no message-digest attribute.");
  else if (!createHash(digestName).update(covered).digest().equals(Buffer.from(messageDigest.valueBlock.valueHexView))) {
    problems.push("Digest mismatch: the signed bytes of the PDF were changed after signing.");
  } else {
    try {
      if (!(await signedData.verify({ signer: 0, data: bufferOf(covered), checkChain: false }, engine))) {
        problems.push("The signature over the signed attributes does not verify with the embedded certificate.");
      }
    } catch (error) {
      problems.push(`The CMS signature does not verify: ${reasonOf(error)}.`);
    }
  }

  const token = signerInfo.unsignedAttrs?.attributes.find((a) => a.type === oid.timeStampToken)?.values[0];
  result.level = token ? "B-T" : "B-B";
  if (token) {
    try {
      const signatureValue = new Uint8Array(signerInfo.signature.valueBlock.valueHexView);
      result.timestampedAt = await checkTimestampToken({ token: new Uint8Array(token.toBER(false)), stamped: signatureValue });
    } catch (error) {
      problems.push(`The signature's time stamp is not valid: ${reasonOf(error)}.`);
    }
  }
  result.ok = problems.length === 0;
  return result;
}
