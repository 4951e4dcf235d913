// The text as the secret detectors read it. A secret hidden with invisible characters
// ("sk-proj-ab\u200Bcd..."), look-alike letters (Cyrillic "а" for Latin "a") or
// compatibility forms (fullwidth "ｓｋ") is still the secret to whoever reads it, so the
// detectors read it folded back to ASCII. Only the secret detectors read this text:
// process units ("m³/h") and names ("Müller") keep their form for the other detectors.
//
// Per character: invisible format characters (zero-width, bidirectional controls, soft
// hyphen, variation selectors) and combining marks are dropped, Unicode tag characters
// (U+E0020-E007E, "ASCII smuggling") become the ASCII they stand for, look-alike letters,
// digits and dashes become ASCII, and the rest is NFKC (fullwidth, mathematical and
// circled forms, ligatures). Accented letters stay: "é" is part of "a senha é ...".
// Combining marks are dropped rather than composed: NFKC would compose "e" + U+0301 into
// "é", which breaks a token just as the mark does.
//
// The edits are kept so a finding in the folded text maps back to the original offsets it
// covers, invisible characters inside it included. Text with nothing to fold (ASCII, and
// the umlauts, accents and "°" of everyday prompts) is returned as it is, without a copy,
// after one regular expression scan.

export interface MatchingText {
  /** The text the secret detectors read. */
  text: string;
  /** Where `text` differs from the original, in order; absent when it is the original. */
  edits?: Edits;
}

/** Parallel arrays, one entry per replaced or dropped original character. */
interface Edits {
  foldedStart: number[];
  foldedEnd: number[];
  originalStart: number[];
  originalEnd: number[];
}

// Characters that may fold: all but ASCII and the non-ASCII characters of everyday
// German, Portuguese and English text that fold to themselves (Latin-1 letters, °, ±, §,
// typographic quotes, €). A prompt whose only non-ASCII characters are umlauts and "°C"
// is read as it is, without a copy. normalize.test.ts checks that each of them folds to itself.
export const foldsToItself = "\u00a1-\u00a7\u00a9\u00ab\u00ac\u00ae\u00b0\u00b1\u00b6\u00b7\u00bb\u00bf-\u00ff\u2018-\u201f\u20ac";
const nextMayFold = new RegExp(`[^\\x00-\\x7f${foldsToItself}]`, "g");

// Letters and digits of other scripts that read as ASCII ones, and dashes, slashes and
// colons that read as ASCII punctuation. NFKC leaves all of these alone.
const lookAlikes = new Map<number, string>(
  Object.entries({
    // Cyrillic
    а: "a", е: "e", о: "o", р: "p", с: "c", у: "y", х: "x", ѕ: "s", і: "i", ј: "j", һ: "h", ԁ: "d", ԛ: "q", ԝ: "w", ӏ: "l",
    А: "A", В: "B", Е: "E", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", Х: "X", У: "Y", Ү: "Y", Ѕ: "S", І: "I", Ј: "J", Ԛ: "Q", Ԝ: "W", Ӏ: "I", З: "3", б: "6",
    // Greek
    Α: "A", Β: "B", Ε: "E", Ζ: "Z", Η: "H", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Υ: "Y", Χ: "X",
    α: "a", ο: "o", ρ: "p", ι: "i", κ: "k", ν: "v", υ: "u", χ: "x", γ: "y",
    // Latin and Armenian look-alikes
    ı: "i", ȷ: "j", ɑ: "a", ɡ: "g", ʏ: "y", օ: "o", ս: "u", հ: "h", ց: "g",
    // Punctuation: hyphens, dashes, minus, slashes, colons
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u02d7": "-", "\ufe58": "-",
    "\u2044": "/", "\u2215": "/", "\u2236": ":", "\u02d0": ":", "\ua789": ":", "\u0589": ":",
  }).map(([from, to]) => [from.codePointAt(0) as number, to]),
);

function isInvisible(code: number): boolean {
  return (
    code === 0x00ad || // soft hyphen
    code === 0x061c || // Arabic letter mark
    code === 0x180e || // Mongolian vowel separator
    (code >= 0x200b && code <= 0x200f) || // zero-width space, joiners, LRM, RLM
    (code >= 0x202a && code <= 0x202e) || // bidirectional embeddings and overrides
    (code >= 0x2060 && code <= 0x2064) || // word joiner, invisible operators
    (code >= 0x2066 && code <= 0x206f) || // bidirectional isolates, deprecated format characters
    (code >= 0xfe00 && code <= 0xfe0f) || // variation selectors
    code === 0xfeff || // byte order mark, zero-width no-break space
    (code >= 0xe0000 && code <= 0xe001f) ||
    code === 0xe007f ||
    (code >= 0xe0100 && code <= 0xe01ef) // variation selectors supplement
  );
}

