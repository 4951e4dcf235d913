// Google's Gemini API: /v1beta/models/{model}:generateContent and
// :streamGenerateContent (SSE with ?alt=sse, else a streamed JSON array).
import { commonProtocolKeys, type ContentRules } from "@/proxy/providers/content";
import { unsupportedEndpoint } from "@/proxy/providers/errors";
import { buildUpstreamRequest, decodePathSegment, findDeviceToken, type ForwardedFields } from "@/proxy/providers/forwarding";
import { chunkStreamReader, errorCode, meterFor, record, sumCounts, text, type SseReader } from "@/proxy/providers/meter";
import { jsonRequest, parseJsonObject, requireMethod, rewriteRequestBody } from "@/proxy/providers/request-body";
import type { Endpoint, MeteredResponse, ProviderAdapter } from "@/proxy/providers/types";

const rules: ContentRules = {
  protocolKeys: new Set([
    ...commonProtocolKeys,
    "thoughtSignature",
    "thought_signature",
    "category",
    "threshold",
    "responseMimeType",
    "response_mime_type",
    "responseModalities",
    "response_modalities",
    "mediaResolution",
    "media_resolution",
    "thinkingLevel",
    "thinking_level",
    "mode",
    "language",
    "outcome",
    "cachedContent",
    "cached_content",
  ]),
  // functionCall.args and functionResponse.response are the caller's objects.
  freeFormKeys: new Set(["args", "response"]),
  opaqueTypes: new Set(),
};

/** `.../models/{model}:{method}`, also tunedModels and Vertex AI's publisher paths. */
function route(path: string): { endpoint: Endpoint; model: string } {
  const segments = path.split("/");
  const call = /^([^:]+):(generateContent|streamGenerateContent)$/.exec(decodePathSegment(segments.at(-1) ?? ""));
  const collection = segments.at(-2);
  if (!call || (collection !== "models" && collection !== "tunedModels")) {
    throw unsupportedEndpoint({ path, destination: "a Gemini destination", forwards: ".../models/{model}:generateContent and :streamGenerateContent" });
  }
  const name = call[1]!;
  return { endpoint: call[2] as Endpoint, model: collection === "models" ? name : `tunedModels/${name}` };
}

// alt=sse asks for server-sent events from streamGenerateContent.
const forwards: ForwardedFields = { headers: [], query: ["alt"] };

export const geminiAdapter: ProviderAdapter = {
  kind: "GEMINI",
  parseRequest(request) {
    const { endpoint, model } = route(request.path);
    requireMethod({ method: request.method, allowed: "POST", endpoint });
    const json = parseJsonObject(request.body);
    return jsonRequest({ endpoint, model, stream: endpoint === "streamGenerateContent", raw: request.body, json, rules });
  },
  rewriteBody: rewriteRequestBody,
  deviceToken: (request) =>
    findDeviceToken({ ...request, places: { headers: ["x-goog-api-key", "authorization", "x-api-key", "api-key"], queryKey: true } }),
  // The key goes in a header, never in ?key=, so it stays out of URL logs.
  upstreamRequest: (request) => buildUpstreamRequest({ ...request, keyPlace: { header: "x-goog-api-key", prefix: "" }, forwards }),
  responseMeter: ({ contentType }) => meterFor({ contentType, sse: chunksReader, json: readResponse }),
};

/** A GenerateContentResponse, or (from a stream without alt=sse) an array of them. */
function readResponse(value: unknown): MeteredResponse {
  if (!Array.isArray(value)) return readChunk(value);
  const chunks = value.map(readChunk);
  const last = <K extends keyof MeteredResponse>(key: K) => chunks.findLast((chunk) => chunk[key] !== null)?.[key] ?? null;
  return {
    model: last("model"),
    inputTokens: last("inputTokens"),
    outputTokens: last("outputTokens"),
    finishReason: last("finishReason"),
    responseId: last("responseId"),
    error: last("error"),
  };
}

/** Tool-use prompts count as input, thinking as output, so input + output is Gemini's total. */
function readChunk(value: unknown): MeteredResponse {
  const chunk = record(value);
  const usage = record(chunk.usageMetadata);
  const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
  return {
    model: text(chunk.modelVersion),
    inputTokens: sumCounts([usage.promptTokenCount, usage.toolUsePromptTokenCount]),
    outputTokens: sumCounts([usage.candidatesTokenCount, usage.thoughtsTokenCount]),
    finishReason: candidates.map((candidate) => text(record(candidate).finishReason)).find((reason) => reason !== null) ?? null,
    responseId: text(chunk.responseId),
    error: errorCode(chunk),
  };
}

/** Every SSE chunk is a GenerateContentResponse; usage repeats as a running total. */
function chunksReader(): SseReader {
  return chunkStreamReader({ read: readChunk, usageKey: "usageMetadata", finishKey: "finishReason" });
}
