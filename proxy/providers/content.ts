// Finds every piece of content in a JSON request body and puts redacted text back.
//
// Rather than listing where each provider keeps content (and missing the field the
// next API version adds), the walk collects every string and leaves out only values
// known to be protocol: enums, ids, opaque blobs. A field nobody has heard of is
// therefore classified, not waved through. Binary payloads are recognised by shape
// (data URLs, `{media_type|mimeType, data}` objects, base64 with a known file
// signature) and reported with their media type and size instead of their text.
import { ProviderRequestError } from "@/proxy/providers/errors";
import type { ContentPart, JsonPath, PartEncoding, PartLocation } from "@/proxy/providers/types";

/** Real requests nest a few dozen levels (JSON schemas included); deeper ones are refused. */
export const maxJsonDepth = 128;

export interface ContentRules {
  /** Keys whose string (or string array) values are protocol, not content. */
  protocolKeys: ReadonlySet<string>;
  /** Keys whose value is free-form data (tool arguments, metadata): every string in it is content. */
  freeFormKeys: ReadonlySet<string>;
  /** Object `type`s whose whole object is opaque to the classifier (encrypted reasoning). */
  opaqueTypes: ReadonlySet<string>;
}

/** Protocol keys every provider shares. */
export const commonProtocolKeys = [
  "model",
  "role",
  "type",
  "id",
  "object",
  "status",
  "detail",
  "format",
  "media_type",
  "mime_type",
  "mimeType",
  "encoding_format",
  "tool_call_id",
  "call_id",
  "file_id",
  "signature",
  "encrypted_content",
  "tool_choice",
  "service_tier",
  "include",
  "modalities",
  "ttl",
] as const;

export interface CollectedParts {
  parts: ContentPart[];
  locations: PartLocation[];
}

/** A value's place: its last step and its parent's place (paths are built only for parts). */
interface Place {
  up: Place | null;
  step: string | number;
  depth: number;
}

interface Frame {
  value: unknown;
  place: Place | null;
  /** The nearest object key above this value: array elements inherit their array's key. */
  key: string | null;
  freeForm: boolean;
  /** A payload part already recognised from its parent object, waiting for its turn. */
  collected?: { part: ContentPart; encoding: PartEncoding };
}

function pathOf(place: Place | null): JsonPath {
  const path: (string | number)[] = new Array(place?.depth ?? 0);
  for (let at = place; at !== null; at = at.up) path[at.depth - 1] = at.step;
  return path;
}

export function collectJsonParts(options: { json: unknown; rules: ContentRules }): CollectedParts {
  const { rules } = options;
  const parts: ContentPart[] = [];
  const locations: PartLocation[] = [];
  const add = (part: ContentPart, place: Place | null, encoding: PartEncoding) => {
    parts.push(part);
    locations.push({ path: pathOf(place), encoding });
  };
  // An explicit stack (children pushed in reverse) keeps document order and survives
  // bodies nested deeper than the call stack.
  const stack: Frame[] = [{ value: options.json, place: null, key: null, freeForm: false }];
  while (stack.length > 0) {
    const { value, place, key, freeForm, collected } = stack.pop()!;
    if (collected) {
      add(collected.part, place, collected.encoding);
    } else if (typeof value === "string") {
      if (freeForm || key === null || !rules.protocolKeys.has(key)) {
        const { part, encoding } = stringPart(value);
        add(part, place, encoding);
      }
    } else if ((place?.depth ?? 0) >= maxJsonDepth) {
      if (value !== null && typeof value === "object") {
        throw new ProviderRequestError({ code: "invalid_body", message: `The body nests deeper than ${maxJsonDepth} levels.` });
      }
    } else if (Array.isArray(value)) {
      const depth = (place?.depth ?? 0) + 1;
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({ value: value[index], place: { up: place, step: index, depth }, key, freeForm });
      }
    } else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (!freeForm && typeof record.type === "string" && rules.opaqueTypes.has(record.type)) continue;
      const payloadType = payloadMediaType(record, key);
      const depth = (place?.depth ?? 0) + 1;
      const keys = Object.keys(record);
      for (let index = keys.length - 1; index >= 0; index--) {
        const childKey = keys[index]!;
        const child = record[childKey];
        const childPlace: Place = { up: place, step: childKey, depth };
        if (payloadType !== null && childKey === "data" && typeof child === "string") {
          // Pushed as a finished part so it keeps its place in document order.
          stack.push({ value: child, place: childPlace, key: childKey, freeForm, collected: payloadPart(child, payloadType) });
          continue;
        }
        stack.push({ value: child, place: childPlace, key: childKey, freeForm: freeForm || rules.freeFormKeys.has(childKey) });
      }
    }
  }
  return { parts, locations };
}

