// Merkle tree for the tamper-evident audit log: RFC 6962 §2.1 hashing and the
// RFC 9162 (Certificate Transparency 2.0) §2.1.3 inclusion and §2.1.4
// consistency proofs, so any third-party CT tooling can check our tree heads.
//
// Storage model: the log keeps the hash of every complete ("perfect") aligned
// subtree; node (level L, index i) covers leaves [i*2^L, (i+1)*2^L) and level 0
// holds the leaf hashes. Every range the RFC recursion touches is a prefix of
// such a subtree, so it splits into O(log n) stored nodes, and a proof never
// rehashes the log. Stores may be asynchronous, so each operation also has a
// *Nodes function naming exactly the nodes it will read: fetch those in one
// query, wrap them with mapSource, then run the operation synchronously.
//
// Sizes and indexes are plain numbers up to Number.MAX_SAFE_INTEGER. JavaScript's
// bitwise operators truncate to 32 bits, which a long-lived log can outgrow, so
// index arithmetic here uses division and multiplication, exact for safe integers.
import { createHash, hash } from "node:crypto";

export type Hash = Buffer; // 32 bytes

export interface NodeId {
  level: number;
  index: number;
}

export interface PerfectNodeSource {
  perfect(level: number, index: number): Hash; // throws if missing
}

const HASH_LENGTH = 32;

// Any longer proof fails the RFC 9162 checks anyway (each element halves the
// remaining size, and sizes stay below 2^53); rejecting it up front only bounds
// the work an untrusted proof can cause.
const MAX_PROOF_LENGTH = 64;

const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

// ---------------------------------------------------------------------------
// Hashing (RFC 6962 §2.1)
// ---------------------------------------------------------------------------

export function leafHash(entry: Uint8Array): Hash {
  return createHash("sha256").update(LEAF_PREFIX).update(entry).digest();
}

/**
 * leafHash of a text's UTF-8 bytes. One-shot hashing of the prefixed string costs less
 * than half of a Hash object fed with a Buffer copy, on the path every record takes.
 */
export function leafHashOfText(text: string): Hash {
  return hash("sha256", `\u0000${text}`, "buffer");
}

export function nodeHash(left: Hash, right: Hash): Hash {
  // A short or long child would still hash, silently producing a root no
  // verifier can reproduce; refuse it here where the mistake is made.
  if (!isHash(left) || !isHash(right)) throw new RangeError("nodeHash: both children must be 32-byte hashes");
  // One-shot over a reused buffer: a third cheaper than a streaming hash, and the log
  // writer and the verifier hash about one node per record.
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 33);
  return hash("sha256", nodeInput, "buffer");
}
const nodeInput = Buffer.concat([NODE_PREFIX, Buffer.alloc(64)]);

export const emptyRoot: Hash = createHash("sha256").digest();

// The reference MTH, written straight from RFC 6962 §2.1. Linear in the number
// of leaves: for tests and small trees, never for the log itself.
export function rootOfLeaves(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return Buffer.from(emptyRoot);
  for (const leaf of leaves) if (!isHash(leaf)) throw new RangeError("rootOfLeaves: every leaf must be a 32-byte hash");
  return mth(leaves, 0, leaves.length);
}

function mth(leaves: readonly Hash[], start: number, end: number): Hash {
  if (end - start === 1) return Buffer.from(leaves[start] as Hash);
  const k = largestPowerOfTwoBelow(end - start);
  return nodeHash(mth(leaves, start, start + k), mth(leaves, start + k, end));
}

// ---------------------------------------------------------------------------
// Perfect-node sources
// ---------------------------------------------------------------------------

export function nodeKey(id: NodeId): string {
  return `${id.level}:${id.index}`;
}

// A Map<string, Hash> keyed by nodeKey is used as is (no copy), so a store can
// fill one straight from a query result.
export function mapSource(nodes: Iterable<[NodeId, Hash]> | Map<string, Hash>): PerfectNodeSource {
  const map = nodes instanceof Map ? nodes : new Map(Array.from(nodes, ([id, hash]) => [nodeKey(id), hash] as const));
  return {
    perfect(level, index) {
      const hash = map.get(nodeKey({ level, index }));
      if (hash === undefined) throw new Error(`Merkle node level ${level} index ${index} is not in the source`);
      return hash;
    },
  };
}

