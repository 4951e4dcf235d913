import { describe, expect, it } from "vitest";
import { ProviderKind as SchemaProviderKind } from "@/lib/generated/prisma/sqlite/enums";
import { adapterFor, type ProviderKind } from "@/proxy/providers";
import { ProviderRequestError } from "@/proxy/providers/errors";
import { checkProviderPath, joinUpstreamUrl } from "@/proxy/providers/forwarding";
import { placesHolding } from "@/proxy/testing/provider-fixtures";

const kinds = Object.values(SchemaProviderKind);
// The type check fails (npx tsc) if the union and the schema's enum drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKinds: Same<ProviderKind, SchemaProviderKind> = true;

const injected: Record<ProviderKind, [string, string]> = {
  OPENAI_COMPATIBLE: ["authorization", "Bearer provider-key"],
  AZURE_OPENAI: ["api-key", "provider-key"],
  ANTHROPIC: ["x-api-key", "provider-key"],
  GEMINI: ["x-goog-api-key", "provider-key"],
  GENERIC_INFERENCE: ["authorization", "Bearer provider-key"],
};

/** What a device (or something between it and us) might send. */
function deviceHeaders(): Headers {
  return new Headers({
    authorization: "Bearer tok-in-authorization",
    "x-api-key": "tok-in-x-api-key",
    "api-key": "tok-in-api-key",
    "x-goog-api-key": "tok-in-x-goog-api-key",
    cookie: "next-auth.session-token=tok-in-cookie",
    connection: "keep-alive, x-hop-note",
    "x-hop-note": "tok-in-connection-listed-header",
    "keep-alive": "timeout=5",
    "proxy-authorization": "Basic tok-in-proxy-authorization",
    te: "trailers",
    upgrade: "h2c",
    host: "127.0.0.1:3000",
    "content-length": "120",
    "accept-encoding": "gzip, br",
    "x-forwarded-for": "10.20.3.17",
    forwarded: "for=10.20.3.17",
    "x-conduit-operator": "tok-in-operator-assertion",
    "x-conduit-workstation": "ws-17",
    "content-type": "application/json",
    accept: "text/event-stream",
    "user-agent": "OpenAI/JS 6.49.0",
    "anthropic-version": "2026-10-21",
    "anthropic-beta": "files-api-2025-04-14",
    "openai-beta": "assistants=v2",
    "openai-organization": "org-plant",
    "x-stainless-retry-count": "0",
    "x-stainless-os": "Linux",
    "x-forwarded-authorization": "Bearer tok-in-x-forwarded-authorization",
    "x-amz-security-token": "tok-in-x-amz-security-token",
    "x-custom-token": "tok-in-x-custom-token",
  });
}

/** What each provider gets besides its key: content type, accept, its own version and beta headers. */
const passedHeaders: Record<ProviderKind, Record<string, string>> = {
  OPENAI_COMPATIBLE: { "openai-beta": "assistants=v2" },
  AZURE_OPENAI: { "openai-beta": "assistants=v2" },
  ANTHROPIC: { "anthropic-version": "2026-10-21", "anthropic-beta": "files-api-2025-04-14" },
  GEMINI: {},
  GENERIC_INFERENCE: {},
};

const passedQuery: Record<ProviderKind, string> = {
  OPENAI_COMPATIBLE: "",
  AZURE_OPENAI: "?api-version=2024-10-21",
  ANTHROPIC: "?beta=true",
  GEMINI: "?alt=sse",
  GENERIC_INFERENCE: "",
};

describe("adapterFor", () => {
  it("has an adapter of the right kind for every ProviderKind in the schema", () => {
    expect(sameKinds).toBe(true);
    for (const kind of kinds) expect(adapterFor(kind).kind).toBe(kind);
  });
});

describe("upstreamRequest", () => {
  it.each(kinds)("%s passes only its allow-list of headers and parameters, with the provider key in place of every device credential", (kind) => {
    const upstream = adapterFor(kind).upstreamRequest({
      baseUrl: "https://provider.example/base",
      path: "/v1/run",
      search: new URLSearchParams({ key: "tok-in-query", "api-key": "tok-in-api-key-query", token: "tok-in-token-query", alt: "sse", "api-version": "2024-10-21", beta: "true" }),
      headers: deviceHeaders(),
      apiKey: "provider-key",
    });
    expect(placesHolding({ upstream, secret: "tok-in-" })).toEqual([]);
    expect(upstream.url).toBe(`https://provider.example/base/v1/run${passedQuery[kind]}`);
    const [header, value] = injected[kind];
    const credentialHeaders = ["authorization", "x-api-key", "api-key", "x-goog-api-key"].filter((name) => upstream.headers.has(name));
    expect(credentialHeaders).toEqual([header]);
    expect(upstream.headers.get(header)).toBe(value);
    expect(Object.fromEntries(upstream.headers)).toEqual({
      [header]: value,
      "content-type": "application/json",
      accept: "text/event-stream",
      ...passedHeaders[kind],
    });
  });

  it("adds the configured extra headers, and still no credential", () => {
    const headers = deviceHeaders();
    headers.set("x-request-trace", "trace-1");
    const upstream = adapterFor("OPENAI_COMPATIBLE").upstreamRequest({ baseUrl: "https://provider.example", path: "/v1/chat/completions", search: new URLSearchParams(), headers, apiKey: "provider-key", extraHeaders: ["x-request-trace"] });
    expect(upstream.headers.get("x-request-trace")).toBe("trace-1");
    expect(placesHolding({ upstream, secret: "tok-in-" })).toEqual([]);
  });

  it("leaves the device's headers as they were", () => {
    const headers = deviceHeaders();
    adapterFor("ANTHROPIC").upstreamRequest({ baseUrl: "https://api.anthropic.com", path: "/v1/messages", search: new URLSearchParams(), headers, apiKey: "k" });
    expect(headers.get("x-api-key")).toBe("tok-in-x-api-key");
  });
});

