import { GoogleGenAI, HarmBlockThreshold, HarmCategory, Type, type Content } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adapterFor } from "@/proxy/providers";
import { ProviderRequestError } from "@/proxy/providers/errors";
import { base64, forwardRecorded, jsonOf, meterInChunks, meterText, parseRecorded, pixelPng, pixelPngBytes, placesHolding, withChanges } from "@/proxy/testing/provider-fixtures";
import {
  answeredModel,
  replyText,
  responseIds,
  startTestUpstream,
  upstreamPromptTokens,
  upstreamThoughtsTokens,
  type TestUpstream,
} from "@/proxy/testing/upstream";

const gemini = adapterFor("GEMINI");
const deviceToken = "dev-tok-gemini-44d0";
const model = "gemini-2.5-flash";

let upstream: TestUpstream;
let client: GoogleGenAI;

beforeAll(async () => {
  upstream = await startTestUpstream();
  client = new GoogleGenAI({ apiKey: deviceToken, httpOptions: { baseUrl: upstream.url } });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.configure({ errorStatus: null, chunkCount: 3 }));

const lastRequest = () => upstream.requests.at(-1)!;

const contents: Content[] = [
  {
    role: "user",
    parts: [
      { text: "Classify this surface defect on casting C-88." },
      { inlineData: { mimeType: "image/png", data: pixelPng } },
      { fileData: { mimeType: "application/pdf", fileUri: "https://generativelanguage.googleapis.com/v1beta/files/spec-7" } },
      { inlineData: { mimeType: "text/csv", data: base64("t;rms\n1;4.2") } },
    ],
  },
  { role: "model", parts: [{ functionCall: { name: "get_batch", args: { batch: "B-2291", id: "line-3" } }, thoughtSignature: "b3BhcXVlIHNpZ25hdHVyZQ==" }] },
  { role: "user", parts: [{ functionResponse: { name: "get_batch", response: { status: "released", model: "casting-7" } } }] },
];

const config = {
  systemInstruction: "You are the casting QA assistant in Aveiro.",
  temperature: 0.2,
  tools: [
    {
      functionDeclarations: [
        { name: "get_batch", description: "Looks up a casting batch.", parameters: { type: Type.OBJECT, properties: { batch: { type: Type.STRING, description: "Batch number" } } } },
      ],
    },
  ],
  safetySettings: [{ category: HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT, threshold: HarmBlockThreshold.BLOCK_ONLY_HIGH }],
};

describe("Gemini generateContent", () => {
  it("gives the SDK its response and yields endpoint, model, parts and metering from the exact bytes", async () => {
    const response = await client.models.generateContent({ model, contents, config });
    expect(response.text).toBe(replyText(3));

    const request = lastRequest();
    expect(request.path).toBe(`/v1beta/models/${model}:generateContent`);
    const parsed = parseRecorded({ adapter: gemini, request });
    expect(parsed).toMatchObject({ endpoint: "generateContent", model, stream: false });
    // The SDK serialises contents before the system instruction; safety settings are enums and skipped.
    expect(parsed.parts).toEqual([
      { kind: "text", text: "Classify this surface defect on casting C-88." },
      { kind: "image", mediaType: "image/png", bytes: pixelPngBytes },
      { kind: "text", text: "https://generativelanguage.googleapis.com/v1beta/files/spec-7" },
      { kind: "file", mediaType: "text/csv", bytes: 11, text: "t;rms\n1;4.2" },
      // Function arguments and responses are free-form: `id`, `status` and `model` there are content.
      { kind: "text", text: "B-2291" },
      { kind: "text", text: "line-3" },
      { kind: "text", text: "get_batch" },
      { kind: "text", text: "get_batch" },
      { kind: "text", text: "released" },
      { kind: "text", text: "casting-7" },
      { kind: "text", text: "You are the casting QA assistant in Aveiro." },
      { kind: "text", text: "get_batch" },
      { kind: "text", text: "Looks up a casting batch." },
      { kind: "text", text: "Batch number" },
    ]);

    expect(meterInChunks({ adapter: gemini, endpoint: "generateContent", outcome: await request.outcome })).toEqual(
      Array(5).fill({
        model: answeredModel(model),
        inputTokens: upstreamPromptTokens,
        // Thinking tokens are output too.
        outputTokens: 3 + upstreamThoughtsTokens,
        finishReason: "STOP",
        responseId: responseIds.gemini(request.index),
        error: null,
      }),
    );
  });

  it("rewrites text, inline text data and function arguments where they came from", async () => {
    await client.models.generateContent({ model, contents, config });
    const parsed = parseRecorded({ adapter: gemini, request: lastRequest() });
    const rewritten = gemini.rewriteBody({
      request: parsed,
      replacements: new Map([
        [0, "Classify this surface defect on casting [PART]."],
        [3, "t;rms\n1;[VALUE]"],
        [4, "[BATCH]"],
        [10, "You are the casting QA assistant in [SITE]."],
      ]),
    });
    const expected = withChanges({
      json: jsonOf(lastRequest().body),
      changes: [
        [["contents", 0, "parts", 0, "text"], "Classify this surface defect on casting [PART]."],
        [["contents", 0, "parts", 3, "inlineData", "data"], base64("t;rms\n1;[VALUE]")],
        [["contents", 1, "parts", 0, "functionCall", "args", "batch"], "[BATCH]"],
        [["systemInstruction", "parts", 0, "text"], "You are the casting QA assistant in [SITE]."],
      ],
    });
    expect(jsonOf(rewritten)).toEqual(expected);
  });
});

describe("Gemini streamGenerateContent", () => {
  it("streams SSE chunks (CRLF-separated) to the SDK and meters the last usage and finish reason", async () => {
    upstream.configure({ chunkCount: 5 });
    const stream = await client.models.generateContentStream({ model, contents: "Wie ist der Zustand von Ofen 2?" });
    let text = "";
    for await (const chunk of stream) text += chunk.text ?? "";
    expect(text).toBe(replyText(5));

    const request = lastRequest();
    expect(request.search.get("alt")).toBe("sse");
    expect(parseRecorded({ adapter: gemini, request })).toMatchObject({
      endpoint: "streamGenerateContent",
      model,
      stream: true,
      parts: [{ kind: "text", text: "Wie ist der Zustand von Ofen 2?" }],
    });
    const outcome = await request.outcome;
    expect(new TextDecoder().decode(outcome.body)).toContain("}\r\n\r\ndata: ");
    expect(meterInChunks({ adapter: gemini, endpoint: "streamGenerateContent", outcome })).toEqual(
      Array(5).fill({
        model: answeredModel(model),
        inputTokens: upstreamPromptTokens,
        outputTokens: 5 + upstreamThoughtsTokens,
        finishReason: "STOP",
        responseId: responseIds.gemini(request.index),
        error: null,
      }),
    );
  });

  it("meters a stream sent as one JSON array (no alt=sse)", async () => {
    const response = await fetch(`${upstream.url}/v1beta/models/${model}:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": deviceToken },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toHaveLength(3);
    const request = lastRequest();
    expect(meterInChunks({ adapter: gemini, endpoint: "streamGenerateContent", outcome: await request.outcome })).toEqual(
      Array(5).fill({
        model: answeredModel(model),
        inputTokens: upstreamPromptTokens,
        outputTokens: 3 + upstreamThoughtsTokens,
        finishReason: "STOP",
        responseId: responseIds.gemini(request.index),
        error: null,
      }),
    );
  });

  it("meters a quota error body and an error chunk in a stream", async () => {
    upstream.configure({ errorStatus: 429 });
    await expect(client.models.generateContent({ model, contents: "hi" })).rejects.toMatchObject({ status: 429 });
    expect(meterInChunks({ adapter: gemini, endpoint: "generateContent", outcome: await lastRequest().outcome })[0]).toEqual({
      model: null,
      inputTokens: null,
      outputTokens: null,
      finishReason: null,
      responseId: null,
      error: "RESOURCE_EXHAUSTED",
    });

    const midStream =
      'data: {"candidates":[{"content":{"parts":[{"text":"x"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.5-pro","responseId":"r-1"}\r\n\r\n' +
      'data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n';
    expect(meterText({ adapter: gemini, endpoint: "streamGenerateContent", contentType: "text/event-stream", text: midStream })).toEqual({
      model: "gemini-2.5-pro",
      inputTokens: 8,
      outputTokens: null,
      finishReason: null,
      responseId: "r-1",
      error: "UNAVAILABLE",
    });
  });
});

describe("Gemini credentials", () => {
  it("finds the key the SDK sends in x-goog-api-key and forwards the provider key there", async () => {
    await client.models.generateContent({ model, contents: "hi" });
    const request = lastRequest();
    expect(request.headers.get("x-goog-api-key")).toBe(deviceToken);
    expect(gemini.deviceToken({ headers: request.headers, search: request.search })).toBe(deviceToken);
    const forwarded = forwardRecorded({ adapter: gemini, request, apiKey: "AIza-provider", baseUrl: "https://generativelanguage.googleapis.com" });
    expect(forwarded.url).toBe(`https://generativelanguage.googleapis.com/v1beta/models/${model}:generateContent`);
    expect(forwarded.headers.get("x-goog-api-key")).toBe("AIza-provider");
    expect(placesHolding({ upstream: forwarded, secret: deviceToken })).toEqual([]);
  });

  it("finds a token in ?key= and takes it out of the forwarded URL, keeping alt=sse", () => {
    const search = new URLSearchParams({ alt: "sse", key: deviceToken });
    const headers = new Headers({ "content-type": "application/json" });
    expect(gemini.deviceToken({ headers, search })).toBe(deviceToken);
    const forwarded = gemini.upstreamRequest({ baseUrl: "https://generativelanguage.googleapis.com/v1beta", path: `/v1beta/models/${model}:streamGenerateContent`, search, headers, apiKey: "AIza-provider" });
    expect(forwarded.url).toBe(`https://generativelanguage.googleapis.com/v1beta/models/${model}:streamGenerateContent?alt=sse`);
    expect(placesHolding({ upstream: forwarded, secret: deviceToken })).toEqual([]);
    expect(search.get("key")).toBe(deviceToken);
  });
});

describe("Gemini paths and bad requests", () => {
  const parse = (path: string, method = "POST") =>
    gemini.parseRequest({ method, path, search: new URLSearchParams(), contentType: "application/json", body: new TextEncoder().encode('{"contents":[]}') });
  const codeOf = (run: () => unknown) => {
    try {
      run();
      return "none";
    } catch (error) {
      return error instanceof ProviderRequestError ? error.code : String(error);
    }
  };

  it("reads the model from v1, tuned-model and Vertex AI publisher paths", () => {
    expect(parse("/v1/models/gemini-2.5-pro:generateContent")).toMatchObject({ endpoint: "generateContent", model: "gemini-2.5-pro", stream: false });
    expect(parse("/v1beta/tunedModels/defects-v3:streamGenerateContent")).toMatchObject({ endpoint: "streamGenerateContent", model: "tunedModels/defects-v3", stream: true });
    expect(parse("/v1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-pro%3AgenerateContent")).toMatchObject({ model: "gemini-2.5-pro" });
  });

  it("gives typed errors", () => {
    expect(codeOf(() => parse(`/v1beta/models/${model}:countTokens`))).toBe("unsupported_endpoint");
    expect(codeOf(() => parse(`/v1beta/models/${model}:embedContent`))).toBe("unsupported_endpoint");
    expect(codeOf(() => parse("/v1beta/models"))).toBe("unsupported_endpoint");
    expect(codeOf(() => parse(`/v1beta/files/${model}:generateContent`))).toBe("unsupported_endpoint");
    expect(codeOf(() => parse(`/v1beta/models/${model}:generateContent`, "GET"))).toBe("method_not_allowed");
    expect(
      codeOf(() => gemini.parseRequest({ method: "POST", path: `/v1beta/models/${model}:generateContent`, search: new URLSearchParams(), contentType: "application/json", body: new TextEncoder().encode("{contents") })),
    ).toBe("malformed_json");
  });
});
