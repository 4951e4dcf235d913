import { sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkpointNoteText } from "@/lib/ledger/checkpoint-note";
import { generateSigningKey } from "@/lib/ledger/keys";
import { canonicalJson, signCheckpoint, verifyCheckpointSignature } from "@/lib/ledger/record";

const body = { log: "edge-augsburg-3f2a9c", size: 1042, root: "ab".repeat(32), at: "2026-12-07T21:00:00.000Z", key: "cd".repeat(32) };

describe("checkpoint notes", () => {
  it("formats the tree head as a C2SP checkpoint: origin, size, base64 root, the signing time", () => {
    expect(checkpointNoteText(body)).toBe(`conduit-ledger.local/log/edge-augsburg-3f2a9c\n1042\n${Buffer.from("ab".repeat(32), "hex").toString("base64")}\ntime 2026-12-07T21:00:00.000Z\n`);
  });

  it("signs the note text, so the stored signature is the note's", () => {
    const key = generateSigningKey();
    const checkpoint = signCheckpoint({ body, privateKey: key.privateKey });
    expect(verify(null, Buffer.from(checkpointNoteText(checkpoint)), key.publicKey, Buffer.from(checkpoint.signature, "base64"))).toBe(true);
    expect(verifyCheckpointSignature({ checkpoint, publicKey: key.publicKey })).toBe(true);
    expect(verifyCheckpointSignature({ checkpoint: { ...checkpoint, size: 1043 }, publicKey: key.publicKey })).toBe(false);
    expect(verifyCheckpointSignature({ checkpoint: { ...checkpoint, at: "2026-12-07T21:00:01.000Z" }, publicKey: key.publicKey })).toBe(false);
    expect(verifyCheckpointSignature({ checkpoint, publicKey: generateSigningKey().publicKey })).toBe(false);
  });

  it("still verifies a checkpoint signed over its canonical JSON, as they were before notes", () => {
    const key = generateSigningKey();
    const old = { v: 1, kind: "checkpoint" as const, ...body };
    const checkpoint = { ...old, signature: sign(null, Buffer.from(canonicalJson(old)), key.privateKey).toString("base64") };
    expect(verifyCheckpointSignature({ checkpoint, publicKey: key.publicKey })).toBe(true);
    expect(verifyCheckpointSignature({ checkpoint: { ...checkpoint, root: "ef".repeat(32) }, publicKey: key.publicKey })).toBe(false);
  });
});
