-- DropIndex
DROP INDEX "AuditRecord_kind_createdAt_idx";

-- AlterTable
ALTER TABLE "AuditRecord" DROP COLUMN "createdAt",
DROP COLUMN "prevHash",
ADD COLUMN     "at" TIMESTAMP(3) NOT NULL;

-- AlterTable
ALTER TABLE "Checkpoint" DROP COLUMN "issuedAt",
ADD COLUMN     "at" TIMESTAMP(3) NOT NULL;

-- AlterTable
ALTER TABLE "LogKey" ALTER COLUMN "activatedAt" DROP DEFAULT;

-- CreateTable
CREATE TABLE "MerkleNode" (
    "logId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "MerkleNode_pkey" PRIMARY KEY ("logId","level","idx")
);

-- CreateTable
CREATE TABLE "VerificationRun" (
    "id" TEXT NOT NULL,
    "logId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "records" INTEGER NOT NULL,
    "report" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,

    CONSTRAINT "VerificationRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VerificationRun_startedAt_idx" ON "VerificationRun"("startedAt");

-- CreateIndex
CREATE INDEX "AuditRecord_kind_at_idx" ON "AuditRecord"("kind", "at");

-- CreateIndex
CREATE INDEX "AuditRecord_at_idx" ON "AuditRecord"("at");

-- CreateIndex
CREATE INDEX "LogKey_logId_idx" ON "LogKey"("logId");

-- AddForeignKey
ALTER TABLE "MerkleNode" ADD CONSTRAINT "MerkleNode_logId_fkey" FOREIGN KEY ("logId") REFERENCES "AuditLog"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VerificationRun" ADD CONSTRAINT "VerificationRun_logId_fkey" FOREIGN KEY ("logId") REFERENCES "AuditLog"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Append-only ledger (IEC 62443-3-3 SR 3.9): the database refuses to change or delete
-- records, tree nodes and checkpoints, and to swap a log's public keys. Tamper evidence
-- does not depend on this (lib/ledger/verify.ts detects what a database-level attacker
-- does). Grant the application role INSERT and SELECT only on these tables (README).
CREATE OR REPLACE FUNCTION conduit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION conduit_key_retire_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."keyId" IS DISTINCT FROM OLD."keyId" OR NEW."publicKeySpki" IS DISTINCT FROM OLD."publicKeySpki"
     OR NEW."logId" IS DISTINCT FROM OLD."logId" OR NEW."activatedAt" IS DISTINCT FROM OLD."activatedAt"
     OR OLD."retiredAt" IS NOT NULL THEN
    RAISE EXCEPTION 'LogKey can only be retired' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "AuditRecord_append_only" BEFORE UPDATE OR DELETE ON "AuditRecord" FOR EACH ROW EXECUTE FUNCTION conduit_append_only();
CREATE TRIGGER "AuditRecord_no_truncate" BEFORE TRUNCATE ON "AuditRecord" FOR EACH STATEMENT EXECUTE FUNCTION conduit_append_only();
CREATE TRIGGER "MerkleNode_append_only" BEFORE UPDATE OR DELETE ON "MerkleNode" FOR EACH ROW EXECUTE FUNCTION conduit_append_only();
CREATE TRIGGER "MerkleNode_no_truncate" BEFORE TRUNCATE ON "MerkleNode" FOR EACH STATEMENT EXECUTE FUNCTION conduit_append_only();
CREATE TRIGGER "Checkpoint_append_only" BEFORE UPDATE OR DELETE ON "Checkpoint" FOR EACH ROW EXECUTE FUNCTION conduit_append_only();
CREATE TRIGGER "Checkpoint_no_truncate" BEFORE TRUNCATE ON "Checkpoint" FOR EACH STATEMENT EXECUTE FUNCTION conduit_append_only();
CREATE TRIGGER "LogKey_no_delete" BEFORE DELETE ON "LogKey" FOR EACH ROW EXECUTE FUNCTION conduit_append_only();
CREATE TRIGGER "LogKey_retire_only" BEFORE UPDATE ON "LogKey" FOR EACH ROW EXECUTE FUNCTION conduit_key_retire_only();
