// Node's side of the bundle verifier: the pack read from disk entry by entry, and the
// ledger's own primitives (OpenSSL SHA-256 through merkle.ts, libsodium Ed25519 on worker
// threads), several times faster than WebCrypto here.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import zlib from "node:zlib";
import type { BundleCrypto } from "@/lib/evidence/bundle/crypto";
import type { ZipSource } from "@/lib/evidence/bundle/zip-read";
import { CryptoPool } from "@/lib/ledger/crypto-pool";
import { leafHashOfText, nodeHash } from "@/lib/ledger/merkle";

const buffer = (bytes: Uint8Array) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * Signatures are checked on `workers` threads (by default one fewer than the cores, as
 * the main thread reads, parses and hashes meanwhile) and never in parallel with nothing.
 */
export function nodeBundleCrypto(options: { workers?: number } = {}): BundleCrypto & { close(): Promise<void> } {
  const pool = new CryptoPool({ size: options.workers ?? Math.max(1, os.availableParallelism() - 1) });
  return {
    sha256Stream() {
      const h = createHash("sha256");
      return { update: (data) => void h.update(data), digestHex: () => h.digest("hex") };
    },
    leafHash: (text) => leafHashOfText(text),
    nodeHash: (left, right) => nodeHash(buffer(left), buffer(right)),
    fromHex: (hex) => Buffer.from(hex, "hex"),
    toHex: (bytes) => buffer(bytes).toString("hex"),
    verifySignatures: (checks) => pool.verify([...checks]),
    close: () => pool.close(),
  };
}

/** A ZIP file on disk, read by offset; close it when done. */
export async function fileSource(file: string): Promise<ZipSource & { close(): Promise<void> }> {
  const handle = await fs.open(file, "r");
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await handle.read(out, done, out.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return out.subarray(0, done);
    },
    inflateRaw: zlibInflateRaw,
    close: () => handle.close(),
  };
}

/** zlib's raw inflate, as a stream: chunks in, chunks out, with backpressure. */
async function* zlibInflateRaw(compressed: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const inflater = zlib.createInflateRaw({ chunkSize: 256 * 1024 });
  const feeding = (async () => {
    for await (const chunk of compressed) {
      if (!inflater.write(chunk)) await new Promise((resolve) => inflater.once("drain", resolve));
    }
    inflater.end();
  })().catch((error: Error) => inflater.destroy(error));
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } finally {
    inflater.destroy();
    await feeding;
  }
}
