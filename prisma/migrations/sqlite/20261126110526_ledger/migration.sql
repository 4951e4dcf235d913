-- CreateTable
CREATE TABLE "MerkleNode" (
    "logId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,

    PRIMARY KEY ("logId", "level", "idx"),
    CONSTRAINT "MerkleNode_logId_fkey" FOREIGN KEY ("logId") REFERENCES "AuditLog" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VerificationRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "logId" TEXT,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "records" INTEGER NOT NULL,
    "report" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    CONSTRAINT "VerificationRun_logId_fkey" FOREIGN KEY ("logId") REFERENCES "AuditLog" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "logId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "envelope" TEXT NOT NULL,
    "leafHash" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    CONSTRAINT "AuditRecord_logId_fkey" FOREIGN KEY ("logId") REFERENCES "AuditLog" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_AuditRecord" ("envelope", "id", "keyId", "kind", "leafHash", "logId", "seq", "signature") SELECT "envelope", "id", "keyId", "kind", "leafHash", "logId", "seq", "signature" FROM "AuditRecord";
DROP TABLE "AuditRecord";
ALTER TABLE "new_AuditRecord" RENAME TO "AuditRecord";
CREATE INDEX "AuditRecord_kind_at_idx" ON "AuditRecord"("kind", "at");
CREATE INDEX "AuditRecord_at_idx" ON "AuditRecord"("at");
CREATE UNIQUE INDEX "AuditRecord_logId_seq_key" ON "AuditRecord"("logId", "seq");
CREATE TABLE "new_Checkpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "logId" TEXT NOT NULL,
    "treeSize" INTEGER NOT NULL,
    "rootHash" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    CONSTRAINT "Checkpoint_logId_fkey" FOREIGN KEY ("logId") REFERENCES "AuditLog" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Checkpoint" ("id", "keyId", "logId", "rootHash", "signature", "treeSize") SELECT "id", "keyId", "logId", "rootHash", "signature", "treeSize" FROM "Checkpoint";
DROP TABLE "Checkpoint";
ALTER TABLE "new_Checkpoint" RENAME TO "Checkpoint";
CREATE UNIQUE INDEX "Checkpoint_logId_treeSize_key" ON "Checkpoint"("logId", "treeSize");
CREATE TABLE "new_LogKey" (
    "keyId" TEXT NOT NULL PRIMARY KEY,
    "publicKeySpki" TEXT NOT NULL,
    "logId" TEXT NOT NULL,
    "activatedAt" DATETIME NOT NULL,
    "retiredAt" DATETIME,
    CONSTRAINT "LogKey_logId_fkey" FOREIGN KEY ("logId") REFERENCES "AuditLog" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_LogKey" ("activatedAt", "keyId", "logId", "publicKeySpki", "retiredAt") SELECT "activatedAt", "keyId", "logId", "publicKeySpki", "retiredAt" FROM "LogKey";
DROP TABLE "LogKey";
ALTER TABLE "new_LogKey" RENAME TO "LogKey";
CREATE INDEX "LogKey_logId_idx" ON "LogKey"("logId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "VerificationRun_startedAt_idx" ON "VerificationRun"("startedAt");

-- Append-only ledger (IEC 62443-3-3 SR 3.9): the database refuses to change or delete
-- records, tree nodes and checkpoints, and to swap a log's public keys. Tamper evidence
-- does not depend on this (lib/ledger/verify.ts detects what a file-level attacker does).
CREATE TRIGGER "AuditRecord_no_update" BEFORE UPDATE ON "AuditRecord" BEGIN SELECT RAISE(ABORT, 'AuditRecord is append-only'); END;
CREATE TRIGGER "AuditRecord_no_delete" BEFORE DELETE ON "AuditRecord" BEGIN SELECT RAISE(ABORT, 'AuditRecord is append-only'); END;
CREATE TRIGGER "MerkleNode_no_update" BEFORE UPDATE ON "MerkleNode" BEGIN SELECT RAISE(ABORT, 'MerkleNode is append-only'); END;
CREATE TRIGGER "MerkleNode_no_delete" BEFORE DELETE ON "MerkleNode" BEGIN SELECT RAISE(ABORT, 'MerkleNode is append-only'); END;
CREATE TRIGGER "Checkpoint_no_update" BEFORE UPDATE ON "Checkpoint" BEGIN SELECT RAISE(ABORT, 'Checkpoint is append-only'); END;
CREATE TRIGGER "Checkpoint_no_delete" BEFORE DELETE ON "Checkpoint" BEGIN SELECT RAISE(ABORT, 'Checkpoint is append-only'); END;
CREATE TRIGGER "LogKey_no_delete" BEFORE DELETE ON "LogKey" BEGIN SELECT RAISE(ABORT, 'LogKey is append-only'); END;
CREATE TRIGGER "LogKey_retire_only" BEFORE UPDATE ON "LogKey"
  WHEN NEW."keyId" IS NOT OLD."keyId" OR NEW."publicKeySpki" IS NOT OLD."publicKeySpki" OR NEW."logId" IS NOT OLD."logId"
    OR NEW."activatedAt" IS NOT OLD."activatedAt" OR OLD."retiredAt" IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'LogKey can only be retired'); END;
