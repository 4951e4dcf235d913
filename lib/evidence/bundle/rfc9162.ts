// RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification over any SHA-256 node hash: @noble/hashes
// in the browser, merkle.ts's nodeHash (OpenSSL) in Node. Why not lib/ledger alone:
// merkle.ts hashes with node:crypto, which no browser has, and browser-verify.ts's
// verifyInclusionProof awaits one WebCrypto digest per node, 24 us each, so a
// 100,000-record pack (1.7 million nodes) would take 40 s. rfc9162.test.ts checks that
// this file, merkle.ts and browser-verify.ts agree on every proof of every small tree.
import { sha256 } from "@noble/hashes/sha2.js";
import { sameBytes } from "@/lib/evidence/bundle/encoding";

export type NodeHash = (left: Uint8Array, right: Uint8Array) => Uint8Array;

const maxProofLength = 64;
const nodeInput = new Uint8Array(65);
nodeInput[0] = 0x01;

/** SHA-256(0x01 ‖ left ‖ right) by @noble/hashes. */
export const nobleNodeHash: NodeHash = (left, right) => {
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
};

/** SHA-256(0x00 ‖ entry) by @noble/hashes. */
export function leafHashOf(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(entry.length + 1);
  input.set(entry, 1);
  return sha256(input);
}

const emptyRoot = sha256(new Uint8Array());

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;
const isHash = (h: unknown) => h instanceof Uint8Array && h.length === 32;

/**
 * Checks inclusion proofs into one tree (size and root). A pack holds thousands of
 * proofs into the same tree, and neighbouring leaves share most of their path. Every
 * state of the RFC's walk (fn, sn, r) that a verified proof passed through is known to
 * lead to the root with that proof's remaining siblings; a later proof reaching the same
 * state with the same remaining siblings must end there too, so it is accepted after a
 * string comparison instead of the remaining hashes. sn falls at every step, so one
 * state is kept per value of sn: at most one per level, the latest.
 */
export class InclusionChecker {
  private readonly size: number;
  private readonly root: Uint8Array;
  private readonly nodeHash: NodeHash;
  private readonly fromHex: (hex: string) => Uint8Array;
  private readonly proven = new Map<number, ProvenState>();

  constructor(options: { size: number; root: Uint8Array; nodeHash: NodeHash; fromHex: (hex: string) => Uint8Array }) {
    this.size = options.size;
    this.root = options.root;
    this.nodeHash = options.nodeHash;
    this.fromHex = options.fromHex;
  }

  /** The proof is hex, leaf to root; each element a 64-digit lowercase hash (checked by the caller). */
  verify(options: { leafHash: Uint8Array; index: number; proof: readonly string[] }): boolean {
    const { index, proof } = options;
    const size = this.size;
    if (!isCount(index) || !isCount(size) || !isHash(options.leafHash) || !isHash(this.root) || proof.length > maxProofLength || index >= size) return false;
    let fn = index;
    let sn = size - 1;
    let r = options.leafHash;
    const passed: ProvenState[] = [];
    let ok = false;
    for (let j = 0; ; j++) {
      const seen = this.proven.get(sn);
      if (seen && seen.fn === fn && sameBytes(seen.r, r) && sameSuffix(seen.proof, seen.at, proof, j)) {
        ok = true;
        break;
      }
      if (j === proof.length) {
        ok = sn === 0 && sameBytes(r, this.root);
        break;
      }
      passed.push({ sn, fn, r, proof, at: j });
      if (sn === 0) break;
      const p = this.fromHex(proof[j]!);
      if (p.length !== 32) break;
      if (fn % 2 === 1 || fn === sn) {
        r = this.nodeHash(p, r);
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        r = this.nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (ok) for (const state of passed) this.proven.set(state.sn, state);
    return ok;
  }
}

interface ProvenState {
  sn: number;
  fn: number;
  r: Uint8Array;
  proof: readonly string[];
  /** Index of the next sibling in `proof`. */
  at: number;
}

function sameSuffix(a: readonly string[], from: number, b: readonly string[], start: number): boolean {
  if (a.length - from !== b.length - start) return false;
  for (let i = 0; i < a.length - from; i++) if (a[from + i] !== b[start + i]) return false;
  return true;
}

/** One proof, no memory: RFC 9162 §2.1.3.2 as written. */
export function verifyInclusion(options: { leafHash: Uint8Array; index: number; size: number; proof: readonly Uint8Array[]; root: Uint8Array; nodeHash?: NodeHash }): boolean {
  const { index, size, proof } = options;
  const hash = options.nodeHash ?? nobleNodeHash;
  if (!isCount(index) || !isCount(size) || !isHash(options.leafHash) || !isHash(options.root) || proof.length > maxProofLength || !proof.every(isHash) || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = options.leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameBytes(r, options.root);
}

/** Decides the sizes outside 0 < old < new as merkle.ts's verifyConsistency does. */
export function verifyConsistency(options: { oldSize: number; newSize: number; oldRoot: Uint8Array; newRoot: Uint8Array; proof: readonly Uint8Array[]; nodeHash?: NodeHash }): boolean {
  const { oldSize, newSize, oldRoot, newRoot, proof } = options;
  const hash = options.nodeHash ?? nobleNodeHash;
  if (!isCount(oldSize) || !isCount(newSize) || !isHash(oldRoot) || !isHash(newRoot) || proof.length > maxProofLength || !proof.every(isHash) || oldSize > newSize) return false;
  if (oldSize === 0) return proof.length === 0 && sameBytes(oldRoot, emptyRoot) && (newSize > 0 || sameBytes(newRoot, emptyRoot));
  if (oldSize === newSize) return proof.length === 0 && sameBytes(oldRoot, newRoot);
  if (proof.length === 0) return false;
  // When the old tree is a perfect subtree of the new one, the proof leaves its root out.
  const [seed, ...path] = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  if (seed === undefined) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = seed;
  let sr = seed;
  for (const c of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hash(c, fr);
      sr = hash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameBytes(fr, oldRoot) && sameBytes(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