function isCombiningMark(code: number): boolean {
  return (code >= 0x0300 && code <= 0x036f) || (code >= 0x1ab0 && code <= 0x1aff) || (code >= 0x1dc0 && code <= 0x1dff) || (code >= 0x20d0 && code <= 0x20ff) || (code >= 0xfe20 && code <= 0xfe2f);
}

function foldCodePoint(code: number): string {
  if (isInvisible(code) || isCombiningMark(code)) return "";
  if (code >= 0xe0020 && code <= 0xe007e) return String.fromCharCode(code - 0xe0000);
  const lookAlike = lookAlikes.get(code);
  if (lookAlike) return lookAlike;
  const compatible = String.fromCodePoint(code).normalize("NFKC");
  let folded = "";
  for (const c of compatible) {
    const inner = c.codePointAt(0) as number;
    if (inner < 128) folded += c;
    else if (!isCombiningMark(inner) && !isInvisible(inner)) folded += lookAlikes.get(inner) ?? c;
  }
  return folded;
}

// Folding a character calls normalize(); prompts repeat the same few non-ASCII characters.
// Bounded, so a text of many distinct characters cannot grow it without end.
const foldCache = new Map<number, string | null>();
const foldCacheLimit = 8192;

/** The folded form of a character, or null when it folds to itself. */
function folded(code: number): string | null {
  const cached = foldCache.get(code);
  if (cached !== undefined) return cached;
  const result = foldCodePoint(code);
  const unchanged = result === String.fromCodePoint(code) ? null : result;
  if (foldCache.size < foldCacheLimit) foldCache.set(code, unchanged);
  return unchanged;
}

/** The text folded for matching, and how to map back from it. */
export function matchingText(options: { text: string }): MatchingText {
  const { text } = options;
  nextMayFold.lastIndex = 0;
  let m = nextMayFold.exec(text);
  if (!m) return { text };
  let out = "";
  let copiedTo = 0;
  let edits: Edits | undefined;
  for (; m; m = nextMayFold.exec(text)) {
    const i = m.index;
    const code = text.codePointAt(i) as number;
    const width = code > 0xffff ? 2 : 1;
    nextMayFold.lastIndex = i + width;
    const replacement = folded(code);
    if (replacement === null) continue;
    out += text.slice(copiedTo, i);
    edits ??= { foldedStart: [], foldedEnd: [], originalStart: [], originalEnd: [] };
    const last = edits.originalEnd.length - 1;
    if (replacement === "" && last >= 0 && edits.originalEnd[last] === i && edits.foldedEnd[last] === out.length && edits.foldedStart[last] === out.length) {
      // A run of invisible characters is one edit: 200 KB of zero-width spaces stay cheap.
      edits.originalEnd[last] = i + width;
    } else {
      edits.foldedStart.push(out.length);
      edits.foldedEnd.push(out.length + replacement.length);
      edits.originalStart.push(i);
      edits.originalEnd.push(i + width);
    }
    out += replacement;
    copiedTo = i + width;
  }
  if (!edits) return { text };
  return { text: out + text.slice(copiedTo), edits };
}

/** Index of the last edit whose folded start is at or before `index`, or -1. */
function lastEditAt(edits: Edits, index: number): number {
  let low = 0;
  let high = edits.foldedStart.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((edits.foldedStart[middle] as number) <= index) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * The original span of the folded span [start, end): from the original character that
 * produced the first folded one to the end of the one that produced the last, so the
 * invisible characters in between are covered.
 */
export function originalSpan(options: { matching: MatchingText; start: number; end: number }): { start: number; end: number } {
  const { matching, start, end } = options;
  const edits = matching.edits;
  if (!edits || end <= start) return { start, end };
  const first = lastEditAt(edits, start);
  let originalStart = start;
  if (first >= 0) {
    const foldedEnd = edits.foldedEnd[first] as number;
    originalStart = start < foldedEnd ? (edits.originalStart[first] as number) : (edits.originalEnd[first] as number) + (start - foldedEnd);
  }
  const lastIndex = end - 1;
  const last = lastEditAt(edits, lastIndex);
  let originalEnd = end;
  if (last >= 0) {
    const foldedEnd = edits.foldedEnd[last] as number;
    originalEnd = lastIndex < foldedEnd ? (edits.originalEnd[last] as number) : (edits.originalEnd[last] as number) + (lastIndex - foldedEnd) + 1;
  }
  return { start: originalStart, end: originalEnd };
}
