import type { Metadata } from "next";
import { PlannedFeaturePage } from "@/components/planned-feature";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Evidence packs" };

export default async function Page() {
  await requirePageUser({ permission: "evidence:read" });
  return (
    <PlannedFeaturePage
      eyebrow="Supervisory review"
      title="Evidence packs"
      summary="Signed evidence packs an auditor can check offline without trusting this server."
      items={[
        "A PAdES-signed PDF report for a period and scope",
        "A machine-verifiable bundle with records, inclusion and consistency proofs and public keys",
        "A download history, itself recorded in the ledger",
      ]}
    />
  );
}
