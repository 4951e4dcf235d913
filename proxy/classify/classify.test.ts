import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import {
  applyConduitLimit,
  builtInLabels,
  compareDataClass,
  createClassifier,
  dataClassOrder,
  labelLevels,
  redactParts,
  type BuiltInLabel,
  type ContentPart,
  type CustomRule,
  type DataClass,
} from "@/proxy/classify";
import { corpus, storedProviderKeys, type CorpusEntry, type Evasion } from "@/proxy/classify/corpus";
import { pathologicalInputs } from "@/proxy/classify/samples";

const classifier = createClassifier({});
const text = (value: string): ContentPart => ({ kind: "text", text: value });

interface Tally {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

interface Outcome {
  entry: CorpusEntry;
  found: Record<string, number>;
}

// The corpus's stored provider keys are the secrets the proxy would hold for its destinations.
const corpusClassifier = createClassifier({ knownSecrets: storedProviderKeys });
const corpusOutcomes: Outcome[] = corpus.map((entry) => ({ entry, found: corpusClassifier.classify({ parts: entry.parts }).labels }));

/** Count-based: per prompt and label, min(expected, found) are true positives. */
function tally(outcomes: Outcome[]): Record<BuiltInLabel, Tally> {
  const result = Object.fromEntries(builtInLabels.map((l) => [l, { truePositives: 0, falsePositives: 0, falseNegatives: 0 }])) as Record<BuiltInLabel, Tally>;
  for (const { entry, found: labels } of outcomes) {
    for (const label of builtInLabels) {
      const expected = entry.expected[label] ?? 0;
      const found = labels[label] ?? 0;
      result[label].truePositives += Math.min(expected, found);
      result[label].falsePositives += Math.max(0, found - expected);
      result[label].falseNegatives += Math.max(0, expected - found);
    }
  }
  return result;
}

const precision = (t: Tally) => (t.truePositives + t.falsePositives === 0 ? 1 : t.truePositives / (t.truePositives + t.falsePositives));
const recall = (t: Tally) => (t.truePositives + t.falseNegatives === 0 ? 1 : t.truePositives / (t.truePositives + t.falseNegatives));

function table(title: string, tallies: Record<BuiltInLabel, Tally>): string {
  const rows = builtInLabels.map((label) => {
    const t = tallies[label];
    return `| ${label} | ${precision(t).toFixed(3)} | ${recall(t).toFixed(3)} | ${t.truePositives} | ${t.falsePositives} | ${t.falseNegatives} |`;
  });
  return [title, "| label | precision | recall | TP | FP | FN |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** Precision and recall of each label in columns, one row per group of prompts. */
function breakdown(title: string, groups: [string, Outcome[]][]): string {
  const header = `| group | prompts | ${builtInLabels.join(" | ")} |`;
  const rows = groups.map(([name, outcomes]) => {
    const tallies = tally(outcomes);
    const cells = builtInLabels.map((label) => {
      const t = tallies[label];
      return t.truePositives + t.falsePositives + t.falseNegatives === 0 ? "—" : `${precision(t).toFixed(2)} / ${recall(t).toFixed(2)}`;
    });
    return `| ${name} | ${outcomes.length} | ${cells.join(" | ")} |`;
  });
  return [`${title} (precision / recall; — where the group has none of the label)`, header, `|${" --- |".repeat(builtInLabels.length + 2)}`, ...rows].join("\n");
}

/** One row per evasion: secrets expected and found, and the prompts where the counts differ. */
function evasionTable(outcomes: Outcome[]): string {
  const evasions = [...new Set(outcomes.map((o) => o.entry.adversarial))];
  const rows = evasions.map((evasion) => {
    const group = outcomes.filter((o) => o.entry.adversarial === evasion);
    const expected = group.reduce((sum, o) => sum + (o.entry.expected.secret ?? 0), 0);
    const found = group.reduce((sum, o) => sum + Math.min(o.found.secret ?? 0, o.entry.expected.secret ?? 0), 0);
    const falseAlarms = group.reduce((sum, o) => sum + Math.max(0, (o.found.secret ?? 0) - (o.entry.expected.secret ?? 0)), 0);
    const wrong = group.filter((o) => builtInLabels.some((l) => (o.found[l] ?? 0) !== (o.entry.expected[l] ?? 0))).map((o) => o.entry.id);
    return `| ${evasion} | ${group.length} | ${found} of ${expected} | ${falseAlarms} | ${wrong.join(" ") || "—"} |`;
  });
  return ["Adversarial prompts per evasion:", "| evasion | prompts | secrets found | false secrets | prompts with any count wrong |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

// Each label must reach this precision and this recall over the whole corpus.
const floor = 0.95;

describe("the labelled corpus of OT prompts", () => {
  it("holds at least 300 prompts, a sizeable share in German and Portuguese, a fifth of them with nothing to find", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((e) => e.id)).size).toBe(corpus.length);
    for (const language of ["de", "pt"] as const) expect(corpus.filter((e) => e.language === language).length).toBeGreaterThanOrEqual(60);
    expect(corpus.filter((e) => Object.keys(e.expected).length === 0).length).toBeGreaterThanOrEqual(corpus.length / 5);
    for (const label of builtInLabels) expect(corpus.some((e) => (e.expected[label] ?? 0) > 0)).toBe(true);
  });

  it("hides a secret in every evasion at least twice, and baits with harmless look-alikes", () => {
    const evasions: Evasion[] = ["split-parts", "split-messages", "base64", "base64url", "hex", "percent", "zero-width", "confusable", "device-token", "operator-assertion", "stored-provider-key"];
    for (const evasion of evasions) expect(corpus.filter((e) => e.adversarial === evasion && e.expected.secret === 1).length, evasion).toBeGreaterThanOrEqual(2);
    expect(corpus.filter((e) => e.adversarial === "bait" && !e.expected.secret).length).toBeGreaterThanOrEqual(10);
  });

  it(`reaches ${floor} precision and ${floor} recall for every label`, () => {
    const all = tally(corpusOutcomes);
    const of = (keep: (e: CorpusEntry) => boolean) => corpusOutcomes.filter((o) => keep(o.entry));
    console.log(`${table(`Precision and recall per label, ${corpus.length} prompts (count-based):`, all)}\n`);
    console.log(
      `${breakdown("Per language and part of the corpus", [
        ["en", of((e) => e.language === "en")],
        ["de", of((e) => e.language === "de")],
        ["pt", of((e) => e.language === "pt")],
        ["held out, round 1", of((e) => e.heldOut === 1)],
        ["held out, round 2", of((e) => e.heldOut === 2)],
        ["adversarial", of((e) => e.adversarial !== undefined)],
        ["all but adversarial", of((e) => e.adversarial === undefined)],
      ])}\n`,
    );
    console.log(`${evasionTable(of((e) => e.adversarial !== undefined))}\n`);
    const belowFloor = builtInLabels.flatMap((label) => [
      ...(precision(all[label]) < floor ? [`${label} precision ${precision(all[label]).toFixed(3)}`] : []),
      ...(recall(all[label]) < floor ? [`${label} recall ${recall(all[label]).toFixed(3)}`] : []),
    ]);
    expect(belowFloor).toEqual([]);
  });
});

describe("classification", () => {
  it("is PUBLIC with no labels when nothing is found", () => {
    expect(classifier.classify({ parts: [text("Write a haiku about a CNC machine at dawn.")] })).toEqual({ level: "PUBLIC", labels: {}, findings: [] });
    expect(classifier.classify({ parts: [] }).level).toBe("PUBLIC");
  });

  it("takes the highest level among the labels found", () => {
    expect(classifier.classify({ parts: [text("Check FIC-101.")] }).level).toBe("INTERNAL");
    expect(classifier.classify({ parts: [text("FIC-101 runs at 4.5 bar.")] }).level).toBe("CONFIDENTIAL");
    expect(classifier.classify({ parts: [text("FIC-101 runs at 4.5 bar, password=Plant#2024")] }).level).toBe("RESTRICTED");
  });

  it("maps every built-in label to one documented level", () => {
    expect(labelLevels).toEqual({
      secret: "RESTRICTED",
      recipe_procedure: "RESTRICTED",
      product_imagery: "RESTRICTED",
      personal_data: "CONFIDENTIAL",
      network_identifier: "CONFIDENTIAL",
      process_parameter: "CONFIDENTIAL",
      ot_asset_tag: "INTERNAL",
      part_number_drawing: "INTERNAL",
    });
  });

  it("orders the data classes PUBLIC < INTERNAL < CONFIDENTIAL < RESTRICTED", () => {
    const shuffled: DataClass[] = ["RESTRICTED", "PUBLIC", "CONFIDENTIAL", "INTERNAL"];
    expect(shuffled.sort(compareDataClass)).toEqual([...dataClassOrder]);
    expect(compareDataClass("INTERNAL", "CONFIDENTIAL")).toBeLessThan(0);
    expect(compareDataClass("RESTRICTED", "RESTRICTED")).toBe(0);
  });

  it("classifies every part: messages, tool arguments, images, camera frames and files", () => {
    const result = classifier.classify({
      parts: [
        text("Look up the history."),
        text('{"asset_id":"AUG-CNC-07","password":"Opc!2024x"}'),
        { kind: "image", mediaType: "image/jpeg", bytes: 1000 },
        { kind: "binary", bytes: 2_457_600 },
        { kind: "file", mediaType: "model/step" },
        { kind: "file", mediaType: "application/pdf", text: "Part number 4711-0815-02" },
      ],
    });
    expect(result.labels).toEqual({ ot_asset_tag: 1, secret: 1, product_imagery: 2, part_number_drawing: 2 });
    expect(result.findings.map((f) => f.part)).toEqual([1, 1, 2, 3, 4, 5]);
    expect(result.findings.filter((f) => f.part === 2 || f.part === 3)).toEqual([
      { part: 2, start: 0, end: 0, label: "product_imagery", level: "RESTRICTED" },
      { part: 3, start: 0, end: 0, label: "product_imagery", level: "RESTRICTED" },
    ]);
  });

  it("never contains the matched text, only labels, counts, offsets and levels", () => {
    const secrets = ["Augsburg#2024!", "thomas.weber@augsburg-gear.de", "10.20.30.41", "sk-proj-4fJk2LmN9pQrStUvWxYz0123456789abcdEFGHijkl", "Maria Santos"];
    const prompt = `Operator Maria Santos (thomas.weber@augsburg-gear.de) used password=${secrets[0]} on 10.20.30.41 with key ${secrets[3]}.`;
    const result = classifier.classify({ parts: [text(prompt)] });
    expect(result.findings).toHaveLength(5);
    const serialised = JSON.stringify(result);
    for (const secret of secrets) expect(serialised).not.toContain(secret);
    for (const finding of result.findings) expect(Object.keys(finding).sort()).toEqual(["end", "label", "level", "part", "start"]);
    expect(Object.keys(result).sort()).toEqual(["findings", "labels", "level"]);
  });

  it("gives offsets in UTF-16 code units of the part's text", () => {
    const prompt = "Größe 🔧 prüfen: Öltemperatur 71 °C an V-3101";
    const result = classifier.classify({ parts: [text(prompt)] });
    expect(result.findings.map((f) => prompt.slice(f.start, f.end))).toEqual(["71 °C", "V-3101"]);
  });

  it("gives the same answer on every call (no state carries over between calls)", () => {
    const parts = [text("password=Augsburg#2024! for 10.20.30.41, FIC-101 at 185 °C")];
    const first = classifier.classify({ parts });
    classifier.classify({ parts: [text("Something else with P-101 and 192.168.0.1 and a@b.de")] });
    expect(classifier.classify({ parts })).toEqual(first);
  });

  it("completes on pathological 200 KB inputs without catastrophic backtracking", () => {
    const times: string[] = [];
    const tooSlow: string[] = [];
    for (const [name, input] of Object.entries(pathologicalInputs({ characters: 200_000 }))) {
      const started = performance.now();
      classifier.classify({ parts: [text(input)] });
      const elapsed = performance.now() - started;
      times.push(`${name}: ${elapsed.toFixed(1)} ms`);
      // A catastrophic pattern takes minutes; this bound only catches that, it is not a timing goal.
      if (elapsed > 5000) tooSlow.push(name);
    }
    console.log(`Pathological 200 KB inputs, one classify() each:\n  ${times.join("\n  ")}`);
    expect(tooSlow).toEqual([]);
  }, 60_000);
});

describe("custom rules", () => {
  const rules: CustomRule[] = [
    { label: "customer_name", level: "CONFIDENTIAL", terms: ["Bosch Rexroth", "Müller Maschinenbau", "ACME"] },
    { label: "project_code", level: "RESTRICTED", pattern: String.raw`\bprj_\d{4}\b` },
    { label: "ot_asset_tag", level: "INTERNAL", pattern: "aug-[a-z]{2,4}-\\d{2}", flags: "i" },
  ];
  const plant = createClassifier({ customRules: rules });

  it("find dictionary terms as whole words, case-insensitively, across spaces and umlauts", () => {
    const prompt = "Quote for bosch  rexroth and MÜLLER MASCHINENBAU, not for ACMEtools or acme-like.";
    const result = plant.classify({ parts: [text(prompt)] });
    expect(result.findings.filter((f) => f.label === "customer_name").map((f) => prompt.slice(f.start, f.end))).toEqual(["bosch  rexroth", "MÜLLER MASCHINENBAU", "acme"]);
  });

  it("find patterns and carry their own level", () => {
    const result = plant.classify({ parts: [text("Budget for prj_2041 and prj_12 only.")] });
    expect(result.labels).toEqual({ project_code: 1 });
    expect(result.level).toBe("RESTRICTED");
  });

  it("may extend a built-in label, counted once where both find the same text", () => {
    const result = plant.classify({ parts: [text("Robot aug-rob-12 and AUG-CNC-07 stopped.")] });
    expect(result.labels).toEqual({ ot_asset_tag: 2 });
  });

  it("are compiled once, so a classifier without them does not see them", () => {
    expect(classifier.classify({ parts: [text("prj_2041 for ACME")] }).labels).toEqual({});
  });

  function failure(customRules: unknown[]): AppError {
    try {
      createClassifier({ customRules: customRules as CustomRule[] });
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error("expected the rules to be rejected");
  }

  it.each([
    [{ label: "customer_name", level: "CONFIDENTIAL", pattern: "(unclosed" }, 'Custom rule 0 ("customer_name"): pattern is not a valid regular expression', "customRules.0.pattern"],
    [{ label: "customerName", level: "CONFIDENTIAL", terms: ["ACME"] }, 'Custom rule 0 ("customerName"): label must be snake_case', "customRules.0.label"],
    [{ label: "customer_name", level: "SECRET", terms: ["ACME"] }, 'Custom rule 0 ("customer_name"): level', "customRules.0.level"],
    [{ label: "customer_name", level: "CONFIDENTIAL" }, 'Custom rule 0 ("customer_name"): needs a pattern or terms', "customRules.0"],
    [{ label: "customer_name", level: "CONFIDENTIAL", pattern: "a*" }, 'Custom rule 0 ("customer_name"): pattern matches the empty string', "customRules.0.pattern"],
    [{ label: "customer_name", level: "CONFIDENTIAL", pattern: "x", flags: "gy" }, 'Custom rule 0 ("customer_name"): flags may only contain', "customRules.0.flags"],
    [{ label: "customer_name", level: "CONFIDENTIAL", terms: ["ACME", " "] }, 'Custom rule 0 ("customer_name"): terms.1 must not be empty', "customRules.0.terms.1"],
    [{ label: "secret", level: "INTERNAL", pattern: "x" }, 'Custom rule 0 ("secret"): label "secret" already has the level RESTRICTED', "customRules.0.level"],
  ])("reject an invalid rule with a validation error naming it: %j", (rule, message, path) => {
    const error = failure([rule]);
    expect(error.code).toBe("validation_failed");
    expect(error.status).toBe(422);
    expect(error.message).toContain(message);
    expect(error.issues?.map((i) => i.path)).toContain(path);
  });

  it("name the rule by its position and report every problem", () => {
    const error = failure([
      { label: "customer_name", level: "CONFIDENTIAL", terms: ["ACME"] },
      { label: "customer_name", level: "RESTRICTED", terms: ["Globex"] },
      { label: "bad", level: "INTERNAL", pattern: "[" },
    ]);
    expect(error.message).toMatch(/^Custom rule 1 \("customer_name"\): label "customer_name" already has the level CONFIDENTIAL.*\(1 more problem in issues\)$/);
    expect(error.issues?.map((i) => i.path)).toEqual(["customRules.1.level", "customRules.2.pattern"]);
  });
});

describe("redaction", () => {
  it("replaces each finding with a typed placeholder and keeps the rest", () => {
    const parts = [text("Use password=Augsburg#2024! on 10.20.30.41 for FIC-101.")];
    const { findings } = classifier.classify({ parts });
    expect(redactParts({ parts, findings }).get(0)).toBe("Use password=[REDACTED:secret] on [REDACTED:network_identifier] for [REDACTED:ot_asset_tag].");
  });

  it("merges overlapping findings into one placeholder named after the highest level", () => {
    const plant = createClassifier({ customRules: [{ label: "historian_account", level: "INTERNAL", pattern: String.raw`password=\S+` }] });
    const parts = [text("Login password=Hist0rian! now")];
    const { findings } = plant.classify({ parts });
    expect(findings.map((f) => f.label).sort()).toEqual(["historian_account", "secret"]);
    expect(redactParts({ parts, findings }).get(0)).toBe("Login [REDACTED:secret] now");
  });

  it("keeps a recipe block whole, parameters inside it included", () => {
    const parts = [text("Recipe A: melt 290 °C, mould 85 °C, hold 650 bar. Thanks.")];
    const { findings } = classifier.classify({ parts });
    expect(redactParts({ parts, findings }).get(0)).toBe("[REDACTED:recipe_procedure]. Thanks.");
  });

  it("keeps adjacent findings apart", () => {
    const parts = [text("10.0.0.5,10.0.0.6")];
    const { findings } = classifier.classify({ parts });
    expect(redactParts({ parts, findings }).get(0)).toBe("[REDACTED:network_identifier],[REDACTED:network_identifier]");
  });

  it("returns replacements only for the parts with findings, and a placeholder for a whole image part", () => {
    const parts: ContentPart[] = [text("Nothing here."), text('{"tag":"PT-3002"}'), { kind: "image", mediaType: "image/png" }, text("Call +49 821 555 0193.")];
    const { findings } = classifier.classify({ parts });
    expect(redactParts({ parts, findings })).toEqual(
      new Map([
        [1, '{"tag":"[REDACTED:ot_asset_tag]"}'],
        [2, "[REDACTED:product_imagery]"],
        [3, "Call [REDACTED:personal_data]."],
      ]),
    );
  });

  it("refuses findings that do not belong to the parts given", () => {
    expect(() => redactParts({ parts: [text("short")], findings: [{ part: 0, start: 2, end: 40, label: "secret", level: "RESTRICTED" }] })).toThrow(RangeError);
    expect(() => redactParts({ parts: [], findings: [{ part: 0, start: 0, end: 0, label: "product_imagery", level: "RESTRICTED" }] })).toThrow(RangeError);
  });
});

describe("the conduit's limit", () => {
  const parts = [text("TIC-205 setpoint 185 °C; login with password=Plant#2024 at 10.1.2.3.")];
  const classification = classifier.classify({ parts });

  it("forwards a call at or below the limit", () => {
    expect(applyConduitLimit({ parts, classification, maxDataClass: "RESTRICTED", overLimitAction: "BLOCK" })).toEqual({ outcome: "forward" });
  });

  it("blocks or flags a call above the limit and names the labels beyond it", () => {
    expect(applyConduitLimit({ parts, classification, maxDataClass: "CONFIDENTIAL", overLimitAction: "BLOCK" })).toEqual({ outcome: "block", overLimitLabels: ["secret"] });
    expect(applyConduitLimit({ parts, classification, maxDataClass: "INTERNAL", overLimitAction: "FLAG" })).toEqual({
      outcome: "flag",
      overLimitLabels: ["network_identifier", "process_parameter", "secret"],
    });
  });

  it("redacts only the findings above the limit", () => {
    const decision = applyConduitLimit({ parts, classification, maxDataClass: "CONFIDENTIAL", overLimitAction: "REDACT" });
    expect(decision).toEqual({
      outcome: "redact",
      overLimitLabels: ["secret"],
      replacements: new Map([[0, "TIC-205 setpoint 185 °C; login with password=[REDACTED:secret] at 10.1.2.3."]]),
    });
  });
});
