// A receipt: one ledger record as it was signed, with everything needed to check it
// offline and without trusting the server that issued it: its inclusion proof to a
// signed checkpoint, that checkpoint, and the public keys of its log. An auditor keeps
// it beside a finding; `npm run receipt:verify -- FILE` checks it years later.
//
// Format "conduit-ledger-receipt/1" (JSON; a changed shape gets a new format string,
// and a reader refuses a format it does not know):
//
//   format   "conduit-ledger-receipt/1"
//   record   the record exactly as stored and signed:
//     id, logId, seq     the record, its log, its sequence number (= its leaf index in the log's Merkle tree)
//     envelope           the canonical JSON text (RFC 8785) whose UTF-8 bytes were signed
//     leafHash           hex SHA-256(0x00 ‖ envelope), the RFC 6962 leaf
//     signature          base64 Ed25519 signature over the envelope's bytes
//     keyId              hex SHA-256 of the signing key's DER SubjectPublicKeyInfo
//   proof    either { status: "included", logIndex, treeSize, rootHash, hashes, checkpoint }:
//              hashes     the RFC 9162 audit path from the leaf to the root, hex, leaf first
//              checkpoint the signed tree head { v, kind: "checkpoint", log, size, root, at, key,
//                         signature }, signed (base64 Ed25519) over the canonical JSON of the
//                         other members, that logIndex, treeSize and rootHash refer to
//            or { status: "pending", reason }: no signed checkpoint covers the record yet;
//              the record and its signature are checkable now, the proof comes with a later receipt
//   log      { id, name, writer, keys: [{ keyId, algorithm: "Ed25519", spki (base64 DER),
//             fingerprint (keyId in groups of four hex digits), activatedAt, retiredAt }] }:
//             every key that ever signed the log, so a proof to a checkpoint signed after a
//             key rotation still finds its key
//
// The keys in a receipt come from the server that issued it. verifyReceipt checks them
// against each other and the record; only keys obtained another way (--trusted-keys, the
// fingerprints on the records page read out by the operator, the cover of an evidence
// pack) show that the server did not re-sign a forged record with a key of its own.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import {
  formatFingerprint,
  keyIdOfSpki,
  verifyInclusionInBrowser,
  verifyRecordSignatureInBrowser,
  type Check,
  type PublishedKeySet,
} from "@/lib/ledger/browser-verify";
import { proveInclusion } from "@/lib/ledger/operations";
import { parseEnvelope } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";

export const receiptFormat = "conduit-ledger-receipt/1";
export const keysFormat = "conduit-ledger-keys/1";

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex SHA-256");
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64").max(10_000);
const id = z.string().min(1).max(200);
const count = z.number().int().nonnegative();

const checkpointSchema = z
  .object({ v: z.literal(1), kind: z.literal("checkpoint"), log: id, size: count, root: hashHex, at: z.iso.datetime(), key: hashHex, signature: base64 })
  .strict();

const logKeySchema = z
  .object({
    keyId: hashHex,
    algorithm: z.literal("Ed25519"),
    spki: base64,
    fingerprint: z.string().max(100),
    activatedAt: z.string().max(40),
    retiredAt: z.string().max(40).nullable(),
  })
  .strict();

const receiptSchema = z
  .object({
    format: z.literal(receiptFormat),
    record: z
      .object({ id, logId: id, seq: count, envelope: z.string().min(2).max(1_000_000), leafHash: hashHex, signature: base64, keyId: hashHex })
      .strict(),
    proof: z.discriminatedUnion("status", [
      z
        .object({
          status: z.literal("included"),
          logIndex: count,
          treeSize: count,
          rootHash: hashHex,
          // RFC 9162 paths stay below 64 hashes for any tree of at most 2^53 leaves.
          hashes: z.array(hashHex).max(64),
          checkpoint: checkpointSchema,
        })
        .strict(),
      z.object({ status: z.literal("pending"), reason: z.string().max(1000) }).strict(),
    ]),
    log: z.object({ id, name: z.string().max(200), writer: z.string().max(200), keys: z.array(logKeySchema).min(1).max(1000) }).strict(),
  })
  .strict();

