// The inspection proxy: a standard Request in, a Response out, no framework. Per call it
// identifies the device (its own token), the workstation, zone, plant and operator;
// authorises the zone-to-destination conduit (deny by default); classifies everything
// the request carries and blocks, redacts or flags what exceeds the conduit's level;
// makes the call's record durable in the ledger BEFORE anything reaches the provider;
// forwards with the provider key only the proxy holds; passes the response through
// chunk by chunk, metering it on the way; and records how the call ended.
import { createHash, hash as hashOnce } from "node:crypto";
import type { AppendedRecord } from "@/lib/ledger/log-writer";
import type { RecordRow } from "@/lib/ledger/store";
import { uuidv7 } from "@/lib/ledger/log-writer";
import { answeredModelAllowed, authorizeCall, type ConduitRule } from "@/proxy/authorize";
import { applyConduitLimit, type Classification } from "@/proxy/classify";
import type { DeviceUsage } from "@/proxy/device-usage";
import { readBody } from "@/proxy/body";
import { AbortFlag, HeaderList, jsonAnswer, toResponse, type ProxyAnswer, type ProxyRequest } from "@/proxy/answer";
import { ProxyError, proxyErrorAnswer, type ProxyErrorCode } from "@/proxy/errors";
import type { InventoryCache, InventorySnapshot, ProxyCredential, ProxyDestination } from "@/proxy/inventory";
import type { OperatorIdentity, OperatorResolver } from "@/proxy/operator";
import { handleOversight } from "@/proxy/oversight";
import { adapterFor, ProviderRequestError, type ParsedRequest, type ProviderAdapter } from "@/proxy/providers";
import { checkProviderPath, findDeviceToken } from "@/proxy/providers/forwarding";
import type { UpstreamRequest } from "@/proxy/providers/types";
import { UnidentifiedCallers, unidentifiedRecordsPerMinute } from "@/proxy/unidentified-callers";
import type { Spool } from "@/proxy/spool";
import type { UpstreamAnswer, UpstreamClient } from "@/proxy/upstream-client";

export const purposeHeader = "x-conduit-purpose";
export const recordIdHeader = "x-conduit-record-id";

export interface ProxyLedger {
  append(input: { kind: string; body: unknown; id?: string; canWait?: boolean }): Promise<AppendedRecord>;
  readRecordById(id: string): Promise<RecordRow | null>;
}

export interface ProxyLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface InspectionProxyOptions {
  inventory: InventoryCache;
  ledger: ProxyLedger;
  spool: Spool;
  usage: DeviceUsage;
  /** The budget of recorded refusals for callers without a valid token (default: unidentifiedRecordsPerMinute per address). */
  unidentified?: UnidentifiedCallers;
  operators: OperatorResolver;
  limits: { maxBodyBytes: number; upstreamTimeoutMs: number; streamIdleTimeoutMs: number; bodyTimeoutMs: number };
  /** Request headers passed to every provider besides its own allow-list. */
  forwardedHeaders?: readonly string[];
  logger: ProxyLogger;
  upstream: UpstreamClient;
  now?: () => number;
}

export interface IncomingCall {
  /** The path below the mount point: /<destination>/<provider path>, still percent-encoded. */
  path: string;
  /** The caller's address as the server saw it. */
  sourceAddress: string | null;
  /**
   * Reads the request body, when the server reads it itself (the standalone server reads it
   * in Node, up to one byte past the body limit: cheaper than a web stream); otherwise the
   * core reads request.body. Either way only after the device is known.
   */
  readBody?: (options: { maxBytes: number; timeoutMs: number }) => Promise<Uint8Array>;
}

type CallContext = {
  plant: string | null;
  zone: string | null;
  workstation: string | null;
  device: string | null;
  credential: string | null;
  application: string | null;
  operator: OperatorIdentity;
  purpose: string | null;
  sourceAddress: string | null;
};

