// A plant's own patterns and dictionaries, validated and compiled once per plant. A bad
// rule fails loudly with the rule named: silently skipping it would let the data it was
// written for through unclassified.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { dataClassOrder } from "@/proxy/classify/data-class";
import { isBuiltInLabel, labelLevels } from "@/proxy/classify/labels";
import type { CustomRule, DataClass } from "@/proxy/classify/types";

export const customRuleSchema = z
  .object({
    label: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be snake_case: lowercase letters, digits and _, starting with a letter, at most 64 characters"),
    level: z.enum(dataClassOrder as [DataClass, ...DataClass[]]),
    pattern: z.string().min(1).max(2000).optional(),
    flags: z.string().regex(/^[imsuv]*$/, 'may only contain the flags "i", "m", "s", "u" and "v"').optional(),
    terms: z.array(z.string().trim().min(1, "must not be empty").max(200)).min(1).max(10_000).optional(),
  })
  .strict()
  .refine((rule) => rule.pattern !== undefined || rule.terms !== undefined, { message: "needs a pattern or terms" });

export interface CompiledRule {
  label: string;
  level: DataClass;
  matcher: RegExp;
}

interface Issue {
  path: string;
  message: string;
}

function escapeTerm(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&").replace(/\s+/g, "\\s+");
}

/** One alternation, longest terms first, bounded by anything that is not a letter, digit or _. */
function dictionaryMatcher(terms: string[]): RegExp {
  const alternatives = [...new Set(terms.map((t) => t.trim()))].sort((a, b) => b.length - a.length).map(escapeTerm);
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}_])`, "giu");
}

function patternMatcher(pattern: string, flags: string): RegExp {
  const unique = [...new Set(flags)].join("");
  return new RegExp(pattern, `${unique}g`);
}

export function compileCustomRules(options: { rules: readonly CustomRule[] }): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  const issues: Issue[] = [];
  const levelOfLabel = new Map<string, DataClass>();
  options.rules.forEach((input, index) => {
    const path = `customRules.${index}`;
    const name = typeof input?.label === "string" ? `"${input.label}"` : "without a label";
    const fail = (field: string, message: string) => issues.push({ path: field ? `${path}.${field}` : path, message: `Custom rule ${index} (${name}): ${message}` });
    const parsed = customRuleSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) fail(issue.path.join("."), issue.path.length ? `${issue.path.join(".")} ${issue.message}` : issue.message);
      return;
    }
    const rule = parsed.data;
    const known = isBuiltInLabel(rule.label) ? labelLevels[rule.label] : levelOfLabel.get(rule.label);
    if (known !== undefined && known !== rule.level) {
      fail("level", `label "${rule.label}" already has the level ${known}; one label has one level`);
      return;
    }
    levelOfLabel.set(rule.label, rule.level);
    if (rule.pattern !== undefined) {
      try {
        const matcher = patternMatcher(rule.pattern, rule.flags ?? "");
        if (new RegExp(matcher.source, matcher.flags.replace("g", "")).test("")) fail("pattern", "pattern matches the empty string");
        else compiled.push({ label: rule.label, level: rule.level, matcher });
      } catch (error) {
        fail("pattern", `pattern is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    if (rule.terms !== undefined) compiled.push({ label: rule.label, level: rule.level, matcher: dictionaryMatcher(rule.terms) });
  });
  const first = issues[0];
  if (first) {
    const more = issues.length > 1 ? ` (${issues.length - 1} more problem${issues.length > 2 ? "s" : ""} in issues)` : "";
    throw new AppError({ code: "validation_failed", message: `${first.message}${more}`, issues });
  }
  return compiled;
}
