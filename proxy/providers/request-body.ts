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
  try {
    return JSON.parse(strictUtf8.decode(body));
  } catch {
    throw new ProviderRequestError({ code: "malformed_json", message: "The request body is not valid JSON." });
  }
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
