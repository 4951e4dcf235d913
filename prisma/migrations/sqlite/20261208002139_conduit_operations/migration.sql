-- CreateTable
CREATE TABLE "ConduitChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "action" TEXT NOT NULL,
    "conduitId" TEXT,
    "slug" TEXT NOT NULL,
    "proposed" TEXT NOT NULL,
    "baseUpdatedAt" DATETIME,
    "reason" TEXT NOT NULL,
    "flowKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "proposedById" TEXT NOT NULL,
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "decisionNote" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConduitChange_conduitId_fkey" FOREIGN KEY ("conduitId") REFERENCES "Conduit" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ConduitChange_proposedById_fkey" FOREIGN KEY ("proposedById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ConduitChange_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FlowReview" (
    "flowKey" TEXT NOT NULL PRIMARY KEY,
    "note" TEXT NOT NULL,
    "byId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "FlowReview_byId_fkey" FOREIGN KEY ("byId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrafficRollup" (
    "hour" TEXT NOT NULL,
    "plant" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "conduit" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "assurance" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "results" INTEGER NOT NULL DEFAULT 0,
    "durationMsSum" REAL NOT NULL DEFAULT 0,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "firstAt" TEXT NOT NULL,
    "lastAt" TEXT NOT NULL,

    PRIMARY KEY ("hour", "plant", "zone", "conduit", "destination", "device", "operator", "assurance", "model", "endpoint", "outcome", "code", "level")
-- Written by hand: the table is its primary key, so a range of hours is read in one pass
-- instead of an index lookup per row (the traffic charts read every row of their range).
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "TrafficLabelRollup" (
    "hour" TEXT NOT NULL,
    "conduit" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,

    PRIMARY KEY ("hour", "conduit", "label")
) WITHOUT ROWID;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Anomaly" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "deviceId" TEXT,
    "destinationId" TEXT,
    "detail" TEXT NOT NULL DEFAULT '{}',
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "conduit" TEXT,
    "reason" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'open',
    "note" TEXT NOT NULL DEFAULT '',
    "acknowledgedById" TEXT,
    "acknowledgedAt" DATETIME,
    "incidentId" TEXT,
    CONSTRAINT "Anomaly_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Anomaly" ("count", "destinationId", "detail", "deviceId", "firstSeenAt", "id", "kind", "lastSeenAt", "subject") SELECT "count", "destinationId", "detail", "deviceId", "firstSeenAt", "id", "kind", "lastSeenAt", "subject" FROM "Anomaly";
DROP TABLE "Anomaly";
ALTER TABLE "new_Anomaly" RENAME TO "Anomaly";
CREATE INDEX "Anomaly_lastSeenAt_idx" ON "Anomaly"("lastSeenAt");
CREATE INDEX "Anomaly_conduit_lastSeenAt_idx" ON "Anomaly"("conduit", "lastSeenAt");
CREATE UNIQUE INDEX "Anomaly_kind_subject_key" ON "Anomaly"("kind", "subject");
CREATE TABLE "new_Conduit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "justification" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "validFrom" DATETIME NOT NULL,
    "validUntil" DATETIME,
    "allowedPurposes" TEXT NOT NULL DEFAULT '[]',
    "allowedModels" TEXT NOT NULL DEFAULT '[]',
    "allowedEndpoints" TEXT NOT NULL DEFAULT '[]',
    "maxDataClass" TEXT NOT NULL,
    "overLimitAction" TEXT NOT NULL,
    "failMode" TEXT NOT NULL DEFAULT 'CLOSED',
    "slTarget" INTEGER NOT NULL,
    "sourceZoneId" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "approvedById" TEXT,
    "approvedAt" DATETIME,
    "reviewDueAt" DATETIME,
    "statusReason" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Conduit_sourceZoneId_fkey" FOREIGN KEY ("sourceZoneId") REFERENCES "Zone" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Conduit_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "AiDestination" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Conduit_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Conduit" ("allowedEndpoints", "allowedModels", "allowedPurposes", "approvedAt", "approvedById", "createdAt", "destinationId", "failMode", "id", "justification", "maxDataClass", "name", "overLimitAction", "slTarget", "slug", "sourceZoneId", "status", "updatedAt", "validFrom", "validUntil") SELECT "allowedEndpoints", "allowedModels", "allowedPurposes", "approvedAt", "approvedById", "createdAt", "destinationId", "failMode", "id", "justification", "maxDataClass", "name", "overLimitAction", "slTarget", "slug", "sourceZoneId", "status", "updatedAt", "validFrom", "validUntil" FROM "Conduit";
DROP TABLE "Conduit";
ALTER TABLE "new_Conduit" RENAME TO "Conduit";
CREATE UNIQUE INDEX "Conduit_slug_key" ON "Conduit"("slug");
CREATE INDEX "Conduit_sourceZoneId_destinationId_idx" ON "Conduit"("sourceZoneId", "destinationId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ConduitChange_status_createdAt_idx" ON "ConduitChange"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ConduitChange_conduitId_idx" ON "ConduitChange"("conduitId");

-- CreateIndex
CREATE INDEX "TrafficRollup_conduit_hour_idx" ON "TrafficRollup"("conduit", "hour");

-- CreateIndex
CREATE INDEX "TrafficRollup_outcome_hour_idx" ON "TrafficRollup"("outcome", "hour");

-- Backfill the rollups from what the records index already holds; from here on the
-- indexer keeps them (lib/conduits/traffic-rollup.ts).
INSERT INTO "TrafficRollup" ("hour","plant","zone","conduit","destination","device","operator","assurance","model","endpoint","outcome","code","level",
  "calls","errors","results","durationMsSum","inputTokens","outputTokens","firstAt","lastAt")
SELECT substr("at", 1, 13), COALESCE("plant", ''), COALESCE("zone", ''), COALESCE("conduit", ''), COALESCE("destination", ''), COALESCE("device", ''),
  COALESCE("operator", ''), COALESCE("assurance", ''), COALESCE("model", ''), '', COALESCE("outcome", ''), COALESCE("code", ''), COALESCE("level", ''),
  COUNT(*), SUM(CASE WHEN "result" IN ('failed', 'timed_out') THEN 1 ELSE 0 END), SUM(CASE WHEN "result" IS NULL THEN 0 ELSE 1 END),
  COALESCE(SUM("durationMs"), 0), COALESCE(SUM("inputTokens"), 0), COALESCE(SUM("outputTokens"), 0), MIN("at"), MAX("at")
FROM "RecordIndex" WHERE "kind" IN ('ai_call', 'ai_call_denied')
GROUP BY substr("at", 1, 13), COALESCE("plant", ''), COALESCE("zone", ''), COALESCE("conduit", ''), COALESCE("destination", ''), COALESCE("device", ''),
  COALESCE("operator", ''), COALESCE("assurance", ''), COALESCE("model", ''), COALESCE("outcome", ''), COALESCE("code", ''), COALESCE("level", '');

INSERT INTO "TrafficLabelRollup" ("hour","conduit","label","calls")
SELECT substr(l."at", 1, 13), COALESCE(r."conduit", ''), l."label", COUNT(*)
FROM "RecordIndexLabel" l JOIN "RecordIndex" r ON r."recordId" = l."recordId"
WHERE r."kind" IN ('ai_call', 'ai_call_denied')
GROUP BY substr(l."at", 1, 13), COALESCE(r."conduit", ''), l."label";
