// "Send a test call" on a device's page: an OT engineer commissioning a device calls an
// AI destination through the proxy AS that device and sees what the proxy decided, the
// record it wrote, what left for the provider and what came back. Nothing is simulated:
// the call carries a real device token (issued for the test, expiring in minutes, revoked
// right after, each step an admin_change record) through the same core the devices use,
// which identifies, authorises, classifies, records before forwarding, forwards and
// records the result. Only an observer on that core is added (ProxyRuntime.observed).
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { Db, ProviderKind, Workload } from "@/lib/db";
import { hashDeviceToken, issueDeviceCredential, revokeDeviceCredential } from "@/lib/devices/credentials";
import { AppError } from "@/lib/errors";
import { conduitState, type ConduitState } from "@/lib/inventory/conduit-state";
import type { RecordFn } from "@/lib/ledger/admin-change";
import type { AppendedRecord } from "@/lib/ledger/log-writer";
import { providerKeyHint } from "@/lib/secrets/provider-keys";
import type { InspectionProxy } from "@/proxy/core";
import { recordIdHeader } from "@/proxy/core";
import type { InventoryCache } from "@/proxy/inventory";
import { parseJson, record as asRecord, text as asText } from "@/proxy/providers/meter";
import type { ProxyObserver } from "@/proxy/runtime";
import type { UpstreamCall } from "@/proxy/upstream-client";

/** How much of a body the page shows; the rest is counted, not kept. */
export const shownBodyMaxBytes = 64 * 1024;
/** How long to wait for the result record once the answer is in (it follows the answer, never delays it). */
const resultWaitMs = 5000;

export const testCallSchema = z.object({
  destination: z.string({ error: "Choose an AI destination." }).trim().min(1, "Choose an AI destination.").max(100),
  model: z.string({ error: "The model must be text." }).trim().max(200, "The model name is at most 200 characters.").default(""),
  prompt: z.string({ error: "Write a prompt." }).trim().min(1, "Write a prompt.").max(8000, "The prompt is at most 8000 characters."),
  stream: z.boolean({ error: "Streaming is on or off (true or false)." }).default(false),
});

export type TestCallInput = z.input<typeof testCallSchema>;

/** A prompt like the device's own traffic, so the classification shown is the one its calls get. */
export const samplePrompts: Record<Workload, string> = {
  PREDICTIVE_MAINTENANCE:
    "Summarise the spindle vibration trend of machining centre MC-07 over the last shift (RMS rose from 2.1 to 3.4 mm/s) and estimate how many operating hours the spindle bearing has left.",
  ANOMALY_DETECTION:
    "Gearbox oil temperature TT-4711 rose from 62 °C to 71 °C within 20 minutes while the load stayed constant. Is this an anomaly, and what should the shift check first?",
  QUALITY_INSPECTION:
    "Line camera 3 found a 2 mm pit near the tooth root of a gear. Should the part be scrapped, reworked or accepted? Answer with a verdict and a confidence.",
  // The name is personal data: on a conduit rated INTERNAL the provider gets a placeholder.
  WORK_INSTRUCTION_COPILOT:
    "Shift lead Maria Santos asks: draft the steps to replace the coolant filter on machining centre MC-07, lock-out/tag-out first.",
  SCHEDULING: "Explain in three sentences why order 4711 was moved behind order 4712 on line 2 in tonight's schedule, for the shift handover.",
};

/** A model to suggest where no conduit names one; GENERIC_INFERENCE needs none. */
const defaultModels: Record<ProviderKind, string> = {
  OPENAI_COMPATIBLE: "gpt-4.1-mini",
  AZURE_OPENAI: "gpt-4o",
  ANTHROPIC: "claude-sonnet-4-5",
  GEMINI: "gemini-2.5-flash",
  GENERIC_INFERENCE: "",
};

export interface TestCallDestination {
  slug: string;
  name: string;
  provider: ProviderKind;
  /** The conduit from the device's zone to this destination, if any (the one in force first). */
  conduit: { slug: string; name: string; state: ConduitState; allowsPurpose: boolean } | null;
  /** Models to suggest: those the conduits name exactly, else the provider's usual one. */
  models: string[];
}

function parseList(value: string): string[] {
  const list = parseJson(value);
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
}

