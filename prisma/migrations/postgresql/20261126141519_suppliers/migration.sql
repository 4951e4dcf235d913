-- CreateEnum
CREATE TYPE "TrainingOnCustomerData" AS ENUM ('YES', 'NO', 'OPT_OUT');

-- CreateEnum
CREATE TYPE "CertificationScheme" AS ENUM ('ISO_27001', 'SOC2_TYPE_2', 'ISO_42001', 'IEC_62443_4_1', 'IEC_62443_2_4', 'BSI_C5', 'OTHER');

-- AlterTable
ALTER TABLE "Assessment" ADD COLUMN     "approvedDataClass" "DataClass",
ADD COLUMN     "ratingBasis" TEXT,
ADD COLUMN     "reviewNote" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "signOffRecordId" TEXT,
ADD COLUMN     "submittedAt" TIMESTAMP(3),
ADD COLUMN     "templateVersion" INTEGER NOT NULL;

-- AlterTable
ALTER TABLE "Supplier" DROP COLUMN "contact",
ADD COLUMN     "contacts" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "regions" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "SupplierLink" ADD COLUMN     "breachNotificationHours" INTEGER,
ADD COLUMN     "dataLocation" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "retention" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "trainingOnCustomerData" "TrainingOnCustomerData",
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ALTER COLUMN "fromId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Certification" (
    "id" TEXT NOT NULL,
    "supplierId" TEXT NOT NULL,
    "scheme" "CertificationScheme" NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "issuer" TEXT NOT NULL,
    "reference" TEXT NOT NULL DEFAULT '',
    "scope" TEXT NOT NULL DEFAULT '',
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "evidenceId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Certification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvidenceFile" (
    "id" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvidenceFile_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Certification_evidenceId_key" ON "Certification"("evidenceId");

-- CreateIndex
CREATE INDEX "Certification_supplierId_idx" ON "Certification"("supplierId");

-- CreateIndex
CREATE INDEX "Certification_expiresAt_idx" ON "Certification"("expiresAt");

-- CreateIndex
CREATE INDEX "Assessment_supplierId_status_idx" ON "Assessment"("supplierId", "status");

-- CreateIndex
CREATE INDEX "SupplierLink_toId_idx" ON "SupplierLink"("toId");

-- AddForeignKey
ALTER TABLE "Certification" ADD CONSTRAINT "Certification_supplierId_fkey" FOREIGN KEY ("supplierId") REFERENCES "Supplier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certification" ADD CONSTRAINT "Certification_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "EvidenceFile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
