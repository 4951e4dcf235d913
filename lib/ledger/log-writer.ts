// One writer's append-only log: gap-free sequence numbers, a hash chain, an RFC 6962
// Merkle tree and signed checkpoints.
//
// Group commit without a fixed wait: an append joins a queue; when no commit is in
// flight the queue is flushed at once (a lone record pays one commit), and records that
// arrive while a commit is in flight go together in the next transaction. An append
// resolves only after its transaction committed; when the store fails, every record of
// the batch is rejected and the committed head stays as it was, so sequence numbers stay
// gap-free. Checkpoints only ever sign the committed head.
//
// A commit can fail with its outcome unknown: the connection ends (a database restart)
// after COMMIT was sent. The writer then reads the head back: a batch found there was
// written and its appends resolve; otherwise they are rejected. Whenever the head in
// memory may differ from the stored one, the next batch first restores it from the
// store, so a failed transaction never leaves the writer forking the chain or failing
// on a taken sequence number for ever.
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { CryptoPool } from "@/lib/ledger/crypto-pool";
import { signText, sodiumSecretKey } from "@/lib/ledger/ed25519";
import type { SigningKey } from "@/lib/ledger/keys";
import { frontierNodes, leafHashOfText, MerkleFrontier, nodeKey } from "@/lib/ledger/merkle";
import {
  canonicalJson,
  envelopeText,
  envelopeVersion,
  genesisPrev,
  signCheckpoint,
  validateRecordInput,
  type RecordInput,
} from "@/lib/ledger/record";
import type { CheckpointRow, LedgerStore, NodeRow, RecordRow } from "@/lib/ledger/store";

// A large batch goes to the signing workers in parts of this many records ...
const signPart = 256;
// ... and a batch smaller than this is signed on the writer's own thread (libsodium, 20 us
// a record): a proxy's batches of a few records then cost no hop to a worker and back,
// and no worker threads' memory.
const signInWorkersFrom = 64;

/**
 * Time-ordered record ids (UUID version 7, RFC 9562): new rows land at the end of the
 * primary-key index instead of on random pages, which keeps appends fast.
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidv7(now = Date.now()): string {
  // randomUUID draws from a cached entropy pool (randomBytes per id costs ~10 us): keep
  // its random bits and variant, put the millisecond time in front and version 7.
  const random = randomUUID();
  const time = now.toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

export interface AppendedRecord {
  id: string;
  logId: string;
  seq: number;
  leafHash: string;
  at: string;
}

/** A batch sealed on top of the batch before it, its signatures on their way. */
interface Prepared {
  pending: Pending[];
  records: RecordRow[];
  nodes: NodeRow[];
  appended: AppendedRecord[];
  frontier: MerkleFrontier;
  prev: string;
  lastCheckpointSize: number;
  checkpoint: CheckpointRow | undefined;
  signatures: Promise<string[]>;
}

interface Pending {
  input: RecordInput;
  /** Set by a caller that must name the record before it is written (the proxy's spool). */
  id: string | undefined;
  /** Canonical JSON of the body, computed once at append time. */
  bodyText: string;
  /** Nobody waits on this record to act: it may wait for the next commit (see append). */
  canWait: boolean;
  resolve: (record: AppendedRecord) => void;
  reject: (error: unknown) => void;
}

export interface LogWriterOptions {
  store: LedgerStore;
  key: SigningKey;
  log: { id: string; name: string; writer: string };
  /** Write a checkpoint after this many new records ... */
  checkpointEvery: number;
  /** ... or this many seconds after the first record not yet covered by one. */
  checkpointSeconds: number;
  maxBatch?: number;
  /** How long a record appended with canWait may wait for another commit to join. */
  maxWaitMs?: number;
  now?: () => Date;
}

export class LogWriter {
  private readonly queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private closed = false;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private waitTimer: NodeJS.Timeout | undefined;
  private lastCheckpointSize = 0;
  private readonly maxBatch: number;
  private readonly now: () => Date;
  /** Signs large batches on worker threads; created on first use, closed with the writer. */
  private pool: CryptoPool | undefined;
  private secretKey: Buffer | undefined;
  /** The head in memory may not be the stored one (a commit failed); restored before the next batch. */
  private stale = false;

  private constructor(
    private readonly options: LogWriterOptions,
    private frontier: MerkleFrontier,
    private prev: string,
  ) {
    this.maxBatch = options.maxBatch ?? 1024;
    this.now = options.now ?? (() => new Date());
  }

