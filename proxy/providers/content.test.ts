import { describe, expect, it } from "vitest";
import { adapterFor } from "@/proxy/providers";
import { maxJsonDepth } from "@/proxy/providers/content";
import { ProviderRequestError } from "@/proxy/providers/errors";
import type { ProviderKind } from "@/proxy/providers/types";
import { base64, jsonOf, pixelPng, withChanges } from "@/proxy/testing/provider-fixtures";

const paths: Record<Exclude<ProviderKind, "GENERIC_INFERENCE">, string> = {
  OPENAI_COMPATIBLE: "/v1/chat/completions",
  AZURE_OPENAI: "/openai/deployments/d/chat/completions",
  ANTHROPIC: "/v1/messages",
  GEMINI: "/v1beta/models/gemini-2.5-flash:generateContent",
};

function parse(kind: keyof typeof paths, body: unknown) {
  return adapterFor(kind).parseRequest({
    method: "POST",
    path: paths[kind],
    search: new URLSearchParams(),
    contentType: "application/json",
    body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
  });
}

describe("content parts", () => {
  it("classifies a field no adapter knows about instead of letting it through", () => {
    const parsed = parse("OPENAI_COMPATIBLE", { model: "m", messages: [], future_context: { notes: ["furnace 2 recipe R-88"] } });
    expect(parsed.parts).toEqual([{ kind: "text", text: "furnace 2 recipe R-88" }]);
  });

  it("skips protocol strings and string lists but walks objects under protocol keys", () => {
    const parsed = parse("OPENAI_COMPATIBLE", {
      model: "m",
      include: ["reasoning.encrypted_content"],
      tool_choice: { type: "function", function: { name: "open_ticket" } },
      messages: [{ role: "user", content: "hi", id: "m1" }],
    });
    expect(parsed.parts.map((part) => part.text)).toEqual(["open_ticket", "hi"]);
  });

  it("skips opaque blocks only where the protocol puts them", () => {
    const parsed = parse("ANTHROPIC", {
      model: "m",
      messages: [
        { role: "assistant", content: [{ type: "redacted_thinking", data: "RU5D" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "n", input: { payload: { type: "redacted_thinking", data: "kept" } } }] },
      ],
    });
    expect(parsed.parts.map((part) => part.text)).toEqual(["n", "redacted_thinking", "kept"]);
  });

  it("tells binary payloads from text by their shape", () => {
    const parsed = parse("OPENAI_COMPATIBLE", {
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "data:text/plain,not base64 so it is text" },
            { type: "input_audio", input_audio: { data: "UklGRiQAAABXQVZF", format: "wav" } },
            // Starts like a PNG but is not base64 throughout: text.
            { type: "text", text: `${pixelPng.slice(0, 40)} and then some words, long enough to be sniffed` },
            { type: "text", text: `data:image/jpeg;name=frame.jpg;base64,${"A".repeat(40)}` },
            // Labelled as images but not base64: the provider would refuse them only after receiving the text.
            { type: "image_url", image_url: { url: "data:image/png;base64,the furnace 2 recipe is R-88" } },
            { type: "input_audio", input_audio: { data: "shift handover: key is 4471", format: "wav" } },
          ],
        },
      ],
    });
    expect(parsed.parts).toEqual([
      { kind: "text", text: "data:text/plain,not base64 so it is text" },
      { kind: "file", mediaType: "audio/wav", bytes: 12 },
      { kind: "text", text: `${pixelPng.slice(0, 40)} and then some words, long enough to be sniffed` },
      { kind: "image", mediaType: "image/jpeg", bytes: 30 },
      { kind: "text", text: "data:image/png;base64,the furnace 2 recipe is R-88" },
      { kind: "text", text: "shift handover: key is 4471" },
    ]);
  });

  it("reads a payload whose bytes are text whatever its label says", () => {
    const parsed = parse("GEMINI", {
      contents: [{ role: "user", parts: [{ inlineData: { mimeType: "image/png", data: base64("furnace 2 recipe R-88") } }, { inlineData: { mimeType: "image/png", data: pixelPng } }] }],
    });
    expect(parsed.parts).toEqual([
      { kind: "file", mediaType: "image/png", bytes: 21, text: "furnace 2 recipe R-88" },
      { kind: "image", mediaType: "image/png", bytes: Buffer.from(pixelPng, "base64").byteLength },
    ]);
  });

  it("refuses bodies nested deeper than the limit, which JSON.stringify could not write back", () => {
    const deep = `{"model":"m","messages":${"[".repeat(maxJsonDepth)}${"]".repeat(maxJsonDepth)}}`;
    expect(() => parse("OPENAI_COMPATIBLE", deep)).toThrow(ProviderRequestError);
    const fine = `{"model":"m","messages":${"[".repeat(maxJsonDepth - 2)}"deep"${"]".repeat(maxJsonDepth - 2)}}`;
    expect(parse("OPENAI_COMPATIBLE", fine).parts).toEqual([{ kind: "text", text: "deep" }]);
  });
});

describe("rewriting", () => {
  it("applies several replacements in one container and leaves the parsed body untouched", () => {
    const body = { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "a1" }, { type: "text", text: "b2" }] }] };
    const parsed = parse("OPENAI_COMPATIBLE", body);
    const rewritten = adapterFor("OPENAI_COMPATIBLE").rewriteBody({ request: parsed, replacements: new Map([[1, "B"], [0, "A"]]) });
    expect(jsonOf(rewritten)).toEqual({ model: "m", messages: [{ role: "user", content: [{ type: "text", text: "A" }, { type: "text", text: "B" }] }] });
    expect(parsed.body.format === "json" && parsed.body.json).toEqual(body);
  });

  it("keeps non-ASCII text, a __proto__ key and everything else as it was", () => {
    const text = '{"model":"m","__proto__":{"note":"Prüfstand 3 🔧"},"messages":[{"role":"user","content":"Öl wechseln"}],"temperature":0.5}';
    const parsed = parse("OPENAI_COMPATIBLE", text);
    expect(parsed.parts.map((part) => part.text)).toEqual(["Prüfstand 3 🔧", "Öl wechseln"]);
    const rewritten = new TextDecoder().decode(adapterFor("OPENAI_COMPATIBLE").rewriteBody({ request: parsed, replacements: new Map([[0, "[RIG] 🔧"]]) }));
    expect(rewritten).toBe('{"model":"m","__proto__":{"note":"[RIG] 🔧"},"messages":[{"role":"user","content":"Öl wechseln"}],"temperature":0.5}');
  });

  it("re-encodes a replaced base64 text payload (Anthropic document, Gemini inline data)", () => {
    const parsed = parse("ANTHROPIC", {
      model: "m",
      messages: [{ role: "user", content: [{ type: "document", source: { type: "base64", media_type: "text/plain", data: base64("Rezept 7: 180 °C") } }] }],
    });
    expect(parsed.parts).toEqual([{ kind: "file", mediaType: "text/plain", bytes: 17, text: "Rezept 7: 180 °C" }]);
    const rewritten = adapterFor("ANTHROPIC").rewriteBody({ request: parsed, replacements: new Map([[0, "Rezept 7: [TEMP]"]]) });
    expect(jsonOf(rewritten)).toEqual(
      withChanges({ json: jsonOf(parsed.body.raw), changes: [[["messages", 0, "content", 0, "source", "data"], base64("Rezept 7: [TEMP]")]] }),
    );
  });
});
