// Display names of the supplier domain's values, shared by server pages and client forms.
import type { AssessmentStatus, CertificationScheme, SupplierKind, TrainingOnCustomerData } from "@/lib/db";

export const supplierKindLabels: Record<SupplierKind, string> = {
  AI_PROVIDER: "AI provider",
  MODEL_HOST: "Model host",
  CLOUD: "Cloud or hyperscaler",
  SUB_PROCESSOR: "Sub-processor",
  OT_VENDOR: "OT vendor or integrator",
};

export const certificationSchemeLabels: Record<CertificationScheme, string> = {
  ISO_27001: "ISO/IEC 27001",
  SOC2_TYPE_2: "SOC 2 Type II",
  ISO_42001: "ISO/IEC 42001",
  IEC_62443_4_1: "IEC 62443-4-1",
  IEC_62443_2_4: "IEC 62443-2-4",
  BSI_C5: "BSI C5",
  OTHER: "Other",
};

export const trainingLabels: Record<TrainingOnCustomerData, string> = {
  YES: "Trains on customer data",
  NO: "No training on customer data",
  OPT_OUT: "Trains unless opted out",
};

export const assessmentStatusLabels: Record<AssessmentStatus, string> = {
  DRAFT: "Draft",
  SUBMITTED: "Awaiting approval",
  APPROVED: "Approved",
};

/** A certification's name: the scheme, or the title given for another scheme. */
export function certificationLabel(c: { scheme: CertificationScheme; title: string }): string {
  return c.scheme === "OTHER" ? c.title : certificationSchemeLabels[c.scheme];
}