  /** Opens (or creates) the log, registers the current key and restores the tree head. */
  static async open(options: LogWriterOptions): Promise<LogWriter> {
    const { store, key, log } = options;
    await store.ensureLog(log);
    // A key registered for another log would not be registered for this one, and nothing
    // it signs here could be checked: refuse to start rather than write such records.
    const holder = (await store.listKeys()).find((k) => k.keyId === key.keyId && k.logId !== log.id);
    if (holder) throw new Error(`log ${log.id}: its signing key ${key.keyId.slice(0, 12)}… already signs log ${holder.logId}; each log needs its own key`);
    const keys = await store.listKeys(log.id);
    if (!keys.some((k) => k.keyId === key.keyId && k.retiredAt === null)) {
      await store.activateKey({
        keyId: key.keyId,
        publicKeySpki: key.spki.toString("base64"),
        logId: log.id,
        activatedAt: new Date().toISOString(),
        retiredAt: null,
      });
    }
    const head = await LogWriter.readHead(store, log.id);
    const writer = new LogWriter(options, head.frontier, head.prev);
    writer.lastCheckpointSize = head.lastCheckpointSize;
    return writer;
  }

  /** The committed head of a log as the store holds it: its tree frontier, last leaf hash and latest checkpoint. */
  private static async readHead(store: LedgerStore, logId: string) {
    const head = await store.logHead(logId);
    const ids = frontierNodes(head.size);
    const stored = await store.readNodes(logId, ids);
    const frontier = new MerkleFrontier({
      size: head.size,
      frontier: ids.map((id) => {
        const hash = stored.get(nodeKey(id));
        if (!hash) throw new Error(`log ${logId}: tree node ${nodeKey(id)} is missing; run ledger:verify`);
        return Buffer.from(hash, "hex");
      }),
    });
    const lastCheckpointSize = (await store.latestCheckpoint(logId))?.treeSize ?? 0;
    return { frontier, prev: head.lastLeafHash ?? genesisPrev, lastCheckpointSize };
  }

  get logId(): string {
    return this.options.log.id;
  }

  get size(): number {
    return this.frontier.size;
  }

  /**
   * Validates and appends one record; resolves once it is durable. A malformed record is
   * refused before it is queued. `id` (a UUID) lets a caller name the record before it is
   * written, so a record first kept in a spool keeps its id when it reaches the log.
   * `canWait` is for a record nobody waits on before acting (how a call ended, written
   * after its answer has gone out): it joins the next commit another append causes, or
   * is committed maxWaitMs later, so it does not cost a disk flush of its own.
   */
  append(input: { kind: string; body: unknown; id?: string; canWait?: boolean }): Promise<AppendedRecord> {
    if (this.closed) return Promise.reject(new AppError({ code: "unavailable", message: "The audit log is closed." }));
    let valid: RecordInput;
    let bodyText: string;
    try {
      if (input.id !== undefined && !uuidPattern.test(input.id)) throw new AppError({ code: "validation_failed", message: "A record id must be a lowercase UUID." });
      valid = validateRecordInput(input);
      bodyText = canonicalJson(valid.body);
    } catch (error) {
      return Promise.reject(error);
    }
    const canWait = input.canWait === true;
    return new Promise((resolve, reject) => {
      this.queue.push({ input: valid, id: input.id, bodyText, canWait, resolve, reject });
      if (canWait) this.armWaitTimer();
      else this.schedule();
    });
  }

  /** Writes a signed checkpoint for the current tree if it grew since the last one. */
  async checkpoint(): Promise<CheckpointRow | null> {
    await this.drain();
    return this.writeCheckpoint();
  }

