import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { PlannedFeature } from "@/components/planned-feature";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Evidence packs" };

export default async function Page() {
  await requirePageUser();
  return (
    <>
      <PageHeader eyebrow="Supervisory review" title="Evidence packs" />
      <PlannedFeature
        title="What will be here"
        summary="Signed evidence packs an auditor can check offline without trusting this server."
        items={[
          "A PAdES-signed PDF report for a period and scope",
          "A machine-verifiable bundle with records, inclusion and consistency proofs and public keys",
          "A download history, itself recorded in the ledger",
        ]}
      />
    </>
  );
}
