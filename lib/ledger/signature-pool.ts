// Ed25519 signature checks on worker threads. Verifying a signature costs several times
// more than everything else verification does with a record, so whole-ledger
// verification hands them to one worker per core while the main thread walks the chain
// and the tree.
import os from "node:os";
import { Worker } from "node:worker_threads";

export interface SignatureCheck {
  /** The signed text (a record's canonical envelope). */
  text: string;
  /** Base64 signature. */
  signature: string;
  /** Base64 DER SubjectPublicKeyInfo of the key it claims. */
  spki: string;
}

// Plain CommonJS evaluated in the worker, so it runs the same under tsx, vitest and Next.
const workerSource = `
const { parentPort } = require("node:worker_threads");
const { createPublicKey, verify } = require("node:crypto");
const keys = new Map();
function keyOf(spki) {
  let key = keys.get(spki);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(spki, "base64"), format: "der", type: "spki" });
    keys.set(spki, key);
  }
  return key;
}
parentPort.on("message", ({ id, checks }) => {
  const results = new Uint8Array(checks.length);
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    try {
      results[i] = verify(null, Buffer.from(c.text, "utf8"), keyOf(c.spki), Buffer.from(c.signature, "base64")) ? 1 : 0;
    } catch {
      results[i] = 0;
    }
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

export class SignaturePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (results: Uint8Array) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private nextWorker = 0;

  constructor(options: { size?: number } = {}) {
    const size = options.size ?? Math.max(1, os.availableParallelism());
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(workerSource, { eval: true });
      worker.on("message", ({ id, results }: { id: number; results: Uint8Array }) => {
        this.pending.get(id)?.resolve(results);
        this.pending.delete(id);
      });
      // A worker that dies must not leave verification waiting forever.
      worker.on("error", (error) => {
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      });
      // Not unref'd: a pending check must keep the process alive; close() ends the workers.
      return worker;
    });
  }

  /** True for each check whose signature verifies; spread over the workers. */
  async verify(checks: SignatureCheck[]): Promise<boolean[]> {
    const share = Math.ceil(checks.length / this.workers.length);
    const parts = await Promise.all(
      this.workers.map((_, w) => this.send(checks.slice(w * share, (w + 1) * share))),
    );
    return parts.flatMap((p) => [...p].map((v) => v === 1));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private send(checks: SignatureCheck[]): Promise<Uint8Array> {
    if (checks.length === 0) return Promise.resolve(new Uint8Array(0));
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, checks });
    });
  }
}
