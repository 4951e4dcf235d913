import { describe, expect, it } from "vitest";
import { adapterFor, type ProviderKind } from "@/proxy/providers";
import { providerRequest, replyText, shownBody, shownBodyMaxBytes, shownHeaders } from "@/proxy/test-call";

const token = "cl_dev_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

describe("the test call's request", () => {
  const cases: { provider: ProviderKind; model: string; endpoint: string; streamed: string }[] = [
    { provider: "OPENAI_COMPATIBLE", model: "gpt-4.1-mini", endpoint: "chat.completions", streamed: "chat.completions" },
    { provider: "AZURE_OPENAI", model: "gpt-4o", endpoint: "chat.completions", streamed: "chat.completions" },
    { provider: "ANTHROPIC", model: "claude-sonnet-4-5", endpoint: "messages", streamed: "messages" },
    { provider: "GEMINI", model: "gemini-2.5-flash", endpoint: "generateContent", streamed: "streamGenerateContent" },
    { provider: "GENERIC_INFERENCE", model: "optiscan-defect", endpoint: "inference", streamed: "inference" },
  ];
  for (const c of cases) {
    it(`is what ${c.provider}'s SDK sends, token where it puts its key`, () => {
      for (const stream of [false, true]) {
        const request = providerRequest({ provider: c.provider, model: c.model, prompt: "Status of MC-07?", stream, token });
        const adapter = adapterFor(c.provider);
        const body = new TextEncoder().encode(JSON.stringify(request.body));
        const parsed = adapter.parseRequest({ method: "POST", path: request.path, search: new URLSearchParams(request.search), contentType: request.headers["content-type"]!, body });
        expect(parsed).toMatchObject({ endpoint: stream ? c.streamed : c.endpoint, model: c.model, stream });
        expect(parsed.parts.map((p) => p.text)).toContain("Status of MC-07?");
        expect(adapter.deviceToken({ headers: new Headers(request.headers), search: new URLSearchParams(request.search) })).toBe(token);
      }
    });
  }

  it("names no model for generic inference when none is given", () => {
    expect(providerRequest({ provider: "GENERIC_INFERENCE", model: "", prompt: "x", stream: false, token }).body).toEqual({ input: "x" });
  });
});

describe("what the page shows", () => {
  it("shows the provider key only by its last four characters", () => {
    const headers = new Headers({ authorization: "Bearer sk-live-abcdefgh1234", "x-api-key": "sk-ant-zzzz9876", "content-type": "application/json" });
    expect(shownHeaders(headers)).toEqual([
      ["authorization", "Bearer …1234"],
      ["content-type", "application/json"],
      ["x-api-key", "…9876"],
    ]);
  });

  it("pretty-prints JSON, keeps text, counts binary and cuts what is too long", () => {
    const json = new TextEncoder().encode('{"a":[1,2]}');
    expect(shownBody({ bytes: json, mediaType: "application/json" })).toEqual({ mediaType: "application/json", bytes: 11, text: '{\n  "a": [\n    1,\n    2\n  ]\n}', truncated: false });
    expect(shownBody({ bytes: new Uint8Array([0xff, 0xd8, 0xff, 0x00]), mediaType: "image/jpeg" })).toMatchObject({ text: null, bytes: 4 });
    const long = new TextEncoder().encode("x".repeat(shownBodyMaxBytes + 10));
    expect(shownBody({ bytes: long, mediaType: "text/plain" })).toMatchObject({ bytes: shownBodyMaxBytes + 10, truncated: true, text: "x".repeat(shownBodyMaxBytes) });
  });

  it("reads the reply from each chat API, whole or streamed", () => {
    const json = (value: unknown) => replyText({ mediaType: "application/json", text: JSON.stringify(value) });
    const sse = (events: unknown[]) => replyText({ mediaType: "text/event-stream; charset=utf-8", text: events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n" });
    expect(json({ object: "chat.completion", choices: [{ message: { role: "assistant", content: "Within limits." } }] })).toBe("Within limits.");
    expect(sse([{ choices: [{ delta: { role: "assistant", content: "" } }] }, { choices: [{ delta: { content: "Within " } }] }, { choices: [{ delta: { content: "limits." } }] }, { choices: [], usage: {} }])).toBe("Within limits.");
    expect(json({ type: "message", content: [{ type: "text", text: "Check the coupling." }] })).toBe("Check the coupling.");
    expect(sse([{ type: "message_start", message: { content: [] } }, { type: "content_block_delta", delta: { type: "text_delta", text: "Check " } }, { type: "content_block_delta", delta: { type: "text_delta", text: "it." } }])).toBe("Check it.");
    expect(json({ object: "response", output: [{ type: "message", content: [{ type: "output_text", text: "Done." }] }] })).toBe("Done.");
    expect(sse([{ type: "response.output_text.delta", delta: "Do" }, { type: "response.output_text.delta", delta: "ne." }, { type: "response.completed", response: { object: "response", output: [] } }])).toBe("Done.");
    expect(json({ candidates: [{ content: { parts: [{ text: "Gemini says hi." }] } }] })).toBe("Gemini says hi.");
    expect(json([{ candidates: [{ content: { parts: [{ text: "A" }] } }] }, { candidates: [{ content: { parts: [{ text: "B" }] } }] }])).toBe("AB");
    expect(json({ verdict: "pass", confidence: 0.97 })).toBeNull();
    expect(replyText({ mediaType: "text/plain", text: "not json" })).toBeNull();
  });
});
