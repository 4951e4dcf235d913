// The evidence bundle's layout and file formats, shared by the writer (Node) and the
// verifier (Node and browser). See VERIFY.md (verify-md.ts) for the auditor's view.
//
//   VERIFY.md                   how to verify, with the CLI and with standard tools
//   checkpoints/<logId>.note    each log's signed tree head, a C2SP checkpoint note
//   consistency/<logId>.json    RFC 9162 consistency proof from the previous pack's checkpoint (when there is one)
//   evidence.pdf                the PAdES-signed report
//   index.html                  offline page: each control and its evidence files
//   keys.json                   every log key and the PDF certificate, with fingerprints
//   manifest.json               DSSE envelope; its payload lists every other file's SHA-256 and size
//   proofs.jsonl                line i: the inclusion proof of records.jsonl line i
//   records.jsonl               the records exactly as signed, by log id, then sequence number
//
// ZIP entries come in this (byte-wise path) order, stored or deflated, dated
// 1980-01-01 00:00, mode 0644: the same inputs give the same bytes.
import { z } from "zod";
import type { RecordRow } from "@/lib/ledger/store";

export const bundleFormat = "conduit-ledger-evidence-pack/1";
export const keysFormat = "conduit-ledger-bundle-keys/1";
export const manifestPayloadType = "application/vnd.conduit-ledger.evidence-manifest+json";

export const bundlePaths = {
  verify: "VERIFY.md",
  pdf: "evidence.pdf",
  index: "index.html",
  keys: "keys.json",
  manifest: "manifest.json",
  proofs: "proofs.jsonl",
  records: "records.jsonl",
} as const;

/** A log id is also a file name in the pack: letters, digits, ".", "_", "-". */
export const logIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export const checkpointPath = (logId: string) => `checkpoints/${logId}.note`;
export const consistencyPath = (logId: string) => `consistency/${logId}.json`;

/** A record as the ledger stores it (lib/ledger/store.ts): the envelope text is exactly what was signed. */
export type BundleRecord = RecordRow;

/** One line of records.jsonl, members in a fixed order. */
export function recordLine(r: BundleRecord): string {
  const s = JSON.stringify;
  return `{"logId":${s(r.logId)},"seq":${r.seq},"id":${s(r.id)},"kind":${s(r.kind)},"at":${s(r.at)},"keyId":${s(r.keyId)},"leafHash":${s(r.leafHash)},"signature":${s(r.signature)},"envelope":${s(r.envelope)}}\n`;
}

/** One line of proofs.jsonl: a Sigstore-style inclusion proof to the log's checkpoint in this pack. */
export interface ProofLine {
  logId: string;
  logIndex: number;
  treeSize: number;
  /** Hex, as the checkpoint note's base64 root. */
  rootHash: string;
  /** RFC 9162 audit path, leaf to root, hex. */
  hashes: string[];
  /** The checkpoint note it verifies against, a path in this pack. */
  checkpoint: string;
}

export function proofLine(p: ProofLine): string {
  const s = JSON.stringify;
  return `{"logId":${s(p.logId)},"logIndex":${p.logIndex},"treeSize":${p.treeSize},"rootHash":${s(p.rootHash)},"hashes":${s(p.hashes)},"checkpoint":${s(p.checkpoint)}}\n`;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex SHA-256");
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const bundlePath = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/, "must be a relative path of letters, digits, '.', '_', '-'");

export const packInfoSchema = z
  .object({
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(500),
    purpose: z.string().max(2000),
    /** What the pack covers, as the generator describes it (time range, plants, conduits, incident). */
    scope: z.record(z.string(), z.unknown()),
    generatedAt: z.iso.datetime(),
    generatedBy: z.string().min(1).max(300),
  })
  .strict();
export type PackInfo = z.infer<typeof packInfoSchema>;

export const manifestFileSchema = z.object({ path: bundlePath, sha256: hex64, size: count }).strict();
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const manifestSchema = z
  .object({
    format: z.literal(bundleFormat),
    pack: packInfoSchema,
    files: z.array(manifestFileSchema).max(100_000),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;

export const bundleKeySchema = z
  .object({
    keyId: hex64,
    algorithm: z.literal("Ed25519"),
    /** Base64 DER SubjectPublicKeyInfo. */
    spki: z.string().min(1).max(200),
    /** SHA-256 of the DER SPKI, hex: equal to the key id, printed on the PDF's cover. */
    fingerprint: hex64,
    /** The key as the checkpoint notes name it: name, key hash, Go note verifier key. */
    noteKeyName: z.string().min(1).max(300),
    noteKeyHash: z.string().regex(/^[0-9a-f]{8}$/),
    noteVerifierKey: z.string().min(1).max(400),
  })
  .strict();
export type BundleKey = z.infer<typeof bundleKeySchema>;

export const keysFileSchema = z
  .object({
    format: z.literal(keysFormat),
    /** The ledger key that signs manifest.json. */
    manifestKey: z.object({ logId: z.string(), keyId: hex64 }).strict(),
    logs: z
      .array(
        z
          .object({
            logId: z.string().regex(logIdPattern),
            name: z.string().max(200),
            /** Origin line of the log's checkpoint notes. */
            origin: z.string().min(1).max(300),
            keys: z.array(bundleKeySchema).min(1).max(1000),
          })
          .strict(),
      )
      .max(10_000),
    /** The certificate that signs evidence.pdf, and the SHA-256 of its DER encoding, hex. */
    pdfCertificate: z.object({ pem: z.string().min(1).max(100_000), fingerprint: hex64 }).strict().nullable(),
  })
  .strict();
export type KeysFile = z.infer<typeof keysFileSchema>;

export const consistencyFileSchema = z
  .object({
    logId: z.string().regex(logIdPattern),
    /** The pack whose checkpoint this one extends, when known. */
    previousPack: z.object({ id: z.string().max(200), sha256: hex64.nullable() }).strict().nullable(),
    oldSize: count,
    oldRoot: hex64,
    newSize: count,
    newRoot: hex64,
    /** RFC 9162 consistency proof from oldSize to newSize, hex. */
    hashes: z.array(hex64).max(64),
    /** The previous pack's checkpoint note, so the old head's signature can be checked without it. */
    oldCheckpoint: z.string().max(10_000).nullable(),
    /** The checkpoint note in this pack the proof leads to. */
    newCheckpoint: bundlePath,
  })
  .strict();
export type ConsistencyFile = z.infer<typeof consistencyFileSchema>;

/** A control of the control map and the files in the pack that evidence it. */
export const controlSchema = z
  .object({
    id: z.string().min(1).max(100),
    title: z.string().min(1).max(300),
    /** What the control asks, in a sentence of our own. */
    asks: z.string().max(2000),
    /** Paths in the pack, optionally with a fragment ("evidence.pdf#page=4"). */
    evidenceFiles: z.array(z.string().min(1).max(500)).max(100),
    status: z.string().min(1).max(100),
  })
  .strict();
export type Control = z.infer<typeof controlSchema>;

/** Serialises JSON files of the pack deterministically: two-space indent, members in the order given. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
