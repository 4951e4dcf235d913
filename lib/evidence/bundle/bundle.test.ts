import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webBundleCrypto, type BundleCrypto } from "@/lib/evidence/bundle/crypto";
import { bundlePaths, checkpointPath, consistencyPath, type Control } from "@/lib/evidence/bundle/format";
import { fileSource, nodeBundleCrypto } from "@/lib/evidence/bundle/node-crypto";
import { adminChangeBody, entriesOf, fakeCertificatePem, SyntheticLog } from "@/lib/evidence/bundle/testing";
import { parseTrustedKeys, verifyBundle, type BundleProblem, type BundleReport, type PdfVerifier } from "@/lib/evidence/bundle/verify-bundle";
import { writeEvidenceBundle, type BundleEntry, type BundleLogInput } from "@/lib/evidence/bundle/writer";
import { blobSource, bytesSource, readZipDirectory } from "@/lib/evidence/bundle/zip-read";
import { AppError } from "@/lib/errors";

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

let tmp: string;
let nodeCrypto: BundleCrypto & { close(): Promise<void> };
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const app = new SyntheticLog("app-3f2a9c1b7d4e", "app").append({ count: 5 });
const edge = new SyntheticLog("edge-augsburg-77c1e0a4b2d9", "edge-augsburg").append({ count: 12 });
const pdfBytes = new TextEncoder().encode("%PDF-1.7\n% a stand-in for the signed report\n%%EOF\n");
const certificate = fakeCertificatePem("pdf");
const controls: Control[] = [
  { id: "SR 2.8", title: "Auditable events", asks: "Every AI call is recorded as a signed, tamper-evident record.", evidenceFiles: ["records.jsonl", "proofs.jsonl", "evidence.pdf#page=6"], status: "met" },
  { id: "NIS2 Art. 21(2)(d)", title: "Supply chain security", asks: "The AI suppliers are known and assessed.", evidenceFiles: ["evidence.pdf#page=4"], status: "partly met" },
];
const pack = {
  id: "pack-2026-q3",
  name: "Supervisory review Q3 2026",
  purpose: "supervisory review Q3 2026",
  scope: { from: "2026-07-01", to: "2026-09-30", timeZone: "Europe/Berlin", plants: ["augsburg"], conduits: [], incident: null },
  generatedAt: "2026-10-02T09:15:00.000Z",
  generatedBy: "auditor@nordwerk.example",
};

/** A pack of the app log's 5 records and the edge log's records 2..11 (a scope need not start at 0). */
function packOptions(overrides: Partial<Parameters<typeof writeEvidenceBundle>[0]> & { logs?: BundleLogInput[]; entries?: AsyncIterable<BundleEntry> } = {}) {
  return {
    out: path.join(tmp, `pack-${Math.random().toString(36).slice(2)}.zip`),
    workDir: path.join(tmp, "work"),
    pack,
    logs: [edge.input(), app.input()],
    entries: entriesOf(app.entries(), edge.entries({ from: 2 })),
    pdf: { bytes: pdfBytes },
    pdfCertificatePem: certificate,
    controls,
    signingKey: { logId: app.logId, keyId: app.key.keyId, privateKey: app.key.privateKey },
    ...overrides,
  };
}

async function write(overrides: Parameters<typeof packOptions>[0] = {}): Promise<Uint8Array> {
  const written = await writeEvidenceBundle(packOptions(overrides));
  return fs.readFile(written.file);
}

const verify = (bytes: Uint8Array, options: Omit<Parameters<typeof verifyBundle>[0], "source"> = {}) => verifyBundle({ source: bytesSource(bytes), crypto: nodeCrypto, ...options });

