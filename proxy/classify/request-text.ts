// Where the secrets of a request are, however they are written: in each part as it stands
// and folded (normalize.ts), inside encoded runs (decode.ts), as one of the proxy's own
// known secrets (known-secrets.ts), and across parts: the text of all parts joined without
// a separator finds a key split over two content parts or two messages.
//
// The joined text contributes only what the parts alone miss: findings that cross a part
// boundary, and credentials just after one whose key ended the part before ("Passwort=" |
// "Werk#2024!x"; "the password is" | "Werk#2024!x" is read with a space between). Everything else comes from the parts one by one, where a token at the
// start of a part is not glued to the last word of the part before it. A finding that
// crosses a boundary is one secret: it comes back as one piece per part, sharing a group,
// so redaction covers every piece and the label is counted once. Overlapping findings from
// all these readings are merged, so one secret found several ways counts once.
//
// Only the secret detection reads the request this way; the other labels are found in
// each part as written.
import { decodedRuns, longRuns, type DecodeBudget, type RunFilter } from "@/proxy/classify/decode";
import { findSecrets } from "@/proxy/classify/detectors/secret";
import type { SpanSink } from "@/proxy/classify/detectors/sink";
import { findKnownSecrets, type KnownSecrets } from "@/proxy/classify/known-secrets";
import { matchingText, originalSpan, type MatchingText } from "@/proxy/classify/normalize";
import type { ContentPart } from "@/proxy/classify/types";

/** Decoded bytes per part (and for the joined text): enough for any pasted key, bounded for a pasted archive. */
const decodeBudgetBytes = 64 * 1024;
/** base64 of hex of a key is found; a third level of encoding is not looked into. */
const maximumDecodeDepth = 2;
/**
 * How far after the start of a part a credential may begin and still owe its cue to the
 * part before: a key ("Passwort=") directly, "the password ... is" within 40 characters,
 * an AWS secret key within 160 of its key id.
 */
const cueReach = 160;

interface Span {
  start: number;
  end: number;
}

/** A secret's span in one part, in original offsets; pieces of one secret across parts share a group. */
export interface SecretPiece extends Span {
  part: number;
  group?: number;
}

/** Collects what the built-in detector claims in one text, so it does not read one value twice. */
class SpanCollector implements SpanSink {
  readonly spans: Span[] = [];
  private claimed: Uint8Array | undefined;

  constructor(private readonly length: number) {}

  claim(options: { start: number; end: number }): boolean {
    const { start, end } = options;
    if (end <= start || this.isClaimed({ start, end })) return false;
    this.claimed ??= new Uint8Array(this.length);
    this.claimed.fill(1, start, end);
    this.spans.push({ start, end });
    return true;
  }

  isClaimed(options: { start: number; end: number }): boolean {
    if (!this.claimed) return false;
    for (let i = options.start; i < options.end; i++) if (this.claimed[i]) return true;
    return false;
  }
}

/**
 * Spans of `text` that hold a secret, as written, as a known secret, or encoded (to the
 * encoded span). In the joined text (`boundaries` given) only what the parts alone cannot
 * have found: a known secret or an encoded run across a boundary, and a credential across
 * one or just after one ("Passwort=" | "Werk#2024!x").
 */
function secretSpans(options: { text: string; knownSecrets: KnownSecrets; budget: DecodeBudget; depth: number; boundaries?: PartBoundaries }): Span[] {
  const { text, knownSecrets, budget, depth, boundaries } = options;
  const collector = new SpanCollector(text.length);
  findSecrets({ text, sink: collector, joined: boundaries !== undefined });
  const spans = boundaries ? collector.spans.filter((span) => boundaries.crosses(span) || boundaries.follows(span)) : collector.spans;
  const runs = longRuns({ text });
  for (const span of findKnownSecrets({ text, runs, knownSecrets })) if (!boundaries || boundaries.crosses(span)) spans.push(span);
  if (depth < maximumDecodeDepth) {
    for (const { start, end, decoded } of decodedRuns({ text, runs, budget, filter: boundaries })) {
      const inner = matchingText({ text: decoded }).text;
      if (secretSpans({ text: inner, knownSecrets, budget, depth: depth + 1 }).length > 0) spans.push({ start, end });
    }
  }
  return spans;
}

interface PartText {
  part: number;
  matching: MatchingText;
  /** Offset of the part's original text in all original texts laid end to end. */
  base: number;
  length: number;
  /** Offset of the part's folded text in the joined text. */
  joinedStart: number;
}

