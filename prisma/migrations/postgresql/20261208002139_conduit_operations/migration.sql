-- CreateEnum
CREATE TYPE "ConduitChangeStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN');

-- AlterTable
ALTER TABLE "Anomaly" ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedById" TEXT,
ADD COLUMN     "conduit" TEXT,
ADD COLUMN     "incidentId" TEXT,
ADD COLUMN     "note" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "reason" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'open';

-- AlterTable
ALTER TABLE "Conduit" ADD COLUMN     "reviewDueAt" TIMESTAMP(3),
ADD COLUMN     "statusReason" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "ConduitChange" (
    "id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "conduitId" TEXT,
    "slug" TEXT NOT NULL,
    "proposed" TEXT NOT NULL,
    "baseUpdatedAt" TIMESTAMP(3),
    "reason" TEXT NOT NULL,
    "flowKey" TEXT,
    "status" "ConduitChangeStatus" NOT NULL DEFAULT 'PENDING',
    "proposedById" TEXT NOT NULL,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConduitChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowReview" (
    "flowKey" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "byId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowReview_pkey" PRIMARY KEY ("flowKey")
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
    "durationMsSum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "firstAt" TEXT NOT NULL,
    "lastAt" TEXT NOT NULL,

    CONSTRAINT "TrafficRollup_pkey" PRIMARY KEY ("hour","plant","zone","conduit","destination","device","operator","assurance","model","endpoint","outcome","code","level")
);

-- CreateTable
CREATE TABLE "TrafficLabelRollup" (
    "hour" TEXT NOT NULL,
    "conduit" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,

    CONSTRAINT "TrafficLabelRollup_pkey" PRIMARY KEY ("hour","conduit","label")
);

-- CreateIndex
CREATE INDEX "ConduitChange_status_createdAt_idx" ON "ConduitChange"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ConduitChange_conduitId_idx" ON "ConduitChange"("conduitId");

-- CreateIndex
CREATE INDEX "TrafficRollup_conduit_hour_idx" ON "TrafficRollup"("conduit", "hour");

-- CreateIndex
CREATE INDEX "TrafficRollup_outcome_hour_idx" ON "TrafficRollup"("outcome", "hour");

-- CreateIndex
CREATE INDEX "Anomaly_conduit_lastSeenAt_idx" ON "Anomaly"("conduit", "lastSeenAt");

-- AddForeignKey
ALTER TABLE "ConduitChange" ADD CONSTRAINT "ConduitChange_conduitId_fkey" FOREIGN KEY ("conduitId") REFERENCES "Conduit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConduitChange" ADD CONSTRAINT "ConduitChange_proposedById_fkey" FOREIGN KEY ("proposedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConduitChange" ADD CONSTRAINT "ConduitChange_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowReview" ADD CONSTRAINT "FlowReview_byId_fkey" FOREIGN KEY ("byId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Anomaly" ADD CONSTRAINT "Anomaly_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

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
