// Tampering as an attacker with direct database access would do it: through SQL, with
// the append-only triggers removed first. Every case must be detected and located.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedgerStore } from "@/lib/ledger";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { envelopeVersion, sealRecord } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger, type ExportedCheckpoint, type VerificationReport } from "@/lib/ledger/verify";
import { exportCheckpoint } from "@/lib/ledger/operations";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { adminChange } from "@/lib/testing/ledger-fixtures";

const logId = "app-tamper";
let base: TestDatabase;
let olderCopy: TestDatabase;
let anchor: ExportedCheckpoint;
const records = new Map<number, { id: string; leafHash: string }>();
const opened: TestDatabase[] = [];

const ledgerTables = ["AuditRecord", "MerkleNode", "Checkpoint", "LogKey"];
function withoutTriggers(t: TestDatabase, sql: string): string {
  const off =
    t.provider === "sqlite"
      ? [
          "AuditRecord_no_update", "AuditRecord_no_delete", "MerkleNode_no_update", "MerkleNode_no_delete",
          "Checkpoint_no_update", "Checkpoint_no_delete", "LogKey_no_delete", "LogKey_retire_only",
        ].map((name) => `DROP TRIGGER IF EXISTS "${name}";`)
      : ledgerTables.map((table) => `ALTER TABLE "${table}" DISABLE TRIGGER USER;`);
  return `${off.join("\n")}\n${sql}`;
}

async function tamperAndVerify(sql: string, options: { anchor?: ExportedCheckpoint } = {}): Promise<VerificationReport> {
  const copy = await base.snapshot();
  opened.push(copy);
  await copy.sql(withoutTriggers(copy, sql));
  const store = openLedgerStore({ provider: copy.provider, url: copy.url });
  try {
    // Checkpoint-authenticated verification (the default) must find everything the
    // record-by-record check finds, except a damaged signature under a matching checkpoint.
    const report = await verifyLedger({ store, anchor: options.anchor });
    const everySignature = await verifyLedger({ store, anchor: options.anchor, signatureChecks: "all" });
    expect(everySignature.ok).toBe(report.ok);
    for (const problem of problems(report)) expect(problems(everySignature)).toContainEqual(problem);
    return report;
  } finally {
    await store.close();
  }
}

function problems(report: VerificationReport) {
  return report.logs.flatMap((l) => l.problems);
}

beforeAll(async () => {
  base = await createTestDatabase();
  const key = generateSigningKey();
  const open = (store: LedgerStore) =>
    LogWriter.open({ store, key, log: { id: logId, name: "app", writer: "app" }, checkpointEvery: 10, checkpointSeconds: 3600 });
  const append = async (writer: LogWriter, from: number) => {
    const appended = await Promise.all(Array.from({ length: 10 }, (_, i) => writer.append(adminChange(from + i))));
    for (const a of appended) records.set(a.seq, { id: a.id, leafHash: a.leafHash });
  };
  // 20 records (checkpoints at 10 and 20), then a copy of the database as it was then ...
  let store = openLedgerStore({ provider: base.provider, url: base.url });
  let writer = await open(store);
  await append(writer, 0);
  await append(writer, 10);
  await writer.close();
  await store.close();
  olderCopy = await base.snapshot();
  opened.push(olderCopy);
  // ... then 10 more (checkpoint at 30), exported as an auditor would keep it.
  store = openLedgerStore({ provider: base.provider, url: base.url });
  writer = await open(store);
  await append(writer, 20);
  await writer.close();
  anchor = await exportCheckpoint({ store });
  expect(anchor.size).toBe(30);
  expect((await verifyLedger({ store, anchor })).ok).toBe(true);
  await store.close();
  await base.db.$disconnect();
}, 180_000);

afterAll(async () => {
  for (const t of opened) await t.drop();
  await base?.drop();
});

