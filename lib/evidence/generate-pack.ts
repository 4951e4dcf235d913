// Generating one evidence pack: the records of its scope with their inclusion proofs to
// each log's checkpoint note (signed by the log itself, never re-signed here), a
// consistency proof from the previous pack of the same scope, the PDF drawn from the
// scope's content and PAdES signed, all written by the bundle writer into one
// reproducible ZIP, then the generation recorded in the ledger. A failure is recorded
// too, with its reason, and leaves no file.
import { createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "@/lib/config";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { rawEd25519FromSpki, toBase64 } from "@/lib/evidence/bundle/encoding";
import { noteKeyHash } from "@/lib/evidence/bundle/note";
import { writeEvidenceBundle, type BundleLogInput } from "@/lib/evidence/bundle/writer";
import { controlMap, indexControls } from "@/lib/evidence/controls";
import { gatherPackContent, type PackScope as ContentScope } from "@/lib/evidence/pack-content";
import { renderPackPdf } from "@/lib/evidence/pack-pdf";
import { packFile, packsDir } from "@/lib/evidence/packs";
import type { PackScope } from "@/lib/evidence/pack-scope";
import { countScopeRecords, scopeEntries, scopeRows, type CoveredLogs } from "@/lib/evidence/scope-records";
import { openAppLedger } from "@/lib/ledger";
import { checkpointNoteText, checkpointOrigin } from "@/lib/ledger/checkpoint-note";
import { loadOrCreateSigningKey, type SigningKey } from "@/lib/ledger/keys";
import type { LogWriter } from "@/lib/ledger/log-writer";
import { consistencyProof, consistencyProofNodes, mapSource, nodeKey, type Hash } from "@/lib/ledger/merkle";
import type { CheckpointRow, LedgerStore } from "@/lib/ledger/store";
import { indexPendingRecords } from "@/lib/records/record-index";
import { signPdf } from "@/lib/pdf/sign-pdf";
import { appPdfSigning, signingCertificateJson } from "@/lib/pdf/signing-certificate";

/** Rows of the record appendix printed in full; the rest are summarised by day and outcome. */
export const appendixLimit = 2000;

/** The ledger a generation writes to and signs the manifest with: the app's log, or the CLI's own. */
export interface PackLedger {
  store: LedgerStore;
  log: LogWriter;
  key: SigningKey;
}

export async function appPackLedger(): Promise<PackLedger> {
  const config = loadConfig();
  const { store, log } = await openAppLedger();
  return { store, log, key: loadOrCreateSigningKey({ keysDir: config.ledger.keysDir, logName: "app", configured: config.ledger.signingKey }) };
}

interface LogFacts {
  logId: string;
  name: string;
  keys: { keyId: string; spki: string }[];
  checkpoint: CheckpointRow | null;
  /** The checkpoint as a signed note, when the log signed it as one. */
  note: string | null;
}

/** A checkpoint row as the C2SP note its log signed: the text, a blank line, the signature line. */
function checkpointNote(options: { row: CheckpointRow; spki: string }): string | null {
  const { row } = options;
  const text = checkpointNoteText({ log: row.logId, size: row.treeSize, root: row.rootHash, at: row.at });
  const spki = Buffer.from(options.spki, "base64");
  const signature = Buffer.from(row.signature, "base64");
  // Checkpoints signed before notes (over JSON) cannot be handed over as notes.
  if (!verify(null, Buffer.from(text, "utf8"), createPublicKey({ key: spki, format: "der", type: "spki" }), signature)) return null;
  const origin = checkpointOrigin(row.logId);
  const keyHash = noteKeyHash({ name: origin, publicKey: rawEd25519FromSpki(spki)! });
  return `${text}\n\u2014 ${origin} ${toBase64(Buffer.concat([keyHash, signature]))}\n`;
}

async function logFacts(options: { store: LedgerStore }): Promise<LogFacts[]> {
  const { store } = options;
  const logs = await store.listLogs();
  return Promise.all(
    logs.map(async (log) => {
      const keys = (await store.listKeys(log.id)).map((k) => ({ keyId: k.keyId, spki: k.publicKeySpki }));
      const checkpoint = await store.latestCheckpoint(log.id);
      const key = checkpoint ? keys.find((k) => k.keyId === checkpoint.keyId) : undefined;
      return { logId: log.id, name: log.name, keys, checkpoint, note: checkpoint && key ? checkpointNote({ row: checkpoint, spki: key.spki }) : null };
    }),
  );
}

/** Per log, the previous pack's checkpoint and the RFC 9162 proof that this pack's extends it. */
async function consistencyFrom(options: { db: Db; store: LedgerStore; scopeKey: string; before: Date; logs: LogFacts[] }): Promise<Map<string, NonNullable<BundleLogInput["consistency"]>>> {
  const proofs = new Map<string, NonNullable<BundleLogInput["consistency"]>>();
  const previous = await options.db.evidencePack.findFirst({ where: { scopeKey: options.scopeKey, status: "READY", createdAt: { lt: options.before } }, orderBy: { createdAt: "desc" } });
  if (!previous) return proofs;
  const old = JSON.parse(previous.checkpoints) as { logId: string; size: number; root: string }[];
  for (const log of options.logs) {
    const was = old.find((c) => c.logId === log.logId);
    if (!was || !log.checkpoint || log.checkpoint.treeSize < was.size) continue;
    const ids = consistencyProofNodes(was.size, log.checkpoint.treeSize);
    const stored = await options.store.readNodes(log.logId, ids);
    const source = mapSource(new Map<string, Hash>([...stored].map(([key, hex]) => [key, Buffer.from(hex, "hex")])));
    for (const id of ids) if (!stored.has(nodeKey(id))) throw new AppError({ code: "internal", message: `Log ${log.logId} is missing a tree node the consistency proof needs.` });
    const hashes = consistencyProof({ source, oldSize: was.size, newSize: log.checkpoint.treeSize }).map((h) => h.toString("hex"));
    const oldRow = (await options.store.listCheckpoints(log.logId)).find((c) => c.treeSize === was.size);
    const key = oldRow && log.keys.find((k) => k.keyId === oldRow.keyId);
    proofs.set(log.logId, {
      oldSize: was.size,
      oldRoot: was.root,
      hashes,
      oldCheckpoint: oldRow && key ? checkpointNote({ row: oldRow, spki: key.spki }) : null,
      previousPack: { id: previous.id, sha256: previous.sha256 },
    });
  }
  return proofs;
}

/** The logs' checkpoint reach, for counting a scope's records before it is queued. */
export async function countPackRecords(options: { db: Db; scope: PackScope; store?: LedgerStore }): Promise<number> {
  const store = options.store ?? (await openAppLedger()).store;
  await indexPendingRecords({ db: options.db, budgetMs: 5_000 });
  const covered = coveredLogs(await logFacts({ store }));
  return (await countScopeRecords({ db: options.db, scope: options.scope, covered })).covered;
}

function coveredLogs(logs: LogFacts[]): CoveredLogs {
  return new Map(logs.filter((l) => l.checkpoint && l.note).map((l) => [l.logId, { size: l.checkpoint!.treeSize }]));
}

/** Generates a queued pack to <data>/packs/<id>.zip; its row says how it went. */
export async function generatePack(options: { db: Db; packId: string; ledger?: PackLedger; signal?: AbortSignal }): Promise<void> {
  const { db, packId } = options;
  const config = loadConfig();
  const ledger = options.ledger ?? (await appPackLedger());
  const pack = await db.evidencePack.findUniqueOrThrow({ where: { id: packId }, include: { createdBy: { select: { name: true, email: true, role: true } } } });
  const scope = JSON.parse(pack.scope) as PackScope;
  const actor = { userId: pack.createdById, email: pack.createdBy.email, role: pack.createdBy.role };
  const generatedAt = new Date();
  await db.evidencePack.update({ where: { id: packId }, data: { status: "RUNNING", startedAt: generatedAt, recordsDone: 0 } });
  let lastProgress = 0;
  const progress = async (done: number) => {
    if (Date.now() - lastProgress < 500) return;
    lastProgress = Date.now();
    await db.evidencePack.update({ where: { id: packId }, data: { recordsDone: done } });
  };
  const out = packFile({ config, id: packId });
  try {
    // Every record a checkpoint covers must be in the index the scope is read from.
    for (let i = 0; i < 100 && (await indexPendingRecords({ db, budgetMs: 5_000 })).behind > 0; i++);
    const logs = await logFacts({ store: ledger.store });
    const covered = coveredLogs(logs);
    const counts = await countScopeRecords({ db, scope, covered });
    if (counts.covered === 0) throw new AppError({ code: "bad_request", message: "No records of this scope are covered by a signed checkpoint yet." });
    await db.evidencePack.update({ where: { id: packId }, data: { recordsTotal: counts.covered } });
    const inPack = logs.filter((l) => counts.logs.get(l.logId)?.covered || l.logId === ledger.log.logId);

    const contentScope: ContentScope = { ...scope, incident: scope.incident ?? undefined, name: pack.name, purpose: pack.purpose };
    const content = await gatherPackContent({ db, scope: contentScope, now: generatedAt });
    const consistency = await consistencyFrom({ db, store: ledger.store, scopeKey: pack.scopeKey, before: pack.createdAt, logs: inPack });
    const controls = controlMap(content, { consistencyLogs: [...consistency.keys()] });
    const signing = await appPdfSigning({ db });
    const location = content.plants.map((p) => p.name).join("; ") || "all plants";
    const reason = `Evidence pack "${pack.name}" (${pack.purpose})`;
    let signature: { level: string; timestampError?: string } | undefined;
    // Drawn once records.jsonl is written: the cover prints its SHA-256.
    const renderPdf = async (staged: { recordsSha256: string }) => {
      const draw = (timestampNote?: string) =>
        renderPackPdf({
          content,
          controls,
          pack: { id: pack.id, name: pack.name, purpose: pack.purpose, generatedAt: generatedAt.toISOString(), generatedBy: { name: pack.createdBy.name, email: pack.createdBy.email } },
          keys: inPack.flatMap((l) => l.keys.map((k) => ({ logId: l.logId, keyId: k.keyId, fingerprint: k.keyId }))),
          pdfCertificateFingerprint: signing.identity.certificate.sha256Fingerprint,
          checkpoints: inPack.filter((l) => l.checkpoint).map((l) => ({ logId: l.logId, size: l.checkpoint!.treeSize, root: l.checkpoint!.rootHash, at: l.checkpoint!.at })),
          uncovered: counts.uncovered,
          recordsSha256: staged.recordsSha256,
          appendix: scopeRows({ db, scope, covered, signal: options.signal }),
          appendixTotal: counts.covered,
          appendixLimit,
          timestampNote,
        });
      let signed = await signPdf({ pdf: await draw(), reason, location, ...signing, signingTime: generatedAt });
      // An unreachable time-stamp authority costs the level, never the pack: the cover says so.
      if (signed.timestampError) {
        const timestampError = signed.timestampError;
        signed = await signPdf({ pdf: await draw(`No trusted time stamp: ${timestampError}`), reason, location, identity: signing.identity, signingTime: generatedAt });
        signed.timestampError = timestampError;
      }
      signature = { level: signed.level, timestampError: signed.timestampError };
      return signed.pdf;
    };

    fs.mkdirSync(packsDir(config), { recursive: true });
    const written = await writeEvidenceBundle({
      out,
      workDir: path.join(packsDir(config), "work"),
      pack: { id: pack.id, name: pack.name, purpose: pack.purpose, scope: { ...scope }, generatedAt: generatedAt.toISOString(), generatedBy: `${pack.createdBy.name} <${pack.createdBy.email}>` },
      logs: inPack.map((l) => ({ logId: l.logId, name: l.name, keys: l.keys, checkpoint: counts.logs.get(l.logId)?.covered ? l.note : null, consistency: consistency.get(l.logId) ?? null })),
      entries: scopeEntries({ db, store: ledger.store, scope, covered, signal: options.signal }),
      expectedRecords: counts.covered,
      pdf: { render: renderPdf },
      pdfCertificatePem: signingCertificateJson(signing.identity).chainPem[0] ?? null,
      controls: indexControls(controls),
      signingKey: { logId: ledger.log.logId, keyId: ledger.key.keyId, privateKey: ledger.key.privateKey },
      // Progress is for the list only: a failed update must not stop (or crash) the generation.
      onProgress: (p) => void (p.phase === "records" ? progress(p.done).catch(() => undefined) : undefined),
      signal: options.signal,
    });
    const checkpoints = inPack.filter((l) => l.checkpoint && counts.logs.get(l.logId)?.covered).map((l) => ({ logId: l.logId, size: l.checkpoint!.treeSize, root: l.checkpoint!.rootHash }));
    const record = await ledger.log.append({
      kind: "evidence_pack_generated",
      body: { actor, packId, name: pack.name, purpose: pack.purpose, scope: pack.scope, outcome: "ready", sha256: written.sha256, bytes: written.size, records: written.records, checkpoints: checkpoints.map((c) => ({ log: c.logId, size: c.size, root: c.root })), error: null },
    });
    await db.evidencePack.update({
      where: { id: packId },
      data: { status: "READY", finishedAt: new Date(), recordsDone: written.records, sha256: written.sha256, bytes: written.size, signatureLevel: signature?.level ?? null, timestampNote: signature?.timestampError ?? null, checkpoints: JSON.stringify(checkpoints), ledgerRecordId: record.id },
    });
  } catch (error) {
    fs.rmSync(out, { force: true });
    fs.rmSync(`${out}.partial`, { force: true });
    const message = failureMessage(error);
    await ledger.log
      .append({ kind: "evidence_pack_generated", body: { actor, packId, name: pack.name, purpose: pack.purpose, scope: pack.scope, outcome: "failed", sha256: null, bytes: null, records: 0, checkpoints: [], error: message.slice(0, 500) } })
      .catch(() => undefined);
    await db.evidencePack.update({ where: { id: packId }, data: { status: "FAILED", finishedAt: new Date(), error: message } });
    throw error;
  }
}

// What the packs list says about a failure: the domain's message, or the system's in words.
function failureMessage(error: unknown): string {
  if (error instanceof AppError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") return "The disk is full: the pack could not be written. Free space in the data folder and generate it again.";
  if (code === "EACCES" || code === "EROFS") return "The data folder cannot be written to: the pack could not be saved.";
  if ((error as Error).name === "AbortError") return "The generation was stopped.";
  return `The pack could not be generated: ${(error as Error).message}`;
}
