import { createPrivateKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pae, verifyDsseEnvelope, type DsseKey } from "@/lib/evidence/bundle/dsse";
import { fromBase64, fromHex, toHex, utf8 } from "@/lib/evidence/bundle/encoding";
import { rawPublicKey, signDsseEnvelope } from "@/lib/evidence/bundle/sign";

const keyFromSeed = (seed: string) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(seed, "hex")]), format: "der", type: "pkcs8" });

// Known answers from secure-systems-lab/dsse testvectors/vectors.json (keys are RFC 8032's
// Ed25519 test keys 1 and 2).
const a = keyFromSeed("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const b = keyFromSeed("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
const keys: DsseKey[] = [
  { keyId: "A", publicKey: rawPublicKey(a) },
  { keyId: "B", publicKey: rawPublicKey(b) },
];
const statement = "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==";
const sigA = "2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==";
const sigB = "c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/V3USG0Ob9CiE5LjReEZUzNF2l7eBw==";
const intoto = "application/vnd.in-toto+json";

describe("DSSE", () => {
  it("encodes PAE and signs as the reference vectors do", () => {
    expect(toHex(pae(intoto, fromBase64(statement)!))).toBe(
      "445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d",
    );
    expect(toHex(pae("application/vnd.exämple+json", fromBase64(statement)!)).slice(0, 20)).toBe("44535345763120323920");
    expect(toHex(pae(intoto, new Uint8Array()))).toBe("445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203020");
    expect(signDsseEnvelope({ payload: fromBase64(statement)!, payloadType: intoto, privateKey: a, keyId: "A" })).toEqual({ payload: statement, payloadType: intoto, signatures: [{ keyid: "A", sig: sigA }] });
    expect(signDsseEnvelope({ payload: new Uint8Array(), payloadType: intoto, privateKey: a, keyId: "A" }).signatures[0]!.sig).toBe(
      "gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jHfkkDqsj7CDbDg==",
    );
  });

  it("accepts and rejects the reference vectors", async () => {
    const verify = (envelope: unknown, options: { keys?: DsseKey[]; payloadTypes?: string[]; threshold?: number } = {}) =>
      verifyDsseEnvelope({ envelope, keys: options.keys ?? keys.slice(0, 1), payloadTypes: options.payloadTypes ?? [intoto], threshold: options.threshold }).then((r) => r.ok);
    expect(await verify({ payload: statement, payloadType: intoto, signatures: [{ sig: sigA, keyid: "A" }] })).toBe(true);
    expect(
      await verify({
        payload: "-_-_Pj8=",
        payloadType: intoto,
        signatures: [{ sig: "P-_KHICeR7tI6S_YyejJTRtrXhcQyQ2LYPaL8h90KjC9qN8HU_svOQ6TuDOT1HIrsGW886DbWNWcCmX5twLrAw==", keyid: "A" }],
      }),
    ).toBe(true);
    expect(await verify({ payload: statement, payloadType: "application/vnd.example.other+json", signatures: [{ sig: sigA, keyid: "A" }] }, { payloadTypes: [intoto, "application/vnd.example.other+json"] })).toBe(false);
    expect(
      await verify(
        { payload: statement, payloadType: "application/vnd.exämple+json", signatures: [{ sig: "xmSk/ug66ysT7ayhkCIjhAq42zgZXSsEWuzUaNL7w2eGAdF/NU6/fRXPtmfN+5DNSAs5/i2lUnHjbbjPsu0tAw==", keyid: "A" }] },
        { payloadTypes: ["application/vnd.exämple+json"] },
      ),
    ).toBe(true);
    expect(await verify({ payload: "", payloadType: intoto, signatures: [{ sig: "gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jHfkkDqsj7CDbDg==", keyid: "A" }] })).toBe(true);
    expect(await verify({ payload: statement, payloadType: "", signatures: [{ sig: "iC3q/+3Rm0+lpAJRueDmDh15PnwCfxKmS0NAfKsbv+zgulXQC/WM9trc+j1XEqlwDIg/vf/uNfebeD6sxInrDg==", keyid: "A" }] })).toBe(false);
    const two = { keys, threshold: 2 };
    expect(await verify({ payload: statement, payloadType: intoto, signatures: [{ sig: sigA, keyid: "A" }, { sig: sigB, keyid: "B" }] }, two)).toBe(true);
    expect(await verify({ payload: statement, payloadType: intoto, signatures: [{ sig: sigA, keyid: "A" }, { sig: sigA, keyid: "A" }] }, two)).toBe(false);
    expect(await verify({ payload: statement, payloadType: intoto, signatures: [{ sig: sigA }, { sig: sigB }] }, two)).toBe(true);
  });

  it("names why an envelope fails and never throws on junk", async () => {
    const envelope = signDsseEnvelope({ payload: utf8.encode('{"a":1}'), payloadType: intoto, privateKey: a, keyId: "A" });
    const payloadTypes = [intoto];
    expect(await verifyDsseEnvelope({ envelope: { ...envelope, payload: Buffer.from('{"a":2}').toString("base64") }, keys, payloadTypes })).toMatchObject({ ok: false, reason: expect.stringContaining("no signature verifies") });
    expect(await verifyDsseEnvelope({ envelope, keys: keys.slice(1), payloadTypes })).toMatchObject({ ok: false });
    for (const junk of [null, 1, "x", {}, { payload: "!", payloadType: intoto, signatures: [{ sig: "x" }] }, { payload: "", payloadType: intoto, signatures: [] }]) {
      expect(await verifyDsseEnvelope({ envelope: junk, keys, payloadTypes })).toMatchObject({ ok: false });
    }
    expect(fromHex("zz")).toBeNull();
  });
});
