import { createPrivateKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBase64, toHex } from "@/lib/evidence/bundle/encoding";
import { checkpointOrigin, noteKeyHash, noteVerifierKey, parseCheckpointText, parseSignedNote, verifyCheckpointNote, type NoteKey } from "@/lib/evidence/bundle/note";
import { rawPublicKey, signCheckpointNote, signNote } from "@/lib/evidence/bundle/sign";
import { generateSigningKey } from "@/lib/ledger/keys";

const keyFromSeed = (seed: Uint8Array) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });

// Known answers from Go's golang.org/x/mod/sumdb/note (note_test.go, TestSign and
// TestNewVerifier): the signed-note format the C2SP spec was written from.
const peter = {
  signerKey: "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
  verifierKey: "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  signed:
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
};

describe("signed notes (c2sp.org/signed-note)", () => {
  const privateKey = keyFromSeed(fromBase64(peter.signerKey.split("+").slice(4).join("+"))!.subarray(1));
  const publicKey = rawPublicKey(privateKey);

  it("reproduces Go's note package byte for byte: key hash, verifier key and signature line", () => {
    expect(toHex(noteKeyHash({ name: "PeterNeumann", publicKey }))).toBe("c74f20a3");
    expect(noteVerifierKey({ name: "PeterNeumann", publicKey })).toBe(peter.verifierKey);
    expect(signNote({ text: peter.text, keyName: "PeterNeumann", privateKey })).toBe(peter.signed);
  });

  it("parses the spec's example notes and rejects malformed ones", () => {
    const sofa = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
    const note = parseSignedNote(sofa)!;
    expect(note.signatures.map((s) => [s.name, s.keyHash, s.signature.length])).toEqual([["example.com/behind-the-sofa", "033de0ae", 64]]);
    expect(parseCheckpointText(note.text)).toEqual({ origin: "example.com/behind-the-sofa", size: 20852163, root: toHex(fromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")!), extensions: [] });
    const sig = peter.signed.split("\n\n")[1]!;
    for (const bad of [
      peter.text,
      `${peter.text}\n`,
      `${peter.text}\n${sig.slice(0, -1)}`,
      `\u0001${peter.text}\n${sig}`,
      `${peter.text}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${peter.text}\n${sig}Unexpected line.\n`,
    ]) {
      expect(parseSignedNote(bad)).toBeNull();
    }
    for (const text of ["o\n1\n", "o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", "o\n1\nAAAA\n", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n", "o p\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"]) {
      expect(parseCheckpointText(text)).toBeNull();
    }
  });
});

describe("checkpoint notes (c2sp.org/tlog-checkpoint)", () => {
  const key = generateSigningKey();
  const logId = "edge-augsburg-3f2a9c1b7d4e";
  const origin = checkpointOrigin({ logId });
  const root = "ab".repeat(32);
  const keys: NoteKey[] = [{ name: origin, publicKey: rawPublicKey(key.privateKey) }];

  it("signs origin, size and base64 root, with extension lines, and verifies", async () => {
    const text = signCheckpointNote({ origin, size: 1042, root, privateKey: key.privateKey, extensions: ["time 2026-11-26T10:00:00.000Z"] });
    const [body, signatureLine] = text.split("\n\n");
    expect(body).toBe(`conduit-ledger.local/log/${logId}\n1042\n${Buffer.from(root, "hex").toString("base64")}\ntime 2026-11-26T10:00:00.000Z`);
    expect(signatureLine).toMatch(new RegExp(`^— ${origin} [A-Za-z0-9+/]{91}=\\n$`));
    expect(await verifyCheckpointNote({ text, keys, origin })).toEqual({
      ok: true,
      verifiedBy: [origin],
      checkpoint: { origin, size: 1042, root, extensions: ["time 2026-11-26T10:00:00.000Z"] },
    });
    // The same head signed again is the same note (Ed25519 is deterministic).
    expect(signCheckpointNote({ origin, size: 1042, root, privateKey: key.privateKey, extensions: ["time 2026-11-26T10:00:00.000Z"] })).toBe(text);
  });

  it("rejects an altered note, a note by another key, and one for another log, saying why", async () => {
    const text = signCheckpointNote({ origin, size: 7, root, privateKey: key.privateKey });
    expect(await verifyCheckpointNote({ text: text.replace("\n7\n", "\n8\n"), keys })).toMatchObject({ ok: false, reason: expect.stringContaining("does not verify") });
    const other = generateSigningKey();
    const forged = signCheckpointNote({ origin, size: 7, root, privateKey: other.privateKey });
    // Another key under the same name has another key hash: an unknown signature, ignored.
    expect(await verifyCheckpointNote({ text: forged, keys })).toMatchObject({ ok: false, reason: "no signature by a known key of the log" });
    // A witness's cosignature by an unknown key is ignored; the log's own still counts.
    const cosigned = text + forged.split("\n\n")[1]!.replace(origin, "witness.example/w1");
    expect(await verifyCheckpointNote({ text: cosigned, keys })).toMatchObject({ ok: true, verifiedBy: [origin] });
    expect(await verifyCheckpointNote({ text, keys, origin: checkpointOrigin({ logId: "app-other" }) })).toMatchObject({ ok: false, reason: expect.stringContaining("is not the expected") });
    expect(await verifyCheckpointNote({ text: "garbage", keys })).toMatchObject({ ok: false, reason: "not a well-formed signed note" });
  });

  it("refuses to sign what no verifier could read", () => {
    expect(() => signCheckpointNote({ origin: "has space", size: 1, root, privateKey: key.privateKey })).toThrow(/origin/);
    expect(() => signCheckpointNote({ origin, size: -1, root, privateKey: key.privateKey })).toThrow(/size/);
    expect(() => signCheckpointNote({ origin, size: 1, root: "abc", privateKey: key.privateKey })).toThrow(/root/);
    expect(() => signCheckpointNote({ origin, size: 1, root, privateKey: key.privateKey, extensions: [""] })).toThrow(/extension/);
  });
});
