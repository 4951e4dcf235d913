-- CreateTable
CREATE TABLE "ClassificationRule" (
    "id" TEXT NOT NULL,
    "plantId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "level" "DataClass" NOT NULL,
    "pattern" TEXT,
    "flags" TEXT NOT NULL DEFAULT '',
    "terms" TEXT NOT NULL DEFAULT '[]',
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClassificationRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperatorAssertionIssuer" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publicKeySpki" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OperatorAssertionIssuer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Anomaly" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "deviceId" TEXT,
    "destinationId" TEXT,
    "detail" TEXT NOT NULL DEFAULT '{}',
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Anomaly_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClassificationRule_plantId_label_key" ON "ClassificationRule"("plantId", "label");

-- CreateIndex
CREATE UNIQUE INDEX "OperatorAssertionIssuer_slug_key" ON "OperatorAssertionIssuer"("slug");

-- CreateIndex
CREATE INDEX "Anomaly_lastSeenAt_idx" ON "Anomaly"("lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "Anomaly_kind_subject_key" ON "Anomaly"("kind", "subject");

-- AddForeignKey
ALTER TABLE "ClassificationRule" ADD CONSTRAINT "ClassificationRule_plantId_fkey" FOREIGN KEY ("plantId") REFERENCES "Plant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