/** The pack with its files changed, re-zipped (what someone editing an unzipped pack would hand back). */
function tamper(bytes: Uint8Array, change: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  change(files);
  return zipSync(Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))));
}
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const encode = (value: string) => new TextEncoder().encode(value);
const lines = (bytes: Uint8Array) => text(bytes).split("\n").slice(0, -1);
const unlines = (list: string[]) => encode(list.map((l) => `${l}\n`).join(""));
const named = (report: BundleReport, file: string) => report.problems.filter((p) => p.file === file);
const summary = (problems: BundleProblem[]) => problems.map((p) => `${p.file}${p.logId ? ` ${p.logId}#${p.index ?? ""}` : ""}: ${p.reason}`);

let packBytes: Uint8Array;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "bundle-test-"));
  nodeCrypto = nodeBundleCrypto({ workers: 1 });
  packBytes = await write();
});

afterAll(async () => {
  await nodeCrypto.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Writing and verifying
// ---------------------------------------------------------------------------

describe("writeEvidenceBundle and verifyBundle", () => {
  it("writes the documented layout, in path order, and the pack verifies", async () => {
    const directory = await readZipDirectory(bytesSource(packBytes));
    expect(directory.ok && directory.entries.map((e) => e.path)).toEqual([
      "VERIFY.md",
      checkpointPath(app.logId),
      checkpointPath(edge.logId),
      "evidence.pdf",
      "index.html",
      "keys.json",
      "manifest.json",
      "proofs.jsonl",
      "records.jsonl",
    ]);
    const report = await verify(packBytes);
    expect(summary(report.problems)).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      records: 15,
      files: 9,
      manifestSignedBy: app.key.keyId,
      pack: { id: pack.id, generatedBy: pack.generatedBy },
      logs: [
        { logId: app.logId, records: 5, treeSize: 5, root: app.root() },
        { logId: edge.logId, records: 10, treeSize: 12, root: edge.root() },
      ],
      pdf: { status: "not checked" },
    });
  });

  it("verifies the same way with the browser's cryptography (WebCrypto, @noble/hashes)", async () => {
    // A dropped file in the browser is a Blob, read slice by slice.
    const report = await verifyBundle({ source: blobSource(new Blob([packBytes as Uint8Array<ArrayBuffer>])), crypto: webBundleCrypto() });
    expect(summary(report.problems)).toEqual([]);
    expect(report.records).toBe(15);
    const broken = tamper(packBytes, (f) => {
      f[bundlePaths.records] = encode(text(f[bundlePaths.records]!).replace("change 3", "change 9"));
    });
    const problems = (await verifyBundle({ source: bytesSource(broken), crypto: webBundleCrypto() })).problems;
    expect(problems.filter((p) => p.logId === app.logId && p.index === 3).map((p) => p.file)).toEqual([bundlePaths.records, bundlePaths.proofs, bundlePaths.records]);
  });

  it("writes records exactly as signed and proofs in the Sigstore shape, line for line", () => {
    const files = unzipSync(packBytes);
    const record = JSON.parse(lines(files[bundlePaths.records]!)[7]!);
    expect(record).toEqual(edge.rows[4]);
    expect(Object.keys(record)).toEqual(["logId", "seq", "id", "kind", "at", "keyId", "leafHash", "signature", "envelope"]);
    const proof = JSON.parse(lines(files[bundlePaths.proofs]!)[7]!);
    expect(proof).toEqual({ logId: edge.logId, logIndex: 4, treeSize: 12, rootHash: edge.root(), hashes: edge.proof(4), checkpoint: checkpointPath(edge.logId) });
    expect(text(files[checkpointPath(edge.logId)]!)).toBe(edge.checkpoint());
    const keys = JSON.parse(text(files[bundlePaths.keys]!));
    expect(keys.manifestKey).toEqual({ logId: app.logId, keyId: app.key.keyId });
    expect(keys.logs[1]).toMatchObject({ logId: edge.logId, origin: `conduit-ledger.local/log/${edge.logId}`, keys: [{ keyId: edge.key.keyId, fingerprint: edge.key.keyId, spki: edge.key.spki.toString("base64") }] });
    expect(keys.pdfCertificate.fingerprint).toBe(sha256(Buffer.from(certificate.split("\n")[1]!, "base64")));
    const envelope = JSON.parse(text(files[bundlePaths.manifest]!));
    expect(envelope.payloadType).toBe("application/vnd.conduit-ledger.evidence-manifest+json");
    const manifest = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(Object.keys(files).filter((p) => p !== bundlePaths.manifest).sort());
    const html = text(files[bundlePaths.index]!);
    expect(html).toContain('<a href="evidence.pdf#page=6">evidence.pdf#page=6</a>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!github|c2sp)/);
  });

  it("is byte-for-byte reproducible, in any time zone", async () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = "America/Sao_Paulo";
      const first = await write();
      process.env.TZ = "Asia/Kolkata";
      const second = await write({ workDir: path.join(tmp, "other-work") });
      expect(sha256(first)).toBe(sha256(packBytes));
      expect(sha256(second)).toBe(sha256(packBytes));
    } finally {
      process.env.TZ = zone;
    }
    // DOS date and time of every entry: 1980-01-01 00:00:00.
    const view = Buffer.from(packBytes);
    expect([view.readUInt16LE(10), view.readUInt16LE(12)]).toEqual([0, (0 << 9) | (1 << 5) | 1]);
  });

  it("reports progress and leaves nothing half-made when generation fails", async () => {
    const progress: string[] = [];
    await writeEvidenceBundle(packOptions({ expectedRecords: 15, onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`) }));
    expect(progress).toContain("records:15/15");
    expect(progress.at(-1)).toMatch(/^zip:(\d+)\/\1$/);

    async function* failing() {
      yield* app.entries({ to: 2 });
      throw new Error("the database went away");
    }
    const failures = [
      { entries: failing(), error: /database went away/ },
      { entries: entriesOf(edge.entries(), app.entries()), error: /must come by log, then sequence/ },
      { entries: entriesOf(app.entries({ to: 2 }), app.entries({ from: 1 })), error: /once each/ },
      { entries: entriesOf([{ record: app.rows[1]!, proof: app.proof(2) }]), error: /inclusion proof/ },
      { entries: entriesOf([{ record: { ...app.rows[1]!, envelope: app.rows[1]!.envelope.replace("change 1", "change 7") }, proof: app.proof(1) }]), error: /leaf hash/ },
      { logs: [edge.input(), { ...app.input(), checkpoint: edge.checkpoint() }], error: /checkpoint of log/ },
      { logs: [edge.input({ consistencyFrom: { size: 4, root: edge.root(5) } }), app.input()], error: /consistency proof/ },
      { controls: [{ ...controls[0]!, evidenceFiles: ["incidents.csv"] }], error: /not in the pack/ },
      { pack: { ...pack, generatedAt: "yesterday" }, error: /malformed/ },
    ];
    for (const { error, ...overrides } of failures) {
      const options = packOptions(overrides);
      await expect(writeEvidenceBundle(options)).rejects.toThrow(error);
      await expect(fs.access(options.out)).rejects.toThrow();
      await expect(fs.access(`${options.out}.partial`)).rejects.toThrow();
    }
    const aborted = new AbortController();
    aborted.abort();
    const abortedOptions = packOptions({ signal: aborted.signal });
    await expect(writeEvidenceBundle(abortedOptions)).rejects.toThrow();
    await expect(fs.access(abortedOptions.out)).rejects.toThrow();
    expect((await fs.readdir(path.join(tmp, "work"))).filter((f) => f.startsWith("bundle-"))).toEqual([]);
    expect((await fs.readdir(tmp)).filter((f) => f.endsWith(".partial"))).toEqual([]);
    const empty = await writeEvidenceBundle(packOptions({ entries: entriesOf([]) }));
    expect(empty.records).toBe(0);
    expect(summary((await verify(await fs.readFile(empty.file))).problems)).toEqual([]);
    await expect(writeEvidenceBundle(packOptions({ logs: [app.input()], entries: entriesOf(edge.entries()) }))).rejects.toBeInstanceOf(AppError);
  });

  it("passes the PDF and its certificate to the injected PDF check", async () => {
    const verifyPdf: PdfVerifier = async ({ pdf, certificatePem, certificateFingerprint }) => ({
      ok: text(pdf).startsWith("%PDF-1.7") && certificatePem === certificate && certificateFingerprint !== null,
      detail: text(pdf).startsWith("%PDF-1.7") ? "signature valid" : "the signed digest does not match",
    });
    expect((await verify(packBytes, { verifyPdf })).pdf).toEqual({ status: "valid", detail: "signature valid" });
    const broken = tamper(packBytes, (f) => {
      f[bundlePaths.pdf]![6] = 0x30;
    });
    const report = await verify(broken, { verifyPdf });
    expect(report.pdf.status).toBe("invalid");
    expect(named(report, bundlePaths.pdf).map((p) => p.reason)).toEqual([expect.stringContaining("SHA-256"), "PDF signature: the signed digest does not match"]);
    const throwing: PdfVerifier = async () => {
      throw new Error("not a PDF");
    };
    expect(named(await verify(packBytes, { verifyPdf: throwing }), bundlePaths.pdf)).toEqual([{ file: bundlePaths.pdf, reason: "PDF signature check failed: not a PDF" }]);
  });
});

// ---------------------------------------------------------------------------
// Tampering
// ---------------------------------------------------------------------------

describe("verifyBundle against tampering", () => {
  it("detects one byte changed in each file and names the file", async () => {
    const files = unzipSync(packBytes);
    for (const file of Object.keys(files)) {
      const changed = tamper(packBytes, (f) => {
        const bytes = f[file]!;
        const at = Math.floor(bytes.length / 2);
        bytes[at] = bytes[at]! ^ 0x01;
      });
      const report = await verify(changed);
      expect(report.ok, file).toBe(false);
      expect(named(report, file).length, `${file}: ${summary(report.problems).join("; ")}`).toBeGreaterThan(0);
    }
  });

  it("names the record whose envelope, signature or proof was changed", async () => {
    const edited = tamper(packBytes, (f) => {
      f[bundlePaths.records] = encode(text(f[bundlePaths.records]!).replace("change 3", "change 9"));
    });
    expect(summary((await verify(edited)).problems)).toEqual([
      `records.jsonl ${app.logId}#3: its leaf hash is not SHA-256(0x00 ‖ envelope): the envelope or the hash was changed`,
      `proofs.jsonl ${app.logId}#3: the inclusion proof does not lead from the record to the root of the checkpoint (size 5): the record, its proof or the checkpoint was changed`,
      // Record 4 signed the leaf hash of record 3 as it was.
      `records.jsonl ${app.logId}#4: its signed prev hash is not the leaf hash of record 3 in the pack: the chain between them is broken`,
      `records.jsonl ${app.logId}#3: the Ed25519 signature does not verify: the record was edited or forged`,
      expect.stringMatching(/^records.jsonl: its SHA-256 .* of the signed manifest: the file was changed$/),
    ]);
    // The record's outer fields must be its envelope's: nothing unsigned is believed.
    const relabelled = tamper(packBytes, (f) => {
      const list = lines(f[bundlePaths.records]!);
      list[1] = list[1]!.replace(`"id":"${app.logId}-r1"`, `"id":"${app.logId}-r9"`);
      f[bundlePaths.records] = unlines(list);
    });
    expect(summary(named(await verify(relabelled), bundlePaths.records))[0]).toBe(`records.jsonl ${app.logId}#1: its id differs from the signed envelope`);
    const proofChanged = tamper(packBytes, (f) => {
      const list = lines(f[bundlePaths.proofs]!);
      list[9] = list[9]!.replace(/"hashes":\["(.)/, (_, c: string) => `"hashes":["${c === "0" ? "1" : "0"}`);
      f[bundlePaths.proofs] = unlines(list);
    });
    expect(named(await verify(proofChanged), bundlePaths.proofs).map((p) => [p.logId, p.index])).toEqual([[edge.logId, 6], [undefined, undefined]]);
  });

  it("detects a record removed, reordered or repeated", async () => {
    const removed = tamper(packBytes, (f) => {
      for (const file of [bundlePaths.records, bundlePaths.proofs]) f[file] = unlines(lines(f[file]!).filter((_, i) => i !== 8));
    });
    const removedReport = await verify(removed);
    expect(removedReport.records).toBe(14);
    expect(named(removedReport, bundlePaths.records).map((p) => p.reason)).toEqual([expect.stringContaining("the file was changed")]);
    expect(named(removedReport, bundlePaths.proofs).map((p) => p.reason)).toEqual([expect.stringContaining("the file was changed")]);

    const removedRecordOnly = tamper(packBytes, (f) => {
      f[bundlePaths.records] = unlines(lines(f[bundlePaths.records]!).filter((_, i) => i !== 8));
    });
    expect(summary(named(await verify(removedRecordOnly), bundlePaths.proofs))).toContain(
      `proofs.jsonl ${edge.logId}#6: line 9 is the proof of ${edge.logId} #5, not of this record: a record or proof was removed, added or moved`,
    );

    const reordered = tamper(packBytes, (f) => {
      for (const file of [bundlePaths.records, bundlePaths.proofs]) {
        const list = lines(f[file]!);
        [list[8], list[9]] = [list[9]!, list[8]!];
        f[file] = unlines(list);
      }
    });
    expect(summary(named(await verify(reordered), bundlePaths.records))).toContain(`records.jsonl ${edge.logId}#5: out of order: comes after ${edge.logId} #6`);

    const repeated = tamper(packBytes, (f) => {
      for (const file of [bundlePaths.records, bundlePaths.proofs]) {
        const list = lines(f[file]!);
        list.splice(3, 0, list[3]!);
        f[file] = unlines(list);
      }
    });
    expect(summary(named(await verify(repeated), bundlePaths.records))).toContain(`records.jsonl ${app.logId}#3: appears twice`);
  });

  it("detects a checkpoint replaced by one of another tree, even one validly signed", async () => {
    for (const note of [edge.checkpoint(11), app.checkpoint(5)]) {
      const replaced = tamper(packBytes, (f) => {
        f[checkpointPath(edge.logId)] = encode(note);
      });
      const report = await verify(replaced);
      expect(named(report, checkpointPath(edge.logId)).map((p) => p.reason)[0]).toMatch(/the file was changed|checkpoint: origin/);
      if (note === edge.checkpoint(11)) {
        expect(named(report, bundlePaths.proofs)).toHaveLength(10);
        expect(named(report, bundlePaths.proofs)[0]!.reason).toContain("the checkpoint was replaced");
      }
    }
  });

  it("detects a key swapped in keys.json", async () => {
    const other = new SyntheticLog(edge.logId, edge.name);
    const swapped = tamper(packBytes, (f) => {
      f[bundlePaths.keys] = encode(text(f[bundlePaths.keys]!).replace(edge.key.spki.toString("base64"), other.key.spki.toString("base64")));
    });
    const report = await verify(swapped);
    expect(summary(named(report, bundlePaths.keys))).toEqual([
      expect.stringContaining("the key was swapped"),
      expect.stringContaining("the file was changed"),
    ]);
    expect(named(report, checkpointPath(edge.logId))[0]!.reason).toContain("no signature by a known key");
    expect(named(report, bundlePaths.records)).toHaveLength(10);
  });

  it("catches a pack re-signed end to end with other keys only against trusted keys", async () => {
    const trustedKeys = parseTrustedKeys(JSON.parse(text(unzipSync(packBytes)[bundlePaths.keys]!)))!;
    expect(trustedKeys.keys).toHaveLength(2);
    expect((await verify(packBytes, { trustedKeys })).ok).toBe(true);
    // Someone with other keys rebuilds the logs and the pack: self-consistent, not ours.
    const forgedApp = new SyntheticLog(app.logId, app.name).append({ count: 5 });
    const forgedEdge = new SyntheticLog(edge.logId, edge.name).append({ count: 12 });
    const forged = await write({
      logs: [forgedEdge.input(), forgedApp.input()],
      entries: entriesOf(forgedApp.entries(), forgedEdge.entries({ from: 2 })),
      signingKey: { logId: app.logId, keyId: forgedApp.key.keyId, privateKey: forgedApp.key.privateKey },
    });
    expect((await verify(forged)).ok).toBe(true);
    const report = await verify(forged, { trustedKeys });
    expect(summary(named(report, bundlePaths.keys))).toEqual([
      expect.stringContaining("is not among the trusted keys"),
      expect.stringContaining("is not among the trusted keys"),
    ]);
    expect(named(report, bundlePaths.manifest)[0]!.reason).toContain("is not a usable key");
  });

  it("detects a file added, a file removed, and a manifest signature broken", async () => {
    const added = tamper(packBytes, (f) => {
      f["notes.txt"] = encode("trust me\n");
    });
    expect(summary((await verify(added)).problems)).toEqual(["notes.txt: not listed in the signed manifest: added to the pack"]);
    const removed = tamper(packBytes, (f) => {
      delete f[bundlePaths.verify];
    });
    expect(summary((await verify(removed)).problems)).toEqual(["VERIFY.md: listed in the signed manifest but missing from the pack: removed"]);
    const resigned = tamper(packBytes, (f) => {
      const envelope = JSON.parse(text(f[bundlePaths.manifest]!));
      envelope.signatures[0].sig = Buffer.from(Buffer.from(envelope.signatures[0].sig, "base64").map((b, i) => (i === 0 ? b ^ 1 : b))).toString("base64");
      f[bundlePaths.manifest] = encode(JSON.stringify(envelope));
    });
    expect(summary(named(await verify(resigned), bundlePaths.manifest))).toEqual([expect.stringContaining("manifest signature: no signature verifies")]);
  });

  it("never throws on malformed input", async () => {
    const inputs = [new Uint8Array(), encode("not a zip at all"), packBytes.slice(0, packBytes.length / 2), packBytes.slice(0, packBytes.length - 10), zipSync({}), zipSync({ "records.jsonl": encode("{}\n[]\nnull\n"), "proofs.jsonl": encode("x\n") })];
    for (const input of inputs) {
      const report = await verify(input);
      expect(report.ok).toBe(false);
      expect(report.problems.length).toBeGreaterThan(0);
    }
    const damaged = Uint8Array.from(packBytes);
    damaged[200] = damaged[200]! ^ 0xff;
    expect((await verify(damaged)).ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Consistency between packs
// ---------------------------------------------------------------------------

describe("verifyBundle with the previous pack", () => {
  const logId = "edge-aveiro-0c9d2e11f3a8";
  const honest = new SyntheticLog(logId, "edge-aveiro").append({ count: 10 });
  const packOf = (log: SyntheticLog, options: { from: number; consistencyFrom?: { size: number; root?: string; packId?: string } }) =>
    write({
      pack: { ...pack, id: `pack-${log.size}` },
      logs: [log.input({ consistencyFrom: options.consistencyFrom })],
      entries: entriesOf(log.entries({ from: options.from })),
      signingKey: { logId, keyId: log.key.keyId, privateKey: log.key.privateKey },
    });

  it("shows that pack N+1 extends pack N", async () => {
    const first = await packOf(honest, { from: 0 });
    honest.append({ count: 7, start: Date.parse("2026-12-01T08:00:00.000Z") });
    const second = await packOf(honest, { from: 10, consistencyFrom: { size: 10, packId: "pack-10" } });
    const report = await verify(second, { previous: bytesSource(first) });
    expect(summary(report.problems)).toEqual([]);
    expect(report.logs).toEqual([{ logId, records: 7, treeSize: 17, root: honest.root(), extendsPrevious: true }]);
    expect(report.previous).toEqual({ packId: "pack-10", checked: true });
    expect(unzipSync(second)[consistencyPath(logId)]).toBeDefined();
    // Without a consistency proof, nothing ties the two packs together.
    const unlinked = await packOf(honest, { from: 10 });
    expect(summary((await verify(unlinked, { previous: bytesSource(first) })).problems)).toEqual([
      `${consistencyPath(logId)} ${logId}#: missing: nothing shows this pack's checkpoint (size 17) extends the previous pack's (size 10)`,
    ]);
  });

  it("detects that the previous pack's records were rewritten", async () => {
    const original = new SyntheticLog(logId, "edge-aveiro").append({ count: 10 });
    const first = await packOf(original, { from: 0 });
    // The operator, holding the log's key, rewrites record 3 and everything after it, then goes on.
    const rewritten = new SyntheticLog(logId, "edge-aveiro", original.key).append({ count: 20, body: (seq) => adminChangeBody(seq, seq === 3 ? "change 3, rewritten" : `change ${seq}`) });
    const second = await packOf(rewritten, { from: 10, consistencyFrom: { size: 10 } });
    // On its own the new pack is consistent with the rewritten history...
    expect((await verify(second)).ok).toBe(true);
    // ...but not with the checkpoint the previous pack holds.
    const report = await verify(second, { previous: bytesSource(first) });
    expect(summary(report.problems)).toEqual([expect.stringMatching(new RegExp(`^${consistencyPath(logId)} ${logId}#: starts from a tree of size 10 .* the log was rewritten or truncated since the previous pack$`))]);
    expect(report.logs[0]!.extendsPrevious).toBe(false);
    // Claiming the previous pack's root with the rewritten log's proof fails the proof itself.
    const claimed = tamper(second, (f) => {
      const c = JSON.parse(text(f[consistencyPath(logId)]!));
      c.oldRoot = original.root(10);
      c.oldCheckpoint = null;
      f[consistencyPath(logId)] = encode(JSON.stringify(c));
    });
    expect(summary(named(await verify(claimed, { previous: bytesSource(first) }), consistencyPath(logId)))).toEqual([
      expect.stringContaining("the file was changed"),
      expect.stringContaining("the proof does not show that the tree of size 20 extends the tree of size 10"),
      expect.stringContaining("missing: nothing shows"),
    ]);
  });
});

describe("verifyBundle with the previous pack, against other keys", () => {
  it("notices a pack that someone rebuilt with keys of their own, even without trusted keys", async () => {
    const logId = "edge-aveiro-5e6f7a8b9c0d";
    const real = new SyntheticLog(logId, "edge-aveiro").append({ count: 10 });
    const first = await write({ logs: [real.input()], entries: entriesOf(real.entries()), signingKey: { logId, keyId: real.key.keyId, privateKey: real.key.privateKey } });
    const forger = new SyntheticLog(logId, "edge-aveiro").append({ count: 20 });
    const second = await write({ logs: [forger.input({ consistencyFrom: { size: 10 } })], entries: entriesOf(forger.entries({ from: 10 })), signingKey: { logId, keyId: forger.key.keyId, privateKey: forger.key.privateKey } });
    expect((await verify(second)).ok).toBe(true);
    const report = await verify(second, { previous: bytesSource(first) });
    expect(summary(report.problems)).toEqual([
      `keys.json ${logId}#: lacks key ${real.key.keyId.slice(0, 16)}… that the previous pack lists for the log: the keys were swapped`,
      expect.stringContaining("the log was rewritten or truncated since the previous pack"),
    ]);
  });
});

describe("fileSource", () => {
  it("reads a pack from disk entry by entry", async () => {
    const written = await writeEvidenceBundle(packOptions());
    const source = await fileSource(written.file);
    try {
      expect((await verifyBundle({ source, crypto: nodeCrypto })).ok).toBe(true);
    } finally {
      await source.close();
    }
    expect(written).toMatchObject({ records: 15, sha256: sha256(packBytes), size: packBytes.length });
    // zlib inflates there; damaged compressed data is a problem too, not a throw.
    const directory = await readZipDirectory(bytesSource(packBytes));
    const records = directory.ok ? directory.entries.find((e) => e.path === bundlePaths.records)! : null;
    const damaged = Buffer.from(packBytes);
    const at = records!.localHeaderOffset + 30 + records!.path.length + 40;
    damaged[at] = damaged[at]! ^ 0xff;
    await fs.writeFile(`${written.file}.damaged`, damaged);
    const damagedSource = await fileSource(`${written.file}.damaged`);
    try {
      const report = await verifyBundle({ source: damagedSource, crypto: nodeCrypto });
      expect(named(report, bundlePaths.records).length).toBeGreaterThan(0);
    } finally {
      await damagedSource.close();
    }
  });
});
