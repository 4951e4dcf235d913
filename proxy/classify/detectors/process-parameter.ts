// Process parameters: set points, limits, tolerances and operating conditions with
// units. A bare number is never one, except right after "setpoint" or "Sollwert". Units
// of process variables (°C, bar, rpm, m³/h, Nm, mm/s, g/cm³) count wherever they appear;
// everyday units (mm, s, A, V, %, kg, l) only when the sentence says the value is a set
// point, limit or tolerance, in a range "0.8-1.2 mm", after "±", or inside a recipe or
// procedure. A range, a change "von X auf Y" or a value with its tolerance is one
// finding. A mix ratio ("100:35 by weight", "Mischungsverhältnis 100:35") is one too.
import { firstMatch, sentenceStart } from "@/proxy/classify/detectors/text";
import type { SpanSink } from "@/proxy/classify/detectors/sink";

export interface Quantity {
  start: number;
  end: number;
  /** A unit of a process variable, counted without a cue. */
  strong: boolean;
  /** "±0.05 mm", "0.8-1.2 mm", "+0.1/-0.05 mm": a stated tolerance or limit. */
  bounded: boolean;
}

export interface Span {
  start: number;
  end: number;
}

const strongUnits = String.raw`[°º]\s?C/(?:h|min|s)|°\s?C|º\s?C|°\s?F|K/min|K/h|mbar|bar[ga]?|hPa|kPa|MPa|Pa|psi[ga]?|rpm|U/min|1/min|min-1|min⁻¹|Nm³/h|Nm3/h|m³/h|m3/h|[lL]/min|[lL]/h|kg/h|t/h|g/s|kg/s|g/cm³|g/cm3|kg/m³|kg/m3|kg/dm³|g/[lL]|kNm|Nm|mm/s|mm/min|mm/rev|mm/U|cm/min|m/min|m/s|ppm|%\s?RH|%\s?rF|[µμ]S/cm|mS/cm|dB\(A\)`;
const weakUnits = String.raw`mm|[µμ]m|cm|ms|sec|s|min|h|mA|kA|A|kV|mV|V|kW|MW|W|kHz|Hz|%|kg|mg|g|t|kN|N|K|m[lL]|h[lL]|l|L`;
const quantity = new RegExp(
  String.raw`(?<![\w.,])(±\s?|\+/-\s?|\+-\s?)?[-−+]?\d+(?:[.,]\d+){0,4}\s?(?:(${strongUnits})|(${weakUnits}))(?![\p{L}\d³²/])`,
  "gu",
);

// Between two values of a range, of a change ("von 160 bar auf 180 bar", "de 12 bar para
// 9,5 bar"), or between a value and its tolerance.
const rangeJoin = /^\s*(?:-|–|\/|to|bis|auf|and|und|e|a|até|para)\s*$/i;
// A bare number before a quantity that makes it a range: "180-190 °C", "0.8 and 1.2 mm".
const rangeStart = /(?<![\w.,])[-−+]?\d+(?:[.,]\d+){0,4}\s*(-|–|\/|to|bis|and|und|e|a|até)\s*$/i;
const betweenBefore = /(?:between|zwischen|entre)\s+$/i;

// Words that make a value in an everyday unit a set point, limit or tolerance, anywhere
// earlier in its sentence.
const cue =
  /set\s?-?points?|set\s+(?:to|at)|target|limits?|\bmax(?:imum|\.)?|\bmin(?:imum|\.)|toleran|\btol\.|alarm|\btrip|threshold|nominal|\bspec|\bhold|dwell|cycle\s+time|\bramp|\bfeed|torque|tighten|parameters?|\bT[id]\b|reset\s+time|sollwert|grenzwert|schwellwert|zielwert|nennwert|vorgabe|einstell|halten|haltezeit|nachdruck|kühlzeit|taktzeit|zykluszeit|nachstellzeit|anzugsmoment|refer[êe]ncia|ponto\s+de\s+ajuste|limite|toler[aâ]ncia|\balvo|m[aá]ximo|m[ií]nimo|par[aâ]metros?|tempo\s+de\s+ciclo|manter|ajustar|cooling\s+time|injection/i;