/**
 * The media type of an object that carries a base64 `data` payload: Anthropic's
 * `{type: "base64", media_type, data}`, Gemini's `inlineData: {mimeType, data}`,
 * OpenAI's `input_audio: {data, format}`. Anthropic's plain-text document source
 * (`type: "text"`) carries its text in `data` and is no payload.
 */
function payloadMediaType(record: Record<string, unknown>, key: string | null): string | null {
  if (typeof record.data !== "string" || record.type === "text") return null;
  const mediaType = record.media_type ?? record.mimeType ?? record.mime_type;
  if (typeof mediaType === "string") return mediaType;
  if (key === "input_audio" && typeof record.format === "string") return `audio/${record.format}`;
  return null;
}

function stringPart(value: string): { part: ContentPart; encoding: PartEncoding } {
  const dataUrl = value.startsWith("data:") ? parseDataUrl(value) : null;
  if (dataUrl) return { part: binaryPart(dataUrl.payload, dataUrl.mediaType), encoding: "data-url" };
  const sniffed = sniffBase64(value);
  if (sniffed) return { part: binaryPart(value, sniffed), encoding: "base64" };
  return { part: { kind: "text", text: value }, encoding: "plain" };
}

/** A payload that is not base64 is classified as the text it is: the provider would refuse it, but only after receiving it. */
function payloadPart(data: string, mediaType: string): { part: ContentPart; encoding: PartEncoding } {
  if (data.startsWith("data:")) return stringPart(data);
  if (!base64Payload.test(data)) return { part: { kind: "text", text: data }, encoding: "plain" };
  return { part: binaryPart(data, mediaType), encoding: "base64" };
}

/**
 * A base64 payload as an image or file part. Textual media types are decoded for the
 * classifier; so is a payload whose bytes are text whatever its label says (text
 * sent as "image/png" would otherwise pass unread). Real images and documents show a
 * signature or invalid UTF-8 within their first bytes, so only those are decoded.
 */
function binaryPart(base64: string, mediaType: string): ContentPart {
  const unread = (bytes: number): ContentPart => ({ kind: mediaType.startsWith("image/") ? "image" : "file", mediaType, bytes });
  if (isTextual(mediaType)) {
    const decoded = Buffer.from(base64, "base64");
    return { kind: "file", mediaType, bytes: decoded.byteLength, text: decoded.toString("utf8") };
  }
  const head = Buffer.from(base64.slice(0, 4096), "base64");
  if (sniffMediaType(head) !== null || strictText({ bytes: head, partial: base64.length > 4096 }) === null) return unread(base64Bytes(base64));
  const decoded = Buffer.from(base64, "base64");
  const text = decodeText({ bytes: decoded });
  return text === null ? unread(decoded.byteLength) : { kind: "file", mediaType, bytes: decoded.byteLength, text };
}

const controlCharacters = /[\u0000-\u0008\u000e-\u001f]/;

/** UTF-8 without control characters, or null: binary formats fail at their first bytes. */
export function decodeText(options: { bytes: Uint8Array }): string | null {
  return strictText({ bytes: options.bytes, partial: false });
}

/** `partial`: the bytes are a prefix, so a character cut at the end is fine. */
function strictText(options: { bytes: Uint8Array; partial: boolean }): string | null {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(options.bytes, { stream: options.partial });
    return controlCharacters.test(text) ? null : text;
  } catch {
    return null;
  }
}

