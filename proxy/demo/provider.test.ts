// The built-in demo provider as the providers' official SDKs see it: every format the
// demo destinations use, plain and streamed, with answers that fit the workload.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoProviderPaths } from "@/lib/seed/demo-plant";
import { answerText, deltasOf, inspectionVerdict, topicOf } from "@/proxy/demo/answers";
import { demoProviderHeader, isLocalCaller, startDemoProvider } from "@/proxy/demo/provider";

let provider: Awaited<ReturnType<typeof startDemoProvider>>;
const apiKey = "demo-key-for-tests";

beforeAll(async () => {
  provider = await startDemoProvider({ host: "127.0.0.1", port: 0, mount: "/_demo-provider" });
});
afterAll(() => provider.close());

// Each client at the base URL its demo destination holds.
const base = (destination: string) => `${provider.url}${demoProviderPaths[destination]}`;
const openai = () => new OpenAI({ apiKey, baseURL: base("openai-eu"), maxRetries: 0 });
const forecast = "Spindle AUG-CNC-07: vibration RMS 3.4 mm/s, bearing temperature 61 °C. Forecast the remaining useful life.";

describe("demo provider, OpenAI-compatible", () => {
  it("answers a chat completion with a forecast for the asset in the prompt, and usage", async () => {
    const { data, response } = await openai().chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: forecast }] }).withResponse();
    expect(data.choices[0]!.message.content).toMatch(/^(Remaining useful life of AUG-CNC-07|No significant degradation on AUG-CNC-07)/);
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(data.model).toMatch(/^gpt-4\.1-mini-/);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(10);
    expect(response.headers.get(demoProviderHeader)).toContain("canned");
  });

  it("streams the same answer in deltas, with usage at the end", async () => {
    const request = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: forecast }] };
    const whole = (await openai().chat.completions.create(request)).choices[0]!.message.content;
    const stream = await openai().chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      chunks++;
      usage ??= chunk.usage;
    }
    expect(text).toBe(whole);
    expect(chunks).toBeGreaterThan(5);
    // OpenAI's own stream, without the prompt-filter chunk Azure opens with.
    const raw = await fetch(`${base("openai-eu")}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ ...request, stream: true }) });
    expect(await raw.text()).not.toContain("prompt_filter_results");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("answers the responses API, plain and streamed", async () => {
    const input = "Alarm TT-4711 on AUG-CNC-04: gearbox oil temperature rose 9 °C in 20 minutes. Classify the anomaly.";
    const response = await openai().responses.create({ model: "gpt-4.1-mini", input });
    expect(response.output_text).toMatch(/^Triage for TT-4711: most likely (a sensor fault|a process upset|an expected transient)/);
    const stream = await openai().responses.create({ model: "gpt-4.1-mini", input, stream: true });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    expect(text).toBe(response.output_text);
  });

  it("embeds: the same text the same vector, unit length, the dimensions asked for", async () => {
    const input = ["AUG-CNC-07 spindle noise at start-up", "coolant pump replaced after leak"];
    const first = await openai().embeddings.create({ model: "text-embedding-3-small", input, dimensions: 64 });
    const again = await openai().embeddings.create({ model: "text-embedding-3-small", input: [input[1]!], dimensions: 64 });
    expect(first.data.map((d) => d.embedding.length)).toEqual([64, 64]);
    expect(again.data[0]!.embedding).toEqual(first.data[1]!.embedding);
    expect(first.data[0]!.embedding).not.toEqual(first.data[1]!.embedding);
    expect(Math.hypot(...first.data[0]!.embedding)).toBeCloseTo(1, 3);
    expect((await openai().embeddings.create({ model: "text-embedding-3-small", input: "x" })).data[0]!.embedding).toHaveLength(1536);
  });

  it("answers Azure OpenAI's deployment paths, streamed past the prompt-filter chunk", async () => {
    const azure = new AzureOpenAI({ apiKey, endpoint: base("azure-openai-weu"), apiVersion: "2024-10-21", deployment: "gpt-4o", maxRetries: 0 });
    const stream = await azure.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Draft the work instruction to replace the coolant filter on AUG-CNC-04." }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toMatch(/^Work instruction \(draft\) for AUG-CNC-04:\n1\. Stop the machine/);
  });
});

describe("demo provider, Anthropic and Gemini", () => {
  it("answers Anthropic messages, plain and streamed, with a schedule explanation", async () => {
    const anthropic = new Anthropic({ apiKey, baseURL: base("anthropic"), maxRetries: 0 });
    const request = { model: "claude-sonnet-5-5", max_tokens: 300, messages: [{ role: "user" as const, content: "Explain why order 4711 was moved behind order 4712 on line 2 in tonight's schedule." }] };
    const message = await anthropic.messages.create(request);
    expect(message.content[0]).toMatchObject({ type: "text", text: expect.stringMatching(/^Order 4711 moved (behind|ahead of)/) });
    expect(message.stop_reason).toBe("end_turn");
    const streamed = await anthropic.messages.stream(request).finalMessage();
    expect(streamed.content).toEqual(message.content);
    expect(streamed.usage.output_tokens).toBe(message.usage.output_tokens);
  });

  it("answers Gemini generateContent and streamGenerateContent, in the prompt's language", async () => {
    const gemini = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: base("google-gemini") } });
    const contents = "Instrução de trabalho para substituir o filtro de AVR-PMP-03.";
    const answer = await gemini.models.generateContent({ model: "gemini-2.5-flash", contents });
    expect(answer.text).toMatch(/^Instrução de trabalho \(rascunho\) para AVR-PMP-03:/);
    expect(answer.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    let text = "";
    for await (const chunk of await gemini.models.generateContentStream({ model: "gemini-2.5-flash", contents })) text += chunk.text ?? "";
    expect(text).toBe(answer.text);
  });
});

describe("demo provider, vision inference and refusals", () => {
  it("returns an inspection verdict for a camera frame", async () => {
    const frame = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7), Buffer.from([0xff, 0xd9])]);
    const response = await fetch(`${base("vision-onprem")}/v1/inspect?line=3`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "image/jpeg" }, body: frame });
    expect(response.status).toBe(200);
    const verdict = (await response.json()) as { verdict: string; confidence: number; defects: unknown[]; received: { bytes: number } };
    expect(["pass", "review", "reject"]).toContain(verdict.verdict);
    expect(verdict.confidence).toBeGreaterThan(0.5);
    expect(verdict.received.bytes).toBe(frame.byteLength);
    // Mostly a pass, now and then a defect.
    const verdicts = Array.from({ length: 400 }, (_, i) => inspectionVerdict(new Uint8Array([i, i >> 8, 3, 4, 5])).verdict);
    expect(verdicts.filter((v) => v === "pass").length).toBeGreaterThan(320);
    expect(new Set(verdicts)).toEqual(new Set(["pass", "review", "reject"]));
  });

  it("wants a key, a POST and a JSON body, as a provider would", async () => {
    const noKey = await fetch(`${base("openai-eu")}/chat/completions`, { method: "POST", body: JSON.stringify({ model: "gpt-4.1-mini", messages: [] }) });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key" } });
    const get = await fetch(`${base("anthropic")}/v1/messages`, { headers: { "x-api-key": apiKey } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ type: "error", error: { type: "api_error" } });
    const malformed = await fetch(`${base("google-gemini")}/v1beta/models/gemini-2.5-flash:generateContent`, { method: "POST", headers: { "x-goog-api-key": apiKey }, body: "{oops" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { status: "INVALID_ARGUMENT" } });
  });

  it("answers callers on this machine only", () => {
    expect(isLocalCaller({ remoteAddress: "127.0.0.1", localAddress: "127.0.0.1" })).toBe(true);
    expect(isLocalCaller({ remoteAddress: "::ffff:127.0.0.1", localAddress: "::ffff:127.0.0.1" })).toBe(true);
    expect(isLocalCaller({ remoteAddress: "::1", localAddress: "::1" })).toBe(true);
    // A server on a plant address, called by the proxy beside it over that address.
    expect(isLocalCaller({ remoteAddress: "10.30.1.5", localAddress: "10.30.1.5" })).toBe(true);
    expect(isLocalCaller({ remoteAddress: "10.30.1.77", localAddress: "10.30.1.5" })).toBe(false);
  });
});

describe("demo answers", () => {
  it("fit the workload the prompt comes from", () => {
    expect(topicOf("Forecast the remaining useful life of spindle AUG-CNC-01")).toBe("maintenance");
    expect(topicOf("Alarm PT-2203: classify the anomaly")).toBe("anomaly");
    expect(topicOf("Draft the work instruction to change the gripper jaws")).toBe("instruction");
    expect(topicOf("Why was order 4711 moved in the schedule?")).toBe("schedule");
    expect(topicOf("Hello")).toBe("general");
    expect(answerText("Bitte eine Arbeitsanweisung für den Wechsel der Spannbacken an AUG-CNC-04.")).toMatch(/^Arbeitsanweisung \(Entwurf\) für AUG-CNC-04:/);
  });

  it("are the same for the same prompt, and stream as the same text", () => {
    const prompt = "Furnace FUR-02: shell temperature 260 °C. Forecast the remaining lining life.";
    expect(answerText(prompt)).toBe(answerText(prompt));
    expect(deltasOf(answerText(prompt)).join("")).toBe(answerText(prompt));
  });
});
