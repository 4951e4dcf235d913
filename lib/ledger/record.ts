// The record envelope and the signed checkpoint: what is hashed, what is signed, and
// how to check both without a database. One versioned envelope serves every kind of
// record; its body is validated per kind. Bodies hold hashes, sizes and metadata of
// prompts and responses, never their text.
import { createHash, sign, verify, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { checkpointNoteText } from "@/lib/ledger/checkpoint-note";
import { z } from "zod";
import { roles } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { leafHash } from "@/lib/ledger/merkle";

export const envelopeVersion = 1;
export const genesisPrev = "0".repeat(64);

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex SHA-256");
const nullableHash = hashHex.nullable();
const shortText = z.string().max(200);
const id = z.string().min(1).max(200);

/**
 * A strict object schema whose parsed output lists its members in RFC 8785 order (zod
 * writes them in the order of the shape), so canonicalJson can serialise a validated
 * body with JSON.stringify. The shapes below are written in reading order.
 */
function canonicalObject<T extends z.ZodRawShape>(shape: T) {
  return z.object(Object.fromEntries(Object.entries(shape).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T).strict();
}

const actor = canonicalObject({ userId: id, email: z.string().max(254), role: z.enum(roles) });
// An operator id is an e-mail address or a system's id, plus "@<issuer>" when asserted.
const operator = canonicalObject({ id: z.string().min(1).max(300).nullable(), assurance: z.enum(["verified", "asserted", "none"]) });
const callContext = canonicalObject({
  plant: id.nullable(),
  zone: id.nullable(),
  workstation: id.nullable(),
  device: id.nullable(),
  credential: id.nullable(),
  application: shortText.nullable(),
  operator,
  purpose: shortText.nullable(),
  sourceAddress: shortText.nullable(),
});
const payloadShape = { sha256: nullableHash, bytes: z.number().int().nonnegative() };
const payload = canonicalObject(payloadShape);
const classification = canonicalObject({
  level: z.enum(["PUBLIC", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"]),
  labels: z.record(z.string().max(64), z.number().int().nonnegative()),
});

/**
 * Body schema per record kind. Adding a field to a kind is a new envelope version, unless
 * the field is optional and written only where earlier records could not have it (then
 * every earlier record keeps its bytes and stays valid).
 */
export const recordBodies = {
  // Written before the call is forwarded (durable first): who called, through which
  // conduit, what the request carried, and what the proxy decided.
  ai_call: canonicalObject({
    outcome: z.enum(["allowed", "redacted", "flagged"]),
    context: callContext,
    conduit: id,
    destination: id,
    provider: shortText,
    endpoint: shortText,
    model: shortText.nullable(),
    stream: z.boolean(),
    classification,
    /** The body as the device sent it. */
    request: payload,
    /** The body as forwarded: differs from request when spans were redacted. */
    forwarded: payload,
    flags: z.array(z.string().regex(/^[a-z_]+$/)).max(20),
  }),
  // Written when the call ends, however it ends; linked to its ai_call record.
  ai_call_result: canonicalObject({
    callRecordId: id,
    outcome: z.enum(["completed", "failed", "timed_out", "client_aborted"]),
    response: canonicalObject({ ...payloadShape, status: z.number().int().nullable() }),
    model: shortText.nullable(),
    usage: canonicalObject({ inputTokens: z.number().int().nullable(), outputTokens: z.number().int().nullable() }),
    finishReason: shortText.nullable(),
    responseId: shortText.nullable(),
    ttfbMs: z.number().nonnegative().nullable(),
    durationMs: z.number().nonnegative(),
    error: shortText.nullable(),
    /** Only when there is one: model_not_allowed (the provider answered with a model the conduit does not allow). */
    flags: z.array(z.string().regex(/^[a-z_]+$/)).min(1).max(20).optional(),
  }),
  ai_call_denied: canonicalObject({
    code: z.string().regex(/^[a-z_]+$/),
    context: callContext,
    conduit: id.nullable(),
    destination: id.nullable(),
    endpoint: shortText.nullable(),
    model: shortText.nullable(),
    classification: classification.nullable(),
    request: payload,
  }),
  oversight_decision: canonicalObject({
    callRecordId: id,
    decision: z.enum(["accepted", "edited", "rejected", "escalated"]),
    operator,
    device: id.nullable(),
    editedOutput: payload.nullable(),
  }),
  admin_change: canonicalObject({
    actor,
    entity: canonicalObject({ type: z.string().regex(/^[A-Za-z]+$/), id }),
    action: z.enum(["create", "update", "delete"]),
    before: nullableHash,
    after: nullableHash,
    summary: z.string().max(500),
  }),
  report_submission: canonicalObject({
    actor,
    incidentId: id,
    stage: z.enum(["EARLY_WARNING", "NOTIFICATION", "INTERMEDIATE", "PROGRESS", "FINAL"]),
    content: payload,
    channel: shortText,
    recipient: shortText,
  }),
  // An evidence pack generated (or failed): who, which scope, and the ZIP's SHA-256, so the
  // pack an auditor holds can be matched to this record; the checkpoints its proofs lead to.
  evidence_pack_generated: canonicalObject({
    actor,
    packId: id,
    name: shortText,
    purpose: z.string().max(500),
    scope: z.string().max(4096),
    outcome: z.enum(["ready", "failed"]),
    sha256: nullableHash,
    bytes: z.number().int().nonnegative().nullable(),
    records: z.number().int().nonnegative(),
    checkpoints: z.array(canonicalObject({ log: id, size: z.number().int().nonnegative(), root: hashHex })).max(1000),
    error: z.string().max(500).nullable(),
  }),
  // Written before a pack's first byte is sent.
  evidence_download: canonicalObject({ actor, packId: id, sha256: hashHex }),
  // Written before an export of the records explorer streams: who took which records out.
  records_export: canonicalObject({ actor, format: z.enum(["csv", "jsonl"]), filter: z.string().max(4096) }),
} as const;

export type RecordKind = keyof typeof recordBodies;
export const recordKinds = Object.keys(recordBodies) as RecordKind[];
export type RecordBody<K extends RecordKind> = z.infer<(typeof recordBodies)[K]>;

export type RecordInput = { [K in RecordKind]: { kind: K; body: RecordBody<K> } }[RecordKind];

export interface Envelope {
  v: number;
  log: string;
  seq: number;
  id: string;
  kind: RecordKind;
  at: string;
  prev: string;
  key: string;
  body: Record<string, unknown>;
}

const envelopeSchema = canonicalObject({
  v: z.literal(envelopeVersion),
  log: id,
  seq: z.number().int().nonnegative(),
  id,
  kind: z.enum(recordKinds as [RecordKind, ...RecordKind[]]),
  at: z.iso.datetime(),
  prev: hashHex,
  key: hashHex,
  body: z.record(z.string(), z.unknown()),
});

/** Validates a record's kind and body before anything is written. */
export function validateRecordInput(input: { kind: string; body: unknown }): RecordInput {
  const schema = recordBodies[input.kind as RecordKind];
  if (!schema) {
    throw new AppError({ code: "validation_failed", message: `Unknown record kind "${input.kind}".` });
  }
  const parsed = schema.safeParse(input.body);
  if (!parsed.success) {
    throw new AppError({
      code: "validation_failed",
      message: `The ${input.kind} record is malformed.`,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return { kind: input.kind, body: parsed.data } as RecordInput;
}

/**
 * True when JSON.stringify(value) is already its RFC 8785 form: plain objects whose
 * members come in ascending key order, finite numbers, well-formed strings, nothing
 * JSON.stringify would drop or convert. JSON.stringify writes strings and numbers
 * exactly as RFC 8785 does; it differs only in member order and in what it tolerates.
 */
function serialisesCanonically(value: unknown): boolean {
  switch (typeof value) {
    case "string":
      return (value as string & { isWellFormed(): boolean }).isWellFormed();
    case "number":
      return Number.isFinite(value);
    case "boolean":
      return true;
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((item) => item !== undefined && serialisesCanonically(item));
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      let previous: string | undefined;
      for (const key in value) {
        if (previous !== undefined && !(previous < key)) return false;
        previous = key;
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined || !serialisesCanonically(member)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * RFC 8785 canonical JSON: the exact text that is hashed and signed. A validated record
 * body is already in canonical order (see canonicalObject) and takes JSON.stringify, at a
 * quarter of the library's cost; anything else goes through the library.
 */
export function canonicalJson(value: unknown): string {
  if (serialisesCanonically(value)) return JSON.stringify(value);
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value cannot be canonicalized");
  return text;
}

export interface SealedRecord {
  envelope: Envelope;
  /** Canonical JSON of the envelope. */
  text: string;
  /** SHA-256(0x00 || text): the Merkle leaf and the next record's prev. */
  leafHash: Buffer;
  /** Ed25519 over the canonical text, base64. */
  signature: string;
}

export type EnvelopeHeader = Omit<Envelope, "body">;

/**
 * The canonical JSON of an envelope, assembled from its header and the body's canonical
 * JSON (computed once, when the record is appended). Equal to canonicalJson(envelope):
 * RFC 8785 orders the members by key, and these strings and integers serialise exactly
 * as JSON.stringify writes them.
 */
export function envelopeText(options: { header: EnvelopeHeader; bodyText: string }): string {
  const h = options.header;
  const s = JSON.stringify;
  return `{"at":${s(h.at)},"body":${options.bodyText},"id":${s(h.id)},"key":${s(h.key)},"kind":${s(h.kind)},"log":${s(h.log)},"prev":${s(h.prev)},"seq":${h.seq},"v":${h.v}}`;
}

export function sealRecord(options: { envelope: Envelope; privateKey: KeyObject }): SealedRecord {
  const { body, ...header } = options.envelope;
  const text = envelopeText({ header, bodyText: canonicalJson(body) });
  const bytes = Buffer.from(text, "utf8");
  return {
    envelope: options.envelope,
    text,
    leafHash: leafHash(bytes),
    signature: sign(null, bytes, options.privateKey).toString("base64"),
  };
}

/** Parses stored envelope text; null when it is not a well-formed, canonical envelope. */
export function parseEnvelope(text: string): Envelope | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success || canonicalJson(parsed.data) !== text) return null;
  return parsed.data as Envelope;
}

export function verifyRecordSignature(options: { text: string; signature: string; publicKey: KeyObject }): boolean {
  try {
    return verify(null, Buffer.from(options.text, "utf8"), options.publicKey, Buffer.from(options.signature, "base64"));
  } catch {
    return false;
  }
}

// --- Checkpoints (signed tree heads) -------------------------------------------------

export interface CheckpointBody {
  v: number;
  kind: "checkpoint";
  log: string;
  size: number;
  root: string;
  at: string;
  key: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  signature: string;
}

const checkpointSchema = z
  .object({
    v: z.literal(envelopeVersion),
    kind: z.literal("checkpoint"),
    log: id,
    size: z.number().int().nonnegative(),
    root: hashHex,
    at: z.iso.datetime(),
    key: hashHex,
    signature: z.string().min(1),
  })
  .strict();

/** Signs a tree head as the log's checkpoint note (lib/ledger/checkpoint-note.ts). */
export function signCheckpoint(options: { body: Omit<CheckpointBody, "v" | "kind">; privateKey: KeyObject }): SignedCheckpoint {
  const body: CheckpointBody = { v: envelopeVersion, kind: "checkpoint", ...options.body };
  const signature = sign(null, Buffer.from(checkpointNoteText(body), "utf8"), options.privateKey).toString("base64");
  return { ...body, signature };
}

/** True when the signature is the log key's over the checkpoint's note text, or over its canonical JSON (checkpoints signed before notes). */
export function verifyCheckpointSignature(options: { checkpoint: SignedCheckpoint; publicKey: KeyObject }): boolean {
  const { signature, ...body } = options.checkpoint;
  const signed = (text: string) => {
    try {
      return verify(null, Buffer.from(text, "utf8"), options.publicKey, Buffer.from(signature, "base64"));
    } catch {
      return false;
    }
  };
  return signed(checkpointNoteText(body)) || signed(canonicalJson(body));
}

/** Reads an exported checkpoint (ledger:checkpoint --out); throws a clear error when malformed. */
export function parseCheckpointFile(text: string): SignedCheckpoint & { publicKey?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError({ code: "bad_request", message: "The checkpoint file is not JSON." });
  }
  const parsed = checkpointSchema.extend({ publicKey: z.string().optional() }).safeParse(value);
  if (!parsed.success) {
    throw new AppError({
      code: "bad_request",
      message: `The checkpoint file is malformed: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    });
  }
  return parsed.data as SignedCheckpoint & { publicKey?: string };
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
