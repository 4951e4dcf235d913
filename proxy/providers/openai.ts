// OpenAI-compatible APIs (chat completions, responses, embeddings) and Azure OpenAI,
// which speaks the same bodies on its own paths and takes its key in `api-key`.
import { commonProtocolKeys, type ContentRules } from "@/proxy/providers/content";
import { unsupportedEndpoint } from "@/proxy/providers/errors";
import { buildUpstreamRequest, decodePathSegment, findDeviceToken, type CredentialPlaces, type ForwardedFields, type ProviderKeyPlace } from "@/proxy/providers/forwarding";
import {
  chunkStreamReader,
  count,
  errorCode,
  eventName,
  meterFor,
  parseJson,
  record,
  text,
  unknownResponse,
  type SseReader,
} from "@/proxy/providers/meter";
import { jsonRequest, parseJsonObject, requireMethod, rewriteRequestBody } from "@/proxy/providers/request-body";
import type { Endpoint, MeteredResponse, ParseRequestOptions, ParsedRequest, ProviderAdapter } from "@/proxy/providers/types";

const rules: ContentRules = {
  protocolKeys: new Set([
    ...commonProtocolKeys,
    "previous_response_id",
    "reasoning_effort",
    "effort",
    "summary",
    "truncation",
    "verbosity",
    "prompt_cache_key",
    "prompt_cache_retention",
    "safety_identifier",
    "voice",
  ]),
  // Metadata keys are the caller's own, so even `model` or `id` there is content.
  freeFormKeys: new Set(["metadata"]),
  opaqueTypes: new Set(),
};

const routes: { suffix: string; endpoint: Endpoint }[] = [
  { suffix: "/chat/completions", endpoint: "chat.completions" },
  { suffix: "/responses", endpoint: "responses" },
  { suffix: "/embeddings", endpoint: "embeddings" },
];

/**
 * Matched by suffix, so any prefix works: /v1/chat/completions, /chat/completions,
 * Azure's /openai/deployments/{deployment}/chat/completions and /openai/v1/responses.
 */
function route(path: string): { endpoint: Endpoint; deployment: string | null } {
  const match = routes.find(({ suffix }) => path.endsWith(suffix));
  if (!match) throw unsupportedEndpoint({ path, destination: "an OpenAI-compatible destination", forwards: ".../chat/completions, .../responses and .../embeddings" });
  const deployment = /\/deployments\/([^/]+)$/.exec(path.slice(0, -match.suffix.length))?.[1];
  return { endpoint: match.endpoint, deployment: deployment === undefined ? null : decodePathSegment(deployment) };
}

function openAiAdapter(options: { kind: "OPENAI_COMPATIBLE" | "AZURE_OPENAI"; places: CredentialPlaces; keyPlace: ProviderKeyPlace; forwards: ForwardedFields }): ProviderAdapter {
  return {
    kind: options.kind,
    parseRequest(request: ParseRequestOptions): ParsedRequest {
      const { endpoint, deployment } = route(request.path);
      requireMethod({ method: request.method, allowed: "POST", endpoint });
      const json = parseJsonObject(request.body);
      // Azure runs the deployment named in the path whatever the body's model says.
      const model = (options.kind === "AZURE_OPENAI" ? deployment : null) ?? text(json.model);
      return jsonRequest({ endpoint, model, stream: json.stream === true, raw: request.body, json, rules });
    },
    rewriteBody: rewriteRequestBody,
    deviceToken: (request) => findDeviceToken({ ...request, places: options.places }),
    upstreamRequest: (request) => buildUpstreamRequest({ ...request, keyPlace: options.keyPlace, forwards: options.forwards }),
    responseMeter: ({ endpoint, contentType }) =>
      meterFor({ contentType, sse: endpoint === "responses" ? responsesReader : chatCompletionsReader, json: readOpenAiResponse }),
  };
}

export const openAiCompatibleAdapter = openAiAdapter({
  kind: "OPENAI_COMPATIBLE",
  places: { headers: ["authorization", "api-key", "x-api-key", "x-goog-api-key"], queryKey: false },
  keyPlace: { header: "authorization", prefix: "Bearer " },
  // The organisation and project go with the provider key, which the destination holds.
  forwards: { headers: ["openai-beta"], query: [] },
});

export const azureOpenAiAdapter = openAiAdapter({
  kind: "AZURE_OPENAI",
  places: { headers: ["api-key", "authorization", "x-api-key", "x-goog-api-key"], queryKey: false },
  keyPlace: { header: "api-key", prefix: "" },
  forwards: { headers: ["openai-beta"], query: ["api-version"] },
});

/** A chat completion, a response object or an embeddings list (or an error body). */
export function readOpenAiResponse(value: unknown): MeteredResponse {
  const body = record(value);
  const usage = record(body.usage);
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const finishReason =
    choices.map((choice) => text(record(choice).finish_reason)).find((reason) => reason !== null) ??
    text(record(body.incomplete_details).reason) ??
    (body.object === "response" ? text(body.status) : null);
  return {
    model: text(body.model),
    inputTokens: count(usage.prompt_tokens) ?? count(usage.input_tokens),
    outputTokens: count(usage.completion_tokens) ?? count(usage.output_tokens),
    finishReason,
    responseId: text(body.id),
    error: errorCode(body),
  };
}

export const chatCompletionsReader = () => chunkStreamReader({ read: readOpenAiResponse, usageKey: "usage", finishKey: "finish_reason" });

/**
 * Responses API events are named; only response.created (id, model), the final
 * response.completed / incomplete / failed (usage, status) and error are parsed.
 */
function responsesReader(): SseReader {
  let created: MeteredResponse = unknownResponse();
  let final: string | null = null;
  let error: string | null = null;
  return {
    event(sse) {
      const { data } = sse;
      const type = eventName(sse) ?? text(record(parseJson(data)).type);
      if (type === "response.created" && created.responseId === null) {
        created = readOpenAiResponse(record(parseJson(data)).response);
      } else if (type === "response.completed" || type === "response.incomplete" || type === "response.failed") {
        final = data;
      } else if (type === "error") {
        const body = record(parseJson(data));
        error ??= text(body.code) ?? errorCode(body);
      }
    },
    result() {
      const done = final === null ? unknownResponse() : readOpenAiResponse(record(parseJson(final)).response);
      return {
        model: done.model ?? created.model,
        inputTokens: done.inputTokens,
        outputTokens: done.outputTokens,
        finishReason: done.finishReason,
        responseId: done.responseId ?? created.responseId,
        error: error ?? done.error,
      };
    },
  };
}
