// Ed25519 on worker threads. A signature costs several times more than everything else
// the ledger does with a record, so large batches are signed, and whole-ledger
// verification checks signatures, on one worker per core while the main thread hashes,
// chains and writes.
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
// The Ed25519 arithmetic is libsodium's, as on the writer's own thread (see ed25519.ts);
// sodium-native is resolved from the working directory, as the application's modules are.
const workerSource = `
const { parentPort } = require("node:worker_threads");
const { createPublicKey } = require("node:crypto");
const { createRequire } = require("node:module");
const path = require("node:path");
const sodium = createRequire(path.join(process.cwd(), "noop.js"))("sodium-native");
const keys = new Map();
function cached(id, make) {
  let key = keys.get(id);
  if (!key) keys.set(id, (key = make()));
  return key;
}
// The raw public key of a DER SubjectPublicKeyInfo, as libsodium takes it.
function publicKey(spki) {
  const jwk = createPublicKey({ key: Buffer.from(spki, "base64"), format: "der", type: "spki" }).export({ format: "jwk" });
  if (jwk.crv !== "Ed25519") throw new Error("not an Ed25519 key");
  return Buffer.from(jwk.x, "base64url");
}
function secretKey(bytes) {
  const key = sodium.sodium_malloc(sodium.crypto_sign_SECRETKEYBYTES);
  key.set(bytes);
  return key;
}
parentPort.on("message", (message) => {
  if (message.op === "verify") {
    const results = new Uint8Array(message.checks.length);
    message.checks.forEach((c, i) => {
      try {
        const signature = Buffer.from(c.signature, "base64");
        results[i] = signature.length === 64 && sodium.crypto_sign_verify_detached(signature, Buffer.from(c.text, "utf8"), cached(c.spki, () => publicKey(c.spki))) ? 1 : 0;
      } catch {
        results[i] = 0;
      }
    });
    parentPort.postMessage({ id: message.id, results }, [results.buffer]);
  } else {
    const key = cached(message.keyId, () => secretKey(message.secretKey));
    const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
    const results = message.texts.map((t) => {
      sodium.crypto_sign_detached(signature, Buffer.from(t, "utf8"), key);
      return signature.toString("base64");
    });
    parentPort.postMessage({ id: message.id, results });
  }
});
`;

type Settle = { resolve: (results: never) => void; reject: (error: Error) => void };

export class CryptoPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Settle>();
  private nextId = 0;
  private nextWorker = 0;

  constructor(options: { size?: number } = {}) {
    const size = options.size ?? Math.max(1, os.availableParallelism());
    this.workers = Array.from({ length: size }, () => {
      // A small young generation, as for the SQLite writer thread: a worker's garbage is one message at a time.
      const worker = new Worker(workerSource, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      worker.on("message", ({ id, results }: { id: number; results: never }) => {
        this.pending.get(id)?.resolve(results);
        this.pending.delete(id);
      });
      // A worker that dies must not leave a caller waiting forever.
      worker.on("error", (error) => {
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      });
      return worker;
    });
  }

  /** True for each check whose signature verifies. */
  async verify(checks: SignatureCheck[]): Promise<boolean[]> {
    const parts = await Promise.all(this.split(checks).map((part) => this.send<Uint8Array>({ op: "verify", checks: part }, part.length)));
    return parts.flatMap((p) => [...p].map((v) => v === 1));
  }

  /** Base64 Ed25519 signatures of the texts, in order, by libsodium's secret key (see ed25519.ts). The key never leaves this process. */
  async sign(options: { keyId: string; secretKey: Uint8Array; texts: string[] }): Promise<string[]> {
    const secretKey = Uint8Array.from(options.secretKey);
    const parts = await Promise.all(
      this.split(options.texts).map((texts) => this.send<string[]>({ op: "sign", keyId: options.keyId, secretKey, texts }, texts.length)),
    );
    return parts.flat();
  }

  /** Ends the workers; the process may then exit. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private split<T>(items: T[]): T[][] {
    const share = Math.ceil(items.length / this.workers.length);
    return this.workers.map((_, w) => items.slice(w * share, (w + 1) * share)).filter((part) => part.length > 0);
  }

  private send<R>(message: object, count: number): Promise<R> {
    if (count === 0) return Promise.resolve([] as R);
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Settle["resolve"], reject });
      worker.postMessage({ ...message, id });
    });
  }
}