const trailingCue = /^\s*(?:max\.?|min\.?|maximum|minimum|cycle\s+time|Taktzeit|Zykluszeit|tempo\s+de\s+ciclo|target|limit|Sollwert)(?![\w])/i;
// A value in an everyday unit that was measured is a reading, not a parameter; so is a
// range it swings in ("schwankt zwischen 11 A und 19 A").
const measuredBefore =
  /(?:(?:measured?|measuring|reads?|reading|actual|gemessen|misst|Istwert|medid[oa]s?|mede)\s*(?:at|of|about|approx\.?|ca\.|:)?|(?:fluctuat(?:es?|ing)|swings?|swinging|var(?:ies|ying)|oscillat(?:es?|ing)|schwank(?:t|en)|pendel(?:t|n)|oscila[mr]?|varia[mr]?)\s+(?:\S+\s+){0,2}(?:between|zwischen|entre))\s*$/i;
const conversion = /conver|umrechn|umwandeln/i;
const conversionTarget = /^\s+(?:to|in|into|em|para|nach|zu)\s+\S/i;
// "0.5 l bottles", "1 l format parts": the size of a container or format, not a parameter.
const sizeAfter = /^\s*(?:bottles?|cans?|drums?|containers?|format|packs?|bags?|flaschen?|dosen?|fässer|fass|gebinde|eimer|beutel|garrafas?|latas?|frascos?|bid(?:ão|ões)|baldes?|sacos?|embalagens?)(?![\p{L}])/iu;

// "setpoint 185", "Sollwert: 92,5": a set point is a parameter even without its unit.
const unitlessSetpoint = new RegExp(
  String.raw`(?<![\w])(?:set\s?-?point|sollwert|ponto\s+de\s+ajuste)\s*(?:of|von|de|is|ist|é|=|:)?\s*[-−+]?\d+(?:[.,]\d+)?(?![\w]|[.,]\d|\s?(?:${strongUnits}|${weakUnits})(?![\p{L}\d]))`,
  "giu",
);

// A mix ratio needs its cue before it ("mix ratio", "Mischungsverhältnis", "proporção de
// mistura") or its basis after it ("by weight", "nach Gewicht", "em peso"): without one,
// "14:30" is a time of day.
const ratio = /\d{1,4}(?:[.,]\d{1,2})?\s?:\s?\d{1,4}(?:[.,]\d{1,2})?(?:\s?:\s?\d{1,4}(?:[.,]\d{1,2})?)?(?![\w:]|[.,]\d)/y;
const ratioCueBefore = /(?:\bratio|\bmix(?:ed|ing)?\b|\bblend|verhältnis|misch|propor[çc][ãa]o|\braz[ãa]o|mistur)[^.;\n\d]{0,30}$/i;
// "ratio review at 10:30": a time of day after its preposition is not a ratio.
const timeBefore = /\b(?:at|um|às|as|ab|bis|until|from|since|seit|desde|von)\s*$/i;
const ratioBasisAfter = /^\s?(?:by\s+(?:weight|volume|mass)|pbw|w\/w|v\/v|nach\s+(?:Gewicht|Volumen|Masse)|Gew(?:ichts)?\.?-?(?:teile|%)|Volumenteile|em\s+(?:peso|volume|massa)|partes)/i;

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Mix ratios, found from their colons: most prompts have few, and a time of day has no cue. */
function findRatios(text: string): Quantity[] {
  const found: Quantity[] = [];
  let searchFrom = 0;
  for (let colon = text.indexOf(":"); colon !== -1; colon = text.indexOf(":", Math.max(colon + 1, searchFrom))) {
    const left = text[colon - 1] === " " ? colon - 2 : colon - 1;
    const right = text[colon + 1] === " " ? colon + 2 : colon + 1;
    if (!isDigitCode(text.charCodeAt(left)) || !isDigitCode(text.charCodeAt(right))) continue;
    let start = left;
    while (start > 0 && left - start < 8 && (isDigitCode(text.charCodeAt(start - 1)) || ((text[start - 1] === "." || text[start - 1] === ",") && isDigitCode(text.charCodeAt(start - 2))))) start--;
    if (/[\w.,:]/.test(text[start - 1] ?? " ")) continue;
    ratio.lastIndex = start;
    const m = ratio.exec(text);
    if (!m) continue;
    const end = start + m[0].length;
    searchFrom = end;
    const before = text.slice(Math.max(0, start - 40), start);
    if ((ratioCueBefore.test(before) && !timeBefore.test(before)) || ratioBasisAfter.test(text.slice(end, end + 24))) {
      // A ratio has no unit, but like a process unit it counts wherever it is cued.
      found.push({ start, end, strong: true, bounded: false });
    }
  }
  return found;
}

