import type { Metadata } from "next";
import { PlannedFeaturePage } from "@/components/planned-feature";

export const metadata: Metadata = { title: "AI suppliers" };

export default function Page() {
  return (
    <PlannedFeaturePage
      eyebrow="NIS2 Art. 21(2)(d) and 21(3), IEC 62443-2-4"
      title="AI suppliers"
      summary="Who handles the data of each AI flow, all the way down the chain, under which terms, and when they were last assessed."
      items={[
        "Suppliers and their sub-processor chain, with data location and contract terms",
        "Certifications with validity dates and evidence files",
        "Assessments with risk rating, author and approver, and review dates",
      ]}
    />
  );
}
