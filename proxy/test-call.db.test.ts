// A test call from a device's page, through the real proxy core and ledger, against the
// test upstream: the report shows what the provider received and answered, refusals
// reach no provider, and the temporary credential is revoked with both changes recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { recordIdHeader } from "@/proxy/core";
import { sendTestCall, testCallChoices, type TestCallInput } from "@/proxy/test-call";
import { startProxyFixture, type ProxyFixture } from "@/proxy/testing/proxy-fixture";
import { answeredModel, replyText, upstreamPromptTokens } from "@/proxy/testing/upstream";

let f: ProxyFixture;

beforeAll(async () => {
  f = await startProxyFixture();
}, 180_000);

afterAll(async () => {
  await f?.close();
});

const send = (device: string, input: TestCallInput) => sendTestCall({ db: f.db, record: f.record, actor: f.actor, runtime: f.proxy.runtime, device, input });

async function logRecords(logId: string) {
  const rows = await f.store.readRecords({ logId, fromSeq: 0, limit: 100_000 });
  return rows.map((r) => ({ id: r.id, kind: r.kind, body: (JSON.parse(r.envelope) as { body: Record<string, unknown> }).body }));
}

/** The admin_change records of one credential, from the log the test call's changes went to. */
async function credentialChanges(credentialId: string) {
  return (await logRecords("fixture")).filter((r) => r.kind === "admin_change" && (r.body.entity as { id: string }).id === credentialId).map((r) => ({ action: r.body.action, summary: r.body.summary }));
}

async function expectRevoked(credential: { id: string; tokenPrefix: string; revoked: boolean }) {
  expect(credential.revoked).toBe(true);
  const row = await f.db.deviceCredential.findUniqueOrThrow({ where: { id: credential.id } });
  expect(row.revokedAt).not.toBeNull();
  expect(row.label).toBe(`Test call by ${f.actor.email}`);
  expect(row.expiresAt!.getTime() - row.createdAt.getTime()).toBe(5 * 60_000);
  expect(await credentialChanges(credential.id)).toEqual([
    { action: "create", summary: expect.stringContaining(`token ${credential.tokenPrefix}… issued for a test call of device`) },
    { action: "update", summary: `token ${credential.tokenPrefix}… revoked` },
  ]);
}

