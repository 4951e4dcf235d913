import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  consistencyProof,
  consistencyProofNodes,
  emptyRoot,
  frontierNodes,
  inclusionProof,
  inclusionProofNodes,
  leafHash,
  leafHashOfText,
  mapSource,
  MerkleFrontier,
  nodeHash,
  nodeKey,
  rangeHash,
  rootOfLeaves,
  treeRoot,
  treeRootNodes,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type NodeId,
  type PerfectNodeSource,
} from "@/lib/ledger/merkle";

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const hex = (hash: Hash) => hash.toString("hex");
const unhex = (text: string) => Buffer.from(text, "hex");
const sha256 = (text: string) => createHash("sha256").update(text).digest();

function flipBit(hash: Hash, bit = 0): Hash {
  const copy = Buffer.from(hash);
  copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
}

function ceilLog2(n: number): number {
  let bits = 0;
  while (2 ** bits < n) bits += 1;
  return bits;
}

// Every perfect aligned subtree of the tree over `leaves`, each hashed from its
// leaves with the reference MTH: the slowest, most obviously right store.
function naivePerfectNodes(leaves: readonly Hash[]): Map<string, Hash> {
  const nodes = new Map<string, Hash>();
  for (let level = 0; 2 ** level <= leaves.length; level++) {
    const width = 2 ** level;
    for (let index = 0; (index + 1) * width <= leaves.length; index++) {
      nodes.set(nodeKey({ level, index }), rootOfLeaves(leaves.slice(index * width, (index + 1) * width)));
    }
  }
  return nodes;
}

// Wraps a source and records every node read, to compare with the *Nodes lists.
function recording(inner: PerfectNodeSource): { source: PerfectNodeSource; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    source: {
      perfect(level, index) {
        reads.push(nodeKey({ level, index }));
        return inner.perfect(level, index);
      },
    },
  };
}

const keys = (ids: readonly NodeId[]) => ids.map(nodeKey);
const sorted = (list: readonly string[]) => [...list].sort();

const MAX = 70;
// Twice MAX, so that "another tree size" always has a real root to compare with.
const LEAVES = Array.from({ length: 2 * MAX + 1 }, (_, i) => leafHash(Buffer.from(`audit entry ${i}`)));
const ROOTS = Array.from({ length: LEAVES.length + 1 }, (_, n) => rootOfLeaves(LEAVES.slice(0, n)));
const NAIVE = Array.from({ length: MAX + 1 }, (_, n) => naivePerfectNodes(LEAVES.slice(0, n)));
const naiveSource = (size: number) => mapSource(NAIVE[size] as Map<string, Hash>);
const root = (size: number) => ROOTS[size] as Hash;
const randomHash = sha256("not a node of any tree");

// Indexes or sizes near x that differ from it in the ways that change a proof's
// shape: off by one or two, the sibling, double and half, the enclosing powers
// of two. Limited to values with a reference root; an exhaustive sweep is too slow.
function nearby(x: number): number[] {
  const pow = 2 ** ceilLog2(x + 1);
  const candidates = [x - 2, x - 1, x + 1, x + 2, x % 2 === 0 ? x + 1 : x - 1, 2 * x, 2 * x + 1, Math.floor(x / 2), pow / 2, pow, pow + 1];
  return [...new Set(candidates)].filter((c) => c >= 0 && c < ROOTS.length && c !== x);
}

// ---------------------------------------------------------------------------
// Known-answer vectors
// ---------------------------------------------------------------------------

// Certificate Transparency reference vectors, taken from transparency-dev/merkle
// proof/verify_test.go (the Go implementation used by CT and Trillian). Their
// inclusion vectors number leaves from 1; the indexes below are 0-based.
const CT_ENTRIES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(unhex);
const CT_LEAVES = CT_ENTRIES.map(leafHash);
const CT_ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const CT_INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    index: 1,
    size: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];