export type Receipt = z.infer<typeof receiptSchema>;
export type ReceiptKey = Receipt["log"]["keys"][number];

/** Builds the receipt of one record from the ledger: read-only, so downloading one writes nothing. */
export async function buildReceipt(options: { store: LedgerStore; recordId: string }): Promise<Receipt> {
  const { store, recordId } = options;
  const row = await store.readRecordById(recordId);
  if (!row) throw new AppError({ code: "not_found", message: `No record "${recordId}".` });
  const [logs, keys, latest] = await Promise.all([store.listLogs(), store.listKeys(row.logId), store.latestCheckpoint(row.logId)]);
  const log = logs.find((l) => l.id === row.logId) ?? { id: row.logId, name: row.logId, writer: "" };
  const record = { id: row.id, logId: row.logId, seq: row.seq, envelope: row.envelope, leafHash: row.leafHash, signature: row.signature, keyId: row.keyId };
  let proof: Receipt["proof"];
  if (latest && latest.treeSize > row.seq) {
    // The proof is to the latest checkpoint at the time of asking (a later one than
    // `latest` if it arrived meanwhile; it covers the record too).
    const included = await proveInclusion({ store, recordId });
    const { checkpoint } = included;
    proof = { status: "included", logIndex: row.seq, treeSize: checkpoint.size, rootHash: checkpoint.root, hashes: included.proof, checkpoint: { ...checkpoint, v: 1, kind: "checkpoint" } };
  } else {
    proof = {
      status: "pending",
      reason:
        `No signed checkpoint of log ${row.logId} covers record #${row.seq} yet (${latest ? `the latest covers ${latest.treeSize} records` : "the log has none yet"}). ` +
        "The log writes one within its checkpoint interval; a receipt downloaded then holds the inclusion proof.",
    };
  }
  return {
    format: receiptFormat,
    record,
    proof,
    log: {
      id: log.id,
      name: log.name,
      writer: log.writer,
      keys: keys.map((k) => ({
        keyId: k.keyId,
        algorithm: "Ed25519" as const,
        spki: k.publicKeySpki,
        fingerprint: formatFingerprint(k.keyId),
        activatedAt: k.activatedAt,
        retiredAt: k.retiredAt,
      })),
    },
  };
}

/** The file name a receipt downloads under. */
export function receiptFileName(receipt: Pick<Receipt, "record">): string {
  return `receipt-${receipt.record.logId}-${receipt.record.seq}-${receipt.record.id}.json`.replace(/[^A-Za-z0-9._-]/g, "_");
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`)
    .join("; ");
}

function parseJson(options: { text: string; what: string }): unknown {
  try {
    return JSON.parse(options.text);
  } catch {
    throw new AppError({ code: "bad_request", message: `${options.what} is not JSON.` });
  }
}

/** Reads a receipt file; throws a bad_request AppError naming what is wrong with its shape. */
export function parseReceipt(options: { text: string }): Receipt {
  const value = parseJson({ text: options.text, what: "The receipt" });
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof format === "string" && format !== receiptFormat) {
    throw new AppError({ code: "bad_request", message: `The receipt's format "${format.slice(0, 100)}" is not one this verifier reads (${receiptFormat}).` });
  }
  const parsed = receiptSchema.safeParse(value);
  if (!parsed.success) throw new AppError({ code: "bad_request", message: `The file is not a ${receiptFormat} receipt: ${issuesOf(parsed.error)}` });
  return parsed.data;
}

const keysFileSchema = z.object({
  format: z.literal(keysFormat),
  logs: z
    .array(z.object({ logId: id, keys: z.array(z.object({ keyId: hashHex, spki: base64 })).max(1000) }))
    .max(1000),
});