/** What the test-call form offers for a device: every destination (so a refusal can be shown), its zone's conduits first. */
export async function testCallChoices(options: { db: Db; device: string; now?: Date }) {
  const { db } = options;
  const now = options.now ?? new Date();
  const device = await db.device.findFirst({
    where: { OR: [{ id: options.device }, { slug: options.device }] },
    select: { zoneId: true, workload: true, defaultPurpose: true },
  });
  if (!device) throw new AppError({ code: "not_found", message: `No device "${options.device}".` });
  const [destinations, conduits] = await Promise.all([
    db.aiDestination.findMany({ select: { slug: true, name: true, provider: true }, orderBy: { name: "asc" } }),
    db.conduit.findMany({
      where: { sourceZoneId: device.zoneId },
      select: { slug: true, name: true, status: true, validFrom: true, validUntil: true, allowedModels: true, allowedPurposes: true, destination: { select: { slug: true } } },
      orderBy: { slug: "asc" },
    }),
  ]);
  const rank = (c: { state: ConduitState; allowsPurpose: boolean }) => (c.state === "in_force" ? 0 : 2) + (c.allowsPurpose ? 0 : 1);
  const choices: TestCallDestination[] = destinations.map((d) => {
    const own = conduits
      .filter((c) => c.destination.slug === d.slug)
      .map((c) => {
        const purposes = parseList(c.allowedPurposes);
        return { slug: c.slug, name: c.name, state: conduitState({ ...c, now }), allowsPurpose: purposes.length === 0 || purposes.includes(device.defaultPurpose), models: parseList(c.allowedModels) };
      })
      .sort((a, b) => rank(a) - rank(b));
    // The test call is a chat call: embedding models are left out of the suggestions.
    const exact = [...new Set(own.flatMap((c) => c.models.filter((m) => !m.includes("*") && !/embed/i.test(m))))];
    const conduit = own[0] ? { slug: own[0].slug, name: own[0].name, state: own[0].state, allowsPurpose: own[0].allowsPurpose } : null;
    return { slug: d.slug, name: d.name, provider: d.provider, conduit, models: exact.length > 0 ? exact : [defaultModels[d.provider]].filter(Boolean) };
  });
  // Those with a conduit first, the one most likely to let the call through on top.
  choices.sort((a, b) => (a.conduit ? rank(a.conduit) : 4) - (b.conduit ? rank(b.conduit) : 4));
  const first = choices[0];
  return { destinations: choices, initial: { destination: first?.slug ?? "", model: first?.models[0] ?? "", prompt: samplePrompts[device.workload] } };
}

/**
 * The request the device's SDK would send for one prompt: the provider's path and body,
 * and the device token where that SDK puts its key.
 */
export function providerRequest(options: { provider: ProviderKind; model: string; prompt: string; stream: boolean; token: string }): {
  path: string;
  search: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const { model, prompt, stream, token } = options;
  const messages = [{ role: "user", content: prompt }];
  // Without include_usage a streamed chat completion reports no tokens to meter.
  const streamOptions = stream ? { stream: true, stream_options: { include_usage: true } } : {};
  const json = { "content-type": "application/json" };
  switch (options.provider) {
    case "OPENAI_COMPATIBLE":
      return { path: "/v1/chat/completions", search: "", headers: { ...json, authorization: `Bearer ${token}` }, body: { model, messages, ...streamOptions } };
    case "AZURE_OPENAI":
      // Azure runs the deployment in the path; the body names no model.
      return { path: `/openai/deployments/${encodeURIComponent(model)}/chat/completions`, search: "?api-version=2024-10-21", headers: { ...json, "api-key": token }, body: { messages, ...streamOptions } };
    case "ANTHROPIC":
      return { path: "/v1/messages", search: "", headers: { ...json, "x-api-key": token, "anthropic-version": "2023-06-01" }, body: { model, max_tokens: 512, messages, ...(stream ? { stream: true } : {}) } };
    case "GEMINI":
      return {
        path: `/v1beta/models/${encodeURIComponent(model)}:${stream ? "streamGenerateContent" : "generateContent"}`,
        search: stream ? "?alt=sse" : "",
        headers: { ...json, "x-goog-api-key": token },
        body: { contents: [{ role: "user", parts: [{ text: prompt }] }] },
      };
    case "GENERIC_INFERENCE":
      return { path: "/v1/inspect", search: "", headers: { ...json, authorization: `Bearer ${token}` }, body: { ...(model ? { model } : {}), input: prompt, ...(stream ? { stream: true } : {}) } };
  }
}