const CT_CONSISTENCY = [
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

describe("RFC 6962 / Certificate Transparency reference vectors", () => {
  const source = mapSource(naivePerfectNodes(CT_LEAVES));

  it("hashes the empty tree, a leaf and a node with the RFC 6962 prefixes", () => {
    expect(hex(emptyRoot)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(rootOfLeaves([]))).toBe(hex(emptyRoot));
    expect(hex(treeRoot(source, 0))).toBe(hex(emptyRoot));
    expect(hex(leafHash(Buffer.alloc(0)))).toBe(CT_ROOTS[0]);
    expect(hex(leafHash(Buffer.of(0)))).toBe("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
    expect(hex(nodeHash(CT_LEAVES[0] as Hash, CT_LEAVES[1] as Hash))).toBe(CT_ROOTS[1]);
  });

  it("reproduces the published tree head of every size 1..8, by every route", () => {
    const frontier = new MerkleFrontier();
    for (let n = 1; n <= 8; n++) {
      frontier.append(CT_LEAVES[n - 1] as Hash);
      expect(hex(rootOfLeaves(CT_LEAVES.slice(0, n))), `rootOfLeaves ${n}`).toBe(CT_ROOTS[n - 1]);
      expect(hex(treeRoot(source, n)), `treeRoot ${n}`).toBe(CT_ROOTS[n - 1]);
      expect(hex(frontier.root()), `frontier ${n}`).toBe(CT_ROOTS[n - 1]);
    }
  });

  it("produces and accepts the published inclusion proofs", () => {
    for (const vector of CT_INCLUSION) {
      const proof = inclusionProof({ source, index: vector.index, size: vector.size });
      expect(proof.map(hex)).toEqual(vector.proof);
      const leaf = CT_LEAVES[vector.index] as Hash;
      const treeHead = unhex(CT_ROOTS[vector.size - 1] as string);
      expect(verifyInclusion({ leafHash: leaf, index: vector.index, size: vector.size, proof: vector.proof.map(unhex), root: treeHead })).toBe(true);
    }
  });

  it("produces and accepts the published consistency proofs", () => {
    for (const vector of CT_CONSISTENCY) {
      const proof = consistencyProof({ source, oldSize: vector.oldSize, newSize: vector.newSize });
      expect(proof.map(hex)).toEqual(vector.proof);
      const oldRoot = unhex(CT_ROOTS[vector.oldSize - 1] as string);
      const newRoot = unhex(CT_ROOTS[vector.newSize - 1] as string);
      expect(verifyConsistency({ oldSize: vector.oldSize, newSize: vector.newSize, oldRoot, newRoot, proof: vector.proof.map(unhex) })).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------
// Exhaustive cross-checks on small trees
// ---------------------------------------------------------------------------

describe(`every tree size 1..${MAX}`, () => {
  it("treeRoot from stored perfect nodes equals the reference MTH, reading exactly treeRootNodes", () => {
    for (let n = 1; n <= MAX; n++) {
      const { source, reads } = recording(naiveSource(n));
      expect(hex(treeRoot(source, n)), `size ${n}`).toBe(hex(root(n)));
      expect(reads, `size ${n}`).toEqual(keys(treeRootNodes(n)));
      expect(keys(frontierNodes(n)), `size ${n}`).toEqual(keys(treeRootNodes(n)));
    }
  });

  it("rangeHash equals the reference MTH on every RFC range and rejects every other range", () => {
    const source = naiveSource(MAX);
    // A range arises in the RFC recursion iff it is the prefix of a perfect aligned subtree.
    const arises = (start: number, end: number) => {
      let block = 1;
      while (block < end - start) block *= 2;
      return start % block === 0;
    };
    let accepted = 0;
    for (let start = 0; start < MAX; start++) {
      for (let end = start + 1; end <= MAX; end++) {
        if (arises(start, end)) {
          expect(hex(rangeHash(source, start, end)), `[${start}, ${end})`).toBe(hex(rootOfLeaves(LEAVES.slice(start, end))));
          accepted += 1;
        } else {
          expect(() => rangeHash(source, start, end), `[${start}, ${end})`).toThrow(RangeError);
        }
      }
    }
    expect(accepted).toBeGreaterThan(MAX);
    expect(() => rangeHash(source, 3, 3)).toThrow(RangeError);
    expect(() => rangeHash(source, 4, 2)).toThrow(RangeError);
    expect(() => rangeHash(source, -1, 1)).toThrow(RangeError);
  });

  it("MerkleFrontier tracks the root after every append and reports exactly the newly completed perfect nodes", () => {
    let frontier = new MerkleFrontier();
    expect(frontier.size).toBe(0);
    expect(hex(frontier.root())).toBe(hex(emptyRoot));
    for (let n = 1; n <= MAX; n++) {
      const completed = frontier.append(LEAVES[n - 1] as Hash);
      expect(frontier.size).toBe(n);
      expect(hex(frontier.root()), `size ${n}`).toBe(hex(root(n)));

      const before = NAIVE[n - 1] as Map<string, Hash>;
      const after = NAIVE[n] as Map<string, Hash>;
      const expected = [...after].filter(([key]) => !before.has(key) && !key.startsWith("0:"));
      const reported = completed.map((node) => [nodeKey(node), node.hash] as const);
      // naivePerfectNodes lists nodes level by level, the order append reports them in.
      expect(reported.map(([key, hash]) => `${key}=${hex(hash)}`), `size ${n}`).toEqual(expected.map(([key, hash]) => `${key}=${hex(hash)}`));

      const stored = frontierNodes(n).map((id) => after.get(nodeKey(id)) as Hash);
      expect(frontier.frontier.map(hex), `size ${n}`).toEqual(stored.map(hex));
      // Restoring from the persisted frontier continues the same tree.
      frontier = new MerkleFrontier({ size: n, frontier: stored });
      expect(hex(frontier.root()), `restored ${n}`).toBe(hex(root(n)));
    }
  });

  it("MerkleFrontier hands out copies and refuses an inconsistent restore", () => {
    const frontier = new MerkleFrontier();
    for (const leaf of LEAVES.slice(0, 5)) frontier.append(leaf);
    const snapshot = frontier.frontier;
    snapshot[0]?.fill(0);
    expect(hex(frontier.root())).toBe(hex(root(5)));
    expect(() => new MerkleFrontier({ size: 5, frontier: [root(4)] })).toThrow(RangeError);
    expect(() => new MerkleFrontier({ size: 5, frontier: [root(4), Buffer.alloc(31)] })).toThrow(RangeError);
    expect(() => new MerkleFrontier({ size: -1, frontier: [] })).toThrow(RangeError);
    expect(() => frontier.append(Buffer.alloc(33))).toThrow(RangeError);
  });

  // About a million SHA-256 calls: allow for a loaded machine.
  it("every inclusion proof verifies, reads exactly inclusionProofNodes, and every alteration fails", { timeout: 30_000 }, () => {
    const failures: string[] = [];
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const { source, reads } = recording(naiveSource(n));
        const proof = inclusionProof({ source, index: i, size: n });
        const leaf = LEAVES[i] as Hash;
        const at = `size ${n} index ${i}`;
        const accepts = (changes: Partial<Parameters<typeof verifyInclusion>[0]>) =>
          verifyInclusion({ leafHash: leaf, index: i, size: n, proof, root: root(n), ...changes });

        if (proof.length > ceilLog2(n)) failures.push(`${at}: proof of ${proof.length} elements`);
        const planned = keys(inclusionProofNodes(i, n));
        if (new Set(planned).size !== planned.length) failures.push(`${at}: duplicate planned nodes`);
        if (new Set(reads).size !== reads.length) failures.push(`${at}: a node was read twice`);
        if (sorted(reads).join() !== sorted(planned).join()) failures.push(`${at}: reads differ from inclusionProofNodes`);
        if (!accepts({})) failures.push(`${at}: valid proof rejected`);

        // The leaf.
        if (accepts({ leafHash: flipBit(leaf, 7) })) failures.push(`${at}: altered leaf accepted`);
        if (n > 1 && accepts({ leafHash: LEAVES[(i + 1) % n] as Hash })) failures.push(`${at}: another leaf accepted`);
        // The index: other positions in this tree, and outside it.
        for (const j of [...nearby(i), n - 1 - i, 0, n - 1, n, 0.5]) {
          if (j !== i && accepts({ index: j })) failures.push(`${at}: index ${j} accepted`);
        }
        // The tree head: other sizes with their own real roots, and other roots.
        for (const m of nearby(n)) {
          if (m > i && m !== n && accepts({ size: m, root: root(m) })) failures.push(`${at}: tree head of size ${m} accepted`);
        }
        for (const size of [0, -n, n + 0.5, Number.NaN, Infinity]) {
          if (accepts({ size })) failures.push(`${at}: size ${size} accepted`);
        }
        for (const other of [flipBit(root(n), 255), root(n - 1), root(n + 1), emptyRoot, randomHash]) {
          if (accepts({ root: other })) failures.push(`${at}: root ${hex(other)} accepted`);
        }
        // The proof: each element altered, dropped, doubled, and extra elements.
        proof.forEach((element, k) => {
          const tampered = (replacement: Hash[]) => [...proof.slice(0, k), ...replacement, ...proof.slice(k + 1)];
          if (accepts({ proof: tampered([flipBit(element, 3)]) })) failures.push(`${at}: proof[${k}] altered accepted`);
          if (accepts({ proof: tampered([]) })) failures.push(`${at}: proof[${k}] dropped accepted`);
          if (accepts({ proof: tampered([element, element]) })) failures.push(`${at}: proof[${k}] doubled accepted`);
          if (accepts({ proof: tampered([randomHash, element]) })) failures.push(`${at}: insertion before proof[${k}] accepted`);
          if (accepts({ proof: tampered([element.subarray(0, 31)]) })) failures.push(`${at}: short proof[${k}] accepted`);
        });
        for (const extra of [randomHash, leaf, root(n)]) {
          if (accepts({ proof: [...proof, extra] })) failures.push(`${at}: trailing element accepted`);
          if (accepts({ proof: [extra, ...proof] })) failures.push(`${at}: leading element accepted`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  // About a million SHA-256 calls: allow for a loaded machine.
  it("every consistency proof verifies, reads exactly consistencyProofNodes, and every alteration fails", { timeout: 30_000 }, () => {
    const failures: string[] = [];
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const { source, reads } = recording(naiveSource(n));
        const proof = consistencyProof({ source, oldSize: m, newSize: n });
        const at = `${m} -> ${n}`;
        const accepts = (changes: Partial<Parameters<typeof verifyConsistency>[0]>) =>
          verifyConsistency({ oldSize: m, newSize: n, oldRoot: root(m), newRoot: root(n), proof, ...changes });

        if (proof.length > ceilLog2(n) + 1) failures.push(`${at}: proof of ${proof.length} elements`);
        if (m === n && proof.length !== 0) failures.push(`${at}: equal sizes need the empty proof`);
        const planned = keys(consistencyProofNodes(m, n));
        if (new Set(planned).size !== planned.length) failures.push(`${at}: duplicate planned nodes`);
        if (new Set(reads).size !== reads.length) failures.push(`${at}: a node was read twice`);
        if (sorted(reads).join() !== sorted(planned).join()) failures.push(`${at}: reads differ from consistencyProofNodes`);
        if (!accepts({})) failures.push(`${at}: valid proof rejected`);

        // Sizes: other old or new sizes with their real roots (a consistent pair
        // of tree heads, but not the one this proof is for). An empty old tree
        // is consistent with anything under the empty proof, by design.
        for (const other of nearby(m)) {
          if (other !== m && !(other === 0 && proof.length === 0) && accepts({ oldSize: other, oldRoot: root(other) })) {
            failures.push(`${at}: old size ${other} accepted`);
          }
        }
        for (const other of nearby(n)) {
          if (other !== n && accepts({ newSize: other, newRoot: root(other) })) failures.push(`${at}: new size ${other} accepted`);
        }
        for (const size of [-1, m + 0.5, Number.NaN]) {
          if (accepts({ oldSize: size })) failures.push(`${at}: old size ${size} accepted`);
          if (accepts({ newSize: size })) failures.push(`${at}: new size ${size} accepted`);
        }
        // Roots.
        for (const other of [flipBit(root(m), 200), root(m + 1), emptyRoot, randomHash]) {
          if (accepts({ oldRoot: other })) failures.push(`${at}: old root ${hex(other)} accepted`);
        }
        for (const other of [flipBit(root(n), 200), root(n + 1), emptyRoot, randomHash]) {
          if (accepts({ newRoot: other })) failures.push(`${at}: new root ${hex(other)} accepted`);
        }
        if (m !== n && accepts({ oldRoot: root(n), newRoot: root(m) })) failures.push(`${at}: swapped roots accepted`);
        if (m !== n && accepts({ proof: [] })) failures.push(`${at}: empty proof accepted`);
        // The proof: each element altered, dropped, doubled, and extra elements.
        proof.forEach((element, k) => {
          const tampered = (replacement: Hash[]) => [...proof.slice(0, k), ...replacement, ...proof.slice(k + 1)];
          if (accepts({ proof: tampered([flipBit(element, 4)]) })) failures.push(`${at}: proof[${k}] altered accepted`);
          if (accepts({ proof: tampered([]) })) failures.push(`${at}: proof[${k}] dropped accepted`);
          if (accepts({ proof: tampered([element, element]) })) failures.push(`${at}: proof[${k}] doubled accepted`);
          if (accepts({ proof: tampered([randomHash, element]) })) failures.push(`${at}: insertion before proof[${k}] accepted`);
          if (accepts({ proof: tampered([Buffer.concat([element, Buffer.of(0)])]) })) failures.push(`${at}: long proof[${k}] accepted`);
        });
        for (const extra of [randomHash, root(m), root(n)]) {
          if (accepts({ proof: [...proof, extra] })) failures.push(`${at}: trailing element accepted`);
          if (accepts({ proof: [extra, ...proof] })) failures.push(`${at}: leading element accepted`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("treats the empty old tree as consistent with everything, given the empty proof and the empty root", () => {
    for (let n = 0; n <= MAX; n++) {
      expect(consistencyProof({ source: naiveSource(n), oldSize: 0, newSize: n })).toEqual([]);
      expect(consistencyProofNodes(0, n)).toEqual([]);
      expect(verifyConsistency({ oldSize: 0, newSize: n, oldRoot: emptyRoot, newRoot: root(n), proof: [] }), `0 -> ${n}`).toBe(true);
      expect(verifyConsistency({ oldSize: 0, newSize: n, oldRoot: randomHash, newRoot: root(n), proof: [] })).toBe(false);
      expect(verifyConsistency({ oldSize: 0, newSize: n, oldRoot: emptyRoot, newRoot: root(n), proof: [randomHash] })).toBe(false);
    }
    expect(verifyConsistency({ oldSize: 0, newSize: 0, oldRoot: emptyRoot, newRoot: randomHash, proof: [] })).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Scale
// ---------------------------------------------------------------------------

// Proof generation only needs node hashes to count lookups; these need not form
// a consistent tree.
const syntheticSource: PerfectNodeSource = { perfect: (level, index) => sha256(`${level}:${index}`) };

// A consistent tree of any size, cheap to query: every leaf is `plain` except a
// few marked ones, so a subtree without a marked leaf has a hash fixed by its level.
function sparseTree(marked: ReadonlyMap<number, Hash>): PerfectNodeSource {
  const plain: Hash[] = [sha256("plain leaf")];
  for (let level = 1; level <= 53; level++) plain.push(nodeHash(plain[level - 1] as Hash, plain[level - 1] as Hash));
  const perfect = (level: number, index: number): Hash => {
    const first = index * 2 ** level;
    const holdsMarked = [...marked.keys()].some((leaf) => leaf >= first && leaf < first + 2 ** level);
    if (!holdsMarked) return plain[level] as Hash;
    if (level === 0) return marked.get(index) as Hash;
    return nodeHash(perfect(level - 1, 2 * index), perfect(level - 1, 2 * index + 1));
  };
  return { perfect };
}

describe("at scale", () => {
  const sizes = [2 ** 20 - 1, 2 ** 20, 2 ** 20 + 1];

  it(`keeps proofs short and lookups logarithmic around 2^20 leaves`, () => {
    const failures: string[] = [];
    for (const n of sizes) {
      const bound = 2 * ceilLog2(n) + 2;
      const indexes = [0, 1, 2, 12345, 2 ** 19 - 1, 2 ** 19, 2 ** 19 + 1, n - 3, n - 2, n - 1];
      for (let k = 0; k < 100; k++) indexes.push(Math.floor((k * 7919 * 104729) % n));
      for (const index of indexes) {
        const { source, reads } = recording(syntheticSource);
        const proof = inclusionProof({ source, index, size: n });
        if (proof.length > ceilLog2(n)) failures.push(`inclusion ${index}/${n}: ${proof.length} elements`);
        if (reads.length > bound) failures.push(`inclusion ${index}/${n}: ${reads.length} reads`);
        if (sorted(reads).join() !== sorted(keys(inclusionProofNodes(index, n))).join()) failures.push(`inclusion ${index}/${n}: plan differs`);
      }
      for (const oldSize of indexes.map((index) => index + 1)) {
        const { source, reads } = recording(syntheticSource);
        const proof = consistencyProof({ source, oldSize, newSize: n });
        if (proof.length > ceilLog2(n) + 1) failures.push(`consistency ${oldSize}->${n}: ${proof.length} elements`);
        if (reads.length > bound) failures.push(`consistency ${oldSize}->${n}: ${reads.length} reads`);
        if (sorted(reads).join() !== sorted(keys(consistencyProofNodes(oldSize, n))).join()) failures.push(`consistency ${oldSize}->${n}: plan differs`);
      }
      const { source, reads } = recording(syntheticSource);
      treeRoot(source, n);
      if (reads.length > ceilLog2(n) + 1) failures.push(`treeRoot ${n}: ${reads.length} reads`);
    }
    expect(failures).toEqual([]);
  });

  // Sizes past 2^32 catch any 32-bit bitwise arithmetic; MAX_SAFE_INTEGER has all 53 bits set.
  const marked = new Map(
    [0, 1, 5, 2 ** 20, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 40 + 12344, Number.MAX_SAFE_INTEGER - 2].map((index) => [
      index,
      sha256(`marked ${index}`),
    ]),
  );
  const sparse = sparseTree(marked);

  it("the sparse test tree agrees with the reference MTH", () => {
    const leaves = Array.from({ length: 40 }, (_, index) => sparse.perfect(0, index));
    for (let n = 1; n <= leaves.length; n++) expect(hex(treeRoot(sparse, n))).toBe(hex(rootOfLeaves(leaves.slice(0, n))));
  });

  it("proves inclusion and consistency in trees of up to 2^53 - 1 leaves", () => {
    const heads = [2 ** 20 + 3, 2 ** 32 + 6, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER].map((size) => ({ size, root: treeRoot(sparse, size) }));
    for (const { size, root: head } of heads) {
      for (const index of [...marked.keys()].filter((index) => index < size)) {
        const leaf = marked.get(index) as Hash;
        const proof = inclusionProof({ source: sparse, index, size });
        expect(verifyInclusion({ leafHash: leaf, index, size, proof, root: head }), `${index}/${size}`).toBe(true);
        expect(verifyInclusion({ leafHash: leaf, index: index + 1, size, proof, root: head })).toBe(false);
        if (index > 0) expect(verifyInclusion({ leafHash: leaf, index: index - 1, size, proof, root: head })).toBe(false);
      }
    }
    for (const [older, newer] of heads.flatMap((a, i) => heads.slice(i + 1).map((b) => [a, b] as const))) {
      const proof = consistencyProof({ source: sparse, oldSize: older.size, newSize: newer.size });
      const check = { oldSize: older.size, newSize: newer.size, oldRoot: older.root, newRoot: newer.root, proof };
      expect(verifyConsistency(check), `${older.size} -> ${newer.size}`).toBe(true);
      expect(verifyConsistency({ ...check, oldSize: older.size - 1 })).toBe(false);
      expect(verifyConsistency({ ...check, oldRoot: newer.root, newRoot: older.root })).toBe(false);
    }
  });

  it("restores a frontier far past 2^32 and keeps appending correctly", () => {
    const start = 2 ** 40 + 12345 - 8;
    const frontier = new MerkleFrontier({ size: start, frontier: frontierNodes(start).map(({ level, index }) => sparse.perfect(level, index)) });
    expect(hex(frontier.root())).toBe(hex(treeRoot(sparse, start)));
    for (let size = start; size < start + 16; size++) {
      for (const node of frontier.append(sparse.perfect(0, size))) {
        expect(hex(node.hash), nodeKey(node)).toBe(hex(sparse.perfect(node.level, node.index)));
      }
      expect(hex(frontier.root()), `size ${size + 1}`).toBe(hex(treeRoot(sparse, size + 1)));
    }
  });
});

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

describe("bad input", () => {
  const source = naiveSource(8);
  const proof = inclusionProof({ source, index: 3, size: 8 });
  const valid = { leafHash: LEAVES[3] as Hash, index: 3, size: 8, proof, root: root(8) };

  it("verification returns false instead of throwing", () => {
    expect(verifyInclusion(valid)).toBe(true);
    const cases: Array<Partial<typeof valid>> = [
      { index: -1 },
      { index: 2.5 },
      { index: Number.NaN },
      { index: 8 },
      { size: 0 },
      { size: 2 ** 53 },
      { leafHash: Buffer.alloc(31) },
      { leafHash: "leaf" as unknown as Hash },
      { root: Buffer.alloc(0) },
      { proof: [...proof.slice(0, 2), Buffer.alloc(33)] },
      { proof: [proof[0], null, proof[2]] as unknown as Hash[] },
      { proof: "proof" as unknown as Hash[] },
      { proof: Array.from({ length: 1000 }, () => randomHash) },
    ];
    for (const change of cases) expect(verifyInclusion({ ...valid, ...change }), JSON.stringify(change)).toBe(false);

    const consistency = { oldSize: 3, newSize: 8, oldRoot: root(3), newRoot: root(8), proof: consistencyProof({ source, oldSize: 3, newSize: 8 }) };
    expect(verifyConsistency(consistency)).toBe(true);
    const consistencyCases: Array<Partial<typeof consistency>> = [
      { oldSize: 8, newSize: 3 },
      { oldSize: 9 },
      { oldSize: -3 },
      { oldSize: 1.5 },
      { newSize: Infinity },
      { oldRoot: Buffer.alloc(16) },
      { newRoot: "root" as unknown as Hash },
      { proof: consistency.proof.map((hash) => hash.subarray(1)) },
      { proof: undefined as unknown as Hash[] },
    ];
    for (const change of consistencyCases) expect(verifyConsistency({ ...consistency, ...change }), JSON.stringify(change)).toBe(false);
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: root(5), newRoot: root(5), proof: [root(5)] })).toBe(false);
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: root(5), newRoot: root(6), proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: root(5), newRoot: root(5), proof: [] })).toBe(true);
  });

  it("proof generation throws a RangeError that says what is wrong", () => {
    expect(() => inclusionProof({ source, index: -1, size: 8 })).toThrow(/index must be a non-negative safe integer, got -1/);
    expect(() => inclusionProof({ source, index: 1.5, size: 8 })).toThrow(RangeError);
    expect(() => inclusionProof({ source, index: 8, size: 8 })).toThrow(/leaf index 8 is not in a tree of size 8/);
    expect(() => inclusionProof({ source, index: 0, size: 0 })).toThrow(RangeError);
    expect(() => inclusionProofNodes(3, 2)).toThrow(RangeError);
    expect(() => consistencyProof({ source, oldSize: 5, newSize: 4 })).toThrow(/oldSize 5 is larger than newSize 4/);
    expect(() => consistencyProof({ source, oldSize: Number.NaN, newSize: 4 })).toThrow(/oldSize must be a non-negative safe integer/);
    expect(() => consistencyProofNodes(2, 2 ** 53)).toThrow(RangeError);
    expect(() => treeRoot(source, -1)).toThrow(RangeError);
    expect(() => treeRootNodes(0.5)).toThrow(RangeError);
    expect(() => frontierNodes(-2)).toThrow(RangeError);
  });

  it("a source missing a node, or holding a damaged one, fails loudly", () => {
    expect(() => treeRoot(source, 9)).toThrow(/level 0 index 8 is not in the source/);
    const damaged = mapSource([[{ level: 3, index: 0 }, Buffer.alloc(20)]]);
    expect(() => treeRoot(damaged, 8)).toThrow(/not a 32-byte hash/);
  });

  it("mapSource accepts pairs or a map keyed by nodeKey", () => {
    const pairs: Array<[NodeId, Hash]> = [[{ level: 3, index: 0 }, root(8)]];
    expect(hex(treeRoot(mapSource(pairs), 8))).toBe(hex(root(8)));
    expect(hex(treeRoot(mapSource(new Map([[nodeKey({ level: 3, index: 0 }), root(8)]])), 8))).toBe(hex(root(8)));
  });
});

describe("leafHashOfText", () => {
  it("equals leafHash of the text's UTF-8 bytes, also beyond ASCII", () => {
    for (const text of ["", "audit entry 7", "Sollwert 185 °C, Überdruck", "emoji 🏭 and \u0000 inside"]) {
      expect(leafHashOfText(text).equals(leafHash(Buffer.from(text, "utf8")))).toBe(true);
    }
  });
});