/** What is known about a call when it is refused; each refusal is recorded with it. */
interface Attempt {
  context: CallContext;
  destination: ProxyDestination | null;
  conduit: ConduitRule | null;
  parsed: ParsedRequest | null;
  classification: Classification | null;
  request: { sha256: string | null; bytes: number };
}

// Why an upstream request was aborted: the reason decides the recorded outcome.
const timedOut = Symbol("timed out");
const clientGone = Symbol("client aborted");

// Headers of the provider's response that must not be relayed: hop-by-hop, and those
// that describe the encoding the upstream client already undid.
const droppedResponseHeaders = new Set(["connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "set-cookie", "upgrade", "trailer"]);

/** The largest JSON answer read whole before it is relayed; a larger one is streamed. */
const wholeAnswerMaxBytes = 4 * 2 ** 20;

// Statuses whose answer has no body (RFC 9110 15.3.5, 15.3.6, 15.4.5).
const nullBodyStatuses = new Set([204, 205, 304]);

// crypto.hash: one call, without a Hash object (a few µs less for each of a call's hashes).
function sha256Hex(data: Uint8Array): string {
  return hashOnce("sha256", data, "hex");
}

export class InspectionProxy {
  private readonly now: () => number;
  private readonly unidentified: UnidentifiedCallers;

  constructor(private readonly options: InspectionProxyOptions) {
    this.now = options.now ?? Date.now;
    this.unidentified = options.unidentified ?? new UnidentifiedCallers({ recordsPerWindow: unidentifiedRecordsPerMinute, windowMs: 60_000 });
  }

  /** For a web server (the embedded route): a Request in, a Response out. */
  async handle(request: ProxyRequest, call: IncomingCall): Promise<Response> {
    return toResponse(await this.answer(request, call));
  }

  /** The same without the fetch objects, for a server that writes the answer itself (node-http.ts). */
  async answer(request: ProxyRequest, call: IncomingCall): Promise<ProxyAnswer> {
    const [first = "", ...rest] = call.path.replace(/^\/+/, "").split("/");
    if (first === "_conduit") return this.control(request, call, rest.join("/"));
    try {
      return await this.proxyCall(request, call, first, `/${rest.join("/")}`);
    } catch (error) {
      if (error instanceof ProxyError) return proxyErrorAnswer({ error });
      this.options.logger.error({ err: error }, "proxy call failed unexpectedly");
      return proxyErrorAnswer({ error: new ProxyError({ code: "internal", message: "The proxy could not complete the call." }) });
    }
  }

  private async control(request: ProxyRequest, call: IncomingCall, route: string): Promise<ProxyAnswer> {
    if (route === "health") return jsonAnswer({ value: { status: "ok", spooled: this.options.spool.size }, status: 200 });
    if (route === "oversight") {
      const snapshot = await this.options.inventory.current();
      const authenticate = async (token: string | null) => {
        const hashed = token ? tokenHash(token) : null;
        return this.authenticate({ token, hash: hashed, snapshot: hashed ? await this.options.inventory.withCredential(hashed) : snapshot });
      };
      return handleOversight({ request, readBody: call.readBody, bodyTimeoutMs: this.options.limits.bodyTimeoutMs, snapshot, sourceAddress: call.sourceAddress, ledger: this.options.ledger, spool: this.options.spool, operators: this.options.operators, authenticate, now: this.now() });
    }
    return proxyErrorAnswer({ error: new ProxyError({ code: "unsupported_endpoint", message: `No proxy control endpoint "${route}".` }) });
  }

  /** The device behind a token; refusals say exactly what is wrong with the token. */
  authenticate(options: { token: string | null; snapshot: InventorySnapshot; /** tokenHash(token), when the caller has it already. */ hash?: string | null }): ProxyCredential {
    if (!options.token) throw new ProxyError({ code: "device_token_missing", message: "Send the device token where your SDK sends its API key." });
    const credential = options.snapshot.credentialsByHash.get(options.hash ?? tokenHash(options.token));
    if (!credential) throw new ProxyError({ code: "invalid_device_token", message: "The device token is not valid." });
    if (credential.revokedAt !== null) throw new ProxyError({ code: "device_token_revoked", message: `Device token ${credential.tokenPrefix}… was revoked.` });
    if (credential.expiresAt !== null && credential.expiresAt <= this.now()) throw new ProxyError({ code: "device_token_expired", message: `Device token ${credential.tokenPrefix}… has expired.` });
    if (credential.device.disabled) throw new ProxyError({ code: "device_disabled", message: `Device ${credential.device.slug} is disabled.` });
    return credential;
  }

  private async proxyCall(request: ProxyRequest, call: IncomingCall, destinationSlug: string, providerPath: string): Promise<ProxyAnswer> {
    const started = performance.now();
    const now = this.now();
    const search = searchOf(request.url);
    let snapshot = await this.options.inventory.current();
    const destination = snapshot.destinations.get(safeDecode(destinationSlug)) ?? null;
    const adapter = destination ? adapterFor(destination.provider) : null;
    const attempt: Attempt = {
      context: { plant: null, zone: null, workstation: null, device: null, credential: null, application: null, operator: { id: null, assurance: "none" }, purpose: null, sourceAddress: call.sourceAddress },
      destination,
      conduit: null,
      parsed: null,
      classification: null,
      request: { sha256: null, bytes: 0 },
    };
    const refuse = (error: ProxyError) => this.refuse({ attempt, error });

    // 1. Who is calling.
    const token = adapter
      ? adapter.deviceToken({ headers: request.headers, search })
      : findDeviceToken({ headers: request.headers, search, places: { headers: ["authorization", "x-api-key", "api-key", "x-goog-api-key"], queryKey: true } });
    const hashed = token ? tokenHash(token) : null;
    if (hashed && !snapshot.credentialsByHash.has(hashed)) snapshot = await this.options.inventory.withCredential(hashed);
    let credential: ProxyCredential;
    try {
      credential = this.authenticate({ token, hash: hashed, snapshot });
    } catch (error) {
      if (!(error instanceof ProxyError)) throw error;
      const budget = this.unidentified.admit({ address: call.sourceAddress, now });
      if (budget.recorded) return refuse(error);
      this.options.usage.unidentifiedCaller({ sourceAddress: call.sourceAddress, code: error.code, now });
      return proxyErrorAnswer({
        error: new ProxyError({ code: "too_many_failed_attempts", message: `Too many calls without a valid device token from this address (${error.code}); try again in ${budget.retryAfterSeconds} s.` }),
        headers: { "retry-after": String(budget.retryAfterSeconds) },
      });
    }
    const device = credential.device;
    const workstation = device.workstation ?? (call.sourceAddress ? (snapshot.workstationsByAddress.get(call.sourceAddress) ?? null) : null);
    Object.assign(attempt.context, {
      plant: device.plant.slug,
      zone: device.zone.slug,
      workstation: workstation?.hostname ?? null,
      device: device.slug,
      credential: credential.id,
      application: device.application,
      purpose: request.headers.get(purposeHeader)?.trim() || device.defaultPurpose,
    });
    try {
      attempt.context.operator = await this.options.operators.resolve({ headers: request.headers, issuers: snapshot.issuers, mayAssertOperator: device.mayAssertOperator, now });
    } catch (error) {
      if (error instanceof ProxyError) return refuse(error);
      throw error;
    }
    if (!destination || !adapter) return refuse(new ProxyError({ code: "unknown_destination", message: `No AI destination "${safeDecode(destinationSlug)}".` }));
    try {
      checkProviderPath(providerPath);
    } catch (error) {
      if (error instanceof ProviderRequestError) return refuse(new ProxyError({ code: error.code, message: error.message }));
      throw error;
    }

    // 2. What it asks for.
    let body: Uint8Array;
    try {
      body = await readBody({ request, maxBytes: this.options.limits.maxBodyBytes, timeoutMs: this.options.limits.bodyTimeoutMs, read: call.readBody });
    } catch (error) {
      if (error instanceof ProxyError) return refuse(error);
      throw error;
    }
    attempt.request = { sha256: sha256Hex(body), bytes: body.byteLength };
    let parsed: ParsedRequest;
    try {
      parsed = adapter.parseRequest({ method: request.method, path: providerPath, search, contentType: request.headers.get("content-type"), body });
    } catch (error) {
      if (error instanceof ProviderRequestError) return refuse(new ProxyError({ code: error.code, message: error.message }));
      throw error;
    }
    attempt.parsed = parsed;

    // 3. Whether a conduit allows it.
    const authorization = authorizeCall({
      conduits: snapshot.conduits.get(`${device.zone.id} ${destination.id}`) ?? [],
      call: { purpose: attempt.context.purpose, model: parsed.model, endpoint: parsed.endpoint, now },
      zone: device.zone.slug,
      destination: destination.slug,
    });
    attempt.conduit = authorization.conduit;
    if (!authorization.ok) {
      if (authorization.code === "conduit_not_authorized") this.options.usage.unauthorisedFlow({ deviceId: device.id, destinationId: destination.id, code: authorization.code, now });
      return refuse(new ProxyError({ code: authorization.code, message: authorization.message }));
    }
    const conduit = authorization.conduit;

    // 4. What the request carries, against the conduit's level.
    const classifier = snapshot.classifiers.get(device.plant.id) ?? snapshot.classifiers.get("")!;
    const classification = classifier.classify({ parts: parsed.parts });
    attempt.classification = classification;
    const limit = applyConduitLimit({ parts: parsed.parts, classification, maxDataClass: conduit.maxDataClass, overLimitAction: conduit.overLimitAction });
    if (limit.outcome === "block") {
      return refuse(new ProxyError({ code: "data_class_exceeded", message: `The request is ${classification.level} (${limit.overLimitLabels.join(", ")}); conduit ${conduit.slug} allows up to ${conduit.maxDataClass}.` }));
    }
    const forwardBody = limit.outcome === "redact" ? adapter.rewriteBody({ request: parsed, replacements: limit.replacements }) : body;
    if (destination.apiKey === null && destination.provider !== "GENERIC_INFERENCE") {
      return refuse(new ProxyError({ code: "provider_key_missing", message: `Destination ${destination.slug} has no provider key configured.` }));
    }

    // 5. The record, durable before anything leaves the plant.
    const flags: string[] = [];
    if (limit.outcome === "flag") flags.push("data_class_exceeded");
    if (this.options.usage.seen({ credentialId: credential.id, deviceId: device.id, sourceAddress: call.sourceAddress, now })) flags.push("shared_token");
    const callRecordId = uuidv7(now);
    const callRecord = {
      kind: "ai_call",
      id: callRecordId,
      body: {
        outcome: limit.outcome === "redact" ? "redacted" : limit.outcome === "flag" ? "flagged" : "allowed",
        context: attempt.context,
        conduit: conduit.slug,
        destination: destination.slug,
        provider: destination.provider,
        endpoint: parsed.endpoint,
        model: parsed.model,
        stream: parsed.stream,
        classification: { level: classification.level, labels: classification.labels },
        request: attempt.request,
        forwarded: forwardBody === body ? attempt.request : { sha256: sha256Hex(forwardBody), bytes: forwardBody.byteLength },
        flags,
      },
    };
    const durable = await this.makeDurable({ record: callRecord, failOpen: conduit.failMode === "OPEN" });
    if (!durable) {
      return refuse(new ProxyError({ code: "ledger_unavailable", message: "The audit ledger cannot record the call, and this conduit does not forward unrecorded calls. Try again later." }));
    }

    // 6. Forward, and relay the answer as it comes.
    return this.forward({ request, adapter, destination, conduit, providerPath, search, forwardBody, parsed, callRecordId, started });
  }

  private async forward(options: {
    request: ProxyRequest;
    adapter: ProviderAdapter;
    destination: ProxyDestination;
    conduit: ConduitRule;
    providerPath: string;
    search: URLSearchParams;
    forwardBody: Uint8Array;
    parsed: ParsedRequest;
    callRecordId: string;
    started: number;
  }): Promise<ProxyAnswer> {
    const { request, adapter, destination, parsed, callRecordId, started } = options;
    let upstream: UpstreamRequest;
    try {
      upstream = adapter.upstreamRequest({ baseUrl: destination.baseUrl, path: options.providerPath, search: options.search, headers: request.headers, apiKey: destination.apiKey, extraHeaders: this.options.forwardedHeaders });
    } catch {
      // A provider key stored before keys were held to visible ASCII cannot go into a
      // header. The error would quote it, so it is neither logged nor passed on.
      this.options.logger.error({ callRecordId, destination: destination.slug }, "the upstream request could not be built; check the destination's provider key");
      this.recordResult({ callRecordId, outcome: "failed", status: null, sha256: null, bytes: 0, ttfbMs: null, error: "upstream_request_invalid", metered: null, durationMs: performance.now() - started });
      return proxyErrorAnswer({ error: new ProxyError({ code: "upstream_unreachable", message: `The request to ${destination.slug} could not be built; an administrator should set its provider key again.` }), headers: { [recordIdHeader]: callRecordId } });
    }
    const abort = new AbortFlag();
    const onClientAbort = () => abort.abort(clientGone);
    request.signal.addEventListener("abort", onClientAbort, { once: true });
    // The client may have gone while the record was committed: then nothing is sent, and
    // the result record says client_aborted.
    if (request.signal.aborted) onClientAbort();
    let timer = setTimeout(() => abort.abort(timedOut), this.options.limits.upstreamTimeoutMs);
    const finished = (result: Omit<ResultFields, "durationMs" | "metered">, meter: ResponseMeter | null) => {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", onClientAbort);
      const durationMs = performance.now() - started;
      // Metering the whole answer and building its record (validation, canonical JSON) take
      // a while: they run after the answer's last byte has gone out, not before it.
      setImmediate(() => {
        try {
          const metered = meter?.finish() ?? null;
          // Azure answers with the model behind the deployment the conduit names, so only
          // the deployment is checked (before forwarding).
          const unexpectedModel = metered?.model && destination.provider !== "AZURE_OPENAI" && !answeredModelAllowed({ conduit: options.conduit, requested: parsed.model, answered: metered.model });
          this.recordResult({ callRecordId, ...result, metered, flags: unexpectedModel ? ["model_not_allowed"] : [], durationMs });
        } catch (error) {
          this.options.logger.error({ err: error, callRecordId }, "a call result could not be recorded");
        }
      });
    };

    let response: UpstreamAnswer;
    try {
      if (abort.aborted) throw abort.reason;
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      response = await this.options.upstream({ url: upstream.url, method: request.method, headers: upstream.headers, body: hasBody ? options.forwardBody : undefined, signal: abort });
    } catch {
      const reason = abort.reason;
      const outcome = reason === timedOut ? "timed_out" : reason === clientGone ? "client_aborted" : "failed";
      finished({ outcome, status: null, sha256: null, bytes: 0, ttfbMs: null, error: outcome === "failed" ? "upstream_unreachable" : null }, null);
      const error =
        outcome === "timed_out"
          ? new ProxyError({ code: "upstream_timeout", message: `${destination.slug} did not answer within ${this.options.limits.upstreamTimeoutMs} ms.` })
          : new ProxyError({ code: "upstream_unreachable", message: `${destination.slug} could not be reached.` });
      return proxyErrorAnswer({ error, headers: { [recordIdHeader]: callRecordId } });
    }

    const headers = new HeaderList();
    let contentType: string | null = null;
    let contentLength: number | null = null;
    for (const [name, value] of response.headers) {
      if (name === "content-type") contentType = value;
      if (name === "content-length") contentLength = Number(value);
      if (!droppedResponseHeaders.has(name)) headers.append(name, value);
    }
    headers.set(recordIdHeader, callRecordId);
    const status = response.status;
    const meter = adapter.responseMeter({ endpoint: parsed.endpoint, contentType });
    if (request.method === "HEAD" || nullBodyStatuses.has(status)) {
      response.cancel();
      finished({ outcome: status >= 400 ? "failed" : "completed", status, sha256: sha256Hex(new Uint8Array(0)), bytes: 0, ttfbMs: performance.now() - started, error: null }, meter);
      return { status, headers, body: null };
    }

    // A JSON answer (a chat completion, an embedding) is read whole and relayed in one
    // piece: the client cannot use half a JSON document, and it saves a stream pipeline per
    // call. One that grows past wholeAnswerMaxBytes, and every stream, goes chunk by chunk
    // below, starting with what was already read.
    const readAhead: Uint8Array[] = [];
    const eventStream = contentType?.toLowerCase().includes("text/event-stream") ?? false;
    if (!parsed.stream && !eventStream && (contentLength === null || contentLength <= wholeAnswerMaxBytes)) {
      let ttfbMs: number | null = null;
      let length = 0;
      let complete = false;
      try {
        while (length <= wholeAnswerMaxBytes) {
          const chunk = await response.read();
          if (chunk === null) {
            complete = true;
            break;
          }
          ttfbMs ??= performance.now() - started;
          readAhead.push(chunk);
          length += chunk.byteLength;
        }
      } catch {
        const reason = abort.reason;
        const outcome = reason === timedOut ? "timed_out" : reason === clientGone ? "client_aborted" : "failed";
        finished({ outcome, status, sha256: null, bytes: length, ttfbMs, error: outcome === "failed" ? "upstream_stream_error" : null }, meter);
        const error =
          outcome === "timed_out"
            ? new ProxyError({ code: "upstream_timeout", message: `${destination.slug} did not finish its answer within ${this.options.limits.upstreamTimeoutMs} ms.` })
            : new ProxyError({ code: "upstream_unreachable", message: `${destination.slug} broke off its answer.` });
        return proxyErrorAnswer({ error, headers: { [recordIdHeader]: callRecordId } });
      }
      if (complete) {
        const whole = readAhead.length === 1 ? readAhead[0]! : Buffer.concat(readAhead);
        meter.push(whole);
        finished({ outcome: status >= 400 ? "failed" : "completed", status, sha256: sha256Hex(whole), bytes: whole.byteLength, ttfbMs: ttfbMs ?? performance.now() - started, error: null }, meter);
        // Its length is known: a server sends headers and body in one write, unchunked.
        headers.set("content-length", String(whole.byteLength));
        return { status, statusText: response.statusText, headers, body: whole };
      }
    }

    // Pulled one chunk at a time, only when the client reads: nothing is buffered, and
    // chunks leave when they arrive. A silent stream is cut after the idle timeout.
    const hash = createHash("sha256");
    let bytes = 0;
    let ttfbMs: number | null = null;
    let done = false;
    const end = (outcome: ResultFields["outcome"], error: string | null) => {
      if (done) return;
      done = true;
      finished({ outcome, status, sha256: hash.digest("hex"), bytes, ttfbMs, error }, meter);
    };
    const idle = this.options.limits.streamIdleTimeoutMs;
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          clearTimeout(timer);
          timer = setTimeout(() => abort.abort(timedOut), idle);
          try {
            const chunk = readAhead.shift() ?? (await response.read());
            if (chunk === null) {
              controller.close();
              end(status >= 400 ? "failed" : "completed", null);
              return;
            }
            ttfbMs ??= performance.now() - started;
            meter.push(chunk);
            hash.update(chunk);
            bytes += chunk.byteLength;
            controller.enqueue(chunk);
          } catch (error) {
            const reason = abort.reason;
            end(reason === timedOut ? "timed_out" : reason === clientGone ? "client_aborted" : "failed", reason === timedOut ? "stream_idle_timeout" : "upstream_stream_error");
            controller.error(error);
          }
        },
        cancel: async () => {
          // The client went away: stop the provider too, and say so in the record.
          end("client_aborted", null);
          abort.abort(clientGone);
          response.cancel();
        },
      },
      { highWaterMark: 0 },
    );
    return { status, statusText: response.statusText, headers, body };
  }

  /** Appends a record before the call goes on; a fail-open conduit falls back to the spool. */
  private async makeDurable(options: { record: { kind: string; id: string; body: unknown }; failOpen: boolean; canWait?: boolean }): Promise<boolean> {
    try {
      await this.options.ledger.append({ ...options.record, canWait: options.canWait });
      return true;
    } catch (error) {
      this.options.logger.warn({ err: error, recordId: options.record.id }, "the ledger could not append a call record");
      if (!options.failOpen) return false;
      try {
        await this.options.spool.write(options.record);
        return true;
      } catch (spoolError) {
        this.options.logger.error({ err: spoolError, recordId: options.record.id }, "neither the ledger nor the spool could take a call record");
        return false;
      }
    }
  }

  /** Records a refused call (to the spool when the ledger cannot write) and answers the refusal. */
  private async refuse(options: { attempt: Attempt; error: ProxyError }): Promise<ProxyAnswer> {
    const { attempt, error } = options;
    const record = {
      kind: "ai_call_denied",
      id: uuidv7(this.now()),
      body: {
        code: error.code,
        context: attempt.context,
        conduit: attempt.conduit?.slug ?? null,
        destination: attempt.destination?.slug ?? null,
        endpoint: attempt.parsed?.endpoint ?? null,
        model: attempt.parsed?.model ?? null,
        classification: attempt.classification ? { level: attempt.classification.level, labels: attempt.classification.labels } : null,
        request: attempt.request,
      },
    };
    if (!(await this.makeDurable({ record, failOpen: true }))) {
      this.options.logger.error({ code: error.code, device: attempt.context.device }, "a refused call could not be recorded");
    }
    return proxyErrorAnswer({ error, headers: { [recordIdHeader]: record.id } });
  }

  /** The call's end, linked to its record; written after the response, never delaying it. */
  private recordResult(result: ResultFields & { callRecordId: string; flags?: string[] }): void {
    const metered = result.metered;
    const record = {
      kind: "ai_call_result",
      id: uuidv7(this.now()),
      body: {
        callRecordId: result.callRecordId,
        outcome: result.outcome,
        response: { sha256: result.sha256, bytes: result.bytes, status: result.status },
        model: metered?.model ?? null,
        usage: { inputTokens: metered?.inputTokens ?? null, outputTokens: metered?.outputTokens ?? null },
        finishReason: metered?.finishReason ?? null,
        responseId: metered?.responseId ?? null,
        ttfbMs: result.ttfbMs === null ? null : round(result.ttfbMs),
        durationMs: round(result.durationMs),
        error: result.error ?? metered?.error ?? null,
        ...(result.flags?.length ? { flags: result.flags } : {}),
      },
    };
    // Nothing waits on this record, so it joins the next call's commit rather than
    // costing a disk flush of its own.
    void this.makeDurable({ record, failOpen: true, canWait: true }).then((ok) => {
      if (!ok) this.options.logger.error({ recordId: record.id, callRecordId: result.callRecordId }, "a call result could not be recorded");
    });
  }
}

type ResponseMeter = ReturnType<ProviderAdapter["responseMeter"]>;

interface ResultFields {
  outcome: "completed" | "failed" | "timed_out" | "client_aborted";
  status: number | null;
  sha256: string | null;
  bytes: number;
  ttfbMs: number | null;
  durationMs: number;
  metered: ReturnType<ResponseMeter["finish"]> | null;
  error: string | null;
}

function tokenHash(token: string): string {
  return hashOnce("sha256", token, "hex");
}

/** The query of a request URL, without parsing the rest of it (as URL.searchParams reads it). */
function searchOf(url: string): URLSearchParams {
  const query = url.indexOf("?");
  if (query === -1) return new URLSearchParams();
  const fragment = url.indexOf("#", query);
  return new URLSearchParams(fragment === -1 ? url.slice(query + 1) : url.slice(query + 1, fragment));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Reads a request body up to a limit, refusing early on a declared length over it. */
export type { ProxyErrorCode };
