// The shape of a labelled corpus entry and the helpers the corpus files write it with.
// The annotation conventions are at the top of corpus.ts.
import type { BuiltInLabel } from "@/proxy/classify/labels";
import type { ContentPart } from "@/proxy/classify/types";

/** How an adversarial entry hides a secret, or "bait" for text that only looks like one. */
export type Evasion =
  | "split-parts"
  | "split-messages"
  | "base64"
  | "base64url"
  | "hex"
  | "percent"
  | "zero-width"
  | "confusable"
  | "device-token"
  | "operator-assertion"
  | "stored-provider-key"
  | "bait";

export interface CorpusEntry {
  id: string;
  scenario: "maintenance" | "quality" | "scheduling" | "anomaly" | "configuration" | "general";
  language: "en" | "de" | "pt";
  parts: ContentPart[];
  expected: Partial<Record<BuiltInLabel, number>>;
  /**
   * Written before a round of tuning and not tuned to: round 1 after the first detectors,
   * round 2 before the recipe, tag and language work of issue 16.
   */
  heldOut?: 1 | 2;
  /** Written to get a secret past the classifier (or, as "bait", to trip it). */
  adversarial?: Evasion;
}

type Scenario = CorpusEntry["scenario"];
type Language = CorpusEntry["language"];

export function prompt(id: string, scenario: Scenario, language: Language, text: string, expected: CorpusEntry["expected"]): CorpusEntry {
  return { id, scenario, language, parts: [{ kind: "text", text }], expected };
}

export function call(id: string, scenario: Scenario, language: Language, parts: ContentPart[], expected: CorpusEntry["expected"]): CorpusEntry {
  return { id, scenario, language, parts, expected };
}

/** Consecutive text parts, as an adapter extracts them from parts of one message or from consecutive messages. */
export function texts(...values: string[]): ContentPart[] {
  return values.map((text) => ({ kind: "text", text }));
}

export function heldOut(entry: CorpusEntry, round: 1 | 2 = 1): CorpusEntry {
  return { ...entry, heldOut: round };
}

export function adversarial(evasion: Evasion, entry: CorpusEntry): CorpusEntry {
  return { ...entry, adversarial: evasion };
}
