// What a conduit does with a call classified above its maximum level: block it, redact
// the findings above the limit and forward the rest, or forward it and flag the record.
// Findings at or below the limit are left alone, so a conduit rated CONFIDENTIAL keeps
// its set points while a password in the same prompt is redacted.
import { compareDataClass } from "@/proxy/classify/data-class";
import { redactParts } from "@/proxy/classify/redact";
import type { Classification, ContentPart, DataClass } from "@/proxy/classify/types";

/** As the Prisma enum OverLimitAction. */
export type OverLimitAction = "BLOCK" | "REDACT" | "FLAG";

export type ConduitLimitDecision =
  | { outcome: "forward" }
  | { outcome: "block"; overLimitLabels: string[] }
  | { outcome: "flag"; overLimitLabels: string[] }
  | { outcome: "redact"; overLimitLabels: string[]; replacements: Map<number, string> };

export function applyConduitLimit(options: {
  parts: ContentPart[];
  classification: Classification;
  maxDataClass: DataClass;
  overLimitAction: OverLimitAction;
}): ConduitLimitDecision {
  const { parts, classification, maxDataClass, overLimitAction } = options;
  if (compareDataClass(classification.level, maxDataClass) <= 0) return { outcome: "forward" };
  const overLimit = classification.findings.filter((f) => compareDataClass(f.level, maxDataClass) > 0);
  const overLimitLabels = [...new Set(overLimit.map((f) => f.label))].sort();
  if (overLimitAction === "BLOCK") return { outcome: "block", overLimitLabels };
  if (overLimitAction === "FLAG") return { outcome: "flag", overLimitLabels };
  return { outcome: "redact", overLimitLabels, replacements: redactParts({ parts, findings: overLimit }) };
}
