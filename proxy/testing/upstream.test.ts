import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { behaviourHeaders, replyDeltas, replyText, startTestUpstream, type TestUpstream } from "@/proxy/testing/upstream";

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startTestUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.configure({ errorStatus: null, delayMs: 0, chunkIntervalMs: 0, chunkCount: 3 }));

const lastRequest = () => upstream.requests.at(-1)!;

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${upstream.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal });
}

const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

describe("test upstream", () => {
  it("records what it received and what it sent", async () => {
    const response = await post("/base/v1/chat/completions?trace=1", chat, { authorization: "Bearer t" });
    const body = await response.text();
    const request = lastRequest();
    expect(request).toMatchObject({ method: "POST", path: "/base/v1/chat/completions", bodyText: JSON.stringify(chat) });
    expect(request.search.get("trace")).toBe("1");
    expect(request.headers.get("authorization")).toBe("Bearer t");
    const outcome = await request.outcome;
    expect(outcome).toMatchObject({ status: 200, contentType: "application/json", aborted: false, writes: 1 });
    expect(new TextDecoder().decode(outcome.body)).toBe(body);
  });

  it.each([
    ["/v1/chat/completions", 429, { error: { type: "requests", code: "rate_limit_exceeded", param: null } }],
    ["/openai/deployments/d/embeddings", 404, { error: { type: "invalid_request_error", code: "model_not_found" } }],
    ["/v1/messages", 529, { type: "error", error: { type: "overloaded_error" }, request_id: expect.stringMatching(/^req_/) }],
    ["/v1beta/models/gemini-2.5-flash:streamGenerateContent", 503, { error: { code: 503, status: "UNAVAILABLE" } }],
    ["/infer", 500, { error: { code: "upstream_500" } }],
  ])("fails %s with %i and the provider's error body", async (path, status, shape) => {
    upstream.configure({ errorStatus: status });
    const response = await post(path, chat);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject(shape);
  });

  it("takes behaviour from x-upstream-* headers over its defaults", async () => {
    const failing = await post("/v1/messages", chat, { [behaviourHeaders.errorStatus]: "401" });
    expect(failing.status).toBe(401);
    const streamed = await post("/v1/chat/completions", { ...chat, stream: true }, { [behaviourHeaders.chunkCount]: "7" });
    expect(await streamed.text()).toContain(`"content":"${replyDeltas(7).at(-1)}"`);
    expect((await lastRequest().outcome).writes).toBe(1);
  });

  it("answers a malformed body with a 400 in the provider's shape", async () => {
    const response = await fetch(`${upstream.url}/v1/chat/completions`, { method: "POST", body: "{oops" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("paces a stream: one write per chunk, the interval apart", async () => {
    upstream.configure({ chunkIntervalMs: 40, chunkCount: 4 });
    const started = performance.now();
    const response = await post("/v1/messages", { model: "claude-haiku-5-5", max_tokens: 8, stream: true, messages: [] });
    const text = await response.text();
    const elapsed = performance.now() - started;
    expect(text.match(/event: content_block_delta/g)).toHaveLength(4);
    expect(text.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")).toBe(true);
    // Timers never fire early, so three intervals is a floor; how the client's reads group the writes is up to TCP.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 40 - 2);
    expect(await lastRequest().outcome).toMatchObject({ writes: 4, aborted: false });
  });

  it("notices a client that aborts mid-stream and stops writing", async () => {
    upstream.configure({ chunkIntervalMs: 30, chunkCount: 50 });
    const controller = new AbortController();
    const response = await post("/v1/chat/completions", { ...chat, stream: true }, {}, controller.signal);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const outcome = await lastRequest().outcome;
    expect(outcome.aborted).toBe(true);
    expect(outcome.writes).toBeLessThan(50);
  });

  it("delays the response headers, and notices a client that gave up waiting", async () => {
    upstream.configure({ delayMs: 300 });
    await expect(post("/v1/chat/completions", chat, {}, AbortSignal.timeout(50))).rejects.toThrow();
    const outcome = await lastRequest().outcome;
    expect(outcome).toMatchObject({ aborted: true, writes: 0, status: 0 });

    upstream.configure({ delayMs: 60 });
    const started = performance.now();
    const response = await post("/v1/chat/completions", chat);
    expect(performance.now() - started).toBeGreaterThanOrEqual(58);
    expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe(replyText(3));
  });

  it("keeps connections alive between requests", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = () =>
      new Promise<boolean>((resolve, reject) => {
        const request = http.request(`${upstream.url}/v1/embeddings`, { method: "POST", agent, headers: { "content-type": "application/json" } }, (response) => {
          response.resume();
          response.on("end", () => resolve(request.reusedSocket));
        });
        request.on("error", reject);
        request.end(JSON.stringify({ model: "e", input: "x" }));
      });
    expect([await send(), await send()]).toEqual([false, true]);
    agent.destroy();
  });

  it("records nothing when told not to (load benchmarks)", async () => {
    const quiet = await startTestUpstream({ record: false, chunkCount: 2 });
    const response = await fetch(`${quiet.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chat) });
    expect(((await response.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(2);
    expect(quiet.requests).toEqual([]);
    await quiet.close();
  });
});
