-- CreateTable
CREATE TABLE "MemberStateRules" (
    "memberState" TEXT NOT NULL PRIMARY KEY,
    "competentAuthority" TEXT NOT NULL DEFAULT '',
    "csirt" TEXT NOT NULL DEFAULT '',
    "nextWorkingDayRoll" BOOLEAN NOT NULL DEFAULT false,
    "holidays" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "IncidentEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "dueAt" DATETIME,
    "source" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "recordedById" TEXT NOT NULL,
    "ledgerRecordId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "IncidentEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignificanceAssessment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "answers" TEXT NOT NULL,
    "findings" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "significant" BOOLEAN NOT NULL,
    "reasoning" TEXT NOT NULL,
    "assessedAt" DATETIME NOT NULL,
    "assessedById" TEXT NOT NULL,
    "ledgerRecordId" TEXT NOT NULL,
    CONSTRAINT "SignificanceAssessment_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IncidentEvidence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "logId" TEXT,
    "seq" INTEGER,
    "leafHash" TEXT,
    "linkedAt" DATETIME NOT NULL,
    "linkedById" TEXT NOT NULL,
    "ledgerRecordId" TEXT NOT NULL,
    CONSTRAINT "IncidentEvidence_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "severity" TEXT NOT NULL,
    "suspectedMalicious" BOOLEAN NOT NULL DEFAULT false,
    "crossBorderImpact" BOOLEAN NOT NULL DEFAULT false,
    "occurredAt" DATETIME,
    "detectedAt" DATETIME NOT NULL,
    "awareAt" DATETIME NOT NULL,
    "containedAt" DATETIME,
    "handlingEndedAt" DATETIME,
    "closedAt" DATETIME,
    "entityCategory" TEXT NOT NULL,
    "trustServiceProvider" BOOLEAN NOT NULL DEFAULT false,
    "memberState" TEXT NOT NULL,
    "competentAuthority" TEXT NOT NULL DEFAULT '',
    "csirt" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Incident" ("awareAt", "competentAuthority", "createdAt", "crossBorderImpact", "csirt", "description", "detectedAt", "handlingEndedAt", "id", "memberState", "occurredAt", "reference", "severity", "status", "suspectedMalicious", "title", "trustServiceProvider", "updatedAt") SELECT "awareAt", "competentAuthority", "createdAt", "crossBorderImpact", "csirt", "description", "detectedAt", "handlingEndedAt", "id", "memberState", "occurredAt", "reference", "severity", "status", "suspectedMalicious", "title", "trustServiceProvider", "updatedAt" FROM "Incident";
DROP TABLE "Incident";
ALTER TABLE "new_Incident" RENAME TO "Incident";
CREATE UNIQUE INDEX "Incident_reference_key" ON "Incident"("reference");
CREATE INDEX "Incident_status_idx" ON "Incident"("status");
CREATE TABLE "new_IncidentReport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "onceKey" TEXT,
    "content" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "submittedAt" DATETIME NOT NULL,
    "submittedById" TEXT NOT NULL,
    "ledgerRecordId" TEXT NOT NULL,
    "ledgerLogId" TEXT NOT NULL,
    "ledgerSeq" INTEGER NOT NULL,
    "ledgerLeafHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "IncidentReport_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "IncidentReport_submittedById_fkey" FOREIGN KEY ("submittedById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_IncidentReport" ("channel", "content", "contentHash", "createdAt", "id", "incidentId", "recipient", "stage", "submittedAt", "submittedById") SELECT "channel", "content", "contentHash", "createdAt", "id", "incidentId", "recipient", "stage", "submittedAt", "submittedById" FROM "IncidentReport";
DROP TABLE "IncidentReport";
ALTER TABLE "new_IncidentReport" RENAME TO "IncidentReport";
CREATE UNIQUE INDEX "IncidentReport_onceKey_key" ON "IncidentReport"("onceKey");
CREATE UNIQUE INDEX "IncidentReport_ledgerRecordId_key" ON "IncidentReport"("ledgerRecordId");
CREATE INDEX "IncidentReport_incidentId_submittedAt_idx" ON "IncidentReport"("incidentId", "submittedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "IncidentEvent_incidentId_at_idx" ON "IncidentEvent"("incidentId", "at");

-- CreateIndex
CREATE INDEX "SignificanceAssessment_incidentId_assessedAt_idx" ON "SignificanceAssessment"("incidentId", "assessedAt");

-- CreateIndex
CREATE UNIQUE INDEX "IncidentEvidence_incidentId_kind_targetId_key" ON "IncidentEvidence"("incidentId", "kind", "targetId");