/** A body as the page shows it: JSON pretty-printed, text as text, binary only by size. */
export interface ShownBody {
  mediaType: string | null;
  bytes: number;
  /** Null for binary content. */
  text: string | null;
  truncated: boolean;
}

export function shownBody(options: { bytes: Uint8Array; total?: number; mediaType: string | null }): ShownBody {
  const total = options.total ?? options.bytes.byteLength;
  const kept = options.bytes.subarray(0, shownBodyMaxBytes);
  const truncated = total > kept.byteLength;
  let text: string | null;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(kept, { stream: truncated });
  } catch {
    text = null;
  }
  if (text !== null && !truncated && /json/i.test(options.mediaType ?? "")) {
    const json = parseJson(text);
    if (json !== undefined) text = JSON.stringify(json, null, 2);
  }
  return { mediaType: options.mediaType, bytes: total, text, truncated };
}

// Where the adapters put the provider key (proxy/providers/forwarding.ts).
const keyHeaders = new Set(["authorization", "x-api-key", "api-key", "x-goog-api-key"]);

/** The headers that left for the provider, its key shown only by its last four characters. */
export function shownHeaders(headers: Headers): [string, string][] {
  return [...headers].map(([name, value]) => {
    if (!keyHeaders.has(name)) return [name, value];
    const bearer = /^(bearer\s+)(.*)$/i.exec(value);
    return [name, bearer ? `${bearer[1]}${providerKeyHint(bearer[2]!)}` : providerKeyHint(value)];
  });
}

function textPieces(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textPieces); // Gemini's JSON-array stream
  const o = asRecord(value);
  const strings = (items: unknown[]) => items.filter((item): item is string => typeof item === "string");
  const list = (items: unknown) => (Array.isArray(items) ? items : []);
  // OpenAI chat completions, whole (message) or streamed (delta).
  if (Array.isArray(o.choices)) return strings(o.choices.map((c) => asRecord(asRecord(c).delta).content ?? asRecord(asRecord(c).message).content));
  // Anthropic and OpenAI Responses stream events.
  if (o.type === "content_block_delta") return strings([asRecord(o.delta).text]);
  if (o.type === "response.output_text.delta") return strings([o.delta]);
  // A whole Anthropic message or OpenAI response.
  if (o.type === "message") return strings(list(o.content).map((c) => asRecord(c).text));
  if (o.object === "response") return strings(list(o.output).flatMap((item) => list(asRecord(item).content).map((c) => asRecord(c).text)));
  // Gemini, whole or one chunk of a stream.
  if (Array.isArray(o.candidates)) return strings(list(asRecord(asRecord(o.candidates[0]).content).parts).map((p) => asRecord(p).text));
  return [];
}

/** The reply's text, from a JSON answer or an event stream of any of the chat APIs; null when none is found. */
export function replyText(options: { mediaType: string | null; text: string }): string | null {
  const events = /text\/event-stream/i.test(options.mediaType ?? "")
    ? options.text
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trim())
    : [options.text];
  const pieces = events.flatMap((data) => {
    const value = parseJson(data);
    return value === undefined ? [] : textPieces(value);
  });
  return pieces.length > 0 ? pieces.join("") : null;
}

interface ObservedRecord {
  record: { kind: string; body: unknown; id?: string };
  appended: Promise<AppendedRecord>;
}

export interface TestCallReport {
  device: string;
  destination: string;
  /** What the proxy decided: forwarded as is, redacted, forwarded and flagged, or refused. */
  outcome: "allowed" | "redacted" | "flagged" | "refused";
  /** The proxy's HTTP status to the device. */
  status: number;
  /** The proxy's own error: why it refused, or why the call failed after it was allowed. */
  error: { code: string; message: string } | null;
  /** The call's record (ai_call, or ai_call_denied for a refusal). */
  record: {
    id: string;
    kind: string;
    /** False when the ledger could not write and the record waits in the spool. */
    inLedger: boolean;
    conduit: string | null;
    endpoint: string | null;
    model: string | null;
    stream: boolean;
    classification: { level: string; labels: Record<string, number> } | null;
    flags: string[];
  } | null;
  /** How the forwarded call ended (ai_call_result); null for a refusal or when it was not written in time. */
  result: {
    outcome: string;
    status: number | null;
    model: string | null;
    inputTokens: number | null;
    outputTokens: number | null;
    ttfbMs: number | null;
    durationMs: number | null;
    finishReason: string | null;
    error: string | null;
  } | null;
  /** What left the proxy for the provider; null when nothing did. */
  forwarded: { method: string; url: string; headers: [string, string][]; body: ShownBody } | null;
  /** The provider's answer as the proxy relayed it; null when the provider sent none. */
  answer: { status: number; body: ShownBody; reply: string | null } | null;
  /** The temporary credential the call used. */
  credential: { id: string; tokenPrefix: string; label: string; expiresAt: string; revoked: boolean };
}

