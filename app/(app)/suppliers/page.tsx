import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { PlannedFeature } from "@/components/planned-feature";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "AI suppliers" };

export default async function Page() {
  await requirePageUser();
  return (
    <>
      <PageHeader eyebrow="NIS2 Art. 21(2)(d) and 21(3), IEC 62443-2-4" title="AI suppliers" />
      <PlannedFeature
        title="What will be here"
        summary="Who handles the data of each AI flow, all the way down the chain, under which terms, and when they were last assessed."
        items={[
          "Suppliers and their sub-processor chain, with data location and contract terms",
          "Certifications with validity dates and evidence files",
          "Assessments with risk rating, author and approver, and review dates",
        ]}
      />
    </>
  );
}