/**
 * Reads a keys file (conduit-ledger-keys/1: /.well-known/conduit-ledger/keys.json, the
 * records page's download, `npm run ledger -- keys --out FILE`). Every key id must be the
 * SHA-256 of its key, so a file cannot list one key under another's fingerprint.
 */
export async function parseKeysFile(options: { text: string }): Promise<PublishedKeySet> {
  const parsed = keysFileSchema.safeParse(parseJson({ text: options.text, what: "The keys file" }));
  if (!parsed.success) throw new AppError({ code: "bad_request", message: `The keys file is not a ${keysFormat} file: ${issuesOf(parsed.error)}` });
  for (const log of parsed.data.logs) {
    for (const key of log.keys) {
      if ((await keyIdOfSpki(key.spki)) !== key.keyId) {
        throw new AppError({ code: "bad_request", message: `The keys file lists key ${key.keyId} of log ${log.logId} with a public key whose SHA-256 is another.` });
      }
    }
  }
  return { logs: parsed.data.logs.map((l) => ({ logId: l.logId, keys: l.keys.map((k) => ({ keyId: k.keyId, spki: k.spki })) })) };
}

export interface ReceiptVerification {
  /** Every check passed. */
  ok: boolean;
  /** ok, and the record's inclusion in a signed checkpoint was proven too. */
  proven: boolean;
  checks: Check[];
  /** Why there is no inclusion proof yet, when there is none. */
  pending: string | null;
  /** Where the keys the signatures were checked with came from. */
  keySource: string;
}

async function receiptKeysCheck(receipt: Receipt): Promise<Check> {
  const wrong: string[] = [];
  for (const key of receipt.log.keys) {
    const actual = await keyIdOfSpki(key.spki);
    if (actual !== key.keyId) wrong.push(`key ${key.keyId.slice(0, 16)}… holds a public key whose SHA-256 is ${actual.slice(0, 16)}…`);
    else if (key.fingerprint !== formatFingerprint(actual)) wrong.push(`key ${key.keyId.slice(0, 16)}… shows the fingerprint "${key.fingerprint.slice(0, 100)}"`);
  }
  const n = receipt.log.keys.length;
  return {
    name: "Receipt keys",
    ok: wrong.length === 0 && receipt.log.id === receipt.record.logId,
    detail:
      receipt.log.id !== receipt.record.logId
        ? `the keys are of log ${receipt.log.id}, not of the record's log ${receipt.record.logId}`
        : wrong.length > 0
          ? wrong.join("; ")
          : `${n} key${n === 1 ? "" : "s"} of log ${receipt.log.id}, each id the SHA-256 of its public key`,
  };
}

function recordFieldsCheck(receipt: Receipt): Check {
  const { record } = receipt;
  const envelope = parseEnvelope(record.envelope);
  if (!envelope) return { name: "Record fields", ok: false, detail: "the envelope is not a canonical JSON ledger record" };
  const differ = (
    [
      ["id", envelope.id, record.id],
      ["log", envelope.log, record.logId],
      ["seq", envelope.seq, record.seq],
      ["key", envelope.key, record.keyId],
    ] as const
  ).filter(([, signed, claimed]) => signed !== claimed);
  return {
    name: "Record fields",
    ok: differ.length === 0,
    detail:
      differ.length === 0
        ? `the signed envelope names record ${record.id}, log ${record.logId} #${record.seq}, key ${record.keyId.slice(0, 16)}…`
        : differ.map(([field, signed, claimed]) => `the receipt says ${field} ${String(claimed)} but the signed envelope says ${String(signed)}`).join("; "),
  };
}

