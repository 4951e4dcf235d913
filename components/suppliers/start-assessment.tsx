"use client";
// Starts an assessment against the current questionnaire and opens it.
import { useRouter } from "next/navigation";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";

export function StartAssessmentButton(props: { supplierId: string; supplierSlug: string; templateKey: string; label: string }) {
  const router = useRouter();
  const { busy, outcome, run } = useAction();
  async function start() {
    const data = await run({ url: `/api/suppliers/${props.supplierId}/assessments`, method: "POST", body: { templateKey: props.templateKey } }, () => "Assessment started.");
    if (data) router.push(`/suppliers/${props.supplierSlug}/assessments/${String(data.id)}`);
  }
  return (
    <div>
      <ActionOutcome outcome={outcome} />
      <button type="button" className="btn btn-sm" disabled={busy} onClick={start}>
        {props.label}
      </button>
    </div>
  );
}
