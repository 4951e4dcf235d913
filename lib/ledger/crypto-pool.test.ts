import { sign, verify } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { CryptoPool } from "@/lib/ledger/crypto-pool";
import { signText, sodiumSecretKey } from "@/lib/ledger/ed25519";
import { generateSigningKey } from "@/lib/ledger/keys";

const pool = new CryptoPool({ size: 2 });
afterAll(() => pool.close());

const key = generateSigningKey();
const secretKey = sodiumSecretKey(key.privateKey);
const spki = key.spki.toString("base64");
const texts = Array.from({ length: 7 }, (_, i) => `{"seq":${i},"text":"Prüfstand ${"x".repeat(i * 50)}"}`);

describe("Ed25519 by libsodium, on this thread and in the worker pool", () => {
  it("signs exactly as node:crypto does (RFC 8032 signatures are deterministic), in order, here and on the workers", async () => {
    const signatures = await pool.sign({ keyId: key.keyId, secretKey, texts });
    expect(signatures).toEqual(texts.map((t) => sign(null, Buffer.from(t, "utf8"), key.privateKey).toString("base64")));
    expect(texts.map((text) => signText({ secretKey, text }))).toEqual(signatures);
    for (const [i, t] of texts.entries()) expect(verify(null, Buffer.from(t, "utf8"), key.publicKey, Buffer.from(signatures[i]!, "base64"))).toBe(true);
  });

  it("accepts good signatures and refuses an edited text, another key, a truncated or garbled signature", async () => {
    const other = generateSigningKey();
    const good = texts.map((t) => sign(null, Buffer.from(t, "utf8"), key.privateKey).toString("base64"));
    const results = await pool.verify([
      { text: texts[0]!, signature: good[0]!, spki },
      { text: texts[1]!, signature: good[1]!, spki },
      { text: texts[0]!.replace("0", "1"), signature: good[0]!, spki },
      { text: texts[0]!, signature: good[0]!, spki: other.spki.toString("base64") },
      { text: texts[0]!, signature: good[0]!.slice(0, 40), spki },
      { text: texts[0]!, signature: "not base64 at all!", spki },
      { text: texts[0]!, signature: good[0]!, spki: "bm90IGEga2V5" },
    ]);
    expect(results).toEqual([true, true, false, false, false, false, false]);
  });
});