function proofPositionCheck(options: { record: Receipt["record"]; proof: Extract<Receipt["proof"], { status: "included" }> }): Check[] {
  const { record, proof } = options;
  const { checkpoint } = proof;
  const sameLog = checkpoint.log === record.logId;
  const mismatches = [
    proof.logIndex !== record.seq && `index ${proof.logIndex} is not the record's sequence number ${record.seq}`,
    proof.treeSize !== checkpoint.size && `tree size ${proof.treeSize} is not the checkpoint's ${checkpoint.size}`,
    proof.rootHash !== checkpoint.root && `root ${proof.rootHash.slice(0, 16)}… is not the checkpoint's ${checkpoint.root.slice(0, 16)}…`,
  ].filter((m): m is string => typeof m === "string");
  return [
    {
      name: "Checkpoint log",
      ok: sameLog,
      detail: sameLog ? `the checkpoint is of the record's log ${record.logId}` : `the checkpoint is of log ${checkpoint.log}, not of the record's log ${record.logId}`,
    },
    {
      name: "Proof position",
      ok: mismatches.length === 0,
      detail: mismatches.length === 0 ? `leaf ${record.seq} of a tree of ${checkpoint.size}, the checkpoint's size and root` : `the proof's ${mismatches.join("; ")}`,
    },
  ];
}

/**
 * Checks a receipt offline: its keys, that the envelope is the record it claims, the
 * record's signature and leaf hash, and (when included) the proof's position, the
 * inclusion proof and the checkpoint's signature. With trustedKeys the signatures are
 * checked only against those, never against the keys inside the receipt.
 */
export async function verifyReceipt(options: { receipt: Receipt; trustedKeys?: PublishedKeySet; trustedKeysName?: string }): Promise<ReceiptVerification> {
  const { receipt } = options;
  const { record, proof } = receipt;
  const keySource = options.trustedKeys ? `the trusted keys${options.trustedKeysName ? ` (${options.trustedKeysName})` : ""}` : "the receipt";
  const keys: PublishedKeySet = options.trustedKeys ?? { logs: [{ logId: receipt.log.id, keys: receipt.log.keys.map((k) => ({ keyId: k.keyId, spki: k.spki })) }] };
  const checks: Check[] = [await receiptKeysCheck(receipt), recordFieldsCheck(receipt), ...(await verifyRecordSignatureInBrowser({ record, keys, keySource }))];
  if (proof.status === "included") {
    checks.push(...proofPositionCheck({ record, proof }));
    checks.push(...(await verifyInclusionInBrowser({ record, checkpoint: proof.checkpoint, proof: proof.hashes, keys, keySource })));
  }
  const ok = checks.every((c) => c.ok);
  return { ok, proven: ok && proof.status === "included", checks, pending: proof.status === "pending" ? proof.reason : null, keySource };
}

/** A verification as text for the command line: every check, then one line that says what holds. */
export function formatReceiptVerification(options: { receipt: Receipt; result: ReceiptVerification }): string {
  const { receipt, result } = options;
  const { record, proof } = receipt;
  const lines = [`receipt of record ${record.id} (log ${record.logId} #${record.seq}), ${receiptFormat}`, `keys: from ${result.keySource}`];
  for (const check of result.checks) lines.push(`  ${check.ok ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}`);
  if (result.pending) lines.push(`  PENDING  Inclusion proof: ${result.pending}`);
  if (!result.ok) {
    lines.push(`receipt verification FAILED: ${result.checks.filter((c) => !c.ok).map((c) => c.name).join(", ")}`);
    return lines.join("\n");
  }
  const signer = `key ${formatFingerprint(record.keyId)}`;
  if (proof.status === "included") {
    const cp = proof.checkpoint;
    lines.push(
      `receipt VERIFIED: record ${record.id} is unchanged, signed by ${signer},`,
      `and entry ${record.seq} of log ${record.logId}, whose checkpoint of ${cp.size} records at ${cp.at} is signed by key ${formatFingerprint(cp.key)}.`,
    );
  } else {
    lines.push(
      `record signature VERIFIED, inclusion proof PENDING: record ${record.id} is unchanged and signed by ${signer},`,
      `but no signed checkpoint covers it yet; a receipt downloaded again later proves that it is in log ${record.logId}.`,
    );
  }
  if (!result.keySource.startsWith("the trusted keys")) {
    lines.push("The keys came with the receipt: compare these fingerprints with ones obtained out of band, or pass --trusted-keys FILE.");
  }
  return lines.join("\n");
}