describe("tamper detection", () => {
  it("a field edited inside a record", async () => {
    const report = await tamperAndVerify(
      `UPDATE "AuditRecord" SET "envelope" = replace("envelope", '"summary":"change 5"', '"summary":"change 6"') WHERE "seq" = 5;`,
    );
    expect(report.ok).toBe(false);
    expect(problems(report)).toContainEqual(
      expect.objectContaining({ logId, seq: 5, recordId: records.get(5)!.id, problem: expect.stringMatching(/signature does not verify/) }),
    );
    expect(problems(report)).toContainEqual(expect.objectContaining({ seq: 6, problem: expect.stringMatching(/hash chain is broken/) }));
  });

  it("a field edited after the last checkpoint, where no checkpoint vouches for the record", async () => {
    const report = await tamperAndVerify(
      `DELETE FROM "Checkpoint" WHERE "treeSize" = 30;
       UPDATE "AuditRecord" SET "envelope" = replace("envelope", '"summary":"change 29"', '"summary":"change 28"') WHERE "seq" = 29;`,
    );
    expect(problems(report)).toContainEqual(
      expect.objectContaining({ seq: 29, recordId: records.get(29)!.id, problem: expect.stringMatching(/signature does not verify/) }),
    );
    expect(report.logs[0]).toMatchObject({ coveredByCheckpoints: 20, signaturesChecked: 10 });
  });

  it("a damaged signature under a matching checkpoint is found when every signature is checked", async () => {
    const copy = await base.snapshot();
    opened.push(copy);
    await copy.sql(withoutTriggers(copy, `UPDATE "AuditRecord" SET "signature" = '${Buffer.alloc(64, 7).toString("base64")}' WHERE "seq" = 15;`));
    const store = openLedgerStore({ provider: copy.provider, url: copy.url });
    try {
      // The content is still proven by checkpoint 20; only the record's own receipt is broken.
      const report = await verifyLedger({ store });
      expect(report.logs[0]).toMatchObject({ coveredByCheckpoints: 30, signaturesChecked: 0 });
      const everySignature = await verifyLedger({ store, signatureChecks: "all" });
      expect(everySignature.ok).toBe(false);
      expect(everySignature.logs[0]!.signaturesChecked).toBe(30);
      expect(problems(everySignature)).toEqual([
        expect.objectContaining({ seq: 15, recordId: records.get(15)!.id, problem: expect.stringMatching(/signature does not verify/) }),
      ]);
    } finally {
      await store.close();
    }
  });

  it("a column edited outside the signed envelope", async () => {
    const report = await tamperAndVerify(`UPDATE "AuditRecord" SET "kind" = 'ai_call' WHERE "seq" = 8;`);
    expect(problems(report)).toContainEqual(expect.objectContaining({ seq: 8, problem: expect.stringMatching(/column kind differs/) }));
  });

  it("a record deleted", async () => {
    const report = await tamperAndVerify(`DELETE FROM "AuditRecord" WHERE "seq" = 12;`);
    expect(problems(report)).toContainEqual(expect.objectContaining({ seq: 12, problem: expect.stringMatching(/records 12\.\.12 are missing/) }));
  });

  it("a forged record inserted", async () => {
    const forger = generateSigningKey();
    const sealed = sealRecord({
      envelope: { v: envelopeVersion, log: logId, seq: 30, id: "forged-1", kind: "admin_change", at: new Date().toISOString(), prev: records.get(29)!.leafHash, key: forger.keyId, body: adminChange(99).body },
      privateKey: forger.privateKey,
    });
    const text = sealed.text.replace(/'/g, "''");
    const report = await tamperAndVerify(
      `INSERT INTO "AuditRecord" ("id","logId","seq","kind","at","envelope","leafHash","signature","keyId")
       VALUES ('forged-1','${logId}',30,'admin_change','${sealed.envelope.at}','${text}','${sealed.leafHash.toString("hex")}','${sealed.signature}','${forger.keyId}');`,
    );
    expect(problems(report)).toContainEqual(
      expect.objectContaining({ seq: 30, recordId: "forged-1", problem: expect.stringMatching(/not a valid key of this log/) }),
    );
  });

  it("two records swapped", async () => {
    const report = await tamperAndVerify(
      `UPDATE "AuditRecord" SET "seq" = -1 WHERE "seq" = 3;
       UPDATE "AuditRecord" SET "seq" = 3 WHERE "seq" = 4;
       UPDATE "AuditRecord" SET "seq" = 4 WHERE "seq" = -1;`,
    );
    const found = problems(report);
    expect(found).toContainEqual(expect.objectContaining({ seq: 3, recordId: records.get(4)!.id, problem: expect.stringMatching(/column seq differs/) }));
    expect(found).toContainEqual(expect.objectContaining({ seq: 3, problem: expect.stringMatching(/hash chain is broken/) }));
  });

  it("the tail truncated after a checkpoint", async () => {
    const report = await tamperAndVerify(`DELETE FROM "AuditRecord" WHERE "seq" >= 25; DELETE FROM "MerkleNode" WHERE "idx" * (1 << "level") >= 24;`);
    expect(problems(report)).toContainEqual(
      expect.objectContaining({ seq: 25, problem: expect.stringMatching(/checkpoint at size 30 covers records beyond the 25 stored: the log was truncated/) }),
    );
  });

  it("a checkpoint edited", async () => {
    const report = await tamperAndVerify(`UPDATE "Checkpoint" SET "rootHash" = '${"ab".repeat(32)}' WHERE "treeSize" = 20;`);
    expect(problems(report)).toContainEqual(expect.objectContaining({ problem: expect.stringMatching(/checkpoint at size 20 has an invalid signature/) }));
  });

  it("the public key replaced", async () => {
    const attacker = generateSigningKey();
    const report = await tamperAndVerify(`UPDATE "LogKey" SET "publicKeySpki" = '${attacker.spki.toString("base64")}';`);
    const found = problems(report);
    expect(found).toContainEqual(expect.objectContaining({ problem: expect.stringMatching(/does not match its key id: the key was replaced/) }));
    expect(found).toContainEqual(expect.objectContaining({ seq: 0, problem: expect.stringMatching(/not a valid key of this log/) }));
  });

  it("the database restored from an older copy, detected against a checkpoint exported later", async () => {
    const store = openLedgerStore({ provider: olderCopy.provider, url: olderCopy.url });
    try {
      // On its own the older copy is a consistent ledger: only an outside anchor can tell.
      expect((await verifyLedger({ store })).ok).toBe(true);
      const report = await verifyLedger({ store, anchor });
      expect(report.ok).toBe(false);
      expect(report.anchor).toEqual({ logId, size: 30, ok: false });
      expect(problems(report)).toContainEqual(
        expect.objectContaining({ problem: "exported checkpoint covers 30 records but the database holds 20: it was rolled back or truncated" }),
      );
    } finally {
      await store.close();
    }
  });

  it("an exported checkpoint that was altered is refused", async () => {
    const report = await tamperAndVerify("", { anchor: { ...anchor, root: "cd".repeat(32) } });
    expect(problems(report)).toContainEqual(expect.objectContaining({ problem: "exported checkpoint has an invalid signature" }));
  });
});
