// How an OT application reaches an AI destination through the proxy: the base URL to
// configure in its SDK, and for OpenAI-compatible destinations a snippet to paste.
// Pure, so the one-time token panel in the browser can fill in the new token.
export function proxyBaseUrl(options: { appUrl: string; destination: string; provider: string }): string {
  const base = `${options.appUrl.replace(/\/+$/, "")}/api/proxy/${encodeURIComponent(options.destination)}`;
  // OpenAI SDKs append the path after /v1 (chat/completions); the others bring their own prefix.
  return options.provider === "OPENAI_COMPATIBLE" ? `${base}/v1` : base;
}

/**
 * The environment the official OpenAI SDKs read (OPENAI_BASE_URL, OPENAI_API_KEY), and a
 * Python client that names the base URL and takes the token from that environment, so
 * the token stays out of source code.
 */
export function openAiSnippet(options: { baseUrl: string; token: string }): { environment: string; python: string } {
  return {
    environment: `OPENAI_BASE_URL=${options.baseUrl}\nOPENAI_API_KEY=${options.token}`,
    python: [
      "import os",
      "from openai import OpenAI",
      "",
      "# The device token goes where the SDK expects its API key.",
      `client = OpenAI(base_url="${options.baseUrl}", api_key=os.environ["OPENAI_API_KEY"])`,
    ].join("\n"),
  };
}
