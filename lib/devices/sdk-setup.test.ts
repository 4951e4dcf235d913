import { describe, expect, it } from "vitest";
import { openAiSnippet, proxyBaseUrl } from "@/lib/devices/sdk-setup";

describe("proxyBaseUrl", () => {
  it("ends in /v1 for OpenAI-compatible destinations, where the SDK appends chat/completions", () => {
    expect(proxyBaseUrl({ appUrl: "https://ledger.plant.example/", destination: "openai-eu", provider: "OPENAI_COMPATIBLE" })).toBe(
      "https://ledger.plant.example/api/proxy/openai-eu/v1",
    );
  });

  it("stops at the destination for providers whose SDKs bring their own path", () => {
    expect(proxyBaseUrl({ appUrl: "http://127.0.0.1:3000", destination: "anthropic", provider: "ANTHROPIC" })).toBe("http://127.0.0.1:3000/api/proxy/anthropic");
  });
});

describe("openAiSnippet", () => {
  it("puts the token in the environment only, and the base URL in both", () => {
    const token = "cl_dev_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const { environment, python } = openAiSnippet({ baseUrl: "http://127.0.0.1:3000/api/proxy/openai-eu/v1", token });
    expect(environment).toBe(`OPENAI_BASE_URL=http://127.0.0.1:3000/api/proxy/openai-eu/v1\nOPENAI_API_KEY=${token}`);
    expect(python).toContain('base_url="http://127.0.0.1:3000/api/proxy/openai-eu/v1"');
    expect(python).toContain('api_key=os.environ["OPENAI_API_KEY"]');
    expect(python).not.toContain(token);
  });
});
