// Small text helpers shared by the detectors.

/** ASCII letters, digits and underscore, as \w in a pattern; by code, for loops that walk the text. */
export function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** Latin letters with the accents of German and Portuguese (not × and ÷), by code. */
export function isLetterCode(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7);
}

/** Walks back from `index` over characters that `accept`s, at most `limit` of them. */
export function runStart(options: { text: string; index: number; limit: number; accept: (code: number) => boolean }): number {
  const { text, index, limit, accept } = options;
  let start = index;
  while (start > 0 && index - start < limit && accept(text.charCodeAt(start - 1))) start--;
  return start;
}

// A period after these ends an abbreviation, not a sentence: "max. 0,05 mm", "Nr. 4711".
const abbreviation = /(?:^|\s)(?:max|min|ca|approx|aprox|nr|no|rev|tol|vs|bzw|ggf|inkl|dr|mr|mrs|ms|sr|sra|prof|art|mat|ref|z\.b|e\.g|i\.e)$/iu;

function endsSentence(text: string, period: number): boolean {
  const c = text[period];
  if (c !== "." && c !== "?" && c !== "!") return false;
  if (!/\s/.test(text[period + 1] ?? " ")) return false;
  return c !== "." || !abbreviation.test(text.slice(Math.max(0, period - 8), period));
}

/**
 * Where the sentence holding `index` starts, looking back at most `limit` characters.
 * A period ends a sentence only before whitespace, so "4.5 bar" stays whole.
 */
export function sentenceStart(options: { text: string; index: number; limit: number }): number {
  const { text, index, limit } = options;
  const floor = Math.max(0, index - limit);
  for (let i = index - 1; i >= floor; i--) {
    const c = text[i];
    if (c === "\n" || c === ";") return i + 1;
    if (endsSentence(text, i)) return i + 1;
  }
  return floor;
}

/** Where the sentence holding `index` ends, looking ahead at most `limit` characters. */
export function sentenceEnd(options: { text: string; index: number; limit: number }): number {
  const { text, index, limit } = options;
  const ceiling = Math.min(text.length, index + limit);
  for (let i = index; i < ceiling; i++) {
    const c = text[i];
    if (c === "\n") return i;
    if (endsSentence(text, i)) return i + 1;
  }
  return ceiling;
}

/** Resets a global regex and returns its first match: `for (let m = firstMatch(re, text); m; m = re.exec(text))`. */
export function firstMatch(regex: RegExp, text: string): RegExpExecArray | null {
  regex.lastIndex = 0;
  return regex.exec(text);
}
