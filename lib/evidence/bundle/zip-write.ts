// A reproducible ZIP, written in constant memory (Node only). Each file is first staged:
// streamed into a temporary file, deflated on the way (fflate, pure JavaScript, so the
// bytes do not change with the Node or zlib version), while its SHA-256, CRC-32 and size
// are counted. The archive is then assembled by fflate's streaming Zip, in path order,
// from those compressed files, into "<out>.partial", renamed to <out> only when complete.
//
// Fixed for reproducibility: entry order (byte-wise by path), DOS time 1980-01-01 00:00
// (fflate writes local time, so the date is built from local fields: the same in every
// time zone), Unix mode 0644, no extra fields, deflate level 1 fed in 64 KiB chunks
// (fflate's output depends on how input is split).
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { crc32 } from "node:zlib";
import { Deflate, Zip, type ZipInputFile } from "fflate";

export interface StagedEntry {
  path: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  /** The temporary file holding the (compressed) data. */
  file: string;
  size: number;
  compressedSize: number;
  crc: number;
  sha256: string;
}

// fflate's output depends on how its input is split: always 64 KiB pushes, the last one
// (maybe empty) final. Buffers of four pushes go to disk or to the worker at a time.
const pushSize = 64 * 1024;
const chunkSize = 4 * pushSize;
const deflateLevel = 1;
// Without ZIP64 (which fflate does not write), sizes and offsets are 32-bit.
const maxZipBytes = 0xfffffffe;
const unixFileMode = 0o100644;

