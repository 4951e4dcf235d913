// Encoded runs inside a text: base64 and base64url (also wrapped over several lines),
// hex (also with "0x") and percent-encoding. A run is decoded only when the result reads
// as text (valid UTF-8, at most a tenth control or replacement characters); what the
// caller then looks for in it is its business. Hashes, UUIDs and part numbers decode to
// binary or not at all, so they cost a decode attempt and nothing more.
//
// Linear and bounded: the runs are found by patterns without nested ambiguity, and a
// budget caps the bytes decoded per scan (the prefix of a longer run is decoded).

export interface DecodeBudget {
  /** Bytes that may still be decoded. */
  bytes: number;
}

export interface DecodedRun {
  /** The encoded span in the scanned text. */
  start: number;
  end: number;
  decoded: string;
}

/** Shorter runs hold no secret worth hiding this way and would make every long word a candidate. */
export const minimumRun = 16;

// Base64 and base64url share one alphabet here (a run may use either). Runs are found by
// a loop over a table: a pattern like /[A-Za-z0-9+/_-]{16,}/g retries at every letter of
// every shorter word and costs more than all the detectors together on a chat prompt.
const base64Codes = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") base64Codes[c.charCodeAt(0)] = 1;
export const isBase64Code = (code: number) => code < 128 && base64Codes[code] === 1;
const percentEscape = /%[0-9A-Fa-f]{2}/g;
const hexOnly = /^[0-9A-Fa-f]+$/;

const base64Values = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) base64Values[c.charCodeAt(0)] = i;
base64Values["-".charCodeAt(0)] = 62;
base64Values["_".charCodeAt(0)] = 63;

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Collects decoded bytes and gives up as soon as they stop looking like text. */
class TextBytes {
  readonly bytes: Uint8Array;
  length = 0;
  private control = 0;
  private high = false;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Adds a byte; false once the bytes are binary (control characters beyond a tenth, with some slack at the start). */
  push(byte: number): boolean {
    this.bytes[this.length++] = byte;
    if (byte >= 0x80) this.high = true;
    else if ((byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 13) || byte === 0x7f) this.control++;
    return this.control <= 2 + this.length / 10;
  }

  text(): string | undefined {
    if (this.length < 8 || this.control * 10 > this.length) return undefined;
    const bytes = this.bytes.subarray(0, this.length);
    if (!this.high) {
      let out = "";
      for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
      return out;
    }
    const text = new TextDecoder().decode(bytes);
    let replaced = 0;
    for (let i = text.indexOf("\ufffd"); i !== -1; i = text.indexOf("\ufffd", i + 1)) replaced++;
    return (replaced + this.control) * 10 > text.length ? undefined : text;
  }
}

function decodeHex(run: string, budget: DecodeBudget): string | undefined {
  const digits = Math.min(run.length - (run.length % 2), budget.bytes * 2);
  const out = new TextBytes(digits / 2);
  for (let i = 0; i < digits; i += 2) {
    if (!out.push(hexValue(run.charCodeAt(i)) * 16 + hexValue(run.charCodeAt(i + 1)))) return undefined;
  }
  budget.bytes -= out.length;
  return out.text();
}

function decodeBase64(run: string, budget: DecodeBudget): string | undefined {
  const out = new TextBytes(Math.min(budget.bytes, Math.ceil((run.length * 3) / 4)));
  let bits = 0;
  let collected = 0;
  for (let i = 0; i < run.length && out.length < out.bytes.length; i++) {
    const value = base64Values[run.charCodeAt(i)] ?? -1;
    if (value < 0) continue; // line breaks and padding
    bits = ((bits << 6) | value) & 0xffffff;
    collected += 6;
    if (collected >= 8) {
      collected -= 8;
      if (!out.push((bits >> collected) & 0xff)) return undefined;
    }
  }
  budget.bytes -= out.length;
  return out.text();
}

function decodePercent(run: string, budget: DecodeBudget): string | undefined {
  const out = new TextBytes(Math.min(budget.bytes, run.length));
  for (let i = 0; i < run.length && out.length < out.bytes.length; i++) {
    const code = run.charCodeAt(i);
    let byte = code;
    if (code === 37 && i + 2 < run.length) {
      const high = hexValue(run.charCodeAt(i + 1));
      const low = hexValue(run.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        byte = high * 16 + low;
        i += 2;
      }
    }
    if (!out.push(byte)) return undefined;
  }
  budget.bytes -= out.length;
  return out.text();
}

/** URI characters a percent-encoded run may hold between its escapes. */
function isUriCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || "!#$&'()*+,-./:;=?@_~".includes(String.fromCharCode(code));
}

function isEscapeAt(text: string, index: number): boolean {
  return text.charCodeAt(index) === 37 && hexValue(text.charCodeAt(index + 1)) >= 0 && hexValue(text.charCodeAt(index + 2)) >= 0;
}

