import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Deflate, unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesSource, readEntryBytes, readZipDirectory, ZipEntryError } from "@/lib/evidence/bundle/zip-read";
import { assembleZip, StagedFile, type StagedEntry } from "@/lib/evidence/bundle/zip-write";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "zip-test-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

// Text that compresses like a pack does, some 300 KB of it, written in uneven pieces.
const lines = Array.from({ length: 3000 }, (_, i) => `{"seq":${i},"hash":"${(i * 2654435761).toString(16).padStart(64, "0")}"}\n`);

async function stage(options: { name: string; method: 0 | 8; offload?: boolean; parts: (string | Uint8Array)[] }): Promise<StagedEntry> {
  const staged = await StagedFile.create({ dir: await fs.mkdtemp(path.join(dir, "s-")), path: options.name, method: options.method, offload: options.offload });
  for (const part of options.parts) await staged.write(part);
  return staged.close();
}

describe("StagedFile and assembleZip", () => {
  it("deflates the same bytes on a worker thread as inline, as a one-shot deflate fed 64 KiB at a time would", async () => {
    const text = Buffer.from(lines.join(""));
    // Sizes around the 64 KiB pushes and the 256 KiB buffers, and the whole text in uneven writes.
    for (const parts of [lines, [text.subarray(0, 65536)], [text.subarray(0, 262144)], [text.subarray(0, 262145)], [text.subarray(0, 100)]]) {
      const inline = await stage({ name: "records.jsonl", method: 8, parts });
      const offloaded = await stage({ name: "records.jsonl", method: 8, offload: true, parts });
      expect(await fs.readFile(offloaded.file)).toEqual(await fs.readFile(inline.file));
      expect({ ...offloaded, file: "" }).toEqual({ ...inline, file: "" });
      const input = Buffer.concat(parts.map((p) => Buffer.from(p)));
      const reference: Uint8Array[] = [];
      const deflater = new Deflate({ level: 1 }, (d) => void reference.push(d));
      const whole = Math.floor(input.length / 65536) * 65536;
      for (let at = 0; at < whole; at += 65536) deflater.push(input.subarray(at, at + 65536));
      deflater.push(input.subarray(whole), true);
      expect(await fs.readFile(inline.file)).toEqual(Buffer.concat(reference));
    }
  }, 30_000);

  it("assembles a ZIP that fflate and this reader both read back, stored, deflated and empty entries alike", async () => {
    const entries = [
      await stage({ name: "b/data.jsonl", method: 8, offload: true, parts: lines }),
      await stage({ name: "a.pdf", method: 0, parts: [new Uint8Array(70_000).fill(7)] }),
      await stage({ name: "empty.txt", method: 8, parts: [] }),
    ];
    const out = path.join(dir, "out.zip");
    const written = await assembleZip({ out, entries });
    const bytes = new Uint8Array(await fs.readFile(out));
    expect(written.size).toBe(bytes.length);
    expect(Object.keys(unzipSync(bytes))).toEqual(["a.pdf", "b/data.jsonl", "empty.txt"]);
    expect(new TextDecoder().decode(unzipSync(bytes)["b/data.jsonl"])).toBe(lines.join(""));
    const directory = await readZipDirectory(bytesSource(bytes));
    if (!directory.ok) throw new Error(directory.reason);
    expect(directory.entries.map((e) => [e.path, e.method, e.size])).toEqual([
      ["a.pdf", 0, 70_000],
      ["b/data.jsonl", 8, entries[0]!.size],
      ["empty.txt", 8, 0],
    ]);
    expect(await readEntryBytes(bytesSource(bytes), directory.entries[0]!, { maxBytes: 1e6 })).toEqual(new Uint8Array(70_000).fill(7));
    expect(new TextDecoder().decode(await readEntryBytes(bytesSource(bytes), directory.entries[1]!, { maxBytes: 1e6 }))).toBe(lines.join(""));
    await expect(fs.access(`${out}.partial`)).rejects.toThrow();
    // An existing partial file means another generation is writing the same pack: refused.
    await fs.writeFile(`${out}2.partial`, "busy");
    await expect(assembleZip({ out: `${out}2`, entries })).rejects.toThrow(/EEXIST/);
  });

  it("refuses entries whose local header names another file, or that hold more than they declare", async () => {
    const zip = zipSync({ "good.txt": new TextEncoder().encode("hello") }, { level: 0 });
    const renamed = Uint8Array.from(zip);
    renamed.set(new TextEncoder().encode("evil.txt"), 30);
    const directory = await readZipDirectory(bytesSource(renamed));
    if (!directory.ok) throw new Error(directory.reason);
    await expect(readEntryBytes(bytesSource(renamed), directory.entries[0]!, { maxBytes: 100 })).rejects.toThrow(ZipEntryError);
    const bomb = zipSync({ "a.txt": new Uint8Array(1_000_000) });
    const bombDirectory = await readZipDirectory(bytesSource(bomb));
    if (!bombDirectory.ok) throw new Error(bombDirectory.reason);
    await expect(readEntryBytes(bytesSource(bomb), { ...bombDirectory.entries[0]!, size: 10 }, { maxBytes: 100 })).rejects.toThrow(/declared/);
    expect(await readZipDirectory(bytesSource(new Uint8Array(100)))).toEqual({ ok: false, reason: "not a ZIP file (no end of central directory)" });
  });
});
