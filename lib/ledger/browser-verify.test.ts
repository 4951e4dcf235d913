import { describe, expect, it } from "vitest";
import { verifyInclusionProof, verifyRecordInBrowser, type ProofBundle } from "@/lib/ledger/browser-verify";
import { generateSigningKey } from "@/lib/ledger/keys";
import { inclusionProof, leafHash, mapSource, nodeHash, rootOfLeaves, verifyInclusion, type Hash, type NodeId } from "@/lib/ledger/merkle";
import { envelopeVersion, genesisPrev, sealRecord, signCheckpoint } from "@/lib/ledger/record";
import { adminChange } from "@/lib/testing/ledger-fixtures";

/** Every complete aligned subtree of the leaves, computed naively. */
function allNodes(leaves: Hash[]): [NodeId, Hash][] {
  const nodes: [NodeId, Hash][] = leaves.map((h, index) => [{ level: 0, index }, h]);
  let level = leaves;
  for (let l = 1; level.length > 1; l++) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    next.forEach((h, index) => nodes.push([{ level: l, index }, h]));
    level = next;
  }
  return nodes;
}

describe("verifyInclusionProof (WebCrypto)", () => {
  it("agrees with the server-side verifier on every index of trees up to 20 leaves, and on altered proofs", async () => {
    for (let size = 1; size <= 20; size++) {
      const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
      const source = mapSource(allNodes(leaves));
      const root = rootOfLeaves(leaves);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof({ source, index, size });
        const args = { leaf: leaves[index]!, index, size, proof, root };
        expect(await verifyInclusionProof(args)).toBe(true);
        expect(verifyInclusion({ leafHash: leaves[index]!, index, size, proof, root })).toBe(true);
        if (size > 1) {
          expect(await verifyInclusionProof({ ...args, index: (index + 1) % size })).toBe(false);
          expect(await verifyInclusionProof({ ...args, proof: proof.slice(1) })).toBe(false);
        }
        expect(await verifyInclusionProof({ ...args, root: Buffer.from(root).reverse() })).toBe(false);
      }
    }
  });
});

describe("verifyRecordInBrowser", () => {
  const key = generateSigningKey();
  const logId = "app-browser";
  const sealed = [0, 1, 2].reduce<ReturnType<typeof sealRecord>[]>((acc, seq) => {
    const prev = acc.at(-1)?.leafHash.toString("hex") ?? genesisPrev;
    const input = adminChange(seq);
    acc.push(sealRecord({ envelope: { v: envelopeVersion, log: logId, seq, id: `r${seq}`, kind: input.kind, at: "2026-11-26T10:00:00.000Z", prev, key: key.keyId, body: input.body }, privateKey: key.privateKey }));
    return acc;
  }, []);
  const leaves = sealed.map((s) => s.leafHash);
  const checkpoint = signCheckpoint({ body: { log: logId, size: 3, root: rootOfLeaves(leaves).toString("hex"), at: "2026-11-26T10:00:01.000Z", key: key.keyId }, privateKey: key.privateKey });
  const target = sealed[1]!;
  const bundle: ProofBundle = {
    record: { id: "r1", logId, seq: 1, envelope: target.text, leafHash: target.leafHash.toString("hex"), signature: target.signature, keyId: key.keyId },
    checkpoint,
    proof: inclusionProof({ source: mapSource(allNodes(leaves)), index: 1, size: 3 }).map((h) => h.toString("hex")),
  };
  const keys = { logs: [{ logId, keys: [{ keyId: key.keyId, spki: key.spki.toString("base64") }] }] };

  it("passes every check for an untouched record", async () => {
    const checks = await verifyRecordInBrowser({ bundle, keys });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["Record signature", true],
      ["Leaf hash", true],
      ["Inclusion proof", true],
      ["Checkpoint signature", true],
    ]);
  });

  it("fails the right checks when the record, the checkpoint or the key list is not genuine", async () => {
    const edited = { ...bundle, record: { ...bundle.record, envelope: bundle.record.envelope.replace("change 1", "change 9") } };
    expect((await verifyRecordInBrowser({ bundle: edited, keys })).filter((c) => !c.ok).map((c) => c.name)).toEqual(["Record signature", "Leaf hash", "Inclusion proof"]);
    const forgedRoot = { ...bundle, checkpoint: { ...bundle.checkpoint, root: "00".repeat(32) } };
    expect((await verifyRecordInBrowser({ bundle: forgedRoot, keys })).filter((c) => !c.ok).map((c) => c.name)).toEqual(["Inclusion proof", "Checkpoint signature"]);
    const otherKey = generateSigningKey();
    const wrongKeys = { logs: [{ logId, keys: [{ keyId: key.keyId, spki: otherKey.spki.toString("base64") }] }] };
    expect((await verifyRecordInBrowser({ bundle, keys: wrongKeys })).filter((c) => !c.ok).map((c) => c.name)).toEqual(["Record signature", "Checkpoint signature"]);
  });
});