// Deflating is half the writer's work; for the large files it runs on a worker thread
// of its own while the main thread reads, checks and formats records. Plain CommonJS
// evaluated in the worker (as crypto-pool.ts does), so it runs the same under tsx,
// vitest and Next; fflate is resolved from the working directory, as the app's modules
// are. Same fflate, same chunks, same order: the same bytes as deflating inline.
const deflateWorkerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const path = require("node:path");
const { Deflate } = createRequire(path.join(process.cwd(), "noop.js"))("fflate");
let out = [];
const deflater = new Deflate({ level: workerData.level }, (data) => out.push(data));
// As pushes() below; a copy, not its source text, which bundlers and coverage tools rewrite.
parentPort.on("message", ({ chunk, final }) => {
  const size = workerData.pushSize;
  const whole = final ? Math.floor(chunk.length / size) * size : chunk.length;
  for (let at = 0; at < whole; at += size) deflater.push(chunk.subarray(at, at + size), false);
  if (final) deflater.push(chunk.subarray(whole), true);
  parentPort.postMessage(out);
  out = [];
});
`;

/** Deflates a buffer as 64 KiB pushes, the last (maybe empty) one final; the worker does the same. */
function pushes(deflater: { push(chunk: Uint8Array, final?: boolean): void }, chunk: Uint8Array, final: boolean, size: number): void {
  const whole = final ? Math.floor(chunk.length / size) * size : chunk.length;
  for (let at = 0; at < whole; at += size) deflater.push(chunk.subarray(at, at + size), false);
  if (final) deflater.push(chunk.subarray(whole), true);
}

// Buffers handed to the worker and not yet written: bounds memory at about 2 MiB a file.
const maxInFlight = 8;

/** Streams one file of the pack into a temporary file; write() waits whenever a chunk goes to disk. */
export class StagedFile {
  private chunk = Buffer.allocUnsafe(chunkSize);
  private fill = 0;
  private size = 0;
  private compressedSize = 0;
  private crc = 0;
  private readonly hash = createHash("sha256");
  private readonly deflater: Deflate | null;
  private readonly worker: Worker | null;
  private readonly replies: { resolve: (pieces: Uint8Array[]) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;
  private writing: Promise<void> = Promise.resolve();
  private inFlight: Promise<void>[] = [];
  private out: Uint8Array[] = [];

  private constructor(
    private readonly entryPath: string,
    private readonly method: 0 | 8,
    private readonly file: string,
    private readonly handle: fs.FileHandle,
    offload: boolean,
  ) {
    this.deflater = method === 8 && !offload ? new Deflate({ level: deflateLevel }, (data) => void this.out.push(data)) : null;
    this.worker = method === 8 && offload ? new Worker(deflateWorkerSource, { eval: true, workerData: { level: deflateLevel, pushSize } }) : null;
    this.worker?.on("message", (pieces: Uint8Array[]) => this.replies.shift()?.resolve(pieces));
    this.worker?.on("error", (error) => this.fail(error));
    this.worker?.on("exit", (code) => this.fail(new Error(`the deflate worker of ${this.entryPath} stopped (exit code ${code})`)));
  }

  /** `offload` deflates on a worker thread: for the large files. */
  static async create(options: { dir: string; path: string; method: 0 | 8; offload?: boolean }): Promise<StagedFile> {
    const file = path.join(options.dir, `${options.path.replace(/[^A-Za-z0-9._-]/g, "_")}.staged`);
    return new StagedFile(options.path, options.method, file, await fs.open(file, "wx", 0o600), options.offload === true);
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    for (let offset = 0; offset < bytes.length; ) {
      const n = Math.min(chunkSize - this.fill, bytes.length - offset);
      this.chunk.set(bytes.subarray(offset, offset + n), this.fill);
      this.fill += n;
      offset += n;
      if (this.fill === chunkSize) await this.emit(false);
    }
  }

  async close(): Promise<StagedEntry> {
    await this.emit(true);
    await Promise.all(this.inFlight);
    await this.worker?.terminate();
    await this.handle.sync();
    await this.handle.close();
    return { path: this.entryPath, method: this.method, file: this.file, size: this.size, compressedSize: this.compressedSize, crc: this.crc, sha256: this.hash.digest("hex") };
  }

  /** Stops the worker and closes the temporary file after a failure; the caller removes the directory. */
  async abort(): Promise<void> {
    this.fail(new Error("aborted"));
    await this.worker?.terminate().catch(() => undefined);
    await this.writing.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const reply of this.replies.splice(0)) reply.reject(error);
  }

  private async emit(final: boolean): Promise<void> {
    if (this.failure) throw this.failure;
    const data = this.chunk.subarray(0, this.fill);
    this.hash.update(data);
    this.crc = crc32(data, this.crc);
    this.size += data.length;
    if (this.size > maxZipBytes) throw new Error(`${this.entryPath} exceeds 4 GiB, the most a ZIP without ZIP64 holds`);
    let pieces: Promise<Uint8Array[]>;
    if (this.worker) {
      // The chunk goes to the worker as it is; a fresh one takes its place.
      pieces = new Promise((resolve, reject) => this.replies.push({ resolve, reject }));
      this.worker.postMessage({ chunk: data, final }, [this.chunk.buffer]);
      this.chunk = Buffer.allocUnsafe(chunkSize);
    } else {
      if (this.deflater) pushes(this.deflater, data, final, pushSize);
      else if (data.length > 0) this.out.push(Buffer.from(data));
      pieces = Promise.resolve(this.out);
      this.out = [];
    }
    this.fill = 0;
    // Failures surface where the chain is awaited; these only keep them from going unhandled meanwhile.
    pieces.catch(() => undefined);
    // Written in order, one chunk after the other, while the next ones are deflated.
    const written = (this.writing = this.writing.then(async () => {
      for (const piece of await pieces) {
        await writeAll(this.handle, piece);
        this.compressedSize += piece.length;
      }
      if (this.compressedSize > maxZipBytes) throw new Error(`${this.entryPath} exceeds 4 GiB, the most a ZIP without ZIP64 holds`);
    }));
    written.catch(() => undefined);
    this.inFlight.push(written);
    if (this.inFlight.length >= maxInFlight || !this.worker) await this.inFlight.shift();
  }
}

/** Writes the entries, sorted by path, as a ZIP to <out>.partial, then renames it to <out>. Returns its SHA-256 and size. */
export async function assembleZip(options: {
  out: string;
  entries: readonly StagedEntry[];
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}): Promise<{ sha256: string; size: number }> {
  const entries = [...options.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const total = entries.reduce((n, e) => n + e.compressedSize, 0);
  // Local headers, data descriptors and the central directory add about 150 bytes an entry.
  if (total + entries.length * 200 > maxZipBytes || entries.length >= 0xffff) throw new Error("the pack exceeds 4 GiB or 65,535 files, the most a ZIP without ZIP64 holds");
  const partial = `${options.out}.partial`;
  const handle = await fs.open(partial, "wx", 0o600);
  const hash = createHash("sha256");
  let size = 0;
  try {
    let failure: Error | null = null;
    let queue: Uint8Array[] = [];
    const zip = new Zip((error, data) => {
      if (error) failure = error;
      else queue.push(data);
    });
    const drain = async () => {
      if (failure) throw failure;
      const pieces = queue;
      queue = [];
      for (const piece of pieces) {
        hash.update(piece);
        await writeAll(handle, piece);
        size += piece.length;
      }
    };
    // Built from local fields, so fflate's local-time getters read 1980-01-01 00:00 everywhere.
    const mtime = new Date(1980, 0, 1, 0, 0, 0);
    let done = 0;
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      const file: ZipInputFile = { filename: entry.path, size: entry.size, crc: entry.crc, compression: entry.method, mtime, os: 3, attrs: unixFileMode * 0x10000 };
      zip.add(file);
      const source = await fs.open(entry.file, "r");
      try {
        // The staged data is already compressed: handed to the archive as it is.
        for (let offset = 0; ; ) {
          const buffer = Buffer.allocUnsafe(Math.min(1024 * 1024, Math.max(0, entry.compressedSize - offset)));
          const { bytesRead } = buffer.length > 0 ? await source.read(buffer, 0, buffer.length, offset) : { bytesRead: 0 };
          offset += bytesRead;
          const final = offset >= entry.compressedSize;
          if (bytesRead === 0 && !final) throw new Error(`the staged ${entry.path} is shorter than written`);
          file.ondata!(null, buffer.subarray(0, bytesRead), final);
          await drain();
          done += bytesRead;
          options.onProgress?.(done, total);
          if (final) break;
        }
      } finally {
        await source.close();
      }
    }
    zip.end();
    await drain();
    await handle.sync();
    await handle.close();
    await fs.rename(partial, options.out);
    return { sha256: hash.digest("hex"), size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(partial, { force: true });
    throw error;
  }
}

async function writeAll(handle: fs.FileHandle, data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length; ) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}
