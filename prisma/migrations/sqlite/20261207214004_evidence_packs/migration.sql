-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_EvidencePack" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeKey" TEXT NOT NULL,
    "periodFrom" DATETIME NOT NULL,
    "periodTo" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "recordsTotal" INTEGER NOT NULL DEFAULT 0,
    "recordsDone" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "error" TEXT,
    "sha256" TEXT,
    "bytes" INTEGER,
    "signatureLevel" TEXT,
    "timestampNote" TEXT,
    "checkpoints" TEXT NOT NULL DEFAULT '[]',
    "ledgerRecordId" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EvidencePack_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- The placeholder table was never written to: nothing to copy.
DROP TABLE "EvidencePack";
ALTER TABLE "new_EvidencePack" RENAME TO "EvidencePack";
CREATE INDEX "EvidencePack_createdAt_idx" ON "EvidencePack"("createdAt");
CREATE INDEX "EvidencePack_scopeKey_createdAt_idx" ON "EvidencePack"("scopeKey", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RecordIndex_logId_seq_idx" ON "RecordIndex"("logId", "seq");