describe("a test call", () => {
  it("goes through as the device: outcome, record facts, the forwarded body and the provider's answer", async () => {
    const prompt = "Summarise the spindle vibration trend of machining centre MC-07 over the last shift.";
    const before = f.upstream.requests.length;
    const report = await send("aug-pdm-spindle", { destination: "openai-eu", model: "gpt-4.1-mini", prompt });

    expect(report).toMatchObject({ device: "aug-pdm-spindle", destination: "openai-eu", outcome: "allowed", status: 200, error: null });
    expect(report.record).toMatchObject({ kind: "ai_call", inLedger: true, conduit: "aug-l3-to-openai-eu", endpoint: "chat.completions", model: "gpt-4.1-mini", stream: false, classification: { level: "INTERNAL", labels: { ot_asset_tag: 1 } } });
    expect(report.result).toMatchObject({ outcome: "completed", status: 200, model: answeredModel("gpt-4.1-mini"), inputTokens: upstreamPromptTokens, outputTokens: 3, finishReason: "stop" });
    expect(report.result!.durationMs).toBeGreaterThan(0);

    // What the provider received is what the report shows, and the provider key only by its hint.
    expect(f.upstream.requests.length).toBe(before + 1);
    const received = f.upstream.requests.at(-1)!;
    expect(JSON.parse(report.forwarded!.body.text!)).toEqual(JSON.parse(received.bodyText));
    expect(JSON.parse(received.bodyText)).toEqual({ model: "gpt-4.1-mini", messages: [{ role: "user", content: prompt }] });
    expect(report.forwarded).toMatchObject({ method: "POST", url: `${f.upstream.url}/v1/chat/completions` });
    expect(report.forwarded!.headers).toContainEqual(["authorization", `Bearer …${f.providerKeys["openai-eu"]!.slice(-4)}`]);
    expect(JSON.stringify(report)).not.toContain(f.providerKeys["openai-eu"]);
    expect(report.answer).toMatchObject({ status: 200, reply: replyText(3) });
    expect(JSON.parse(report.answer!.body.text!)).toMatchObject({ object: "chat.completion" });

    // The records: the call and its result in the proxy's log, under the ids the report names.
    const records = await logRecords(f.proxy.logId);
    const call = records.find((r) => r.id === report.record!.id)!;
    expect(call.body).toMatchObject({ outcome: "allowed", context: { device: "aug-pdm-spindle", credential: report.credential.id, workstation: expect.any(String) } });
    expect(records.find((r) => r.kind === "ai_call_result" && r.body.callRecordId === call.id)?.body).toMatchObject({ outcome: "completed" });
    await expectRevoked(report.credential);
  });

  it("streams, and reads the reply and the tokens from the stream (Anthropic)", async () => {
    const report = await send("aug-pdm-spindle", { destination: "anthropic", model: "claude-sonnet-4-5", prompt: "Explain the bearing alarm of MC-07.", stream: true });
    expect(report.outcome).toBe("allowed");
    expect(report.record).toMatchObject({ conduit: "aug-l3-to-anthropic-test", endpoint: "messages", stream: true });
    expect(report.answer!.body.mediaType).toMatch(/text\/event-stream/);
    expect(report.answer!.reply).toBe(replyText(3));
    expect(report.result).toMatchObject({ outcome: "completed", outputTokens: 3 });
    expect(JSON.parse(report.forwarded!.body.text!)).toMatchObject({ model: "claude-sonnet-4-5", stream: true, max_tokens: 512 });
    expect(report.forwarded!.headers).toContainEqual(["x-api-key", `…${f.providerKeys.anthropic!.slice(-4)}`]);
    await expectRevoked(report.credential);
  });

  it("on a redacting conduit shows the placeholder the provider received instead of the data", async () => {
    const report = await send("aug-wi-copilot", { destination: "azure-openai-weu", model: "gpt-4o", prompt: "Shift lead Maria Santos asks: draft the steps to replace the coolant filter on machining centre MC-07." });
    expect(report.outcome).toBe("redacted");
    expect(report.record).toMatchObject({ conduit: "aug-l2-to-azure-copilot", model: "gpt-4o", classification: { level: "CONFIDENTIAL", labels: { personal_data: 1 } } });
    expect(report.forwarded!.url).toBe(`${f.upstream.url}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`);
    expect(report.forwarded!.body.text).toContain("[REDACTED:personal_data]");
    expect(report.forwarded!.body.text).not.toContain("Maria Santos");
    const received = f.upstream.requests.at(-1)!;
    expect(received.bodyText).toContain("[REDACTED:personal_data]");
    expect(received.bodyText).not.toContain("Maria Santos");
    expect(report.answer!.reply).toBe(replyText(3));
    await expectRevoked(report.credential);
  });

  it("that the proxy refuses shows the code and message, reaches no provider, and is recorded as denied", async () => {
    const before = f.upstream.requests.length;
    // The casting camera's zone has no conduit to the vision model.
    const report = await send("avr-qi-casting", { destination: "vision-onprem", model: "", prompt: "Porosity near the gate of casting C-88: scrap or accept?" });
    expect(report).toMatchObject({ outcome: "refused", status: 403, forwarded: null, answer: null, result: null });
    expect(report.error).toEqual({ code: "conduit_not_authorized", message: expect.stringContaining("No conduit authorises AI calls from zone aveiro-l2") });
    expect(f.upstream.requests.length).toBe(before);
    const denied = (await logRecords(f.proxy.logId)).find((r) => r.id === report.record!.id)!;
    expect(denied).toMatchObject({ kind: "ai_call_denied", body: { code: "conduit_not_authorized", destination: "vision-onprem", context: { device: "avr-qi-casting" } } });
    expect(report.record).toMatchObject({ kind: "ai_call_denied", conduit: null, classification: null });
    await expectRevoked(report.credential);

    // A conduit that exists but does not allow the device's purpose says so.
    const purpose = await send("avr-qi-casting", { destination: "openai-eu", model: "gpt-4.1-mini", prompt: "Porosity near the gate: scrap or accept?" });
    expect(purpose).toMatchObject({ outcome: "refused", error: { code: "purpose_not_allowed" }, record: { conduit: "avr-l2-to-openai-eu-pdm" } });
    expect(f.upstream.requests.length).toBe(before);
  });

  it("after which the temporary token is refused by the proxy", async () => {
    const tokens: string[] = [];
    // Capture the token as the core saw it, through the observer's view of the request.
    const runtime = {
      inventory: f.proxy.runtime.inventory,
      observed: (observer: Parameters<typeof f.proxy.runtime.observed>[0]) => {
        const proxy = f.proxy.runtime.observed(observer);
        return { answer: (request: Request, call: Parameters<typeof proxy.answer>[1]) => (tokens.push(request.headers.get("authorization")!), proxy.answer(request, call)) };
      },
    };
    const report = await sendTestCall({ db: f.db, record: f.record, actor: f.actor, runtime, device: "aug-pdm-spindle", input: { destination: "openai-eu", model: "gpt-4.1-mini", prompt: "Status of MC-07?" } });
    const token = tokens[0]!.replace(/^Bearer /, "");
    expect(token).toMatch(/^cl_dev_/);
    expect(JSON.stringify(report)).not.toContain(token);
    expect(f.upstream.requests.at(-1)!.bodyText + JSON.stringify([...f.upstream.requests.at(-1)!.headers])).not.toContain(token);
    const again = await fetch(`${f.proxy.url}/openai-eu/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: tokens[0]! },
      body: JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "again" }] }),
    });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("device_token_revoked");
    expect(again.headers.get(recordIdHeader)).not.toBeNull();
  });

  it("refuses bad input naming the field, before any credential is issued", async () => {
    const credentials = await f.db.deviceCredential.count();
    const issues = async (device: string, input: unknown) => {
      const error = await send(device, input as TestCallInput).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      return { code: (error as AppError).code, paths: ((error as AppError).issues ?? []).map((i) => i.path) };
    };
    await expect(issues("aug-pdm-spindle", { destination: "nowhere", model: "x", prompt: "hello" })).resolves.toEqual({ code: "validation_failed", paths: ["destination"] });
    await expect(issues("aug-pdm-spindle", { destination: "openai-eu", model: "", prompt: "hello" })).resolves.toEqual({ code: "validation_failed", paths: ["model"] });
    await expect(issues("no-such-device", { destination: "openai-eu", model: "gpt-4.1-mini", prompt: "hello" })).resolves.toEqual({ code: "not_found", paths: [] });
    const zodError = await send("aug-pdm-spindle", { destination: "openai-eu", model: "gpt-4.1-mini", prompt: "  ", stream: "yes" } as never).catch((e: unknown) => e);
    expect((zodError as { issues: { path: string[] }[] }).issues.map((i) => i.path.join("."))).toEqual(["prompt", "stream"]);
    expect(await f.db.deviceCredential.count()).toBe(credentials);
  });
});

describe("the test call's choices", () => {
  it("offers every destination, the zone's conduits first, with the models they allow and a prompt for the workload", async () => {
    const choices = await testCallChoices({ db: f.db, device: "aug-wi-copilot" });
    expect(choices.initial).toEqual({ destination: "azure-openai-weu", model: "gpt-4o", prompt: expect.stringContaining("Maria Santos") });
    expect(choices.destinations[0]).toMatchObject({ slug: "azure-openai-weu", conduit: { slug: "aug-l2-to-azure-copilot", state: "in_force", allowsPurpose: true }, models: ["gpt-4o"] });
    expect(choices.destinations.map((d) => d.slug).sort()).toEqual((await f.db.aiDestination.findMany({ select: { slug: true } })).map((d) => d.slug).sort());
    expect(choices.destinations.find((d) => d.slug === "anthropic")).toMatchObject({ conduit: null, models: ["claude-sonnet-4-5"] });

    // The casting camera: a conduit out of its zone, but for another purpose.
    const casting = await testCallChoices({ db: f.db, device: "avr-qi-casting" });
    expect(casting.destinations[0]).toMatchObject({ slug: "openai-eu", conduit: { slug: "avr-l2-to-openai-eu-pdm", allowsPurpose: false } });
  });
});
