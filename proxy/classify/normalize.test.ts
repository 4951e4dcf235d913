import { describe, expect, it } from "vitest";
import { foldsToItself, matchingText, originalSpan } from "@/proxy/classify/normalize";

/** The original text under the folded span [start, end). */
function originalOf(text: string, start: number, end: number): string {
  const matching = matchingText({ text });
  const span = originalSpan({ matching, start, end });
  return text.slice(span.start, span.end);
}

describe("text folded for the secret detectors", () => {
  it("returns ASCII text and everyday umlauts, accents, ° and quotes as they are", () => {
    for (const text of ["password=Augsburg#2024!", "Größe prüfen: Öltemperatur 71 °C, „Schmieröl“, nächste Woche.", "A senha é Aveiro@2023, não é?"]) {
      expect(matchingText({ text })).toEqual({ text });
    }
  });

  it("lists as folding to themselves only characters that NFKC and the look-alike table leave alone", () => {
    const listed = new RegExp(`^[${foldsToItself}]$`);
    for (const [from, to] of [
      [0xa1, 0xa7],
      [0xa9, 0xa9],
      [0xab, 0xac],
      [0xae, 0xae],
      [0xb0, 0xb1],
      [0xb6, 0xb7],
      [0xbb, 0xbb],
      [0xbf, 0xff],
      [0x2018, 0x201f],
      [0x20ac, 0x20ac],
    ] as const) {
      for (let code = from; code <= to; code++) {
        const c = String.fromCharCode(code);
        expect(listed.test(c), `U+${code.toString(16)}`).toBe(true);
        expect(matchingText({ text: `x${c}` }).text, `U+${code.toString(16)}`).toBe(`x${c}`);
        expect(c.normalize("NFKC"), `U+${code.toString(16)}`).toBe(c);
      }
    }
  });

  it.each([
    ["zero-width and bidirectional controls", "sk-\u200bproj\u200d-\u202eab\u2066c\ufeffd\u00ad", "sk-proj-abcd"],
    ["Cyrillic and Greek look-alikes", "\u0455k-\u0440r\u043ej \u03a1\u0391\u03a3", "sk-proj PAΣ"],
    ["fullwidth and mathematical letters (NFKC)", "ｓｋ－ｐｒｏｊ 𝐚𝐛𝐜 ﬁ ①", "sk-proj abc fi 1"],
    ["combining marks", "pa\u0301ss\u0308word", "password"],
    ["Unicode tag characters as the ASCII they stand for", "key \u{e0073}\u{e006b}\u{e002d}x", "key sk-x"],
    ["dashes and non-breaking spaces", "sk\u2010proj\u2011x\u00a0y – z", "sk-proj-x y - z"],
  ])("folds %s", (_, text, expected) => {
    expect(matchingText({ text }).text).toBe(expected);
  });

  it("maps a folded span back to the original span, covering the invisible characters inside it", () => {
    const text = "key: sk-\u200b\u200bproj-4f\u200dJk end";
    const folded = matchingText({ text }).text;
    expect(folded).toBe("key: sk-proj-4fJk end");
    const start = folded.indexOf("sk-");
    expect(originalOf(text, start, start + "sk-proj-4fJk".length)).toBe("sk-\u200b\u200bproj-4f\u200dJk");
    expect(originalOf(text, 0, 3)).toBe("key");
    expect(originalOf(text, folded.length - 3, folded.length)).toBe("end");
  });

  it("maps back through characters that fold to several or to surrogate pairs", () => {
    const text = "a ﬁle 𝐤𝐞𝐲=\u0455ecret";
    const folded = matchingText({ text }).text;
    expect(folded).toBe("a file key=secret");
    expect(originalOf(text, 2, 6)).toBe("ﬁle");
    // Half of "ﬁ" maps to all of it: a span never cuts an original character.
    expect(originalOf(text, 3, 4)).toBe("ﬁ");
    expect(originalOf(text, folded.indexOf("key"), folded.length)).toBe("𝐤𝐞𝐲=\u0455ecret");
  });

  it("keeps 200 KB of zero-width characters cheap", () => {
    const text = `sk-${"\u200b".repeat(200_000)}x`;
    const started = performance.now();
    const matching = matchingText({ text });
    expect(matching.text).toBe("sk-x");
    expect(originalSpan({ matching, start: 0, end: 4 })).toEqual({ start: 0, end: text.length });
    expect(performance.now() - started).toBeLessThan(500);
  });
});
