import type { Metadata } from "next";
import { PlannedFeaturePage } from "@/components/planned-feature";

export const metadata: Metadata = { title: "Audit records" };

export default function Page() {
  return (
    <PlannedFeaturePage
      eyebrow="IEC 62443-3-3 SR 2.8, 2.12, 3.9"
      title="Audit records"
      summary="Every AI call, denied attempt, oversight decision and administrative change as a signed, hash-chained record in a Merkle log."
      items={[
        "Records of AI calls with device, operator, zone, conduit, data classification and token usage (never the prompt text)",
        "Signature and inclusion-proof checks in your browser against the published key",
        "Signed checkpoints, ledger status and whole-log verification",
      ]}
    />
  );
}
