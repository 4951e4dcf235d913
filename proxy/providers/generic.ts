// Generic inference APIs (an on-premises vision model, a forecasting service): any
// path and method, JSON, text or binary bodies (a camera station's image/jpeg).
import { decodeText, sniffMediaType } from "@/proxy/providers/content";
import { buildUpstreamRequest, findDeviceToken } from "@/proxy/providers/forwarding";
import { meterFor, record, text } from "@/proxy/providers/meter";
import { chatCompletionsReader, readOpenAiResponse } from "@/proxy/providers/openai";
import { jsonRequest, parseJsonValue, rewriteRequestBody } from "@/proxy/providers/request-body";
import type { ContentPart, ParsedRequest, ProviderAdapter } from "@/proxy/providers/types";

// Nothing is known about the schema, so every string is content.
const rules = { protocolKeys: new Set<string>(), freeFormKeys: new Set<string>(), opaqueTypes: new Set<string>() };

function parseRequest(options: { contentType: string | null; body: Uint8Array }): ParsedRequest {
  const { body: raw } = options;
  const declared = options.contentType?.split(";")[0]!.trim().toLowerCase() || null;
  if (declared?.includes("json")) {
    const json = parseJsonValue(raw);
    const fields = record(json);
    return jsonRequest({ endpoint: "inference", model: text(fields.model), stream: fields.stream === true, raw, json, rules });
  }
  const request = (parts: ContentPart[], body: ParsedRequest["body"]): ParsedRequest => ({ endpoint: "inference", model: null, stream: false, parts, body });
  if (raw.byteLength === 0) return request([], { format: "binary", raw });
  // The bytes, not the label, decide: text sent as image/jpeg is classified as text.
  const signature = sniffMediaType(raw);
  const bodyText = signature === null ? decodeText({ bytes: raw }) : null;
  if (bodyText !== null) return request([{ kind: "text", text: bodyText, mediaType: declared ?? "text/plain" }], { format: "text", raw });
  const mediaType = signature ?? declared;
  const kind = mediaType?.startsWith("image/") ? "image" : "binary";
  return request([{ kind, bytes: raw.byteLength, ...(mediaType ? { mediaType } : {}) }], { format: "binary", raw });
}

export const genericInferenceAdapter: ProviderAdapter = {
  kind: "GENERIC_INFERENCE",
  parseRequest,
  rewriteBody: rewriteRequestBody,
  deviceToken: (request) =>
    findDeviceToken({ ...request, places: { headers: ["authorization", "x-api-key", "api-key", "x-goog-api-key"], queryKey: false } }),
  upstreamRequest: (request) => buildUpstreamRequest({ ...request, keyPlace: { header: "authorization", prefix: "Bearer " }, forwards: { headers: [], query: [] } }),
  // Inference servers that report usage mostly do it the OpenAI way.
  responseMeter: ({ contentType }) =>
    meterFor({
      contentType,
      sse: chatCompletionsReader,
      json: (value) => ({ ...readOpenAiResponse(value), model: text(record(value).model) ?? text(record(value).model_name) }),
    }),
};