// ---------------------------------------------------------------------------
// Tree heads
// ---------------------------------------------------------------------------

// MTH of leaves [start, end). Only ranges that occur in the RFC 6962 recursion
// are accepted: a range that is the prefix of a perfect aligned subtree, i.e.
// start is a multiple of the smallest power of two >= end - start. Exactly those
// split, by the largest-power-of-two rule, into perfect aligned subtrees only.
export function rangeHash(source: PerfectNodeSource, start: number, end: number): Hash {
  assertSubtreeRange(start, end);
  return hashOfRange(source, { start, end });
}

export function treeRoot(source: PerfectNodeSource, size: number): Hash {
  assertCount("treeRoot: size", size);
  return size === 0 ? Buffer.from(emptyRoot) : hashOfRange(source, { start: 0, end: size });
}

export function treeRootNodes(size: number): NodeId[] {
  assertCount("treeRootNodes: size", size);
  return size === 0 ? [] : perfectCover({ start: 0, end: size });
}

// The root's perfect subtrees are exactly the frontier, one per set bit of size.
export function frontierNodes(size: number): NodeId[] {
  assertCount("frontierNodes: size", size);
  return size === 0 ? [] : perfectCover({ start: 0, end: size });
}

// ---------------------------------------------------------------------------
// Inclusion proofs (RFC 9162 §2.1.3)
// ---------------------------------------------------------------------------

export function inclusionProof(options: { source: PerfectNodeSource; index: number; size: number }): Hash[] {
  return inclusionRanges(options.index, options.size).map((range) => hashOfRange(options.source, range));
}

export function inclusionProofNodes(index: number, size: number): NodeId[] {
  return inclusionRanges(index, size).flatMap(perfectCover);
}

// The RFC's PATH(m, D[n]) as ranges, leaf-to-root. Iterative top-down walk of the
// recursion: at each split the sibling of the half holding the leaf joins the path.
function inclusionRanges(index: number, size: number): Range[] {
  assertCount("inclusion proof: index", index);
  assertCount("inclusion proof: size", size);
  if (index >= size) throw new RangeError(`inclusion proof: leaf index ${index} is not in a tree of size ${size}`);
  const rootToLeaf: Range[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (index < mid) {
      rootToLeaf.push({ start: mid, end });
      end = mid;
    } else {
      rootToLeaf.push({ start, end: mid });
      start = mid;
    }
  }
  return rootToLeaf.reverse();
}

