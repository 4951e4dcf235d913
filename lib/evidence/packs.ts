// Evidence packs, from request to download. A request is checked and queued at once; the
// pack is generated in the background of the app's process (the records with their
// proofs, the PDF, the bundle), with its progress on the row. It is written under
// <data>/packs/ as <id>.zip.partial and renamed only when whole, so a failed pack leaves
// its reason and nothing to download. Generating and downloading are both ledger
// records: the auditor is audited too.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SessionUser } from "@/lib/auth/session";
import { loadConfig, type Config } from "@/lib/config";
import type { Db, EvidencePack } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parsePackRequest, scopeKey, type PackRequest, type PackScope } from "@/lib/evidence/pack-scope";
import { logger } from "@/lib/logger";

/** Where finished packs are kept. */
export function packsDir(config: Config): string {
  return path.join(config.dataDir, "packs");
}

export function packFile(options: { config: Config; id: string }): string {
  return path.join(packsDir(options.config), `${options.id}.zip`);
}

// A pack whose generation stopped updating its row for this long was cut off by a
// restart: nothing is generating it any more.
const staleAfterMs = 120_000;
const running = new Set<string>();

export type PackGenerator = (options: { db: Db; packId: string }) => Promise<void>;

/**
 * Checks a pack request and queues it (the app then generates it in the background, the
 * CLI at once). Refused: a malformed scope (400 naming the field), a scope with no
 * records (400), a scope whose pack is being generated (409).
 */
export async function queuePack(options: { db: Db; actor: Pick<SessionUser, "id">; input: unknown; countRecords: (scope: PackScope) => Promise<number> }): Promise<EvidencePack> {
  const { db } = options;
  const request: PackRequest = await parsePackRequest({ db, input: options.input });
  const key = scopeKey(request.scope);
  await failStalePacks({ db });
  const busy = await db.evidencePack.findFirst({ where: { scopeKey: key, status: { in: ["QUEUED", "RUNNING"] } }, select: { name: true } });
  if (busy) throw new AppError({ code: "conflict", message: `A pack of this scope is being generated ("${busy.name}"): wait for it to finish.` });
  const records = await options.countRecords(request.scope);
  if (records === 0) throw new AppError({ code: "bad_request", message: "No records in this scope: choose a longer period or other plants and conduits.", issues: [{ path: "from", message: "no records" }] });
  const pack = await db.evidencePack.create({
    data: {
      name: request.name,
      purpose: request.purpose,
      scope: JSON.stringify(request.scope),
      scopeKey: key,
      periodFrom: new Date(request.scope.from),
      periodTo: new Date(request.scope.to),
      recordsTotal: records,
      createdById: options.actor.id,
    },
  });
  return pack;
}

/** Runs a generation in the background; it records its own failure on the pack's row. */
export function startGeneration(options: { db: Db; packId: string; generate: PackGenerator }): void {
  running.add(options.packId);
  void options
    .generate({ db: options.db, packId: options.packId })
    .catch((error: unknown) => logger.error({ packId: options.packId, error: (error as Error).message }, "evidence pack generation failed"))
    .finally(() => running.delete(options.packId));
}

/** Marks packs no process is generating any more (the app restarted) as failed, removing any partial file. */
export async function failStalePacks(options: { db: Db; config?: Config }): Promise<number> {
  const config = options.config ?? loadConfig();
  const stale = await options.db.evidencePack.findMany({ where: { status: { in: ["QUEUED", "RUNNING"] }, updatedAt: { lt: new Date(Date.now() - staleAfterMs) } }, select: { id: true } });
  const orphans = stale.filter((p) => !running.has(p.id));
  for (const pack of orphans) {
    fs.rmSync(`${packFile({ config, id: pack.id })}.partial`, { force: true });
    await options.db.evidencePack.update({ where: { id: pack.id }, data: { status: "FAILED", finishedAt: new Date(), error: "The app stopped while the pack was generated; nothing was kept. Generate it again." } });
  }
  return orphans.length;
}

export interface PackListItem {
  id: string;
  name: string;
  purpose: string;
  scope: PackScope;
  status: EvidencePack["status"];
  recordsTotal: number;
  recordsDone: number;
  /** Seconds left, from the rate so far; null when unknown. */
  secondsLeft: number | null;
  sha256: string | null;
  bytes: number | null;
  signatureLevel: string | null;
  timestampNote: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  createdBy: { name: string; email: string };
}

export async function listPacks(options: { db: Db; limit?: number }): Promise<PackListItem[]> {
  await failStalePacks({ db: options.db });
  const packs = await options.db.evidencePack.findMany({ orderBy: { createdAt: "desc" }, take: options.limit ?? 200, include: { createdBy: { select: { name: true, email: true } } } });
  return packs.map((p) => {
    const elapsed = p.startedAt ? (Date.now() - p.startedAt.getTime()) / 1000 : 0;
    const rate = elapsed > 1 && p.recordsDone > 0 ? p.recordsDone / elapsed : null;
    return {
      id: p.id,
      name: p.name,
      purpose: p.purpose,
      scope: JSON.parse(p.scope) as PackScope,
      status: p.status,
      recordsTotal: p.recordsTotal,
      recordsDone: p.recordsDone,
      secondsLeft: p.status === "RUNNING" && rate ? Math.max(0, Math.round((p.recordsTotal - p.recordsDone) / rate)) : null,
      sha256: p.sha256,
      bytes: p.bytes,
      signatureLevel: p.signatureLevel,
      timestampNote: p.timestampNote,
      error: p.error,
      createdAt: p.createdAt.toISOString(),
      finishedAt: p.finishedAt?.toISOString() ?? null,
      createdBy: p.createdBy,
    };
  });
}

/**
 * A ready pack's file for download, recorded in the ledger before the first byte is sent.
 * The file's hash is checked against the row first: a pack changed on disk is not served.
 */
export async function openPackDownload(options: { db: Db; actor: SessionUser; id: string; record: (input: { kind: string; body: unknown }) => Promise<unknown> }): Promise<{ file: string; name: string; bytes: number; sha256: string }> {
  const pack = await options.db.evidencePack.findUnique({ where: { id: options.id } });
  if (!pack) throw new AppError({ code: "not_found", message: "No such evidence pack." });
  if (pack.status !== "READY" || !pack.sha256 || pack.bytes === null) throw new AppError({ code: "conflict", message: pack.status === "FAILED" ? `This pack failed: ${pack.error ?? "unknown reason"}` : "This pack is still being generated." });
  const file = packFile({ config: loadConfig(), id: pack.id });
  if (!fs.existsSync(file)) throw new AppError({ code: "not_found", message: "The pack's file is missing from the data folder." });
  if ((await fileSha256(file)) !== pack.sha256) throw new AppError({ code: "internal", message: "The pack's file no longer matches the SHA-256 recorded when it was generated: it is not served. Generate the pack again." });
  await options.record({ kind: "evidence_download", body: { actor: { userId: options.actor.id, email: options.actor.email, role: options.actor.role }, packId: pack.id, sha256: pack.sha256 } });
  const slug = pack.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "evidence-pack";
  return { file, name: `${slug}-${pack.id.slice(-8)}.zip`, bytes: pack.bytes, sha256: pack.sha256 };
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
