import { describe, expect, it } from "vitest";
import { adapterFor } from "@/proxy/providers";
import { meterLimitChars, nonNullField, unknownResponse } from "@/proxy/providers/meter";
import type { Endpoint, ProviderKind } from "@/proxy/providers/types";
import { meterText } from "@/proxy/testing/provider-fixtures";

const endpoints: [ProviderKind, Endpoint][] = [
  ["OPENAI_COMPATIBLE", "chat.completions"],
  ["OPENAI_COMPATIBLE", "responses"],
  ["OPENAI_COMPATIBLE", "embeddings"],
  ["AZURE_OPENAI", "chat.completions"],
  ["ANTHROPIC", "messages"],
  ["GEMINI", "streamGenerateContent"],
  ["GENERIC_INFERENCE", "inference"],
];

describe("nonNullField", () => {
  it("finds keys with values, whatever the spacing, and nothing inside string values", () => {
    expect(nonNullField({ key: "usage" })('{"usage":{"prompt_tokens":1}}')).toBe(true);
    expect(nonNullField({ key: "usage" })('{"usage" :\n {"prompt_tokens":1}}')).toBe(true);
    expect(nonNullField({ key: "finish_reason" })('{"finish_reason": "stop"}')).toBe(true);
    expect(nonNullField({ key: "usage" })('{"usage":null,"choices":[]}')).toBe(false);
    expect(nonNullField({ key: "usage" })('{"usage": null}')).toBe(false);
    expect(nonNullField({ key: "usage" })('{"content":"the \\"usage\\": 5 of it","usage":null}')).toBe(false);
    expect(nonNullField({ key: "usage" })('{"status":"usage"}')).toBe(false);
    expect(nonNullField({ key: "usage" })('{"usage":')).toBe(false);
  });
});

describe("response meters", () => {
  it.each(endpoints)("%s %s never throw on garbage and report nothing from it", (kind, endpoint) => {
    const adapter = adapterFor(kind);
    for (const contentType of ["text/event-stream", "application/json", null]) {
      const meter = adapter.responseMeter({ endpoint, contentType });
      meter.push(Uint8Array.of(0xff, 0xfe, 0x00, 0x7b));
      meter.push(new TextEncoder().encode('data: {"id": [1, \n\nevent: message_start\ndata: {\n\nretry: x\nbogus: field\n\n{"truncated":'));
      expect(meter.finish()).toEqual(unknownResponse());
    }
  });

  it("reports nothing for a binary response and does not buffer it", () => {
    const meter = adapterFor("GENERIC_INFERENCE").responseMeter({ endpoint: "inference", contentType: "image/png" });
    meter.push(new TextEncoder().encode('{"model":"m","id":"x"}'));
    expect(meter.finish()).toEqual(unknownResponse());
  });

  it("reads a JSON body sent without a Content-Type", () => {
    const meter = adapterFor("ANTHROPIC").responseMeter({ endpoint: "messages", contentType: null });
    meter.push(new TextEncoder().encode('{"id":"msg_1","model":"claude-haiku-5-5","stop_reason":"max_tokens","usage":{"input_tokens":3,"output_tokens":9}}'));
    expect(meter.finish()).toEqual({ model: "claude-haiku-5-5", inputTokens: 3, outputTokens: 9, finishReason: "max_tokens", responseId: "msg_1", error: null });
  });

  it("decodes characters split across chunks", () => {
    const stream =
      'data: {"id":"chatcmpl-Ünïcode-🔧","model":"modèle-local","choices":[{"index":0,"delta":{"content":"Öl"},"finish_reason":null}]}\n\n' +
      'data: {"id":"chatcmpl-Ünïcode-🔧","model":"modèle-local","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":4,"completion_tokens":2}}\n\n' +
      "data: [DONE]\n\n";
    expect(meterText({ adapter: adapterFor("OPENAI_COMPATIBLE"), endpoint: "chat.completions", contentType: "text/event-stream", text: stream })).toEqual({
      model: "modèle-local",
      inputTokens: 4,
      outputTokens: 2,
      finishReason: "length",
      responseId: "chatcmpl-Ünïcode-🔧",
      error: null,
    });
  });

  it("gives up on a JSON body beyond its limit instead of holding it", () => {
    const meter = adapterFor("OPENAI_COMPATIBLE").responseMeter({ endpoint: "embeddings", contentType: "application/json" });
    meter.push(new TextEncoder().encode(`{"model":"m","data":"${"x".repeat(meterLimitChars)}`));
    meter.push(new TextEncoder().encode('","usage":{"prompt_tokens":1}}'));
    expect(meter.finish()).toEqual(unknownResponse());
  });

  it("stops reading an SSE event beyond its limit but keeps what it read before", () => {
    const meter = adapterFor("ANTHROPIC").responseMeter({ endpoint: "messages", contentType: "text/event-stream" });
    meter.push(new TextEncoder().encode('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_2","model":"m","usage":{"input_tokens":5,"output_tokens":1}}}\n\n'));
    meter.push(new TextEncoder().encode(`event: content_block_delta\ndata: ${"x".repeat(meterLimitChars + 1)}`));
    meter.push(new TextEncoder().encode('\n\nevent: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}\n\n'));
    expect(meter.finish()).toEqual({ model: "m", inputTokens: 5, outputTokens: 1, finishReason: null, responseId: "msg_2", error: null });
  });
});
