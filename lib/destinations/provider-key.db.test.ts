import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { listDestinations } from "@/lib/destinations/list-destinations";
import { clearProviderKey, setProviderKey } from "@/lib/destinations/provider-key";
import { AppError } from "@/lib/errors";
import { toAppError } from "@/lib/http/errors";
import { stateHash } from "@/lib/ledger/admin-change";
import { LogWriter } from "@/lib/ledger/log-writer";
import { parseEnvelope } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { createProviderKeyCipher } from "@/lib/secrets/provider-keys";
import { startRecordedDemo, type RecordedDemo } from "@/lib/testing/recorded-demo";
import type { TestDatabase } from "@/lib/testing/test-database";

let demo: RecordedDemo;
let t: TestDatabase;
let store: LedgerStore;
let writer: LogWriter;
let record: LogWriter["append"];
let admin: SessionUser;
const cipher = createProviderKeyCipher({ key: randomBytes(32) });
const apiKey = `sk-proj-${randomBytes(24).toString("hex")}Wxyz`;

beforeAll(async () => {
  demo = await startRecordedDemo({ logId: "app-keys" });
  ({ database: t, store, writer, record } = demo);
  admin = await demo.user("admin@nordwerk.example");
});
afterAll(() => demo?.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "none",
    (e: unknown) => toAppError(e).code,
  );

const secretColumns = (slug: string) =>
  t.db.aiDestination.findUniqueOrThrow({ where: { slug }, select: { id: true, apiKeyCiphertext: true, apiKeyHint: true } });

async function lastRecord() {
  const [row] = await store.readRecords({ logId: writer.logId, fromSeq: writer.size - 1, limit: 1 });
  return { envelope: row!.envelope, body: parseEnvelope(row!.envelope)!.body as Record<string, unknown> };
}

describe("provider keys", () => {
  it("stores the key encrypted for its destination and answers with the hint only", async () => {
    const result = await setProviderKey({ db: t.db, record, actor: admin, cipher, destination: "openai-eu", input: { apiKey: `  ${apiKey}\n` } });
    expect(result).toEqual({ destination: { id: expect.any(String), slug: "openai-eu", name: "OpenAI (EU)", providerKey: { set: true, hint: "…Wxyz" } } });
    expect(JSON.stringify(result)).not.toContain(apiKey);

    const row = await secretColumns("openai-eu");
    expect(row.apiKeyCiphertext).toBeTruthy();
    expect(row.apiKeyCiphertext).not.toContain(apiKey);
    expect(row.apiKeyCiphertext).not.toContain(apiKey.slice(8, 40));
    expect(row.apiKeyHint).toBe("…Wxyz");
    expect(cipher.decrypt({ destinationId: row.id, ciphertext: row.apiKeyCiphertext! })).toBe(apiKey);
  });

  it("records the change with the hint in its state, never the key", async () => {
    const { id } = await secretColumns("openai-eu");
    const { envelope, body } = await lastRecord();
    expect(body).toMatchObject({
      actor: { userId: admin.id, role: "ADMIN" },
      entity: { type: "AiDestination", id },
      action: "update",
      before: stateHash({ id, slug: "openai-eu", providerKey: { set: false, hint: null } }),
      after: stateHash({ id, slug: "openai-eu", providerKey: { set: true, hint: "…Wxyz" } }),
      summary: "provider key of openai-eu set (…Wxyz)",
    });
    expect(envelope).not.toContain(apiKey);
    expect(envelope).not.toContain((await secretColumns("openai-eu")).apiKeyCiphertext);
  });

  it("binds the ciphertext to its destination: copied elsewhere, it does not decrypt", async () => {
    const source = await secretColumns("openai-eu");
    const target = await secretColumns("anthropic");
    expect(() => cipher.decrypt({ destinationId: target.id, ciphertext: source.apiKeyCiphertext! })).toThrow(AppError);
    // Under another installation's encryption key it does not decrypt either.
    expect(() => createProviderKeyCipher({ key: randomBytes(32) }).decrypt({ destinationId: source.id, ciphertext: source.apiKeyCiphertext! })).toThrow(AppError);
  });

  it("lists destinations with whether a key is set and its hint, never the ciphertext", async () => {
    const destinations = await listDestinations({ db: t.db });
    expect(destinations.map((d) => [d.slug, d.providerKey]).sort()).toEqual(
      [
        ["anthropic", { set: false, hint: null }],
        ["azure-openai-weu", { set: false, hint: null }],
        ["google-gemini", { set: false, hint: null }],
        ["openai-eu", { set: true, hint: "…Wxyz" }],
        ["vision-onprem", { set: false, hint: null }],
      ].sort(),
    );
    const text = JSON.stringify(destinations);
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain("apiKeyCiphertext");
    expect(text).not.toContain((await secretColumns("openai-eu")).apiKeyCiphertext);
  });

  it("replaces and clears a key, each recorded; clearing twice is a conflict", async () => {
    const replacement = `sk-proj-${randomBytes(24).toString("hex")}Abcd`;
    await setProviderKey({ db: t.db, record, actor: admin, cipher, destination: "openai-eu", input: { apiKey: replacement } });
    expect((await lastRecord()).body.summary).toBe("provider key of openai-eu replaced (…Abcd, was …Wxyz)");
    const row = await secretColumns("openai-eu");
    expect(cipher.decrypt({ destinationId: row.id, ciphertext: row.apiKeyCiphertext! })).toBe(replacement);

    const cleared = await clearProviderKey({ db: t.db, record, actor: admin, destination: "openai-eu" });
    expect(cleared.destination.providerKey).toEqual({ set: false, hint: null });
    expect(await secretColumns("openai-eu")).toMatchObject({ apiKeyCiphertext: null, apiKeyHint: null });
    expect((await lastRecord()).body).toMatchObject({
      before: stateHash({ id: row.id, slug: "openai-eu", providerKey: { set: true, hint: "…Abcd" } }),
      after: stateHash({ id: row.id, slug: "openai-eu", providerKey: { set: false, hint: null } }),
    });
    const size = writer.size;
    expect(await codeOf(clearProviderKey({ db: t.db, record, actor: admin, destination: "openai-eu" }))).toBe("conflict");
    expect(writer.size).toBe(size);
  });

  it("refuses malformed keys and unknown destinations, and stores nothing the ledger did not record", async () => {
    for (const bad of ["short", "sk-has a space-1234", "x".repeat(4097), "sk-nul\u0000-in-the-key", "sk-del\u007f-1234", "sk-schlüssel-1234", "sk-tab\t-inside"]) {
      expect(await codeOf(setProviderKey({ db: t.db, record, actor: admin, cipher, destination: "anthropic", input: { apiKey: bad } }))).toBe("validation_failed");
    }
    expect(await codeOf(setProviderKey({ db: t.db, record, actor: admin, cipher, destination: "no-such-destination", input: { apiKey } }))).toBe("not_found");
    const failing: LogWriter["append"] = async () => {
      throw new AppError({ code: "unavailable", message: "The audit ledger could not write the record." });
    };
    expect(await codeOf(setProviderKey({ db: t.db, record: failing, actor: admin, cipher, destination: "anthropic", input: { apiKey } }))).toBe("unavailable");
    expect(await secretColumns("anthropic")).toMatchObject({ apiKeyCiphertext: null, apiKeyHint: null });
  });
});
