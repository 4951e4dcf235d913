// Data classification of everything an AI call carries. See README.md for the labels,
// their levels and what each detector does and does not recognise.
export type { Classification, Classifier, ContentPart, CustomRule, DataClass, Finding } from "@/proxy/classify/types";
export { compareDataClass, dataClassOrder } from "@/proxy/classify/data-class";
export { builtInLabels, labelLevels, type BuiltInLabel } from "@/proxy/classify/labels";
export { createClassifier } from "@/proxy/classify/classifier";
export { customRuleSchema } from "@/proxy/classify/custom-rules";
export { redactParts } from "@/proxy/classify/redact";
export { applyConduitLimit, type ConduitLimitDecision, type OverLimitAction } from "@/proxy/classify/conduit-limit";
