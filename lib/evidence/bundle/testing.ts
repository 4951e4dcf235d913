// Synthetic ledger logs for the bundle's tests and benchmark: records sealed and signed
// as the ledger does (record.ts), their Merkle tree kept as the store keeps it (every
// perfect node), so inclusion and consistency proofs come from merkle.ts itself.
import type { BundleEntry, BundleLogInput } from "@/lib/evidence/bundle/writer";
import { checkpointOrigin } from "@/lib/evidence/bundle/note";
import { signCheckpointNote } from "@/lib/evidence/bundle/sign";
import { generateSigningKey, type SigningKey } from "@/lib/ledger/keys";
import { consistencyProof, inclusionProof, mapSource, MerkleFrontier, nodeKey, treeRoot, type Hash } from "@/lib/ledger/merkle";
import { envelopeVersion, genesisPrev, sealRecord, type RecordInput } from "@/lib/ledger/record";
import type { RecordRow } from "@/lib/ledger/store";

export const adminChangeBody = (seq: number, summary = `change ${seq}`): RecordInput => ({
  kind: "admin_change",
  body: {
    actor: { userId: "u1", email: "admin@nordwerk.example", role: "ADMIN" },
    entity: { type: "Conduit", id: `c${seq}` },
    action: "update",
    before: "a".repeat(64),
    after: "b".repeat(64),
    summary,
  },
});

/** An ai_call record body of realistic size (about 900 bytes of envelope). */
export const aiCallBody = (seq: number): RecordInput => ({
  kind: "ai_call",
  body: {
    outcome: "allowed",
    context: {
      plant: "augsburg",
      zone: "augsburg-l3-operations",
      workstation: "aug-hist-an01",
      device: `aug-maint-${seq % 40}`,
      credential: "cred-1",
      application: "MaintainIQ 4.2",
      operator: { id: "k.huber@nordwerk.example", assurance: "verified" },
      purpose: "predictive-maintenance",
      sourceAddress: "10.30.4.21",
    },
    conduit: "aug-l3-to-openai-eu",
    destination: "openai-eu",
    provider: "OPENAI_COMPATIBLE",
    endpoint: "chat.completions",
    model: "gpt-4.1-mini",
    stream: false,
    classification: { level: "INTERNAL", labels: { asset_tag: 2 } },
    request: { sha256: (seq % 16).toString(16).repeat(64), bytes: 900 + (seq % 300) },
    forwarded: { sha256: (seq % 16).toString(16).repeat(64), bytes: 900 + (seq % 300) },
    flags: [],
  },
});

export class SyntheticLog {
  readonly rows: RecordRow[] = [];
  private readonly nodes = new Map<string, Hash>();
  private readonly frontier = new MerkleFrontier();

  constructor(
    readonly logId: string,
    readonly name: string,
    readonly key: SigningKey = generateSigningKey(),
  ) {}

  /** Records appended (the rows may have been dropped to save memory; the tree stays). */
  get size(): number {
    return this.frontier.size;
  }

  /** Appends records sealed with the log's key, one second apart from `start`. */
  append(options: { count: number; body?: (seq: number) => RecordInput; start?: number }): this {
    const body = options.body ?? adminChangeBody;
    const start = options.start ?? Date.parse("2026-09-01T08:00:00.000Z");
    for (let i = 0; i < options.count; i++) {
      const seq = this.size;
      const input = body(seq);
      const prev = seq === 0 ? genesisPrev : this.nodes.get(nodeKey({ level: 0, index: seq - 1 }))!.toString("hex");
      const at = new Date(start + seq * 1000).toISOString();
      const sealed = sealRecord({ envelope: { v: envelopeVersion, log: this.logId, seq, id: `${this.logId}-r${seq}`, kind: input.kind, at, prev, key: this.key.keyId, body: input.body }, privateKey: this.key.privateKey });
      this.rows.push({ id: `${this.logId}-r${seq}`, logId: this.logId, seq, kind: input.kind, at, envelope: sealed.text, leafHash: sealed.leafHash.toString("hex"), signature: sealed.signature, keyId: this.key.keyId });
      this.nodes.set(nodeKey({ level: 0, index: seq }), sealed.leafHash);
      for (const node of this.frontier.append(sealed.leafHash)) this.nodes.set(nodeKey(node), node.hash);
    }
    return this;
  }

  root(size = this.size): string {
    return treeRoot(mapSource(this.nodes), size).toString("hex");
  }

  proof(seq: number, size = this.size): string[] {
    return inclusionProof({ source: mapSource(this.nodes), index: seq, size }).map((h) => h.toString("hex"));
  }

  consistency(oldSize: number, newSize = this.size): string[] {
    return consistencyProof({ source: mapSource(this.nodes), oldSize, newSize }).map((h) => h.toString("hex"));
  }

  checkpoint(size = this.size): string {
    return signCheckpointNote({ origin: checkpointOrigin({ logId: this.logId }), size, root: this.root(size), privateKey: this.key.privateKey });
  }

  keys(): { keyId: string; spki: string }[] {
    return [{ keyId: this.key.keyId, spki: this.key.spki.toString("base64") }];
  }

  /** The log as the writer takes it, with a checkpoint at `size`. */
  input(options: { size?: number; consistencyFrom?: { size: number; root?: string; packId?: string } } = {}): BundleLogInput {
    const size = options.size ?? this.size;
    const from = options.consistencyFrom;
    return {
      logId: this.logId,
      name: this.name,
      keys: this.keys(),
      checkpoint: this.checkpoint(size),
      consistency: from
        ? { oldSize: from.size, oldRoot: from.root ?? this.root(from.size), hashes: this.consistency(from.size, size), oldCheckpoint: this.checkpoint(from.size), previousPack: from.packId ? { id: from.packId, sha256: null } : null }
        : null,
    };
  }

  /** Records [from, to) with their proofs to the checkpoint at `size`. */
  *entries(options: { from?: number; to?: number; size?: number } = {}): Generator<BundleEntry> {
    const size = options.size ?? this.size;
    for (let seq = options.from ?? 0; seq < (options.to ?? size); seq++) yield { record: this.rows[seq]!, proof: this.proof(seq, size) };
  }
}

/** Entries of several logs, in the order the writer wants them (by log id, then sequence). */
export async function* entriesOf(...parts: Iterable<BundleEntry>[]): AsyncGenerator<BundleEntry> {
  for (const part of parts) yield* part;
}

/** A PEM block around arbitrary bytes: enough for fingerprints, not a real certificate. */
export function fakeCertificatePem(seed: string): string {
  const body = Buffer.from(`not a certificate: ${seed}`).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