// RFC 9162 §2.1.3.2, step by step. Returns false, never throws, on malformed input.
export function verifyInclusion(options: {
  leafHash: Hash;
  index: number;
  size: number;
  proof: readonly Hash[];
  root: Hash;
}): boolean {
  const { leafHash: leaf, index, size, proof, root } = options;
  if (!isCount(index) || !isCount(size) || !isHash(leaf) || !isHash(root) || !isProof(proof)) return false;
  // 1. The leaf must lie inside the tree.
  if (index >= size) return false;
  // 2. fn walks up from the leaf, sn from the last leaf of the tree.
  let fn = index;
  let sn = size - 1;
  // 3.
  let r = leaf;
  // 4.
  for (const p of proof) {
    // a. Proof longer than the path to the root.
    if (sn === 0) return false;
    // b. A left sibling, either explicitly (fn odd) or because fn is on the right
    //    border, where a missing right sibling means the level is skipped.
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    // c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. The proof must reach the root exactly and reproduce its hash.
  return sn === 0 && sameHash(r, root);
}

// ---------------------------------------------------------------------------
// Consistency proofs (RFC 9162 §2.1.4)
// ---------------------------------------------------------------------------

// oldSize 0 or oldSize == newSize yields the empty proof; see verifyConsistency.
export function consistencyProof(options: { source: PerfectNodeSource; oldSize: number; newSize: number }): Hash[] {
  return consistencyRanges(options.oldSize, options.newSize).map((range) => hashOfRange(options.source, range));
}

export function consistencyProofNodes(oldSize: number, newSize: number): NodeId[] {
  return consistencyRanges(oldSize, newSize).flatMap(perfectCover);
}

// The RFC's SUBPROOF(m, D[n], b) as ranges, in proof order. Walked top-down, so
// the list is built root-first and reversed: the RFC appends each level's hash
// after the proof of the level below.
function consistencyRanges(oldSize: number, newSize: number): Range[] {
  assertCount("consistency proof: oldSize", oldSize);
  assertCount("consistency proof: newSize", newSize);
  if (oldSize > newSize) {
    throw new RangeError(`consistency proof: oldSize ${oldSize} is larger than newSize ${newSize}; a log only grows`);
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  const topDown: Range[] = [];
  let start = 0;
  let end = newSize;
  // b: whether the subtree in hand is still a prefix of the old tree's own
  // recursion, whose hash the verifier already has as the old root.
  let b = true;
  while (oldSize !== end) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (oldSize <= mid) {
      topDown.push({ start: mid, end });
      end = mid;
    } else {
      topDown.push({ start, end: mid });
      start = mid;
      b = false;
    }
  }
  if (!b) topDown.push({ start, end });
  return topDown.reverse();
}

// RFC 9162 §2.1.4.2, step by step, for 0 < oldSize < newSize. Outside that range
// the RFC defines no proof, and we decide:
// - oldSize == newSize: consistent iff the proof is empty and the roots are equal;
// - oldSize == 0: consistent with any later tree iff the proof is empty and
//   oldRoot is the empty-tree root (a size-0 head with any other root is bogus).
// Returns false, never throws, on malformed input.
export function verifyConsistency(options: {
  oldSize: number;
  newSize: number;
  oldRoot: Hash;
  newRoot: Hash;
  proof: readonly Hash[];
}): boolean {
  const { oldSize, newSize, oldRoot, newRoot, proof } = options;
  if (!isCount(oldSize) || !isCount(newSize) || !isHash(oldRoot) || !isHash(newRoot) || !isProof(proof)) return false;
  if (oldSize > newSize) return false;
  if (oldSize === 0) {
    return proof.length === 0 && sameHash(oldRoot, emptyRoot) && (newSize > 0 || sameHash(newRoot, emptyRoot));
  }
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  // 1.
  if (proof.length === 0) return false;
  // 2. When the old tree is a perfect subtree of the new one, its root is the
  //    starting point and the proof leaves it out.
  const [seed, ...path] = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  if (seed === undefined) return false;
  // 3.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // 4. Climb to the largest perfect subtree ending at the old tree's last leaf.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5. fr rebuilds the old root, sr the new one.
  let fr = seed;
  let sr = seed;
  // 6.
  for (const c of path) {
    // a.
    if (sn === 0) return false;
    // b. Left siblings belong to both trees; right siblings only to the new one.
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    // c.
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
}

// ---------------------------------------------------------------------------
// Incremental appender
// ---------------------------------------------------------------------------

// Keeps only the frontier: the roots of the perfect subtrees that make up the
// current tree, largest (leftmost) first, one per set bit of size. Appending
// merges equal-sized subtrees like binary carry propagation: O(1) amortised, and
// every merge completes a perfect node the store must persist.
export class MerkleFrontier {
  #size: number;
  #frontier: Hash[];

  constructor(options?: { size: number; frontier: Hash[] }) {
    const size = options?.size ?? 0;
    const frontier = options?.frontier ?? [];
    assertCount("MerkleFrontier: size", size);
    const expected = frontierNodes(size).length;
    if (frontier.length !== expected) {
      throw new RangeError(`MerkleFrontier: a tree of size ${size} has ${expected} frontier hashes, got ${frontier.length}`);
    }
    if (!frontier.every(isHash)) throw new RangeError("MerkleFrontier: frontier entries must be 32-byte hashes");
    this.#size = size;
    this.#frontier = frontier.map((hash) => Buffer.from(hash));
  }

  get size(): number {
    return this.#size;
  }

  get frontier(): Hash[] {
    return this.#frontier.map((hash) => Buffer.from(hash));
  }

  // Returns the perfect nodes at level >= 1 that this leaf completed, lowest
  // first. The leaf itself (level 0, index = old size) is the caller's to store.
  append(leaf: Hash): Array<NodeId & { hash: Hash }> {
    if (!isHash(leaf)) throw new RangeError("MerkleFrontier.append: the leaf must be a 32-byte hash");
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError("MerkleFrontier.append: the tree is full");
    const completed: Array<NodeId & { hash: Hash }> = [];
    let hash: Hash = Buffer.from(leaf);
    let level = 0;
    let index = this.#size;
    // Each trailing 1 bit of the old size is a subtree of the current level
    // waiting for a right sibling, which the new hash now supplies.
    for (let carry = this.#size; isOdd(carry); carry = half(carry)) {
      const left = this.#frontier.pop() as Hash;
      hash = nodeHash(left, hash);
      level += 1;
      index = half(index);
      completed.push({ level, index, hash: Buffer.from(hash) });
    }
    this.#frontier.push(hash);
    this.#size += 1;
    return completed;
  }

  root(): Hash {
    if (this.#size === 0) return Buffer.from(emptyRoot);
    // The RFC split always peels off the largest perfect subtree on the left,
    // so the root folds the frontier from the right.
    let root = this.#frontier[this.#frontier.length - 1] as Hash;
    for (let i = this.#frontier.length - 2; i >= 0; i--) root = nodeHash(this.#frontier[i] as Hash, root);
    return Buffer.from(root);
  }
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

interface Range {
  start: number;
  end: number;
}

// The perfect aligned subtrees making up a valid range, left to right, as the
// RFC split produces them: peel the largest power of two off the left until
// what remains is itself perfect.
function perfectCover(range: Range): NodeId[] {
  const nodes: NodeId[] = [];
  let start = range.start;
  while (!isPowerOfTwo(range.end - start)) {
    const width = largestPowerOfTwoBelow(range.end - start);
    nodes.push(perfectNode(start, width));
    start += width;
  }
  nodes.push(perfectNode(start, range.end - start));
  return nodes;
}

function perfectNode(start: number, width: number): NodeId {
  return { level: log2OfPowerOfTwo(width), index: start / width };
}

function hashOfRange(source: PerfectNodeSource, range: Range): Hash {
  const hashes = perfectCover(range).map(({ level, index }) => readPerfect(source, level, index));
  let hash = hashes[hashes.length - 1] as Hash;
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i] as Hash, hash);
  return hash;
}

// A store that hands back a damaged hash would otherwise yield a plausible but
// wrong proof; fail loudly instead.
function readPerfect(source: PerfectNodeSource, level: number, index: number): Hash {
  const hash = source.perfect(level, index);
  if (!isHash(hash)) throw new Error(`Merkle node level ${level} index ${index} is not a 32-byte hash`);
  return hash;
}

function assertSubtreeRange(start: number, end: number): void {
  assertCount("rangeHash: start", start);
  assertCount("rangeHash: end", end);
  if (end <= start) throw new RangeError(`rangeHash: [${start}, ${end}) is empty`);
  if (start % smallestPowerOfTwoAtLeast(end - start) !== 0) {
    throw new RangeError(`rangeHash: [${start}, ${end}) is not the prefix of a perfect aligned subtree`);
  }
}

function assertCount(what: string, value: number): void {
  if (!isCount(value)) throw new RangeError(`${what} must be a non-negative safe integer, got ${String(value)}`);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isHash(value: unknown): value is Hash {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

function isProof(value: unknown): value is readonly Hash[] {
  return Array.isArray(value) && value.length <= MAX_PROOF_LENGTH && value.every(isHash);
}

function sameHash(a: Hash, b: Hash): boolean {
  return Buffer.compare(a, b) === 0;
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && smallestPowerOfTwoAtLeast(n) === n;
}

// The RFC's k: the largest power of two strictly less than n (n >= 2).
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function smallestPowerOfTwoAtLeast(n: number): number {
  let k = 1;
  while (k < n) k *= 2;
  return k;
}

function log2OfPowerOfTwo(n: number): number {
  let level = 0;
  for (let k = n; k > 1; k /= 2) level += 1;
  return level;
}