describe("deviceToken", () => {
  const token = (kind: ProviderKind, headers: Record<string, string>, search = "") => adapterFor(kind).deviceToken({ headers: new Headers(headers), search: new URLSearchParams(search) });

  it("finds the token in each SDK's place", () => {
    expect(token("OPENAI_COMPATIBLE", { authorization: "Bearer a1" })).toBe("a1");
    expect(token("OPENAI_COMPATIBLE", { authorization: "bearer   a1 " })).toBe("a1");
    expect(token("AZURE_OPENAI", { "api-key": "b2" })).toBe("b2");
    expect(token("ANTHROPIC", { "x-api-key": "c3" })).toBe("c3");
    expect(token("GEMINI", { "x-goog-api-key": "d4" })).toBe("d4");
    expect(token("GEMINI", {}, "alt=sse&key=e5")).toBe("e5");
    expect(token("GENERIC_INFERENCE", { authorization: "Bearer f6" })).toBe("f6");
  });

  it("prefers the provider's own place when a device sends several", () => {
    const both = { authorization: "Bearer from-authorization", "api-key": "from-api-key", "x-api-key": "from-x-api-key", "x-goog-api-key": "from-goog" };
    expect(token("OPENAI_COMPATIBLE", both)).toBe("from-authorization");
    expect(token("AZURE_OPENAI", both)).toBe("from-api-key");
    expect(token("ANTHROPIC", both)).toBe("from-x-api-key");
    expect(token("GEMINI", both, "key=from-query")).toBe("from-goog");
  });

  it("finds nothing in other schemes, empty headers or, except for Gemini, the query", () => {
    expect(token("OPENAI_COMPATIBLE", { authorization: "Basic dXNlcjpwYXNz" })).toBeNull();
    expect(token("OPENAI_COMPATIBLE", { authorization: "Bearer" })).toBeNull();
    expect(token("ANTHROPIC", { "x-api-key": "  " })).toBeNull();
    expect(token("OPENAI_COMPATIBLE", {}, "key=q")).toBeNull();
    expect(token("GEMINI", {}, "key=")).toBeNull();
    expect(token("OPENAI_COMPATIBLE", { authorization: "Basic dXNlcjpwYXNz", "api-key": "g7" })).toBe("g7");
  });
});

describe("joinUpstreamUrl", () => {
  const join = (baseUrl: string, path: string) => joinUpstreamUrl({ baseUrl, path });
  const codeOf = (baseUrl: string, path: string) => {
    try {
      return join(baseUrl, path);
    } catch (error) {
      return error instanceof ProviderRequestError ? error.code : String(error);
    }
  };

  it("keeps a version segment that both the base URL and the path carry once", () => {
    expect(join("https://eu.api.openai.com/v1", "/v1/chat/completions")).toBe("https://eu.api.openai.com/v1/chat/completions");
    expect(join("https://eu.api.openai.com/v1/", "/chat/completions")).toBe("https://eu.api.openai.com/v1/chat/completions");
    expect(join("https://api.groq.com/openai/v1", "/v1/chat/completions")).toBe("https://api.groq.com/openai/v1/chat/completions");
    expect(join("https://api.groq.com/openai", "/v1/chat/completions")).toBe("https://api.groq.com/openai/v1/chat/completions");
    expect(join("https://res.openai.azure.com", "/openai/deployments/gpt4o/chat/completions")).toBe("https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions");
    expect(join("https://generativelanguage.googleapis.com/v1beta", "/v1beta/models/gemini-2.5-flash:generateContent")).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
    );
    expect(join("http://10.1.2.3:8080", "/")).toBe("http://10.1.2.3:8080/");
  });

  it("refuses paths that climb out of the destination or smuggle a query", () => {
    expect(codeOf("https://eu.api.openai.com/v1", "/../admin")).toBe("invalid_path");
    expect(codeOf("https://eu.api.openai.com/v1", "/chat/%2e%2e/%2E%2E/admin")).toBe("invalid_path");
    expect(codeOf("http://infer.local/models/defects", "/..\\..\\admin")).toBe("invalid_path");
    expect(codeOf("https://eu.api.openai.com/v1", "/chat/completions?x=1")).toBe("invalid_path");
    expect(codeOf("https://eu.api.openai.com/v1", "chat/completions")).toBe("invalid_path");
    // Dot segments that stay inside are fine.
    expect(codeOf("https://eu.api.openai.com/v1", "/a/../chat/completions")).toBe("https://eu.api.openai.com/v1/chat/completions");
  });
});

describe("checkProviderPath", () => {
  it.each([
    ["/v1/chat/%2e%2e/completions", "encoded dot segment"],
    ["/v1/chat/%2E/completions", "encoded single dot"],
    ["/v1/chat/.%2e/completions", "half-encoded dot segment"],
    ["/v1/../chat/completions", "plain dot segment"],
    ["/v1/chat%00/completions", "encoded NUL"],
    ["/v1/chat\0/completions", "NUL"],
    ["/v1\\chat/completions", "backslash"],
    ["/v1%5cchat/completions", "encoded backslash"],
    ["/v1/chat%2fcompletions", "encoded slash"],
  ])("refuses %s (%s)", (path) => {
    expect(() => checkProviderPath(path)).toThrow(expect.objectContaining({ code: "invalid_path" }));
  });

  it.each(["/v1/chat/completions", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "/openai/deployments/gpt-4o.eu/chat/completions", "/v1/models/a..b"])("passes %s", (path) => {
    expect(() => checkProviderPath(path)).not.toThrow();
  });
});
