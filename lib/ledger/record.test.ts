import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { generateSigningKey } from "@/lib/ledger/keys";
import { canonicalJson, envelopeText, parseEnvelope, recordBodies, sealRecord, validateRecordInput, verifyRecordSignature, type Envelope } from "@/lib/ledger/record";
import { adminChange } from "@/lib/testing/ledger-fixtures";

const header = {
  v: 1,
  log: "app-1",
  seq: 41,
  id: "0193a0b2-7c1e-7000-8000-000000000001",
  kind: "admin_change" as const,
  at: "2026-11-26T10:00:00.000Z",
  prev: "a".repeat(64),
  key: "b".repeat(64),
};

describe("record envelope", () => {
  it("assembles exactly the RFC 8785 canonical JSON of the envelope", () => {
    const bodies = [
      adminChange(1).body,
      { ...adminChange(2).body, summary: 'quotes " backslash \\ unicode ü € 𝄞 control \u0001 and </script>' },
      { ...adminChange(3).body, summary: "" },
    ];
    for (const body of bodies) {
      const envelope: Envelope = { ...header, body };
      expect(envelopeText({ header, bodyText: canonicalJson(body) })).toBe(canonicalJson(envelope));
    }
  });

  it("seals a record whose signature covers the canonical text and parses back", () => {
    const key = generateSigningKey();
    const sealed = sealRecord({ envelope: { ...header, key: key.keyId, body: adminChange(1).body }, privateKey: key.privateKey });
    expect(verifyRecordSignature({ text: sealed.text, signature: sealed.signature, publicKey: key.publicKey })).toBe(true);
    expect(verifyRecordSignature({ text: sealed.text.replace("change 1", "change 2"), signature: sealed.signature, publicKey: key.publicKey })).toBe(false);
    expect(parseEnvelope(sealed.text)?.seq).toBe(41);
    expect(parseEnvelope(sealed.text.replace('"seq":41', '"seq": 41'))).toBeNull();
  });

  it("validates bodies per kind and never lets prompt text in", () => {
    expect(validateRecordInput(adminChange(1)).kind).toBe("admin_change");
    expect(() => validateRecordInput({ kind: "admin_change", body: { ...adminChange(1).body, prompt: "Set the torque to 45 Nm" } })).toThrow(AppError);
    expect(() => validateRecordInput({ kind: "nope", body: {} })).toThrow(/Unknown record kind/);
  });
});

describe("uuidv7", () => {
  it("makes valid, time-ordered version 7 ids", async () => {
    const { uuidv7 } = await import("@/lib/ledger/log-writer");
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    for (const id of [a, b]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(a.replace(/-/g, "").slice(0, 12)).toBe((1_700_000_000_000).toString(16).padStart(12, "0"));
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(1)))).toHaveProperty("size", 1000);
  });
});

describe("canonicalJson", () => {
  it("writes what the RFC 8785 library writes, for any JSON value, members in any order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("takes the library's form where JSON.stringify would differ", () => {
    const cases: unknown[] = [
      { b: 1, a: 2 },
      { "10": 1, "9": 2, a: 3 },
      { a: [{ y: 1, x: 2 }] },
      { a: undefined, b: 1 },
      { at: new Date("2026-11-26T10:00:00Z") },
      [undefined, 1],
      { n: -0, e: 1e21, f: 0.1 + 0.2 },
    ];
    for (const value of cases) expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it("refuses what RFC 8785 cannot represent: a lone surrogate, NaN, Infinity", () => {
    expect(() => canonicalJson({ a: "\ud800" })).toThrow();
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow();
  });

  it("gets validated bodies with their members already in canonical order", () => {
    // The ordering is what lets canonicalJson skip the library (a quarter of its cost).
    const parsed = validateRecordInput({ kind: "admin_change", body: { summary: "s", after: null, before: null, action: "create", entity: { id: "c1", type: "Conduit" }, actor: { role: "ADMIN", email: "a@b.example", userId: "u1" } } });
    expect(JSON.stringify(parsed.body)).toBe(canonicalize(parsed.body));
    for (const schema of Object.values(recordBodies)) {
      const keys = Object.keys(schema.shape);
      expect(keys).toEqual([...keys].sort());
    }
  });
});
