-- CreateEnum
CREATE TYPE "EvidencePackStatus" AS ENUM ('QUEUED', 'RUNNING', 'READY', 'FAILED');

-- AlterTable
ALTER TABLE "EvidencePack" DROP COLUMN "bundleSha256",
DROP COLUMN "pdfSha256",
DROP COLUMN "title",
ADD COLUMN     "bytes" INTEGER,
ADD COLUMN     "checkpoints" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "error" TEXT,
ADD COLUMN     "finishedAt" TIMESTAMP(3),
ADD COLUMN     "ledgerRecordId" TEXT,
ADD COLUMN     "name" TEXT NOT NULL,
ADD COLUMN     "purpose" TEXT NOT NULL,
ADD COLUMN     "recordsDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "recordsTotal" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "scopeKey" TEXT NOT NULL,
ADD COLUMN     "sha256" TEXT,
ADD COLUMN     "signatureLevel" TEXT,
ADD COLUMN     "startedAt" TIMESTAMP(3),
ADD COLUMN     "status" "EvidencePackStatus" NOT NULL DEFAULT 'QUEUED',
ADD COLUMN     "timestampNote" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL;

-- CreateIndex
CREATE INDEX "EvidencePack_createdAt_idx" ON "EvidencePack"("createdAt");

-- CreateIndex
CREATE INDEX "EvidencePack_scopeKey_createdAt_idx" ON "EvidencePack"("scopeKey", "createdAt");

-- CreateIndex
CREATE INDEX "RecordIndex_logId_seq_idx" ON "RecordIndex"("logId", "seq");
