-- CreateEnum
CREATE TYPE "IncidentSeverity" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "IncidentEventKind" AS ENUM ('CSIRT_REPLY', 'INTERMEDIATE_REPORT_REQUEST');

-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('LEDGER_RECORD', 'ANOMALY', 'CONDUIT', 'SUPPLIER');

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "containedAt" TIMESTAMP(3),
ADD COLUMN     "entityCategory" "EntityCategory" NOT NULL,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0,
DROP COLUMN "severity",
ADD COLUMN     "severity" "IncidentSeverity" NOT NULL;

-- AlterTable
ALTER TABLE "IncidentReport" ADD COLUMN     "ledgerLeafHash" TEXT NOT NULL,
ADD COLUMN     "ledgerLogId" TEXT NOT NULL,
ADD COLUMN     "ledgerRecordId" TEXT NOT NULL,
ADD COLUMN     "ledgerSeq" INTEGER NOT NULL,
ADD COLUMN     "onceKey" TEXT;

-- CreateTable
CREATE TABLE "MemberStateRules" (
    "memberState" TEXT NOT NULL,
    "competentAuthority" TEXT NOT NULL DEFAULT '',
    "csirt" TEXT NOT NULL DEFAULT '',
    "nextWorkingDayRoll" BOOLEAN NOT NULL DEFAULT false,
    "holidays" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberStateRules_pkey" PRIMARY KEY ("memberState")
);

-- CreateTable
CREATE TABLE "IncidentEvent" (
    "id" TEXT NOT NULL,
    "incidentId" TEXT NOT NULL,
    "kind" "IncidentEventKind" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3),
    "source" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "recordedById" TEXT NOT NULL,
    "ledgerRecordId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IncidentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignificanceAssessment" (
    "id" TEXT NOT NULL,
    "incidentId" TEXT NOT NULL,
    "answers" TEXT NOT NULL,
    "findings" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "significant" BOOLEAN NOT NULL,
    "reasoning" TEXT NOT NULL,
    "assessedAt" TIMESTAMP(3) NOT NULL,
    "assessedById" TEXT NOT NULL,
    "ledgerRecordId" TEXT NOT NULL,

    CONSTRAINT "SignificanceAssessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentEvidence" (
    "id" TEXT NOT NULL,
    "incidentId" TEXT NOT NULL,
    "kind" "EvidenceKind" NOT NULL,
    "targetId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "logId" TEXT,
    "seq" INTEGER,
    "leafHash" TEXT,
    "linkedAt" TIMESTAMP(3) NOT NULL,
    "linkedById" TEXT NOT NULL,
    "ledgerRecordId" TEXT NOT NULL,

    CONSTRAINT "IncidentEvidence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IncidentEvent_incidentId_at_idx" ON "IncidentEvent"("incidentId", "at");

-- CreateIndex
CREATE INDEX "SignificanceAssessment_incidentId_assessedAt_idx" ON "SignificanceAssessment"("incidentId", "assessedAt");

-- CreateIndex
CREATE UNIQUE INDEX "IncidentEvidence_incidentId_kind_targetId_key" ON "IncidentEvidence"("incidentId", "kind", "targetId");

-- CreateIndex
CREATE INDEX "Incident_status_idx" ON "Incident"("status");

-- CreateIndex
CREATE UNIQUE INDEX "IncidentReport_onceKey_key" ON "IncidentReport"("onceKey");

-- CreateIndex
CREATE UNIQUE INDEX "IncidentReport_ledgerRecordId_key" ON "IncidentReport"("ledgerRecordId");

-- CreateIndex
CREATE INDEX "IncidentReport_incidentId_submittedAt_idx" ON "IncidentReport"("incidentId", "submittedAt");

-- AddForeignKey
ALTER TABLE "IncidentEvent" ADD CONSTRAINT "IncidentEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignificanceAssessment" ADD CONSTRAINT "SignificanceAssessment_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentEvidence" ADD CONSTRAINT "IncidentEvidence_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