/** `data:[<media type>][;param]*;base64,<payload>`; other data URLs (and broken ones) are text. */
function parseDataUrl(value: string): { mediaType: string; payload: string } | null {
  const comma = value.indexOf(",");
  if (comma < 0) return null;
  const header = value.slice("data:".length, comma).split(";");
  const payload = value.slice(comma + 1);
  if (header.at(-1)?.toLowerCase() !== "base64" || !base64Payload.test(payload)) return null;
  return { mediaType: (header[0] || "text/plain").toLowerCase(), payload };
}

/** Standard or URL-safe base64, as the providers accept it. */
const base64Payload = /^[A-Za-z0-9+/_-]*={0,2}$/;

const textualMediaType = /^(text\/|application\/(json|xml|yaml|x-yaml|csv|x-ndjson|javascript)\b)|\+(json|xml)\b/i;

function isTextual(mediaType: string): boolean {
  return textualMediaType.test(mediaType);
}

function base64Bytes(base64: string): number {
  let length = base64.length;
  while (length > 0 && base64[length - 1] === "=") length--;
  return Math.floor((length * 3) / 4);
}

const base64Alphabet = /^[A-Za-z0-9+/]+={0,2}$/;
const base64Start = /^[A-Za-z0-9+/]{24}/;

/** File signatures that mark a bare base64 string as a file rather than text. */
const signatures: { mediaType: string; bytes: number[]; offset?: number }[] = [
  { mediaType: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { mediaType: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mediaType: "image/gif", bytes: [0x47, 0x49, 0x46, 0x38] },
  { mediaType: "image/webp", bytes: [0x57, 0x45, 0x42, 0x50], offset: 8 },
  { mediaType: "image/tiff", bytes: [0x49, 0x49, 0x2a, 0x00] },
  { mediaType: "image/tiff", bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { mediaType: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

/** The media type a file signature names, for bodies and payloads that do not say. */
export function sniffMediaType(head: Uint8Array): string | null {
  return signatures.find(({ bytes, offset = 0 }) => bytes.every((byte, i) => head[offset + i] === byte))?.mediaType ?? null;
}

function sniffBase64(value: string): string | null {
  // Short strings are text; the signature check runs before the full-length scan, and only
  // on strings that start as base64 does (prose has a space or punctuation within 24 characters).
  if (value.length < 64 || !base64Start.test(value)) return null;
  const mediaType = sniffMediaType(Buffer.from(value.slice(0, 24), "base64"));
  return mediaType && base64Alphabet.test(value) ? mediaType : null;
}

/**
 * Returns a copy of `json` with the replaced strings, re-encoded the way they were
 * stored. Containers on the way to a replacement are copied; everything else is shared.
 */
export function replaceJsonParts(options: {
  json: unknown;
  parts: readonly ContentPart[];
  locations: readonly PartLocation[];
  replacements: ReadonlyMap<number, string>;
}): unknown {
  const copies = new Set<object>();
  const copy = (container: object): object => {
    const fresh = Array.isArray(container) ? container.slice() : { ...container };
    copies.add(fresh);
    return fresh;
  };
  const root = { value: options.json };
  copies.add(root);
  for (const [index, text] of options.replacements) {
    const part = options.parts[index];
    const location = options.locations[index];
    if (!part || !location) throw new RangeError(`There is no content part ${index}.`);
    assertReplaceable({ part, index });
    const path: (string | number)[] = ["value", ...location.path];
    let container = root as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      let child = container[key] as object;
      if (!copies.has(child)) {
        child = copy(child);
        container[key] = child;
      }
      container = child as Record<string | number, unknown>;
    }
    const last = path.at(-1)!;
    container[last] = encodeReplacement(container[last] as string, text, location.encoding);
  }
  return root.value;
}

export function assertReplaceable(options: { part: ContentPart; index: number }): void {
  const { part, index } = options;
  if (part.kind === "text" || (part.kind === "file" && part.text !== undefined)) return;
  throw new TypeError(`Content part ${index} is ${part.kind === "image" ? "an image" : `a ${part.kind}`} without text; it cannot be replaced by text.`);
}

function encodeReplacement(original: string, text: string, encoding: PartEncoding): string {
  if (encoding === "plain") return text;
  const base64 = Buffer.from(text, "utf8").toString("base64");
  return encoding === "base64" ? base64 : `${original.slice(0, original.indexOf(",") + 1)}${base64}`;
}