/** The part of a proxy runtime a test call needs (proxy/runtime.ts). */
export interface TestCallRuntime {
  inventory: Pick<InventoryCache, "reload">;
  observed(observer: ProxyObserver): Pick<InspectionProxy, "answer">;
}

/** Reloads until the proxy knows the new token: a reload already under way may have started before it existed. */
async function untilKnown(options: { inventory: TestCallRuntime["inventory"]; tokenHash: string }) {
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await options.inventory.reload()).credentialsByHash.has(options.tokenHash)) return;
  }
  throw new AppError({ code: "unavailable", message: "The proxy did not pick up the test credential; try again." });
}

async function readAll(body: Uint8Array | ReadableStream<Uint8Array> | null): Promise<{ kept: Uint8Array; total: number }> {
  if (body === null) return { kept: new Uint8Array(0), total: 0 };
  if (body instanceof Uint8Array) return { kept: body, total: body.byteLength };
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  let total = 0;
  // Read to the end, so the call completes as the device's would; keep only what is shown.
  const reader = body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    total += next.value.byteLength;
    if (keptBytes < shownBodyMaxBytes) {
      kept.push(next.value);
      keptBytes += next.value.byteLength;
    }
  }
  return { kept: Buffer.concat(kept), total };
}

const settled = (appended: Promise<AppendedRecord>) =>
  appended.then(
    () => true,
    () => false,
  );

/** Sends one test call through the proxy as the device, with a credential that lives only for the call. */
export async function sendTestCall(options: { db: Db; record: RecordFn; actor: SessionUser; runtime: TestCallRuntime; device: string; input: TestCallInput; now?: Date }): Promise<TestCallReport> {
  const { db, runtime } = options;
  const input = testCallSchema.parse(options.input);
  const device = await db.device.findFirst({ where: { OR: [{ id: options.device }, { slug: options.device }] }, select: { id: true, slug: true, status: true } });
  if (!device) throw new AppError({ code: "not_found", message: `No device "${options.device}".` });
  if (device.status !== "ACTIVE") throw new AppError({ code: "conflict", message: `Device ${device.slug} is disabled; enable it before a test call.` });
  const destination = await db.aiDestination.findUnique({ where: { slug: input.destination }, select: { slug: true, provider: true } });
  if (!destination) {
    throw new AppError({ code: "validation_failed", message: "The test call names no known AI destination.", issues: [{ path: "destination", message: `No AI destination "${input.destination}".` }] });
  }
  if (input.model === "" && destination.provider !== "GENERIC_INFERENCE") {
    throw new AppError({ code: "validation_failed", message: `Calls to ${destination.slug} name a model.`, issues: [{ path: "model", message: "Name the model to call." }] });
  }

  const issued = await issueDeviceCredential({ db, record: options.record, actor: options.actor, device: device.id, input: { label: `Test call by ${options.actor.email}`.slice(0, 120) }, testCall: true, now: options.now });
  const credential = { id: issued.credential.id, tokenPrefix: issued.credential.tokenPrefix, label: issued.credential.label, expiresAt: issued.credential.expiresAt!.toISOString() };
  let report: Omit<TestCallReport, "credential">;
  let revoked = false;
  try {
    await untilKnown({ inventory: runtime.inventory, tokenHash: hashDeviceToken(issued.token) });
    report = await callAsDevice({ runtime, device: device.slug, destination, input, token: issued.token });
  } finally {
    // Also when the call failed. Should revoking fail, the token still expires in minutes,
    // and it never left this process; the report says so.
    revoked = await revokeDeviceCredential({ db, record: options.record, actor: options.actor, credentialId: issued.credential.id }).then(
      () => true,
      () => false,
    );
    await runtime.inventory.reload().catch(() => undefined);
  }
  return { ...report, credential: { ...credential, revoked } };
}

