// Helpers for testing the provider adapters on what the official SDKs really sent and
// what the test upstream really answered.
import type { Endpoint, JsonPath, MeteredResponse, ParsedRequest, ProviderAdapter, UpstreamRequest } from "@/proxy/providers/types";
import type { UpstreamOutcome, UpstreamRequestRecord } from "@/proxy/testing/upstream";

/** Chunk sizes that split events, lines, JSON and multi-byte characters in every possible place. */
export const awkwardChunkSizes = [1, 2, 7, 64, Number.POSITIVE_INFINITY];

/** Meters the recorded response once per chunk size; every result should be the same. */
export function meterInChunks(options: { adapter: ProviderAdapter; endpoint: Endpoint; outcome: UpstreamOutcome }): MeteredResponse[] {
  const { body } = options.outcome;
  return awkwardChunkSizes.map((size) => {
    const meter = options.adapter.responseMeter({ endpoint: options.endpoint, contentType: options.outcome.contentType });
    for (let at = 0; at < body.byteLength; at += Math.min(size, body.byteLength)) {
      // A copy per chunk, as the proxy hands the meter copies.
      meter.push(body.slice(at, at + Math.min(size, body.byteLength)));
    }
    return meter.finish();
  });
}

/** Meters bytes written by hand (mid-stream errors, odd servers), byte by byte. */
export function meterText(options: { adapter: ProviderAdapter; endpoint: Endpoint; contentType: string; text: string }): MeteredResponse {
  const meter = options.adapter.responseMeter({ endpoint: options.endpoint, contentType: options.contentType });
  for (const byte of new TextEncoder().encode(options.text)) meter.push(Uint8Array.of(byte));
  return meter.finish();
}

export function parseRecorded(options: { adapter: ProviderAdapter; request: UpstreamRequestRecord }): ParsedRequest {
  const { request } = options;
  return options.adapter.parseRequest({
    method: request.method,
    path: request.path,
    search: request.search,
    contentType: request.headers.get("content-type"),
    body: request.body,
  });
}

export function forwardRecorded(options: { adapter: ProviderAdapter; request: UpstreamRequestRecord; apiKey: string | null; baseUrl?: string }): UpstreamRequest {
  const { request } = options;
  return options.adapter.upstreamRequest({
    baseUrl: options.baseUrl ?? "https://provider.example",
    path: request.path,
    search: request.search,
    headers: request.headers,
    apiKey: options.apiKey,
  });
}

/** Every place of an upstream request that still holds `secret`: header names, or "url". */
export function placesHolding(options: { upstream: UpstreamRequest; secret: string }): string[] {
  const places = [...options.upstream.headers].filter(([, value]) => value.includes(options.secret)).map(([name]) => name);
  return options.upstream.url.includes(options.secret) ? [...places, "url"] : places;
}

export function jsonOf(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** A deep copy of `json` with the values at the given paths changed: what a rewrite should produce. */
export function withChanges(options: { json: unknown; changes: [JsonPath, unknown][] }): unknown {
  const copy = structuredClone(options.json);
  for (const [path, value] of options.changes) {
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy);
    (parent as Record<string | number, unknown>)[path.at(-1)!] = value;
  }
  return copy;
}

export function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** A 1x1 PNG, as a camera station would send a (much larger) frame. */
export const pixelPng =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
export const pixelPngBytes = Buffer.from(pixelPng, "base64").byteLength;
