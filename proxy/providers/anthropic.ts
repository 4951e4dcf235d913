// Anthropic's Messages API.
import { commonProtocolKeys, type ContentRules } from "@/proxy/providers/content";
import { unsupportedEndpoint } from "@/proxy/providers/errors";
import { buildUpstreamRequest, findDeviceToken, type ForwardedFields } from "@/proxy/providers/forwarding";
import { count, errorCode, eventName, meterFor, parseJson, record, sumCounts, text, type SseReader } from "@/proxy/providers/meter";
import { jsonRequest, parseJsonObject, requireMethod, rewriteRequestBody } from "@/proxy/providers/request-body";
import type { MeteredResponse, ProviderAdapter } from "@/proxy/providers/types";

const rules: ContentRules = {
  protocolKeys: new Set([...commonProtocolKeys, "tool_use_id", "speed", "inference_geo", "container", "workspace_id", "user_profile_id"]),
  // tool_use.input is the model's (or caller's) arguments object: all of it is content.
  freeFormKeys: new Set(["input"]),
  // Encrypted, safety-redacted reasoning that must go back unchanged.
  opaqueTypes: new Set(["redacted_thinking"]),
};

// The SDK's beta methods call /v1/messages?beta=true.
const forwards: ForwardedFields = { headers: ["anthropic-version", "anthropic-beta"], query: ["beta"] };

export const anthropicAdapter: ProviderAdapter = {
  kind: "ANTHROPIC",
  parseRequest(request) {
    if (!request.path.endsWith("/messages")) {
      throw unsupportedEndpoint({ path: request.path, destination: "an Anthropic destination", forwards: ".../v1/messages" });
    }
    requireMethod({ method: request.method, allowed: "POST", endpoint: "messages" });
    const json = parseJsonObject(request.body);
    return jsonRequest({ endpoint: "messages", model: text(json.model), stream: json.stream === true, raw: request.body, json, rules });
  },
  rewriteBody: rewriteRequestBody,
  // SDK 1.x sends its key as `Authorization: Bearer`; older SDKs and curl examples use x-api-key.
  deviceToken: (request) =>
    findDeviceToken({ ...request, places: { headers: ["x-api-key", "authorization", "api-key", "x-goog-api-key"], queryKey: false } }),
  upstreamRequest: (request) => buildUpstreamRequest({ ...request, keyPlace: { header: "x-api-key", prefix: "" }, forwards }),
  responseMeter: ({ contentType }) => meterFor({ contentType, sse: messagesReader, json: readMessage }),
};

interface Usage {
  input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  output_tokens?: unknown;
}

/** Cached prompt tokens are not in input_tokens; they were still sent, so they count as input. */
function inputTokens(usage: Usage): number | null {
  return sumCounts([usage.input_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens]);
}

function readMessage(value: unknown): MeteredResponse {
  const message = record(value);
  const usage: Usage = record(message.usage);
  return {
    model: text(message.model),
    inputTokens: inputTokens(usage),
    outputTokens: count(usage.output_tokens),
    finishReason: text(message.stop_reason),
    responseId: text(message.id),
    error: errorCode(message),
  };
}

/**
 * message_start carries id, model and the input usage; message_delta the stop
 * reason and usage counters that overwrite earlier ones when present (they are
 * whole-message totals); error a mid-stream failure. Content deltas are not parsed.
 */
function messagesReader(): SseReader {
  let started: MeteredResponse | null = null;
  const usage: Usage = {};
  let finishReason: string | null = null;
  let error: string | null = null;
  const takeUsage = (value: unknown) => {
    for (const [key, counter] of Object.entries(record(value))) {
      if (count(counter) !== null) usage[key as keyof Usage] = counter;
    }
  };
  return {
    event(sse) {
      const { data } = sse;
      const type = eventName(sse);
      if (type === "message_start") {
        const message = record(record(parseJson(data)).message);
        started = readMessage(message);
        takeUsage(message.usage);
      } else if (type === "message_delta") {
        const delta = record(parseJson(data));
        finishReason = text(record(delta.delta).stop_reason) ?? finishReason;
        takeUsage(delta.usage);
      } else if (type === "error") {
        error ??= errorCode(parseJson(data));
      }
    },
    result() {
      return {
        model: started?.model ?? null,
        inputTokens: inputTokens(usage),
        outputTokens: count(usage.output_tokens),
        finishReason,
        responseId: started?.responseId ?? null,
        error,
      };
    },
  };
}