/** The call itself, through an observed core, and what it showed. */
async function callAsDevice(options: {
  runtime: TestCallRuntime;
  device: string;
  destination: { slug: string; provider: ProviderKind };
  input: z.output<typeof testCallSchema>;
  token: string;
}): Promise<Omit<TestCallReport, "credential">> {
  const { destination, input } = options;
  let forwarded: UpstreamCall | null = null;
  const records: ObservedRecord[] = [];
  let resultSeen: (observed: ObservedRecord) => void = () => undefined;
  const resultRecord = new Promise<ObservedRecord>((resolve) => (resultSeen = resolve));
  const proxy = options.runtime.observed({
    forwarding: (call) => (forwarded = call),
    recording: (observed) => {
      records.push(observed);
      if (observed.record.kind === "ai_call_result") resultSeen(observed);
    },
  });

  const request = providerRequest({ provider: destination.provider, model: input.model, prompt: input.prompt, stream: input.stream, token: options.token });
  const path = `/${encodeURIComponent(destination.slug)}${request.path}`;
  const answer = await proxy.answer(
    new Request(`http://conduit-ledger.test-call${path}${request.search}`, { method: "POST", headers: request.headers, body: JSON.stringify(request.body) }),
    // No source address: the call comes from the app, and the record names the device's own workstation.
    { path, sourceAddress: null },
  );
  const mediaType = answer.headers.get("content-type");
  const { kept, total } = await readAll(answer.body);
  const recordId = answer.headers.get(recordIdHeader);
  const call = records.find((r) => r.record.id === recordId) ?? null;
  const callBody = asRecord(call?.record.body);
  const refused = call?.record.kind !== "ai_call";

  let result: TestCallReport["result"] = null;
  if (!refused) {
    let timer: NodeJS.Timeout | undefined;
    const observed = await Promise.race([resultRecord, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), resultWaitMs)))]);
    clearTimeout(timer);
    if (observed) {
      // Written after the answer with a short commit delay: the record page then shows it at once.
      await settled(observed.appended);
      result = resultFacts(asRecord(observed.record.body));
    }
  }

  // The proxy's own error body says type "conduit_ledger"; anything else came from the provider.
  const proxyError = asRecord(asRecord(parseJson(Buffer.from(kept).toString("utf8"))).error);
  const error = proxyError.type === "conduit_ledger" ? { code: String(proxyError.code), message: String(proxyError.message) } : null;
  const shown = shownBody({ bytes: kept, total, mediaType });
  const sent = forwarded as UpstreamCall | null;
  const classification = callBody.classification ? asRecord(callBody.classification) : null;
  return {
    device: options.device,
    destination: destination.slug,
    outcome: refused ? "refused" : (callBody.outcome as TestCallReport["outcome"]),
    status: answer.status,
    error,
    record: call
      ? {
          id: call.record.id!,
          kind: call.record.kind,
          inLedger: await settled(call.appended),
          conduit: asText(callBody.conduit),
          endpoint: asText(callBody.endpoint),
          model: asText(callBody.model),
          stream: callBody.stream === true,
          classification: classification ? { level: String(classification.level), labels: asRecord(classification.labels) as Record<string, number> } : null,
          flags: Array.isArray(callBody.flags) ? callBody.flags.map(String) : [],
        }
      : null,
    result,
    forwarded: sent
      ? {
          method: sent.method,
          url: sent.url,
          headers: shownHeaders(sent.headers),
          body: shownBody({ bytes: sent.body ?? new Uint8Array(0), mediaType: sent.headers.get("content-type") }),
        }
      : null,
    // A provider that answered, even with an error of its own; not the proxy's refusals or failures.
    answer: sent && error === null ? { status: answer.status, body: shown, reply: shown.text === null ? null : replyText({ mediaType, text: shown.text }) } : null,
  };
}

function resultFacts(body: Record<string, unknown>): NonNullable<TestCallReport["result"]> {
  const usage = asRecord(body.usage);
  const number = (value: unknown) => (typeof value === "number" ? value : null);
  return {
    outcome: String(body.outcome),
    status: number(asRecord(body.response).status),
    model: asText(body.model),
    inputTokens: number(usage.inputTokens),
    outputTokens: number(usage.outputTokens),
    ttfbMs: number(body.ttfbMs),
    durationMs: number(body.durationMs),
    finishReason: asText(body.finishReason),
    error: asText(body.error),
  };
}
