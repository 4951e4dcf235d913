-- CreateTable
CREATE TABLE "Certification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "supplierId" TEXT NOT NULL,
    "scheme" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "issuer" TEXT NOT NULL,
    "reference" TEXT NOT NULL DEFAULT '',
    "scope" TEXT NOT NULL DEFAULT '',
    "issuedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "evidenceId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Certification_supplierId_fkey" FOREIGN KEY ("supplierId") REFERENCES "Supplier" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Certification_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "EvidenceFile" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EvidenceFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fileName" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Assessment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "supplierId" TEXT NOT NULL,
    "templateKey" TEXT NOT NULL,
    "templateVersion" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'DRAFT',
    "answers" TEXT NOT NULL DEFAULT '{}',
    "score" INTEGER,
    "rating" TEXT,
    "ratingBasis" TEXT,
    "approvedDataClass" TEXT,
    "reviewNote" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT NOT NULL,
    "submittedAt" DATETIME,
    "approverId" TEXT,
    "approvedAt" DATETIME,
    "nextReviewAt" DATETIME,
    "signOffRecordId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Assessment_supplierId_fkey" FOREIGN KEY ("supplierId") REFERENCES "Supplier" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Assessment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Assessment_approverId_fkey" FOREIGN KEY ("approverId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Assessment" ("answers", "approvedAt", "approverId", "authorId", "createdAt", "id", "nextReviewAt", "rating", "score", "status", "supplierId", "templateKey", "updatedAt") SELECT "answers", "approvedAt", "approverId", "authorId", "createdAt", "id", "nextReviewAt", "rating", "score", "status", "supplierId", "templateKey", "updatedAt" FROM "Assessment";
DROP TABLE "Assessment";
ALTER TABLE "new_Assessment" RENAME TO "Assessment";
CREATE INDEX "Assessment_supplierId_status_idx" ON "Assessment"("supplierId", "status");
CREATE TABLE "new_Supplier" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "countries" TEXT NOT NULL DEFAULT '[]',
    "regions" TEXT NOT NULL DEFAULT '[]',
    "contacts" TEXT NOT NULL DEFAULT '[]',
    "services" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Supplier" ("countries", "createdAt", "id", "kind", "name", "services", "slug", "updatedAt") SELECT "countries", "createdAt", "id", "kind", "name", "services", "slug", "updatedAt" FROM "Supplier";
DROP TABLE "Supplier";
ALTER TABLE "new_Supplier" RENAME TO "Supplier";
CREATE UNIQUE INDEX "Supplier_slug_key" ON "Supplier"("slug");
CREATE TABLE "new_SupplierLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fromId" TEXT,
    "toId" TEXT NOT NULL,
    "dataShared" TEXT NOT NULL DEFAULT '',
    "contractRef" TEXT NOT NULL DEFAULT '',
    "breachNotificationHours" INTEGER,
    "trainingOnCustomerData" TEXT,
    "retention" TEXT NOT NULL DEFAULT '',
    "dataLocation" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SupplierLink_fromId_fkey" FOREIGN KEY ("fromId") REFERENCES "Supplier" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "SupplierLink_toId_fkey" FOREIGN KEY ("toId") REFERENCES "Supplier" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_SupplierLink" ("contractRef", "createdAt", "dataShared", "fromId", "id", "toId") SELECT "contractRef", "createdAt", "dataShared", "fromId", "id", "toId" FROM "SupplierLink";
DROP TABLE "SupplierLink";
ALTER TABLE "new_SupplierLink" RENAME TO "SupplierLink";
CREATE INDEX "SupplierLink_toId_idx" ON "SupplierLink"("toId");
CREATE UNIQUE INDEX "SupplierLink_fromId_toId_key" ON "SupplierLink"("fromId", "toId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Certification_evidenceId_key" ON "Certification"("evidenceId");

-- CreateIndex
CREATE INDEX "Certification_supplierId_idx" ON "Certification"("supplierId");

-- CreateIndex
CREATE INDEX "Certification_expiresAt_idx" ON "Certification"("expiresAt");
