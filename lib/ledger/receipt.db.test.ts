// Receipts as an auditor takes them home: built from a real ledger (with a key rotation
// between the record and its checkpoint), checked offline, and every kind of tampering
// detected and named, by the domain and by `npm run receipt:verify` as a person runs it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey, type SigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { envelopeVersion, genesisPrev, sealRecord } from "@/lib/ledger/record";
import { buildReceipt, parseKeysFile, parseReceipt, verifyReceipt, type Receipt } from "@/lib/ledger/receipt";
import type { LedgerStore } from "@/lib/ledger/store";
import { adminChange } from "@/lib/testing/ledger-fixtures";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
let store: LedgerStore;
let writer: LogWriter;
const firstKey = generateSigningKey();
const secondKey = generateSigningKey();
const edgeKey = generateSigningKey();
const ids: string[] = [];
let edgeRecordId: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conduit-receipt-"));

const failed = async (receipt: Receipt, options: { trustedKeys?: Awaited<ReturnType<typeof parseKeysFile>> } = {}) =>
  (await verifyReceipt({ receipt, ...options })).checks.filter((c) => !c.ok).map((c) => c.name);
const copy = (receipt: Receipt): Receipt => structuredClone(receipt);

beforeAll(async () => {
  t = await createTestDatabase();
  store = openLedgerStore({ provider: t.provider, url: t.url });
  const open = (key: SigningKey) => LogWriter.open({ store, key, log: { id: "app-rcpt", name: "app", writer: "app" }, checkpointEvery: 5, checkpointSeconds: 3600 });
  // Records 0-4 under the first key (checkpoint at 5), then the key is rotated: records
  // 5-9 and the checkpoint at 10 under the second, and records 10-11 not yet covered.
  const first = await open(firstKey);
  for (let i = 0; i < 5; i++) ids.push((await first.append(adminChange(i))).id);
  await first.close();
  writer = await open(secondKey);
  for (let i = 5; i < 12; i++) ids.push((await writer.append(adminChange(i))).id);
  const edge = await LogWriter.open({ store, key: edgeKey, log: { id: "edge-rcpt", name: "edge", writer: "edge" }, checkpointEvery: 5, checkpointSeconds: 3600 });
  for (let i = 0; i < 5; i++) edgeRecordId = (await edge.append(adminChange(100 + i))).id;
  await edge.close();
}, 120_000);