/** Index of the last text whose `key` is at or before `offset` (0 when none is). */
function textAt(texts: PartText[], key: "base" | "joinedStart", offset: number): number {
  let low = 0;
  let high = texts.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((texts[middle] as PartText)[key] <= offset) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * The part boundaries in the joined text: tells which of its findings the parts alone may
 * have missed. A boundary is where a part's folded text starts.
 */
class PartBoundaries implements RunFilter {
  constructor(private readonly texts: PartText[]) {}

  /** As a RunFilter: in the joined text only runs across a boundary are decoded. */
  accepts(span: Span): boolean {
    return this.crosses(span);
  }

  /** The span runs over the end of the part holding its start into the next. */
  crosses(span: Span): boolean {
    const t = this.texts[textAt(this.texts, "joinedStart", span.start)] as PartText;
    return t.joinedStart + t.matching.text.length < span.end;
  }

  /** The span starts shortly after a part begins, where a key or cue at the end of the part before may have made it a secret. */
  follows(span: Span): boolean {
    const holding = textAt(this.texts, "joinedStart", span.start);
    return holding > 0 && span.start - (this.texts[holding] as PartText).joinedStart <= cueReach;
  }
}

/** The global span [start, end) of a span of the joined text, from its first piece to its last. */
function globalSpanOfJoined(texts: PartText[], span: Span): Span | undefined {
  let start: number | undefined;
  let end = 0;
  for (let i = textAt(texts, "joinedStart", span.start); i < texts.length; i++) {
    const t = texts[i] as PartText;
    if (t.joinedStart >= span.end) break;
    const joinedEnd = t.joinedStart + t.matching.text.length;
    if (joinedEnd <= span.start) continue;
    const local = originalSpan({
      matching: t.matching,
      start: Math.max(span.start, t.joinedStart) - t.joinedStart,
      end: Math.min(span.end, joinedEnd) - t.joinedStart,
    });
    start ??= t.base + local.start;
    end = t.base + local.end;
  }
  return start === undefined ? undefined : { start, end };
}

/** Overlapping spans become one. */
function merged(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

// Cues whose value follows after whitespace: joined without a separator, "the password is" |
// "Werk#2024!x" reads "isWerk#2024!x" and "Bearer" | "eyJ..." reads "BearereyJ...".
const spacedCue = /passw|kennwort|senha|palavra-passe|bearer|basic/i;
/** The end of a part a cue is looked for in ("the password for the HMI is" fits). */
const cueTail = 64;

/**
 * Credentials whose cue ends one part and whose value starts the next, read with a space
 * between them. Only boundaries with a cue word just before them are read again, so
 * ordinary conversations do not pay a second pass.
 */
function valuesAfterSpacedCues(texts: PartText[]): Span[] {
  const found: Span[] = [];
  for (let i = 1; i < texts.length; i++) {
    const before = (texts[i - 1] as PartText).matching.text;
    const tail = before.slice(Math.max(0, before.length - cueTail));
    if (!spacedCue.test(tail)) continue;
    const next = texts[i] as PartText;
    const head = next.matching.text.slice(0, cueReach + 256);
    const window = `${tail} ${head}`;
    const collector = new SpanCollector(window.length);
    findSecrets({ text: window, sink: collector, joined: true });
    for (const span of collector.spans) {
      if (span.start <= tail.length) continue;
      const local = originalSpan({ matching: next.matching, start: span.start - tail.length - 1, end: span.end - tail.length - 1 });
      found.push({ start: next.base + local.start, end: next.base + local.end });
    }
  }
  return found;
}

/** Every secret in the request, as pieces per part in original offsets, sorted by part and start. */
export function findRequestSecrets(options: { parts: readonly ContentPart[]; knownSecrets: KnownSecrets }): SecretPiece[] {
  const { parts, knownSecrets } = options;
  const texts: PartText[] = [];
  const found: Span[] = [];
  let base = 0;
  let joinedLength = 0;
  parts.forEach((part, index) => {
    if (!part.text) return;
    const matching = matchingText({ text: part.text });
    texts.push({ part: index, matching, base, length: part.text.length, joinedStart: joinedLength });
    for (const span of secretSpans({ text: matching.text, knownSecrets, budget: { bytes: decodeBudgetBytes }, depth: 0 })) {
      const local = originalSpan({ matching, ...span });
      found.push({ start: base + local.start, end: base + local.end });
    }
    base += part.text.length;
    joinedLength += matching.text.length;
  });
  if (texts.length > 1) {
    const boundaries = new PartBoundaries(texts);
    const joined = texts.map((t) => t.matching.text).join("");
    for (const span of secretSpans({ text: joined, knownSecrets, budget: { bytes: decodeBudgetBytes }, depth: 0, boundaries })) {
      const global = globalSpanOfJoined(texts, span);
      if (global) found.push(global);
    }
    found.push(...valuesAfterSpacedCues(texts));
  }
  if (found.length === 0) return [];

  const pieces: SecretPiece[] = [];
  let group = 0;
  for (const span of merged(found)) {
    const first = textAt(texts, "base", span.start);
    let last = first;
    while (last + 1 < texts.length && (texts[last + 1] as PartText).base < span.end) last++;
    for (let i = first; i <= last; i++) {
      const t = texts[i] as PartText;
      const start = Math.max(span.start, t.base) - t.base;
      const end = Math.min(span.end, t.base + t.length) - t.base;
      if (end > start) pieces.push(last > first ? { part: t.part, start, end, group } : { part: t.part, start, end });
    }
    if (last > first) group++;
  }
  return pieces;
}
