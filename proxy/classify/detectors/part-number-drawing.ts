// Part numbers, drawing numbers and their revisions. A bare number is not enough (it
// could be an order, a lot or a quantity): the number must follow a cue ("P/N",
// "Sachnummer", "ref.", "Zeichnung") or carry a drawing prefix (DWG-...). A revision right
// after the number ("Rev. C", "Index 03", "da revisão B") belongs to the same finding. A
// second number of the same structured shape as a cued one ("ref. 33.1047.22 ... or
// 33.1047.23") is a part number too.
import { firstMatch } from "@/proxy/classify/detectors/text";
import type { Detector } from "@/proxy/classify/detectors/sink";

// Strong cues name the number; weak ones ("part", "ref.", "peça") are ordinary words too
// and need a number that cannot be anything else.
const cue =
  /\b(?:(part\s*(?:number|no\.?|nr\.?|#)|p\/n|pn|item\s*(?:number|no\.?)|article\s*(?:number|no\.?)|art\.?-?\s*nr\.?|artikel(?:nummer|-?nr\.?)|sach(?:nummer|-?nr\.?)|teile(?:nummer|-?nr\.?)|material(?:nummer|-?nr\.?|\s+(?:number|no\.?))|mat\.?-?\s*nr\.?|drawing(?:\s*(?:number|no\.?|nr\.?))?|dwg\.?(?:\s*no\.?)?|zeichnung(?:snummer|s-?nr\.?)?|zchn\.?-?\s*nr\.?|desenho(?:\s*n\.?º)?|n\.?º\s*de\s*peça|número\s+de\s+peça|código\s+da\s+peça)|(part|ref(?:erência|erence)?\.?|peça|código))(?:\s*[:#]\s*|\s+)/gi;
const identifier = /[A-Z0-9]+(?:(?:[-./]|\s(?=\d{3}-))[A-Z0-9]+)*/y;
const drawingPrefixed = /(?<![\w-])(?:DWG|DRG|ZNR)-[A-Z0-9]+(?:-[A-Z0-9]+)*/g;
// Structured identifiers that may repeat the shape of a cued part number.
const structuredId = /(?<![\w./-])[A-Z0-9]{1,10}(?:[-./][A-Z0-9]{1,10}){1,4}(?![\w]|[-./]\w)/g;
const revision = /,?\s*(?:(?:of|der|des|da|do|de)\s+)?(?:revisão|änderungsindex|revision|rev\.?|index|idx\.?)\s*:?\s*([A-Z]{1,2}|\d{1,2})(?![\wÀ-ÿ])/iy;

/** "33.1047.22" -> "99.9999.99": digits and letters by class, separators as they are. */
function shapeOf(id: string): string {
  return id.replace(/\d/g, "9").replace(/[A-Z]/g, "A");
}

function digitCount(value: string): number {
  return value.replace(/\D/g, "").length;
}

/** Extends a number by the revision that directly follows it. */
function withRevision(text: string, end: number): number {
  revision.lastIndex = end;
  const m = revision.exec(text);
  return m ? end + m[0].length : end;
}

export const findPartNumbers: Detector = ({ text, sink }) => {
  const shapes = new Set<string>();
  for (let m = firstMatch(drawingPrefixed, text); m; m = drawingPrefixed.exec(text)) {
    if (digitCount(m[0]) >= 3) sink.claim({ label: "part_number_drawing", start: m.index, end: withRevision(text, m.index + m[0].length) });
  }
  for (let m = firstMatch(cue, text); m; m = cue.exec(text)) {
    const start = m.index + m[0].length;
    identifier.lastIndex = start;
    const id = identifier.exec(text)?.[0] ?? "";
    if (id.length < 4 || /[\w]/.test(text[start + id.length] ?? "")) continue;
    const digits = digitCount(id);
    const strongCue = m[1] !== undefined;
    // Weak cues need a long number or a structured one: "part 2 of the manual" is not a part number.
    if (digits < 4 || (!strongCue && digits < 6 && !/[-./]/.test(id))) continue;
    sink.claim({ label: "part_number_drawing", start, end: withRevision(text, start + id.length) });
    if (digits >= 6 && /[-./]/.test(id)) shapes.add(shapeOf(id));
  }
  if (shapes.size === 0) return;
  for (let m = firstMatch(structuredId, text); m; m = structuredId.exec(text)) {
    if (shapes.has(shapeOf(m[0]))) sink.claim({ label: "part_number_drawing", start: m.index, end: withRevision(text, m.index + m[0].length) });
  }
};
