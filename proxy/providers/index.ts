// The provider adapters the proxy core uses: one per ProviderKind.
import { anthropicAdapter } from "@/proxy/providers/anthropic";
import { geminiAdapter } from "@/proxy/providers/gemini";
import { genericInferenceAdapter } from "@/proxy/providers/generic";
import { azureOpenAiAdapter, openAiCompatibleAdapter } from "@/proxy/providers/openai";
import type { ProviderAdapter, ProviderKind } from "@/proxy/providers/types";

const adapters: Record<ProviderKind, ProviderAdapter> = {
  OPENAI_COMPATIBLE: openAiCompatibleAdapter,
  AZURE_OPENAI: azureOpenAiAdapter,
  ANTHROPIC: anthropicAdapter,
  GEMINI: geminiAdapter,
  GENERIC_INFERENCE: genericInferenceAdapter,
};

export function adapterFor(kind: ProviderKind): ProviderAdapter {
  return adapters[kind];
}

export { ProviderRequestError, providerErrorStatus, type ProviderErrorCode } from "@/proxy/providers/errors";
export type * from "@/proxy/providers/types";