afterAll(async () => {
  await writer?.close();
  await store?.close();
  await t?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("buildReceipt and verifyReceipt", () => {
  it("proves a record signed before a key rotation to a checkpoint signed after it", async () => {
    const receipt = await buildReceipt({ store, recordId: ids[2]! });
    expect(receipt).toMatchObject({
      format: "conduit-ledger-receipt/1",
      record: { id: ids[2], logId: "app-rcpt", seq: 2, keyId: firstKey.keyId },
      proof: { status: "included", logIndex: 2, treeSize: 10, checkpoint: { log: "app-rcpt", size: 10, key: secondKey.keyId } },
      log: { id: "app-rcpt", name: "app", writer: "app" },
    });
    expect(receipt.log.keys.map((k) => [k.keyId, k.spki, k.retiredAt === null])).toEqual(
      expect.arrayContaining([
        [firstKey.keyId, firstKey.spki.toString("base64"), false],
        [secondKey.keyId, secondKey.spki.toString("base64"), true],
      ]),
    );
    expect(receipt.log.keys).toHaveLength(2);
    expect(receipt.log.keys.find((k) => k.keyId === firstKey.keyId)!.fingerprint).toBe(firstKey.keyId.match(/.{4}/g)!.join(" "));
    // What is downloaded reads back as what was built.
    expect(parseReceipt({ text: JSON.stringify(receipt, null, 2) })).toEqual(receipt);

    const result = await verifyReceipt({ receipt });
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["Receipt keys", true],
      ["Record fields", true],
      ["Record signature", true],
      ["Leaf hash", true],
      ["Checkpoint log", true],
      ["Proof position", true],
      ["Inclusion proof", true],
      ["Checkpoint signature", true],
    ]);
    expect(result).toMatchObject({ ok: true, proven: true, pending: null, keySource: "the receipt" });
  });

  it("holds the record, its signature and the keys before a checkpoint covers it, says the proof is pending, and proves it once one does", async () => {
    const pending = await buildReceipt({ store, recordId: ids[11]! });
    expect(pending.proof).toEqual({ status: "pending", reason: expect.stringContaining("No signed checkpoint of log app-rcpt covers record #11 yet (the latest covers 10 records)") });
    const result = await verifyReceipt({ receipt: pending });
    expect(result.checks.map((c) => c.name)).toEqual(["Receipt keys", "Record fields", "Record signature", "Leaf hash"]);
    expect(result).toMatchObject({ ok: true, proven: false });
    const edited = copy(pending);
    edited.record.signature = Buffer.from(edited.record.signature, "base64").reverse().toString("base64");
    expect(await failed(edited)).toEqual(["Record signature"]);

    await writer.checkpoint();
    const covered = await buildReceipt({ store, recordId: ids[11]! });
    expect(covered.proof).toMatchObject({ status: "included", treeSize: 12 });
    expect(await verifyReceipt({ receipt: covered })).toMatchObject({ ok: true, proven: true });
  });

  it("detects and names each kind of tampering", async () => {
    const receipt = await buildReceipt({ store, recordId: ids[2]! });
    if (receipt.proof.status !== "included") throw new Error("expected an included proof");

    const envelopeByte = copy(receipt);
    envelopeByte.record.envelope = envelopeByte.record.envelope.replace("change 2", "change 3");
    expect(await failed(envelopeByte)).toEqual(["Record signature", "Leaf hash", "Inclusion proof"]);

    const swappedKey = copy(receipt);
    swappedKey.log.keys.find((k) => k.keyId === firstKey.keyId)!.spki = edgeKey.spki.toString("base64");
    expect(await failed(swappedKey)).toEqual(["Receipt keys", "Record signature"]);
    expect((await verifyReceipt({ receipt: swappedKey })).checks[0]!.detail).toContain(`key ${firstKey.keyId.slice(0, 16)}… holds a public key whose SHA-256 is ${edgeKey.keyId.slice(0, 16)}…`);

    const proofElement = copy(receipt);
    if (proofElement.proof.status !== "included") throw new Error("unreachable");
    proofElement.proof.hashes[1] = proofElement.proof.hashes[1]!.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    expect(await failed(proofElement)).toEqual(["Inclusion proof"]);

    // The other log's checkpoint is genuine and well signed, but of another log.
    const edge = await buildReceipt({ store, recordId: edgeRecordId });
    if (edge.proof.status !== "included") throw new Error("expected an included proof");
    const otherLog = copy(receipt);
    otherLog.proof = { ...receipt.proof, treeSize: edge.proof.treeSize, rootHash: edge.proof.rootHash, checkpoint: edge.proof.checkpoint };
    expect(await failed(otherLog)).toEqual(["Checkpoint log", "Inclusion proof", "Checkpoint signature"]);
    const named = (await verifyReceipt({ receipt: otherLog })).checks.find((c) => c.name === "Checkpoint signature")!;
    expect(named.detail).toBe("the checkpoint is of log edge-rcpt, not of the record's log app-rcpt");

    const forgedRoot = copy(receipt);
    if (forgedRoot.proof.status !== "included") throw new Error("unreachable");
    forgedRoot.proof.rootHash = forgedRoot.proof.checkpoint.root = "0".repeat(64);
    expect(await failed(forgedRoot)).toEqual(["Inclusion proof", "Checkpoint signature"]);

    const grownCheckpoint = copy(receipt);
    if (grownCheckpoint.proof.status !== "included") throw new Error("unreachable");
    grownCheckpoint.proof.checkpoint.size += 1;
    expect(await failed(grownCheckpoint)).toEqual(expect.arrayContaining(["Proof position", "Checkpoint signature"]));

    const otherSeq = copy(receipt);
    otherSeq.record.seq = 3;
    expect(await failed(otherSeq)).toContain("Record fields");
  });

  it("with trusted keys, refuses a record forged and signed by a key the receipt brings along", async () => {
    const forger = generateSigningKey();
    const input = adminChange(2);
    const sealed = sealRecord({
      envelope: { v: envelopeVersion, log: "app-rcpt", seq: 2, id: ids[2]!, kind: input.kind, at: "2026-11-26T10:00:00.000Z", prev: genesisPrev, key: forger.keyId, body: { ...input.body, summary: "nothing happened" } },
      privateKey: forger.privateKey,
    });
    const genuine = await buildReceipt({ store, recordId: ids[2]! });
    const forged: Receipt = {
      ...genuine,
      record: { ...genuine.record, envelope: sealed.text, leafHash: sealed.leafHash.toString("hex"), signature: sealed.signature, keyId: forger.keyId },
      proof: { status: "pending", reason: "soon" },
      log: { ...genuine.log, keys: [{ keyId: forger.keyId, algorithm: "Ed25519", spki: forger.spki.toString("base64"), fingerprint: forger.keyId.match(/.{4}/g)!.join(" "), activatedAt: "2026-01-01T00:00:00.000Z", retiredAt: null }] },
    };
    // Consistent in itself: only keys obtained another way expose it.
    expect(await failed(forged)).toEqual([]);
    const trustedKeys = await parseKeysFile({ text: JSON.stringify({ format: "conduit-ledger-keys/1", logs: [{ logId: "app-rcpt", keys: genuine.log.keys }] }) });
    const result = await verifyReceipt({ receipt: forged, trustedKeys, trustedKeysName: "keys.json" });
    expect(result.checks.filter((c) => !c.ok).map((c) => [c.name, c.detail])).toEqual([["Record signature", `the signing key ${forger.keyId.slice(0, 16)}… is not in the trusted keys (keys.json)`]]);
    expect(await verifyReceipt({ receipt: genuine, trustedKeys })).toMatchObject({ ok: true, proven: true, keySource: "the trusted keys" });
  });

  it("refuses malformed receipts and keys files with a message naming the problem, and an unknown record", async () => {
    const genuine = await buildReceipt({ store, recordId: ids[2]! });
    expect(() => parseReceipt({ text: "{not json" })).toThrow("The receipt is not JSON.");
    expect(() => parseReceipt({ text: JSON.stringify({ ...genuine, format: "conduit-ledger-receipt/9" }) })).toThrow('The receipt\'s format "conduit-ledger-receipt/9" is not one this verifier reads (conduit-ledger-receipt/1).');
    expect(() => parseReceipt({ text: JSON.stringify({ ...genuine, record: { ...genuine.record, seq: "2" } }) })).toThrow(/^The file is not a conduit-ledger-receipt\/1 receipt: record\.seq: /);
    expect(() => parseReceipt({ text: JSON.stringify({ ...genuine, proof: { status: "maybe" } }) })).toThrow(/proof\.status/);
    const lying = { format: "conduit-ledger-keys/1", logs: [{ logId: "app-rcpt", keys: [{ keyId: firstKey.keyId, spki: edgeKey.spki.toString("base64") }] }] };
    await expect(parseKeysFile({ text: JSON.stringify(lying) })).rejects.toThrow(`lists key ${firstKey.keyId} of log app-rcpt with a public key whose SHA-256 is another`);
    await expect(parseKeysFile({ text: "[]" })).rejects.toThrow(/not a conduit-ledger-keys\/1 file/);
    await expect(buildReceipt({ store, recordId: "no-such-record" })).rejects.toMatchObject({ code: "not_found" });
  });
});

