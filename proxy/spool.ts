// The durable local spool for fail-open conduits: when the ledger cannot write, a call on
// a conduit configured to keep working is recorded here first (appended and fsynced), and
// the records go into the ledger, in order and under the ids they were given, once it
// can write again. Replay skips records the ledger already holds, so a crash halfway
// through a replay neither loses nor doubles a record.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ensurePrivateDir } from "@/lib/data-dir";

export interface SpooledRecord {
  id: string;
  kind: string;
  body: unknown;
}

/** Records checked and appended together during a replay. */
const replayPart = 256;

const lineSchema = z.object({ id: z.string(), kind: z.string(), body: z.unknown() });

/** The device an ai_call record names, else null. */
function callingDevice(record: SpooledRecord): string | null {
  if (record.kind !== "ai_call") return null;
  return (record.body as { context?: { device?: string | null } }).context?.device ?? null;
}

export class Spool {
  private tail: Promise<void> = Promise.resolve();
  /** Record id -> the device of a spooled call (null for other records). */
  private readonly pending = new Map<string, string | null>();

  constructor(private readonly options: { file: string }) {
    ensurePrivateDir(path.dirname(options.file));
    for (const record of this.read()) this.pending.set(record.id, callingDevice(record));
  }

  get size(): number {
    return this.pending.size;
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Whether an ai_call record by `device` waits here under `id` (a device reports oversight only on its own calls). */
  holdsCallBy(options: { id: string; device: string }): boolean {
    return this.pending.get(options.id) === options.device;
  }

  /** Appends one record and resolves once it is on disk. Writes are serialised. */
  write(record: SpooledRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const written = this.tail.then(async () => {
      const handle = await fs.promises.open(this.options.file, "a", 0o600);
      try {
        await handle.appendFile(line);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      this.pending.set(record.id, callingDevice(record));
    });
    this.tail = written.catch(() => undefined);
    return written;
  }

  private read(): SpooledRecord[] {
    if (!fs.existsSync(this.options.file)) return [];
    const records: SpooledRecord[] = [];
    for (const line of fs.readFileSync(this.options.file, "utf8").split("\n")) {
      if (!line) continue;
      try {
        records.push(lineSchema.parse(JSON.parse(line)) as SpooledRecord);
      } catch {
        // A line cut short by a crash during its write was never acknowledged: skip it.
      }
    }
    return records;
  }

  /**
   * Moves every spooled record into the ledger. `exists` says whether the ledger already
   * holds a record id; `append` must resolve only once the record is durable. Stops at
   * the first failure and keeps the rest for the next attempt.
   *
   * Records go in parts of `replayPart`, appended in order within one turn so they share
   * the ledger's commits: one by one, a spool filled during an outage at a plant's call
   * rate would take many times the outage to drain under live traffic.
   */
  replay(options: { exists: (id: string) => Promise<boolean>; append: (record: SpooledRecord) => Promise<unknown> }): Promise<number> {
    const replayed = this.tail.then(async () => {
      const records = this.read();
      let done = 0;
      try {
        for (let from = 0; from < records.length; from += replayPart) {
          const part = records.slice(from, from + replayPart);
          const held = await Promise.all(part.map((record) => options.exists(record.id)));
          const appended = await Promise.allSettled(part.map((record, i) => (held[i] ? undefined : options.append(record))));
          const failed = appended.findIndex((outcome) => outcome.status === "rejected");
          // Records after a failed one may have gone in all the same: they stay here, and
          // the next replay finds them in the ledger and skips them.
          for (const record of failed === -1 ? part : part.slice(0, failed)) {
            this.pending.delete(record.id);
            done++;
          }
          if (failed !== -1) throw (appended[failed] as PromiseRejectedResult).reason;
        }
      } finally {
        const rest = records.slice(done);
        const tmp = `${this.options.file}.tmp`;
        fs.writeFileSync(tmp, rest.map((r) => `${JSON.stringify(r)}\n`).join(""), { mode: 0o600 });
        fs.renameSync(tmp, this.options.file);
      }
      return done;
    });
    this.tail = replayed.then(
      () => undefined,
      () => undefined,
    );
    return replayed;
  }
}
