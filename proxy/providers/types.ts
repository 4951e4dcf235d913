// The contract between the proxy core and the provider adapters: what a request
// carries (for identity, classification and the audit record) and what a response
// reports (for metering). Framework-free: web-standard types only.

/** Mirrors the ProviderKind enum in prisma/schema.prisma (a test keeps them equal). */
export type ProviderKind = "OPENAI_COMPATIBLE" | "ANTHROPIC" | "AZURE_OPENAI" | "GEMINI" | "GENERIC_INFERENCE";

/** One piece of content leaving the plant, in the shape the classifier takes. */
export interface ContentPart {
  kind: "text" | "image" | "file" | "binary";
  /** The text; for files with a textual media type (text/plain, JSON, ...) the decoded content. */
  text?: string;
  mediaType?: string;
  /** Decoded size of an image, file or binary payload. */
  bytes?: number;
}

/** A stable name for what the request asks the provider to do. */
export type Endpoint =
  | "chat.completions"
  | "responses"
  | "embeddings"
  | "messages"
  | "generateContent"
  | "streamGenerateContent"
  | "inference";

/** Where a JSON part sits: keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

/** How a part's string is stored in the body, so a replacement goes back in the same form. */
export type PartEncoding = "plain" | "base64" | "data-url";

export interface PartLocation {
  path: JsonPath;
  encoding: PartEncoding;
}

/** The request body as rewriteBody needs it; locations[i] belongs to parts[i]. */
export type RequestBody =
  | { format: "json"; raw: Uint8Array; json: unknown; locations: PartLocation[] }
  | { format: "text"; raw: Uint8Array }
  | { format: "binary"; raw: Uint8Array };

export interface ParsedRequest {
  endpoint: Endpoint;
  /** The model asked for: the body's `model`, Gemini's path model, Azure's deployment. */
  model: string | null;
  /** Whether the caller asked for a streamed response. */
  stream: boolean;
  /** All content in document order; replacements address parts by index. */
  parts: ContentPart[];
  body: RequestBody;
}

export interface ParseRequestOptions {
  method: string;
  /** The provider path after the destination slug, still percent-encoded, with a leading slash. */
  path: string;
  search: URLSearchParams;
  contentType: string | null;
  body: Uint8Array;
}

export interface RewriteBodyOptions {
  request: ParsedRequest;
  /** Part index -> new text. Only text parts and textual files can be replaced. */
  replacements: ReadonlyMap<number, string>;
}

export interface DeviceTokenOptions {
  headers: Headers;
  search: URLSearchParams;
}

export interface UpstreamRequestOptions {
  /** The destination's base URL, e.g. https://eu.api.openai.com/v1. */
  baseUrl: string;
  /** As in ParseRequestOptions. */
  path: string;
  search: URLSearchParams;
  /** The headers the device sent. */
  headers: Headers;
  /** The provider key the proxy holds; null for a destination without one. */
  apiKey: string | null;
  /** Headers passed besides the provider's own allow-list (PROXY_FORWARDED_HEADERS). */
  extraHeaders?: readonly string[];
}

export interface UpstreamRequest {
  url: string;
  headers: Headers;
}

export interface ResponseMeterOptions {
  endpoint: Endpoint;
  /** The upstream response's Content-Type; decides between SSE and JSON. */
  contentType: string | null;
}

/** What a response reported about itself; null where it said nothing (or could not be read). */
export interface MeteredResponse {
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason: string | null;
  responseId: string | null;
  /** The provider's error type or code, from an error body or an error event in a stream. */
  error: string | null;
}

/** Reads copies of the response bytes as they pass; never throws. */
export interface ResponseMeter {
  push(chunk: Uint8Array): void;
  finish(): MeteredResponse;
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  parseRequest(options: ParseRequestOptions): ParsedRequest;
  rewriteBody(options: RewriteBodyOptions): Uint8Array;
  deviceToken(options: DeviceTokenOptions): string | null;
  upstreamRequest(options: UpstreamRequestOptions): UpstreamRequest;
  responseMeter(options: ResponseMeterOptions): ResponseMeter;
}