/** "HX-3001 to 85 Nm": a number that ends an identifier does not start a range. */
function endsIdentifier(text: string, numberStart: number): boolean {
  const previous = text[numberStart - 1] ?? " ";
  return /[\w.,]/.test(previous) || (previous === "-" && /\w/.test(text[numberStart - 2] ?? " "));
}

/** Every number with a unit and every mix ratio in the text, ranges and tolerances joined into one quantity; sorted. */
export function findQuantities(text: string): Quantity[] {
  const found: Quantity[] = [];
  let previousUnit = "";
  for (let m = firstMatch(quantity, text); m; m = quantity.exec(text)) {
    const unit = (m[2] ?? m[3] ?? "").replace(/\s/g, "");
    const end = m.index + m[0].length;
    const strong = m[2] !== undefined;
    const tolerance = m[1] !== undefined;
    const previous = found[found.length - 1];
    const join = previous ? text.slice(previous.end, m.index) : "";
    // "40 % und 60 %", "20 °C to 85 °C", "185 °C ± 2 K": one quantity.
    if (previous && ((unit === previousUnit && rangeJoin.test(join)) || (tolerance && join.trim() === ""))) {
      previous.end = end;
      previous.bounded ||= tolerance || /[-–/]/.test(join);
      continue;
    }
    let start = m.index;
    let bounded = tolerance;
    const windowStart = Math.max(0, start - 24);
    const before = rangeStart.exec(text.slice(windowStart, start));
    if (before && !endsIdentifier(text, windowStart + before.index)) {
      start = windowStart + before.index;
      bounded ||= /[-–/]/.test(before[1] ?? "");
    }
    bounded ||= betweenBefore.test(text.slice(Math.max(0, start - 12), start));
    found.push({ start, end, strong, bounded });
    previousUnit = unit;
  }
  const ratios = findRatios(text);
  return ratios.length === 0 ? found : [...found, ...ratios].sort((a, b) => a.start - b.start);
}

function isInside(spans: readonly Span[], q: Quantity): boolean {
  return spans.some((s) => q.start >= s.start && q.end <= s.end);
}

export function findProcessParameters(options: { text: string; sink: SpanSink; quantities: readonly Quantity[]; blocks: readonly Span[] }): void {
  const { text, sink, quantities, blocks } = options;
  for (const q of quantities) {
    const before = text.slice(sentenceStart({ text, index: q.start, limit: 80 }), q.start);
    const counted = q.strong
      ? !(conversion.test(before) && conversionTarget.test(text.slice(q.end, q.end + 16)))
      : !measuredBefore.test(before) && !sizeAfter.test(text.slice(q.end, q.end + 16)) && (q.bounded || cue.test(before) || trailingCue.test(text.slice(q.end, q.end + 24)) || isInside(blocks, q));
    if (counted) sink.claim({ label: "process_parameter", start: q.start, end: q.end });
  }
  for (let m = firstMatch(unitlessSetpoint, text); m; m = unitlessSetpoint.exec(text)) {
    const number = /[-−+]?\d+(?:[.,]\d+)?$/.exec(m[0])?.[0] ?? "";
    const end = m.index + m[0].length;
    sink.claim({ label: "process_parameter", start: end - number.length, end });
  }
}