function cli(script: string, ...args: string[]) {
  const result = spawnSync(path.resolve("node_modules/.bin/tsx"), [script, ...args], {
    env: { ...process.env, DATABASE_URL: t.url, CONDUIT_DATA_DIR: dir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

// tsx start-up is slow on a busy machine; each test starts a few command lines.
describe("npm run receipt:verify and npm run ledger -- keys", { timeout: 240_000 }, () => {
  const file = (name: string, content: unknown) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return full;
  };

  it("prints every log's key fingerprints and writes the keys file receipt:verify trusts", async () => {
    const keysFile = path.join(dir, "keys.json");
    const keys = cli("scripts/ledger.ts", "keys", "--out", keysFile);
    expect(keys.code).toBe(0);
    expect(keys.out).toContain("log app-rcpt (app, written by the application)");
    expect(keys.out).toContain(`fingerprint ${secondKey.keyId.match(/.{4}/g)!.join(" ")}`);
    expect(keys.out).toContain("log edge-rcpt (edge, written by edge)");
    const trusted = await parseKeysFile({ text: fs.readFileSync(keysFile, "utf8") });
    expect(trusted.logs.map((l) => l.logId).sort()).toEqual(["app-rcpt", "edge-rcpt"]);

    const receipt = file("receipt.json", await buildReceipt({ store, recordId: ids[2]! }));
    const plain = cli("scripts/receipt-verify.ts", receipt);
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toContain("PASS  Inclusion proof:");
    expect(plain.out).toContain(`receipt VERIFIED: record ${ids[2]} is unchanged, signed by key ${firstKey.keyId.match(/.{4}/g)!.join(" ")}`);
    expect(plain.out).toContain("The keys came with the receipt: compare these fingerprints with ones obtained out of band");
    const trustedRun = cli("scripts/receipt-verify.ts", receipt, "--trusted-keys", keysFile);
    expect(trustedRun.code, trustedRun.out).toBe(0);
    expect(trustedRun.out).toContain(`keys: from the trusted keys (${keysFile})`);
    expect(trustedRun.out).not.toContain("The keys came with the receipt");
  });

  it("exits 1 naming what failed", async () => {
    const receipt = await buildReceipt({ store, recordId: ids[2]! });
    receipt.record.envelope = receipt.record.envelope.replace("change 2", "change 3");
    const result = cli("scripts/receipt-verify.ts", file("tampered.json", receipt));
    expect(result.code).toBe(1);
    expect(result.out).toContain("FAIL  Record signature:");
    expect(result.out).toContain("receipt verification FAILED: Record signature, Leaf hash, Inclusion proof");
  });

  it("exits 2 with a clear message on bad input", () => {
    const notJson = file("not-json.json", "%PDF-1.7");
    expect(cli("scripts/receipt-verify.ts", notJson)).toEqual({ code: 2, out: `receipt:verify: ${notJson}: The receipt is not JSON.\n` });
    const shape = cli("scripts/receipt-verify.ts", file("shape.json", { format: "conduit-ledger-receipt/1", record: {} }));
    expect(shape.code).toBe(2);
    expect(shape.out).toMatch(/receipt:verify: .*shape\.json: The file is not a conduit-ledger-receipt\/1 receipt: record\.id: /);
    const usage = cli("scripts/receipt-verify.ts");
    expect(usage).toEqual({ code: 2, out: "receipt:verify: usage: npm run receipt:verify -- FILE [--trusted-keys KEYS.json] [--json]\n" });
  });
});
