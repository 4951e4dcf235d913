// A pack generated end to end on a real database: the demo plant and a log of known
// calls, queued as the app queues it, generated with the records' proofs, the signed
// PDF and the bundle, then verified offline as an auditor would (pack:verify's checks),
// and a second pack of the same plants proven to extend the first.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileSource, nodeBundleCrypto } from "@/lib/evidence/bundle/node-crypto";
import { verifyBundle, type PdfVerifier } from "@/lib/evidence/bundle/verify-bundle";
import { generatePack, type PackLedger } from "@/lib/evidence/generate-pack";
import { listPacks, openPackDownload, packFile, queuePack } from "@/lib/evidence/packs";
import { countScopeRecords } from "@/lib/evidence/scope-records";
import { loadConfig } from "@/lib/config";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyPdfSignature } from "@/lib/pdf/sign-pdf";
import { indexPendingRecords } from "@/lib/records/record-index";
import { callWithResult, refusal } from "@/lib/testing/call-records";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

const minute = 60_000;
let database: TestDatabase;
let store: LedgerStore;
let ledger: PackLedger;
// The plant's edge log, open throughout; a checkpoint after every record, so each pack covers all so far.
let edge: LogWriter;
let auditor: { id: string; email: string; name: string; role: "AUDITOR" };
let clock = Date.parse("2026-11-02T06:00:00.000Z");

const verifyPdf: PdfVerifier = async ({ pdf }) => {
  const check = await verifyPdfSignature({ pdf });
  return { ok: check.ok, detail: check.problems.join(" ") || "valid" };
};

async function appendCalls(options: { writer: LogWriter; augsburg: number; aveiro: number }) {
  for (let i = 0; i < options.augsburg; i++) {
    clock += minute;
    const { call, result } = callWithResult({ device: "aug-pdm-spindle", at: clock });
    await options.writer.append(call);
    clock += minute;
    await options.writer.append(result);
  }
  for (let i = 0; i < options.aveiro; i++) {
    clock += minute;
    await options.writer.append(refusal({ device: "avr-qi-casting", plant: "aveiro", zone: "aveiro-l2-supervisory", workstation: "avr-qi-cast01", code: "conduit_not_authorized", at: clock }));
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoPlantForTest({ database, now: new Date(clock) });
  store = openLedgerStore({ provider: database.provider, url: database.url });
  edge = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "edge-pack-test", name: "edge-pack-test", writer: "proxy:edge" }, checkpointEvery: 1, checkpointSeconds: 3600, now: () => new Date(clock) });
  await appendCalls({ writer: edge, augsburg: 30, aveiro: 5 });
  const key = generateSigningKey();
  const log = await LogWriter.open({ store, key, log: { id: "app-pack-test", name: "app", writer: "app" }, checkpointEvery: 1000, checkpointSeconds: 3600, now: () => new Date(clock) });
  ledger = { store, log, key };
  await indexPendingRecords({ db: database.db, budgetMs: 10_000 });
  const user = await database.db.user.findFirstOrThrow({ where: { role: "AUDITOR" } });
  auditor = { id: user.id, email: user.email, name: user.name, role: "AUDITOR" };
});

afterAll(async () => {
  await edge?.close();
  await ledger?.log.close();
  await store?.close();
  await database?.drop();
});

const request = (overrides: Record<string, unknown> = {}) => ({
  name: "Augsburg November",
  purpose: "supervisory review Q4 2026",
  from: "2026-11-01T00:00",
  to: "2026-12-01T00:00",
  timeZone: "Europe/Berlin",
  plants: ["augsburg"],
  conduits: [],
  incident: null,
  ...overrides,
});

const count = async (scope: Parameters<typeof countScopeRecords>[0]["scope"]) =>
  (await countScopeRecords({ db: database.db, scope, covered: new Map([["edge-pack-test", { size: Number.MAX_SAFE_INTEGER }]]) })).covered;

describe("evidence packs", () => {
  let first = "";

  it("refuses a scope the wrong way round, an unknown plant and a scope with no records, naming the field", async () => {
    const queue = (input: unknown) => queuePack({ db: database.db, actor: auditor, input, countRecords: count });
    await expect(queue(request({ to: "2026-10-01T00:00" }))).rejects.toMatchObject({ code: "bad_request", issues: [{ path: "to" }] });
    await expect(queue(request({ plants: ["atlantis"] }))).rejects.toMatchObject({ code: "bad_request", issues: [{ path: "plants" }] });
    await expect(queue(request({ timeZone: "Mars/Olympus" }))).rejects.toMatchObject({ issues: [{ path: "timeZone" }] });
    await expect(queue(request({ from: "2025-01-01T00:00", to: "2025-02-01T00:00" }))).rejects.toMatchObject({ code: "bad_request", message: expect.stringContaining("No records") });
    await expect(queue(request({ name: "" }))).rejects.toMatchObject({ issues: [{ path: "name" }] });
    expect(await database.db.evidencePack.count()).toBe(0);
  });

  it("generates a pack whose records, proofs, checkpoints, manifest and signed PDF verify offline", async () => {
    const pack = await queuePack({ db: database.db, actor: auditor, input: request(), countRecords: count });
    // A second request of the same scope while the first is queued is refused.
    await expect(queuePack({ db: database.db, actor: auditor, input: request({ name: "again" }), countRecords: count })).rejects.toMatchObject({ code: "conflict" });
    await generatePack({ db: database.db, packId: pack.id, ledger });
    const [listed] = await listPacks({ db: database.db });
    expect(listed).toMatchObject({ id: pack.id, status: "READY", recordsTotal: 60, recordsDone: 60, signatureLevel: "B-B", createdBy: { email: auditor.email } });
    const file = packFile({ config: loadConfig(), id: pack.id });
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    const report = await verifyBundle({ source: await fileSource(file), crypto: nodeBundleCrypto(), verifyPdf });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // Augsburg's 30 calls and their results; Aveiro's refusals are not in its scope.
    expect(report.records).toBe(60);

    // The generation is a ledger record naming the ZIP's hash; so is the download, written first.
    const generated = await database.db.auditRecord.findFirstOrThrow({ where: { kind: "evidence_pack_generated" } });
    expect(generated.envelope).toContain(listed!.sha256);
    const recorded: unknown[] = [];
    const download = await openPackDownload({ db: database.db, actor: auditor, id: pack.id, record: async (input) => recorded.push(input) });
    expect(recorded).toEqual([{ kind: "evidence_download", body: { actor: { userId: auditor.id, email: auditor.email, role: "AUDITOR" }, packId: pack.id, sha256: listed!.sha256 } }]);
    expect(download.sha256).toBe(listed!.sha256);
    first = file;
  });

  it("proves the next pack of the same plants extends the previous one", async () => {
    await appendCalls({ writer: edge, augsburg: 5, aveiro: 0 });
    await indexPendingRecords({ db: database.db, budgetMs: 10_000 });
    const pack = await queuePack({ db: database.db, actor: auditor, input: request({ name: "Augsburg November, later" }), countRecords: count });
    await generatePack({ db: database.db, packId: pack.id, ledger });
    const second = packFile({ config: loadConfig(), id: pack.id });
    const report = await verifyBundle({ source: await fileSource(second), previous: await fileSource(first), crypto: nodeBundleCrypto(), verifyPdf });
    expect(report.problems).toEqual([]);
    expect(report.records).toBe(70);
    expect(report.logs.find((l) => l.logId === "edge-pack-test")).toMatchObject({ records: 70, extendsPrevious: true });
    expect(report.pdf.status).toBe("valid");
  });
});
