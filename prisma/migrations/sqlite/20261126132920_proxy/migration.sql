-- CreateTable
CREATE TABLE "ClassificationRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "plantId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "pattern" TEXT,
    "flags" TEXT NOT NULL DEFAULT '',
    "terms" TEXT NOT NULL DEFAULT '[]',
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ClassificationRule_plantId_fkey" FOREIGN KEY ("plantId") REFERENCES "Plant" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OperatorAssertionIssuer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publicKeySpki" TEXT NOT NULL,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Anomaly" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "deviceId" TEXT,
    "destinationId" TEXT,
    "detail" TEXT NOT NULL DEFAULT '{}',
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ClassificationRule_plantId_label_key" ON "ClassificationRule"("plantId", "label");

-- CreateIndex
CREATE UNIQUE INDEX "OperatorAssertionIssuer_slug_key" ON "OperatorAssertionIssuer"("slug");

-- CreateIndex
CREATE INDEX "Anomaly_lastSeenAt_idx" ON "Anomaly"("lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "Anomaly_kind_subject_key" ON "Anomaly"("kind", "subject");
