// Replaces the found spans with typed placeholders before the request is forwarded.
// Overlapping spans become one placeholder named after the highest-level label among
// them; a finding on a whole part (an image, a CAD file) replaces the whole part. A
// secret split across parts comes as one finding per part (sharing a `group`), so each
// part gets its own placeholder and no piece of the secret is forwarded.
import { compareDataClass } from "@/proxy/classify/data-class";
import type { ContentPart, Finding } from "@/proxy/classify/types";

function placeholder(options: { label: string }): string {
  return `[REDACTED:${options.label}]`;
}

function redactText(text: string, findings: Finding[]): string {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let cursor = 0;
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] as Finding;
    let end = first.end;
    let strongest = first;
    for (i++; i < sorted.length && (sorted[i] as Finding).start < end; i++) {
      const next = sorted[i] as Finding;
      end = Math.max(end, next.end);
      if (compareDataClass(next.level, strongest.level) > 0) strongest = next;
    }
    out += text.slice(cursor, first.start) + placeholder({ label: strongest.label });
    cursor = end;
  }
  return out + text.slice(cursor);
}

/**
 * Part index -> replacement text for every part that has findings. A part absent from
 * the map is forwarded unchanged. A replacement for an image or file part is text: the
 * adapter forwards a text part in its place.
 */
export function redactParts(options: { parts: ContentPart[]; findings: Finding[] }): Map<number, string> {
  const byPart = new Map<number, Finding[]>();
  for (const f of options.findings) {
    const part = options.parts[f.part];
    const textLength = part?.text?.length ?? 0;
    if (!part || f.start < 0 || f.end > textLength || f.start > f.end) {
      throw new RangeError(`Finding ${f.label} at ${f.part}:${f.start}-${f.end} lies outside the parts given.`);
    }
    const list = byPart.get(f.part);
    if (list) list.push(f);
    else byPart.set(f.part, [f]);
  }
  const replacements = new Map<number, string>();
  for (const [index, findings] of byPart) {
    const whole = findings.filter((f) => f.start === f.end).sort((a, b) => compareDataClass(b.level, a.level))[0];
    const text = options.parts[index]?.text ?? "";
    replacements.set(index, whole ? placeholder({ label: whole.label }) : redactText(text, findings));
  }
  return replacements;
}