/**
 * Where a base64 run [start, end) really ends: a block wrapped at a fixed width (PEM, MIME:
 * 64 or 76 characters a line) goes on over its line breaks while its lines are full and
 * whole (the next line of prose is not taken for its last line), then padding.
 */
function base64RunEnd(text: string, start: number, end: number): number {
  const width = end - start;
  for (let lineLength = width; lineLength === width && width % 4 === 0; ) {
    let next = end;
    if (text.charCodeAt(next) === 13) next++;
    if (text.charCodeAt(next) !== 10) break;
    let lineEnd = ++next;
    while (lineEnd < text.length && lineEnd - next <= width && isBase64Code(text.charCodeAt(lineEnd))) lineEnd++;
    lineLength = lineEnd - next;
    const after = text.charCodeAt(lineEnd);
    const wholeLine = lineEnd === text.length || after === 10 || after === 13 || after === 61;
    if (lineLength === 0 || lineLength > width || !wholeLine) break;
    end = lineEnd;
  }
  for (let padding = 0; padding < 2 && text.charCodeAt(end) === 61; padding++) end++;
  return end;
}

/**
 * The runs of 16 or more base64 characters in `text` (hex and tokens are such runs too), a
 * block wrapped over lines as one run, with its padding. Most prompts have none.
 */
export function longRuns(options: { text: string }): { start: number; end: number }[] {
  const { text } = options;
  const runs: { start: number; end: number }[] = [];
  // A run of 16 or more holds a multiple of 16: look there only and widen to the run, so
  // a chat prompt costs a sixteenth of a pass plus its words around the samples.
  let floor = 0;
  for (let sample = minimumRun - 1; sample < text.length; sample += minimumRun) {
    if (!isBase64Code(text.charCodeAt(sample))) continue;
    let start = sample;
    while (start > floor && isBase64Code(text.charCodeAt(start - 1))) start--;
    let runEnd = sample + 1;
    while (runEnd < text.length && isBase64Code(text.charCodeAt(runEnd))) runEnd++;
    if (runEnd - start < minimumRun) continue;
    const end = base64RunEnd(text, start, runEnd);
    floor = end;
    while (sample + minimumRun < end) sample += minimumRun;
    runs.push({ start, end });
  }
  return runs;
}

/** Which runs to decode, for the joined text of several parts (only runs across a boundary). */
export interface RunFilter {
  accepts(span: { start: number; end: number }): boolean;
}

/**
 * The encoded runs in `text` that decode to text: the base64 and hex runs among `runs`
 * (from longRuns), then the percent-encoded runs. A filter skips runs before they are
 * decoded. (An array, not a callback: the proxy runs under tsx, whose keepNames makes every
 * closure created per call cost a defineProperty.)
 */
export function decodedRuns(options: { text: string; runs: readonly { start: number; end: number }[]; budget: DecodeBudget; filter?: RunFilter }): DecodedRun[] {
  const { text, runs, budget, filter } = options;
  const decodedRuns: DecodedRun[] = [];
  for (const { start, end } of runs) {
    if (budget.bytes <= 0) return decodedRuns;
    if (filter && !filter.accepts({ start, end })) continue;
    const run = text.slice(start, end);
    const hex = run.startsWith("0x") || run.startsWith("0X") ? run.slice(2) : run;
    // A hex run decodes as hex only: as base64 it would be a second, meaningless, reading.
    const decoded = hex.length >= minimumRun && hexOnly.test(hex) ? decodeHex(hex, budget) : decodeBase64(run, budget);
    if (decoded !== undefined) decodedRuns.push({ start, end, decoded });
  }
  if (!text.includes("%")) return decodedRuns;
  percentEscape.lastIndex = 0;
  let floor = 0;
  for (let m = percentEscape.exec(text); m && budget.bytes > 0; m = percentEscape.exec(text)) {
    // The run reaches back over the URI characters before its first escape ("sk%2Dproj...")
    // and on over escapes and URI characters; never back into the run before it.
    let start = m.index;
    while (start > floor && m.index - start < 2048 && isUriCode(text.charCodeAt(start - 1))) start--;
    let end = m.index;
    while (end < text.length && end - start < budget.bytes * 3) {
      if (isEscapeAt(text, end)) end += 3;
      else if (isUriCode(text.charCodeAt(end))) end++;
      else break;
    }
    percentEscape.lastIndex = end;
    floor = end;
    if (end - start < minimumRun / 2 || (filter && !filter.accepts({ start, end }))) continue;
    const decoded = decodePercent(text.slice(start, end), budget);
    if (decoded !== undefined) decodedRuns.push({ start, end, decoded });
  }
  return decodedRuns;
}
