import type { Metadata } from "next";
import { PlannedFeaturePage } from "@/components/planned-feature";

export const metadata: Metadata = { title: "Incidents" };

export default function Page() {
  return (
    <PlannedFeaturePage
      eyebrow="NIS2 Art. 23"
      title="Incidents"
      summary="Incident timelines with the reporting clock that starts at awareness: early warning within 24 h, notification within 72 h, final report one month after the notification."
      items={[
        "Live deadlines per incident in the plant's time zone, with UTC beside them",
        "Report forms per stage, frozen and signed on submission",
        "Linked AI call records, anomalies, conduits and suppliers as evidence",
      ]}
    />
  );
}
