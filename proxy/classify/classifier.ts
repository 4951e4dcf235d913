// Classifies everything an AI call carries before it is forwarded. The classifier is
// compiled once per plant (its custom rules and the secrets the proxy holds) and reused
// for every call. classify() is synchronous and linear in the size of the text; being
// synchronous is what lets the detectors share module-level global patterns (their
// lastIndex is reset before use).
//
// Secrets are looked for in the request as a whole first (request-text.ts: folded,
// decoded, across parts, the proxy's known secrets), and claimed before the other
// detectors read each part as it is written.
import { compileCustomRules, type CompiledRule } from "@/proxy/classify/custom-rules";
import { compareDataClass } from "@/proxy/classify/data-class";
import { labelForMedia } from "@/proxy/classify/detectors/media";
import { findNetworkIdentifiers } from "@/proxy/classify/detectors/network-identifier";
import { findOtAssetTags } from "@/proxy/classify/detectors/ot-asset-tag";
import { findPartNumbers } from "@/proxy/classify/detectors/part-number-drawing";
import { findPersonalData } from "@/proxy/classify/detectors/personal-data";
import { findProcessParameters, findQuantities } from "@/proxy/classify/detectors/process-parameter";
import { findRecipeProcedureBlocks } from "@/proxy/classify/detectors/recipe-procedure";
import type { Detector, SpanSink } from "@/proxy/classify/detectors/sink";
import { compileKnownSecrets } from "@/proxy/classify/known-secrets";
import { labelLevels, type BuiltInLabel } from "@/proxy/classify/labels";
import { matchingText } from "@/proxy/classify/normalize";
import { findRequestSecrets, type SecretPiece } from "@/proxy/classify/request-text";
import type { Classification, Classifier, ContentPart, CustomRule, DataClass, Finding } from "@/proxy/classify/types";

// Highest priority first: where two detectors claim the same text, the earlier one wins.
// Secrets come before all of them (findRequestSecrets).
const detectors: Detector[] = [findPersonalData, findNetworkIdentifiers, findPartNumbers, findOtAssetTags];
// Most detectors need a digit; text without one skips them.
const detectorsWithoutDigits: Detector[] = [findPersonalData, findNetworkIdentifiers];

/** The findings of one text part; token-level spans are claimed so they do not overlap. */
class PartFindings implements SpanSink {
  private claimed: Uint8Array | undefined;

  constructor(
    private readonly text: string,
    private readonly part: number,
    private readonly findings: Finding[],
  ) {}

  /** `group` joins the pieces of a secret that spans parts. */
  claim(options: { label: BuiltInLabel; start: number; end: number; group?: number }): boolean {
    const { label, start, end, group } = options;
    if (end <= start || this.isClaimed({ start, end })) return false;
    this.claimed ??= new Uint8Array(this.text.length);
    this.claimed.fill(1, start, end);
    const finding: Finding = { part: this.part, start, end, label, level: labelLevels[label] };
    if (group !== undefined) finding.group = group;
    this.findings.push(finding);
    return true;
  }

  isClaimed(options: { start: number; end: number }): boolean {
    if (!this.claimed) return false;
    for (let i = options.start; i < options.end; i++) if (this.claimed[i]) return true;
    return false;
  }
}

function classifyText(text: string, part: number, secrets: readonly SecretPiece[], customRules: readonly CompiledRule[], findings: Finding[]): void {
  const sink = new PartFindings(text, part, findings);
  for (const secret of secrets) sink.claim({ label: "secret", start: secret.start, end: secret.end, group: secret.group });
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

/**
 * Sorted by part and start; two overlapping findings with the same label become one
 * covering both (the first, reaching to the later end), so redaction misses no character
 * of either. The merged finding keeps a group if either had one.
 */
function withoutRepeats(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.part - b.part || a.start - b.start || b.end - a.end);
  const reaching = new Map<string, Finding>();
  let part = -1;
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.part !== part) {
      reaching.clear();
      part = f.part;
    }
    const earlier = reaching.get(f.label);
    if (earlier && f.start < earlier.end) {
      earlier.end = Math.max(earlier.end, f.end);
      if (earlier.group === undefined && f.group !== undefined) earlier.group = f.group;
      continue;
    }
    reaching.set(f.label, f);
    out.push(f);
  }
  return out;
}

/** Pieces of one finding across parts (one group) count once. */
function summarise(findings: Finding[]): Classification {
  const labels: Record<string, number> = {};
  let groupsCounted: Set<string> | undefined;
  let level: DataClass = "PUBLIC";
  for (const f of findings) {
    if (compareDataClass(f.level, level) > 0) level = f.level;
    if (f.group !== undefined) {
      const key = `${f.label} ${f.group}`;
      groupsCounted ??= new Set();
      if (groupsCounted.has(key)) continue;
      groupsCounted.add(key);
    }
    labels[f.label] = (labels[f.label] ?? 0) + 1;
  }
  return { level, labels, findings };
}

/**
 * `knownSecrets` are secrets the proxy holds (the decrypted provider keys of its
 * destinations): found exactly, also folded, encoded or split across parts, and labelled
 * `secret`. Keys shorter than 12 characters are ignored (placeholders such as "ollama").
 * They stay in the classifier; a Classification never carries them.
 */
export function createClassifier(options: { customRules?: CustomRule[]; knownSecrets?: readonly string[] }): Classifier {
  const customRules = compileCustomRules({ rules: options.customRules ?? [] });
  const knownSecrets = compileKnownSecrets({ knownSecrets: options.knownSecrets ?? [], fold: (text) => matchingText({ text }).text });
  return {
    classify({ parts }: { parts: ContentPart[] }): Classification {
      const findings: Finding[] = [];
      const secrets = findRequestSecrets({ parts, knownSecrets });
      let nextSecret = 0;
      parts.forEach((part, index) => {
        const mediaLabel = labelForMedia({ part });
        if (mediaLabel) findings.push({ part: index, start: 0, end: 0, label: mediaLabel, level: labelLevels[mediaLabel] });
        if (!part.text) return;
        const first = nextSecret;
        while (nextSecret < secrets.length && (secrets[nextSecret] as SecretPiece).part === index) nextSecret++;
        classifyText(part.text, index, secrets.slice(first, nextSecret), customRules, findings);
      });
      return summarise(withoutRepeats(findings));
    },
  };
}