  /** Flushes what is queued, writes a final checkpoint and stops the timer. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.checkpointTimer);
    await this.drain();
    clearTimeout(this.waitTimer);
    // Nothing appends any more: the final checkpoint may sign the stored head.
    if (this.stale) await this.restoreHead();
    await this.writeCheckpoint();
    await this.pool?.close();
    this.pool = undefined;
  }

  private armWaitTimer(): void {
    this.waitTimer ??= setTimeout(() => {
      this.waitTimer = undefined;
      this.schedule();
    }, this.options.maxWaitMs ?? 25);
  }

  private schedule(): void {
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a timer: appends made in the same turn of the event loop share a
    // transaction, and a lone append waits for nothing.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) await this.flush();
      else await new Promise((r) => setImmediate(r));
    }
  }

  // Batches are pipelined, one commit in flight at a time: while batch N commits, N+1 is
  // sealed on top of it and signed on the worker threads; the moment N has committed,
  // N+1 goes to the store, and only then are N's appenders told. The store and this
  // thread are never waiting on each other. A batch whose commit fails is rejected, and
  // the one prepared on top of it (never sent) goes back to the front of the queue.
  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    try {
      if (this.stale && !(await this.restoreHead())) {
        // The store cannot even be read: what waits now cannot be written either.
        const failure = new AppError({ code: "unavailable", message: "The audit ledger could not write the record." });
        for (const p of this.queue.splice(0)) p.reject(failure);
        return;
      }
      let current = this.prepare({ frontier: this.frontier, prev: this.prev, lastCheckpointSize: this.lastCheckpointSize });
      let commit = current && this.commit(current);
      while (current && commit) {
        const batch: Prepared = current;
        let next: Prepared | undefined;
        try {
          next = this.prepare({ frontier: batch.frontier, prev: batch.prev, lastCheckpointSize: batch.checkpoint?.treeSize ?? batch.lastCheckpointSize });
          await commit;
        } catch (error) {
          if (!(await this.writtenAnyway(batch))) {
            logger.error({ err: error, logId: this.logId }, "audit log append failed");
            const failure = new AppError({ code: "unavailable", message: "The audit ledger could not write the record." });
            for (const p of batch.pending) p.reject(failure);
            if (next) this.queue.unshift(...next.pending);
            break;
          }
          logger.warn({ err: error, logId: this.logId, size: batch.frontier.size }, "an audit log commit reported a failure but was written");
        }
        this.frontier = batch.frontier;
        this.prev = batch.prev;
        if (batch.checkpoint) {
          this.lastCheckpointSize = batch.checkpoint.treeSize;
          clearTimeout(this.checkpointTimer);
          this.checkpointTimer = undefined;
        } else {
          this.armCheckpointTimer();
        }
        commit = next && this.commit(next);
        batch.pending.forEach((p, i) => p.resolve(batch.appended[i]!));
        current = next;
        // Let the appenders just told run (their next records join the queue) before the
        // batch after `next` is taken from it.
        if (current) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.flushing = false;
      if (this.queue.some((p) => !p.canWait)) this.schedule();
      else if (this.queue.length > 0) this.armWaitTimer();
    }
  }

  /**
   * After a failed commit: whether the batch is in the store all the same (the connection
   * ended after COMMIT took effect). True only when the stored head is exactly the batch's
   * last record; when the store cannot say, or holds neither head, the head in memory is
   * marked stale and restored before the next batch.
   */
  private async writtenAnyway(batch: Prepared): Promise<boolean> {
    try {
      const head = await this.options.store.logHead(this.logId);
      if (head.size === batch.frontier.size && head.lastLeafHash === batch.prev) return true;
      if (head.size !== this.frontier.size || (head.lastLeafHash ?? genesisPrev) !== this.prev) this.stale = true;
      return false;
    } catch {
      this.stale = true;
      return false;
    }
  }

  /** Takes the stored head as this writer's own; false (and still stale) when the store cannot be read. */
  private async restoreHead(): Promise<boolean> {
    let head: Awaited<ReturnType<typeof LogWriter.readHead>>;
    try {
      head = await LogWriter.readHead(this.options.store, this.logId);
    } catch (error) {
      logger.warn({ err: error, logId: this.logId }, "the audit log head could not be read back; appends fail until it can");
      return false;
    }
    if (head.frontier.size !== this.frontier.size || head.prev !== this.prev) {
      logger.warn({ logId: this.logId, stored: head.frontier.size, inMemory: this.frontier.size }, "the audit log continues from its stored head");
    }
    this.frontier = head.frontier;
    this.prev = head.prev;
    this.lastCheckpointSize = head.lastCheckpointSize;
    this.stale = false;
    return true;
  }

  /** Writes a sealed batch once its signatures are in; rejects if signing or the store fails. */
  private commit(batch: Prepared): Promise<void> {
    const committed = batch.signatures.then((signatures) => {
      batch.records.forEach((r, i) => (r.signature = signatures[i]!));
      return this.options.store.appendBatch({ logId: this.logId, records: batch.records, nodes: batch.nodes, checkpoint: batch.checkpoint });
    });
    // Awaited by flush a little later; a failure must not count as unhandled meanwhile.
    committed.catch(() => undefined);
    return committed;
  }

