// Classifies everything an AI call carries before it is forwarded. The classifier is
// compiled once per plant (its custom rules) and reused for every call. classify() is
// synchronous and linear in the size of the text; being synchronous is what lets the
// detectors share module-level global patterns (their lastIndex is reset before use).
import { compileCustomRules, type CompiledRule } from "@/proxy/classify/custom-rules";
import { compareDataClass } from "@/proxy/classify/data-class";
import { labelForMedia } from "@/proxy/classify/detectors/media";
import { findNetworkIdentifiers } from "@/proxy/classify/detectors/network-identifier";
import { findOtAssetTags } from "@/proxy/classify/detectors/ot-asset-tag";
import { findPartNumbers } from "@/proxy/classify/detectors/part-number-drawing";
import { findPersonalData } from "@/proxy/classify/detectors/personal-data";
import { findProcessParameters, findQuantities } from "@/proxy/classify/detectors/process-parameter";
import { findRecipeProcedureBlocks } from "@/proxy/classify/detectors/recipe-procedure";
import { findSecrets } from "@/proxy/classify/detectors/secret";
import type { Detector, SpanSink } from "@/proxy/classify/detectors/sink";
import { labelLevels, type BuiltInLabel } from "@/proxy/classify/labels";
import type { Classification, Classifier, ContentPart, CustomRule, DataClass, Finding } from "@/proxy/classify/types";

// Highest priority first: where two detectors claim the same text, the earlier one wins.
const detectors: Detector[] = [findSecrets, findPersonalData, findNetworkIdentifiers, findPartNumbers, findOtAssetTags];
// Most detectors need a digit; text without one skips them.
const detectorsWithoutDigits: Detector[] = [findSecrets, findPersonalData, findNetworkIdentifiers];

/** The findings of one text part; token-level spans are claimed so they do not overlap. */
class PartFindings implements SpanSink {
  private claimed: Uint8Array | undefined;

  constructor(
    private readonly text: string,
    private readonly part: number,
    private readonly findings: Finding[],
  ) {}

  claim(options: { label: BuiltInLabel; start: number; end: number }): boolean {
    const { label, start, end } = options;
    if (end <= start || this.isClaimed({ start, end })) return false;
    this.claimed ??= new Uint8Array(this.text.length);
    this.claimed.fill(1, start, end);
    this.findings.push({ part: this.part, start, end, label, level: labelLevels[label] });
    return true;
  }

  isClaimed(options: { start: number; end: number }): boolean {
    if (!this.claimed) return false;
    for (let i = options.start; i < options.end; i++) if (this.claimed[i]) return true;
    return false;
  }
}

function classifyText(text: string, part: number, customRules: readonly CompiledRule[], findings: Finding[]): void {
  const sink = new PartFindings(text, part, findings);
  const hasDigit = /\d/.test(text);
  for (const detect of hasDigit ? detectors : detectorsWithoutDigits) detect({ text, sink });
  if (hasDigit) {
    const quantities = findQuantities(text);
    const blocks = findRecipeProcedureBlocks({ text, quantities });
    for (const block of blocks) findings.push({ part, ...block, label: "recipe_procedure", level: labelLevels.recipe_procedure });
    findProcessParameters({ text, sink, quantities, blocks });
  }
  for (const rule of customRules) {
    rule.matcher.lastIndex = 0;
    for (let m = rule.matcher.exec(text); m; m = rule.matcher.exec(text)) {
      if (m[0].length === 0) rule.matcher.lastIndex++;
      else findings.push({ part, start: m.index, end: m.index + m[0].length, label: rule.label, level: rule.level });
    }
  }
}

/** Sorted by part and start; of two overlapping findings with the same label, the first stays. */
function withoutRepeats(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.part - b.part || a.start - b.start || b.end - a.end);
  const reach = new Map<string, number>();
  let part = -1;
  return findings.filter((f) => {
    if (f.part !== part) {
      reach.clear();
      part = f.part;
    }
    const key = f.label;
    if (f.start < (reach.get(key) ?? 0)) return false;
    reach.set(key, Math.max(reach.get(key) ?? 0, f.end));
    return true;
  });
}

function summarise(findings: Finding[]): Classification {
  const labels: Record<string, number> = {};
  let level: DataClass = "PUBLIC";
  for (const f of findings) {
    labels[f.label] = (labels[f.label] ?? 0) + 1;
    if (compareDataClass(f.level, level) > 0) level = f.level;
  }
  return { level, labels, findings };
}

export function createClassifier(options: { customRules?: CustomRule[] }): Classifier {
  const customRules = compileCustomRules({ rules: options.customRules ?? [] });
  return {
    classify({ parts }: { parts: ContentPart[] }): Classification {
      const findings: Finding[] = [];
      parts.forEach((part, index) => {
        const mediaLabel = labelForMedia({ part });
        if (mediaLabel) findings.push({ part: index, start: 0, end: 0, label: mediaLabel, level: labelLevels[mediaLabel] });
        if (part.text) classifyText(part.text, index, customRules, findings);
      });
      return summarise(withoutRepeats(findings));
    },
  };
}
