// Request-body handling every adapter shares: strict JSON decoding, turning a JSON
// body into a ParsedRequest, and putting replacements back.
import { collectJsonParts, replaceJsonParts, assertReplaceable, type ContentRules } from "@/proxy/providers/content";
import { ProviderRequestError } from "@/proxy/providers/errors";
import type { Endpoint, ParsedRequest, RewriteBodyOptions } from "@/proxy/providers/types";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Decodes a JSON object body; invalid UTF-8 counts as malformed, so rewriting cannot alter bytes it misread. */
export function parseJsonObject(body: Uint8Array): Record<string, unknown> {
  const value = parseJsonValue(body);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ProviderRequestError({ code: "invalid_body", message: "The request body must be a JSON object." });
  }
  return value as Record<string, unknown>;
}

export function parseJsonValue(body: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = strictUtf8.decode(body);
    value = JSON.parse(text);
  } catch {
    throw new ProviderRequestError({ code: "malformed_json", message: "The request body is not valid JSON." });
  }
  const repeated = repeatedMemberName(text);
  if (repeated !== null) {
    throw new ProviderRequestError({ code: "malformed_json", message: `The request body names the member ${JSON.stringify(repeated)} twice in one object; send each name once.` });
  }
  return value;
}

/**
 * The first member name that an object of `text` (valid JSON) repeats, or null. JSON.parse
 * keeps the last of two equal names and other parsers may keep the first, so a body with a
 * repeated name could be classified as one thing and read by the provider as another; the
 * proxy forwards the bytes it received, so it refuses such bodies (as I-JSON, RFC 7493, does).
 */
export function repeatedMemberName(text: string): string | null {
  // One entry per open container: the names seen so far in an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 0x22: {
        // A string: find its closing quote (one not escaped by an odd run of backslashes).
        let end = text.indexOf('"', i + 1);
        for (;;) {
          let backslashes = 0;
          while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
          if (backslashes % 2 === 0) break;
          end = text.indexOf('"', end + 1);
        }
        if (expectName) {
          const raw = text.slice(i + 1, end);
          // Escapes are compared decoded: "a" and "\u0061" are the same name.
          const name = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
          const names = open[open.length - 1]!;
          if (names.has(name)) return name;
          names.add(name);
          expectName = false;
        }
        i = end;
        break;
      }
      case 0x7b: // {
        open.push(new Set());
        expectName = true;
        break;
      case 0x5b: // [
        open.push(null);
        expectName = false;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        open.pop();
        expectName = false;
        break;
      case 0x2c: // ,
        expectName = open.at(-1) instanceof Set;
        break;
    }
  }
  return null;
}

export function requireMethod(options: { method: string; allowed: string; endpoint: Endpoint }): void {
  if (options.method.toUpperCase() !== options.allowed) {
    throw new ProviderRequestError({ code: "method_not_allowed", message: `${options.endpoint} takes ${options.allowed} requests.` });
  }
}

export function jsonRequest(options: {
  endpoint: Endpoint;
  model: string | null;
  stream: boolean;
  raw: Uint8Array;
  json: unknown;
  rules: ContentRules;
}): ParsedRequest {
  const { parts, locations } = collectJsonParts({ json: options.json, rules: options.rules });
  return {
    endpoint: options.endpoint,
    model: options.model,
    stream: options.stream,
    parts,
    body: { format: "json", raw: options.raw, json: options.json, locations },
  };
}

export function rewriteRequestBody(options: RewriteBodyOptions): Uint8Array {
  const { request, replacements } = options;
  const { body } = request;
  if (replacements.size === 0) return body.raw;
  if (body.format === "json") {
    const json = replaceJsonParts({ json: body.json, parts: request.parts, locations: body.locations, replacements });
    return encoder.encode(JSON.stringify(json));
  }
  for (const index of replacements.keys()) {
    const part = request.parts[index];
    if (!part) throw new RangeError(`There is no content part ${index}.`);
    assertReplaceable({ part, index });
  }
  // A text body is a single part.
  return encoder.encode(replacements.get(0)!);
}
