import { describe, expect, it } from "vitest";
import { InclusionChecker, leafHashOf, nobleNodeHash, verifyConsistency, verifyInclusion } from "@/lib/evidence/bundle/rfc9162";
import { verifyInclusionProof } from "@/lib/ledger/browser-verify";
import * as merkle from "@/lib/ledger/merkle";
import type { Hash, NodeId } from "@/lib/ledger/merkle";

/** Every complete aligned subtree of the leaves, computed naively. */
function allNodes(leaves: Hash[]): [NodeId, Hash][] {
  const nodes: [NodeId, Hash][] = leaves.map((h, index) => [{ level: 0, index }, h]);
  let level = leaves;
  for (let l = 1; level.length > 1; l++) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(merkle.nodeHash(level[i]!, level[i + 1]!));
    next.forEach((h, index) => nodes.push([{ level: l, index }, h]));
    level = next;
  }
  return nodes;
}

const MAX = 24;
const leaves = Array.from({ length: MAX }, (_, i) => merkle.leafHash(Buffer.from(`entry ${i}`)));
const source = merkle.mapSource(allNodes(leaves));
const roots = Array.from({ length: MAX + 1 }, (_, n) => merkle.rootOfLeaves(leaves.slice(0, n)));
const flip = (h: Uint8Array) => Buffer.from(h.map((b, i) => (i === 0 ? b ^ 1 : b)));

describe("rfc9162 (browser-side proof checks)", () => {
  it("hashes leaves as RFC 6962 does", () => {
    expect(Buffer.from(leafHashOf(Buffer.from("entry 3")))).toEqual(leaves[3]);
  });

  it("agrees with merkle.ts and browser-verify.ts on every inclusion proof of trees up to 24 leaves, and on altered ones", async () => {
    for (let size = 1; size <= MAX; size++) {
      const root = roots[size]!;
      for (let index = 0; index < size; index++) {
        const proof = merkle.inclusionProof({ source, index, size });
        const cases = [
          { leafHash: leaves[index]!, index, size, proof, root },
          { leafHash: leaves[index]!, index: (index + 1) % size, size, proof, root },
          { leafHash: leaves[index]!, index, size: size + 1, proof, root },
          { leafHash: leaves[index]!, index, size, proof: proof.slice(1), root },
          { leafHash: leaves[index]!, index, size, proof: [...proof, root], root },
          { leafHash: leaves[index]!, index, size, proof, root: flip(root) },
          { leafHash: flip(leaves[index]!), index, size, proof, root },
        ];
        for (const c of cases) {
          const expected = merkle.verifyInclusion(c);
          expect(verifyInclusion(c)).toBe(expected);
          expect(await verifyInclusionProof({ leaf: c.leafHash, index: c.index, size: c.size, proof: c.proof, root: c.root })).toBe(expected);
        }
        expect(verifyInclusion(cases[0]!)).toBe(true);
      }
    }
  });

  it("InclusionChecker agrees with merkle.ts proof by proof, whatever verified before (its memory never lets a bad proof through)", () => {
    const hex = (h: Uint8Array) => Buffer.from(h).toString("hex");
    const hashes = [
      { name: "noble", nodeHash: nobleNodeHash, fromHex: (h: string) => Uint8Array.from(Buffer.from(h, "hex")) },
      { name: "merkle.ts", nodeHash: (l: Uint8Array, r: Uint8Array) => merkle.nodeHash(l as Buffer, r as Buffer), fromHex: (h: string) => Buffer.from(h, "hex") },
    ];
    for (const { nodeHash, fromHex } of hashes) {
      for (let size = 1; size <= MAX; size++) {
        const root = roots[size]!;
        const checker = new InclusionChecker({ size, root, nodeHash, fromHex });
        // Every index, good proofs and bad ones interleaved, forwards and then backwards.
        const order = [...Array(size).keys(), ...[...Array(size).keys()].reverse()];
        for (const index of order) {
          const proof = merkle.inclusionProof({ source, index, size });
          const other = merkle.inclusionProof({ source, index: (index + 1) % size, size });
          const cases = [
            { leafHash: leaves[index]!, index, proof },
            { leafHash: flip(leaves[index]!), index, proof },
            { leafHash: leaves[index]!, index: (index + 1) % size, proof },
            { leafHash: leaves[(index + 1) % size]!, index, proof: other },
            { leafHash: leaves[index]!, index, proof: proof.slice(0, -1) },
            { leafHash: leaves[index]!, index, proof: [...proof, root] },
            { leafHash: leaves[index]!, index, proof: proof.map((h, i) => (i === proof.length - 1 ? flip(h) : h)) },
            { leafHash: leaves[index]!, index, proof: proof.map((h, i) => (i === 0 ? flip(h) : h)) },
            { leafHash: leaves[index]!, index, proof },
          ];
          for (const c of cases) {
            expect(checker.verify({ ...c, proof: c.proof.map(hex) }), `size ${size} index ${c.index}`).toBe(merkle.verifyInclusion({ ...c, size, root }));
          }
        }
      }
    }
  });

  it("agrees with merkle.ts on every consistency proof between trees up to 24 leaves, and on altered ones", () => {
    for (let newSize = 0; newSize <= MAX; newSize++) {
      for (let oldSize = 0; oldSize <= newSize; oldSize++) {
        const proof = merkle.consistencyProof({ source, oldSize, newSize });
        const base = { oldSize, newSize, oldRoot: roots[oldSize]!, newRoot: roots[newSize]!, proof };
        const cases = [
          base,
          { ...base, oldRoot: flip(base.oldRoot) },
          { ...base, newRoot: flip(base.newRoot) },
          { ...base, proof: proof.slice(1) },
          { ...base, proof: proof.map((h, i) => (i === proof.length - 1 ? flip(h) : h)) },
          { ...base, oldSize: Math.max(0, oldSize - 1) },
          { ...base, oldSize: oldSize + 1 },
        ];
        for (const c of cases) expect(verifyConsistency(c)).toBe(merkle.verifyConsistency(c));
        expect(verifyConsistency(base)).toBe(true);
      }
    }
  });
});
