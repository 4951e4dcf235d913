// Reads a ZIP by random access, entry by entry, in Node (a file handle) and the browser (a
// File's slices) alike, inflating with fflate. Random access because the verifier walks
// records.jsonl and proofs.jsonl side by side, and a streaming unzip would hand it one
// whole before the other. fflate has no random-access reader, so the central directory
// (a fixed, small structure) is read here; DEFLATE itself is fflate's. ZIP64, encryption
// and multi-disk archives are refused: the writer never makes them.
import { Inflate } from "fflate";

export interface ZipSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Inflates raw DEFLATE data, chunk by chunk; fflate when not given. Node's sources pass
   * zlib, several times faster (reading needs no reproducible output, only the right one).
   */
  inflateRaw?: (compressed: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
}

export interface ZipEntry {
  path: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** The raw name bytes, to compare with the local header's. */
  nameBytes: Uint8Array;
}

export type ZipDirectory = { ok: true; entries: ZipEntry[] } | { ok: false; reason: string };

export class ZipEntryError extends Error {}

const eocdSignature = 0x06054b50;
const centralSignature = 0x02014b50;
const localSignature = 0x04034b50;
const maxEntries = 100_000;
// Compressed bytes per inflate step: a step yields at most about 1,000 times that.
const inflateStep = 64 * 1024;
const readSize = 1024 * 1024;
const names = new TextDecoder("utf-8", { fatal: true });

export function bytesSource(bytes: Uint8Array): ZipSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
}

/** A browser File or Blob, read slice by slice. */
export function blobSource(blob: Blob): ZipSource {
  return { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) };
}

export async function readZipDirectory(source: ZipSource): Promise<ZipDirectory> {
  try {
    return await readDirectory(source);
  } catch (error) {
    return { ok: false, reason: `the ZIP cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function readDirectory(source: ZipSource): Promise<ZipDirectory> {
  if (source.size < 22) return { ok: false, reason: "not a ZIP file (too short)" };
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = await source.read(source.size - tailLength, tailLength);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  // The end record is the last one whose comment runs exactly to the end of the file.
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === eocdSignature && i + 22 + view.getUint16(i + 20, true) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: "not a ZIP file (no end of central directory)" };
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return { ok: false, reason: "ZIP64 archives are not supported" };
  if (disk !== 0 || cdDisk !== 0 || count !== view.getUint16(eocd + 8, true)) return { ok: false, reason: "multi-disk ZIP archives are not supported" };
  const eocdOffset = source.size - tailLength + eocd;
  if (cdOffset + cdSize > eocdOffset || count > maxEntries) return { ok: false, reason: "the ZIP central directory is corrupt" };

  const cd = await source.read(cdOffset, cdSize);
  const cdView = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cdView.getUint32(p, true) !== centralSignature) return { ok: false, reason: "the ZIP central directory is corrupt" };
    const flags = cdView.getUint16(p + 8, true);
    const method = cdView.getUint16(p + 10, true);
    const compressedSize = cdView.getUint32(p + 20, true);
    const size = cdView.getUint32(p + 24, true);
    const nameLength = cdView.getUint16(p + 28, true);
    const extraLength = cdView.getUint16(p + 30, true);
    const commentLength = cdView.getUint16(p + 32, true);
    const localHeaderOffset = cdView.getUint32(p + 42, true);
    if (p + 46 + nameLength > cd.length) return { ok: false, reason: "the ZIP central directory is corrupt" };
    const nameBytes = cd.slice(p + 46, p + 46 + nameLength);
    let path: string;
    try {
      path = names.decode(nameBytes);
    } catch {
      return { ok: false, reason: "a ZIP entry name is not UTF-8" };
    }
    if (flags & 1) return { ok: false, reason: `ZIP entry ${path} is encrypted` };
    if (compressedSize === 0xffffffff || size === 0xffffffff || localHeaderOffset === 0xffffffff) return { ok: false, reason: "ZIP64 archives are not supported" };
    if (method !== 0 && method !== 8) return { ok: false, reason: `ZIP entry ${path} uses compression method ${method}; only stored and deflated entries are read` };
    entries.push({ path, method, compressedSize, size, localHeaderOffset, nameBytes });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { ok: true, entries };
}

/** The entry's content in chunks; throws ZipEntryError when the entry is damaged. */
export async function* readEntry(source: ZipSource, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  const header = await source.read(entry.localHeaderOffset, 30);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || view.getUint32(0, true) !== localSignature) throw new ZipEntryError("its local header is missing");
  const nameLength = view.getUint16(26, true);
  const localName = await source.read(entry.localHeaderOffset + 30, nameLength);
  // Two names for one entry would show different files to different unzip tools.
  if (localName.length !== entry.nameBytes.length || localName.some((b, i) => b !== entry.nameBytes[i])) throw new ZipEntryError("its local header names another file");
  const start = entry.localHeaderOffset + 30 + nameLength + view.getUint16(28, true);
  const end = start + entry.compressedSize;
  if (end > source.size) throw new ZipEntryError("its data runs past the end of the ZIP");

  let produced = 0;
  const check = (length: number) => {
    produced += length;
    // Never inflate past the declared size: a small entry cannot turn into gigabytes.
    if (produced > entry.size) throw new ZipEntryError(`it holds more than its declared ${entry.size} bytes`);
  };
  if (entry.method === 0) {
    for (let offset = start; offset < end; ) {
      const chunk = await source.read(offset, Math.min(readSize, end - offset));
      if (chunk.length === 0) throw new ZipEntryError("its data is truncated");
      check(chunk.length);
      offset += chunk.length;
      yield chunk;
    }
  } else {
    const compressed = compressedChunks({ source, start, end });
    try {
      for await (const chunk of (source.inflateRaw ?? fflateInflateRaw)(compressed)) {
        check(chunk.length);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof ZipEntryError) throw error;
      throw new ZipEntryError(`its compressed data is corrupt (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (produced !== entry.size) throw new ZipEntryError(`it holds ${produced} bytes, not the declared ${entry.size}`);
}

async function* compressedChunks(options: { source: ZipSource; start: number; end: number }): AsyncGenerator<Uint8Array> {
  for (let offset = options.start; offset < options.end; ) {
    const chunk = await options.source.read(offset, Math.min(readSize, options.end - offset));
    if (chunk.length === 0) throw new ZipEntryError("its data is truncated");
    offset += chunk.length;
    yield chunk;
  }
}

/** fflate's streaming inflate, fed in small steps so that one step cannot produce much. */
async function* fflateInflateRaw(compressed: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  const inflater = new Inflate((chunk) => void pending.push(chunk));
  for await (const chunk of compressed) {
    for (let step = 0; step < chunk.length; step += inflateStep) {
      inflater.push(chunk.subarray(step, step + inflateStep));
      const out = pending;
      pending = [];
      yield* out;
    }
  }
  // The final push: fflate throws when the DEFLATE stream is cut short.
  inflater.push(new Uint8Array(), true);
  yield* pending;
}

/** A whole (small) entry; throws ZipEntryError when damaged or larger than maxBytes. */
export async function readEntryBytes(source: ZipSource, entry: ZipEntry, options: { maxBytes: number }): Promise<Uint8Array> {
  if (entry.size > options.maxBytes) throw new ZipEntryError(`it is ${entry.size} bytes, more than the ${options.maxBytes} expected`);
  const out = new Uint8Array(entry.size);
  let offset = 0;
  for await (const chunk of readEntry(source, entry)) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
