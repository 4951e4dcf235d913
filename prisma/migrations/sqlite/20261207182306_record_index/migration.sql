-- CreateTable
CREATE TABLE "RecordIndex" (
    "recordId" TEXT NOT NULL PRIMARY KEY,
    "logId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TEXT NOT NULL,
    "plant" TEXT,
    "zone" TEXT,
    "workstation" TEXT,
    "device" TEXT,
    "operator" TEXT,
    "assurance" TEXT,
    "actor" TEXT,
    "destination" TEXT,
    "conduit" TEXT,
    "model" TEXT,
    "outcome" TEXT,
    "code" TEXT,
    "level" TEXT,
    "labels" TEXT NOT NULL DEFAULT '',
    "callRecordId" TEXT,
    "leafHash" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "result" TEXT,
    "durationMs" REAL,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER
);

-- CreateTable
CREATE TABLE "RecordIndexLabel" (
    "label" TEXT NOT NULL,
    "at" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,

    PRIMARY KEY ("label", "at", "recordId")
);

-- CreateTable
CREATE TABLE "RecordIndexCursor" (
    "logId" TEXT NOT NULL PRIMARY KEY,
    "nextSeq" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "RecordIndex_at_recordId_idx" ON "RecordIndex"("at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_logId_at_recordId_idx" ON "RecordIndex"("logId", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_kind_at_recordId_idx" ON "RecordIndex"("kind", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_plant_at_recordId_idx" ON "RecordIndex"("plant", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_zone_at_recordId_idx" ON "RecordIndex"("zone", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_workstation_at_recordId_idx" ON "RecordIndex"("workstation", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_device_at_recordId_idx" ON "RecordIndex"("device", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_operator_at_recordId_idx" ON "RecordIndex"("operator", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_destination_at_recordId_idx" ON "RecordIndex"("destination", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_conduit_at_recordId_idx" ON "RecordIndex"("conduit", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_model_at_recordId_idx" ON "RecordIndex"("model", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_outcome_at_recordId_idx" ON "RecordIndex"("outcome", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_level_at_recordId_idx" ON "RecordIndex"("level", "at", "recordId");

-- CreateIndex
CREATE INDEX "RecordIndex_callRecordId_idx" ON "RecordIndex"("callRecordId");

-- CreateIndex
CREATE INDEX "RecordIndex_leafHash_idx" ON "RecordIndex"("leafHash");