  /** Takes the next batch from the queue, seals it on top of `base` and starts signing it. */
  private prepare(base: { frontier: MerkleFrontier; prev: string; lastCheckpointSize: number }): Prepared | undefined {
    if (this.queue.length === 0) return undefined;
    const pending = this.queue.splice(0, this.maxBatch);
    const frontier = new MerkleFrontier({ size: base.frontier.size, frontier: base.frontier.frontier });
    const at = this.now().toISOString();
    const inWorkers = pending.length >= signInWorkersFrom;
    const records: RecordRow[] = [];
    const nodes: NodeRow[] = [];
    const appended: AppendedRecord[] = [];
    const parts: Promise<string[]>[] = [];
    // Each part goes to the signers as soon as it is sealed, so signing overlaps sealing
    // instead of starting after the whole batch.
    for (let from = 0; from < pending.length; from += signPart) {
      const sealed = this.seal({ batch: pending.slice(from, from + signPart), frontier, prev: records.at(-1)?.leafHash ?? base.prev, at });
      records.push(...sealed.records);
      nodes.push(...sealed.nodes);
      appended.push(...sealed.appended);
      parts.push(this.signAll({ texts: sealed.records.map((r) => r.envelope), inWorkers }));
    }
    // A due checkpoint goes into the batch's own transaction: one commit, not two.
    const due = frontier.size - base.lastCheckpointSize >= this.options.checkpointEvery;
    const signatures = Promise.all(parts).then((p) => p.flat());
    // Awaited only after the batch before it commits; a failure must not count as unhandled meanwhile.
    signatures.catch(() => undefined);
    return {
      pending,
      records,
      nodes,
      appended,
      frontier,
      prev: records.at(-1)!.leafHash,
      lastCheckpointSize: base.lastCheckpointSize,
      checkpoint: due ? this.checkpointRow(frontier) : undefined,
      signatures,
    };
  }

  /** Builds and hashes the batch's records on a working copy of the tree; signatures come after. */
  private seal(options: { batch: Pending[]; frontier: MerkleFrontier; prev: string; at: string }) {
    const records: RecordRow[] = [];
    const nodes: NodeRow[] = [];
    const appended: AppendedRecord[] = [];
    const { at } = options;
    let prev = options.prev;
    for (const pending of options.batch) {
      const seq = options.frontier.size;
      const id = pending.id ?? uuidv7();
      const header = { v: envelopeVersion, log: this.logId, seq, id, kind: pending.input.kind, at, prev, key: this.options.key.keyId };
      const text = envelopeText({ header, bodyText: pending.bodyText });
      const leaf = leafHashOfText(text);
      for (const node of options.frontier.append(leaf)) {
        nodes.push({ level: node.level, index: node.index, hash: node.hash.toString("hex") });
      }
      prev = leaf.toString("hex");
      records.push({ id, logId: this.logId, seq, kind: header.kind, at, envelope: text, leafHash: prev, signature: "", keyId: header.key });
      appended.push({ id, logId: this.logId, seq, leafHash: prev, at });
    }
    return { records, nodes, appended };
  }

  /** Ed25519 over each text: here for a few (no hand-off latency), on the worker threads for many. */
  private async signAll(options: { texts: string[]; inWorkers: boolean }): Promise<string[]> {
    const { texts, inWorkers } = options;
    const secretKey = (this.secretKey ??= sodiumSecretKey(this.options.key.privateKey));
    if (!inWorkers) return texts.map((text) => signText({ secretKey, text }));
    this.pool ??= new CryptoPool();
    return this.pool.sign({ keyId: this.options.key.keyId, secretKey, texts });
  }

  private armCheckpointTimer(): void {
    if (this.checkpointTimer || this.closed) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      this.checkpoint().catch((error: unknown) => logger.error({ err: error, logId: this.logId }, "checkpoint failed"));
    }, this.options.checkpointSeconds * 1000);
    this.checkpointTimer.unref();
  }

  /** A signed checkpoint of the given tree, as a store row. */
  private checkpointRow(tree: MerkleFrontier): CheckpointRow {
    const checkpoint = signCheckpoint({
      body: { log: this.logId, size: tree.size, root: tree.root().toString("hex"), at: this.now().toISOString(), key: this.options.key.keyId },
      privateKey: this.options.key.privateKey,
    });
    return { id: randomUUID(), logId: this.logId, treeSize: checkpoint.size, rootHash: checkpoint.root, at: checkpoint.at, keyId: checkpoint.key, signature: checkpoint.signature };
  }

  private async writeCheckpoint(): Promise<CheckpointRow | null> {
    const size = this.frontier.size;
    // A stale head is restored by the next batch, whose commit arms the timer again.
    if (size === 0 || size === this.lastCheckpointSize || this.stale) return null;
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    const row = this.checkpointRow(this.frontier);
    await this.options.store.insertCheckpoint(row);
    this.lastCheckpointSize = size;
    return row;
  }
}
