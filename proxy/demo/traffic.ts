// Seeds the demo with three weeks of AI calls, sent through the real proxy core and the
// real ledger to the demo provider over HTTP, so every record is one the proxy wrote:
// identified by a device token the seed issued, authorised, classified, recorded before
// it was forwarded, and its result recorded after. Only time is simulated: each plant's
// proxy and its ledger log read one clock that walks through the plan (proxy/demo/plan.ts),
// so records carry the plan's times (shifts, nights, weekends) and each log stays in order.
//
// Each plant's traffic goes into a log of its own, as if each plant ran the standalone
// edge proxy (`edge-augsburg`, `edge-aveiro`, keys under <data>/keys like any log). The
// application's log gets what the application would record: the tokens issued, the
// replacement and revocation of tokens during the period, and the evidence links.
//
// The plants' calls go in rounds: calls planned within a quarter of an hour of each other
// are sent together, so their records share commits (a commit per record, one after the
// other, took several minutes here), and the next round starts when this one's records are
// committed. A record is stamped when its batch is sealed, with the clock at the round's
// latest call: never before the call it records (its id carries that call's time), at
// most roundWindowMs after it. The plants' two logs are written side by side.
import { createHash } from "node:crypto";
import type { SessionUser } from "@/lib/auth/session";
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { issueDeviceCredential, revokeDeviceCredential } from "@/lib/devices/credentials";
import { linkEvidence } from "@/lib/incidents/evidence";
import type { LedgerAppend } from "@/lib/incidents/incident-state";
import { openLog } from "@/lib/ledger";
import type { AppendedRecord } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { logger as appLogger } from "@/lib/logger";
import { issueOperatorAssertion } from "@/lib/operators/assertions";
import type { ProxyAnswer } from "@/proxy/answer";
import { recordIdHeader, type InspectionProxy, type ProxyLogger } from "@/proxy/core";
import { operatorAssertionHeader, operatorIdHeader } from "@/proxy/operator";
import { demoMoments, demoShiftLead, planDemoTraffic, type DemoPlant, type PlannedCall, type PlannedEvent, type PlannedOversight } from "@/proxy/demo/plan";
import { createProxyRuntime, type ProxyRuntime } from "@/proxy/runtime";

export interface DemoTrafficSummary {
  /** Calls sent, and how many the proxy forwarded (the others it refused). */
  calls: number;
  forwarded: number;
  oversightDecisions: number;
  /** The plants' logs: plant -> log id. */
  logs: Record<DemoPlant, string>;
  evidenceLinks: number;
}

const hour = 3_600_000;

/** One plant's proxy, its log and its clock. */
interface PlantProxy {
  clock: { now: number };
  runtime: ProxyRuntime;
  /** The same core, telling which records each call appended (to wait for their commit). */
  core: InspectionProxy;
  appended: Promise<AppendedRecord>[];
  close(): Promise<void>;
  logId: string;
}

async function openPlantProxy(options: { config: Config; db: Db; store: LedgerStore; plant: DemoPlant; start: number; logger: ProxyLogger }): Promise<PlantProxy> {
  const { config, db, store, plant } = options;
  const clock = { now: options.start };
  // A record nobody waits on (a call's result) is committed at once: the round waits for it,
  // and by default it would wait up to 25 ms for company.
  const log = await openLog({ config, store, logName: `edge-${plant}`, writer: `proxy:edge-${plant}`, now: () => new Date(clock.now), maxWaitMs: 0 });
  // The seed reloads the inventory itself after each change; a timer would only cost CPU.
  const seedConfig = { ...config, proxy: { ...config.proxy, inventoryRefreshMs: 10 * 60_000 } };
  const runtime = createProxyRuntime({ config: seedConfig, db, log, store, logger: options.logger, now: () => clock.now });
  await runtime.inventory.reload();
  const appended: Promise<AppendedRecord>[] = [];
  const core = runtime.observed({ recording: (recording) => appended.push(recording.appended) });
  return {
    clock,
    runtime,
    core,
    appended,
    logId: log.logId,
    async close() {
      await runtime.close();
      await log.close();
    },
  };
}

async function drain(answer: ProxyAnswer): Promise<void> {
  if (!(answer.body instanceof ReadableStream)) return;
  const reader = answer.body.getReader();
  while (!(await reader.read()).done);
}

/**
 * Sends one request as a device would, straight into the core: what is seeded is the
 * proxy's work, not its HTTP server. The core reads the clock as it starts, so the caller
 * sets the clock first and calls this in the same turn.
 */
async function send(options: { proxy: PlantProxy; path: string; source: string | null; headers: Headers; body: Uint8Array }): Promise<{ status: number; recordId: string | null }> {
  const request = { method: "POST", url: `http://edge-proxy.demo${options.path}`, headers: options.headers, signal: new AbortController().signal, body: null };
  const answer = await options.proxy.core.answer(request, { path: options.path.split("?")[0]!, sourceAddress: options.source, readBody: async () => options.body });
  await drain(answer);
  return { status: answer.status, recordId: answer.headers.get(recordIdHeader) };
}

/** Waits until every record the plant's calls appended so far is committed. */
async function settle(proxy: PlantProxy): Promise<void> {
  // A call's result record is appended on the turn after its answer's last byte (see core.ts).
  await new Promise((resolve) => setImmediate(resolve));
  await Promise.allSettled(proxy.appended.splice(0));
}

/** How far apart the calls of one round may be planned, and how many it takes. */
const roundWindowMs = 15 * 60_000;
const roundMaxCalls = 64;

/** Consecutive calls within roundWindowMs of the first; an oversight report or an inventory change goes alone, after what came before. */
function rounds(events: PlannedEvent[]): PlannedEvent[][] {
  const result: PlannedEvent[][] = [];
  let round: PlannedCall[] = [];
  for (const event of events) {
    if (event.kind === "call" && round.length > 0 && round.length < roundMaxCalls && event.at - round[0]!.at <= roundWindowMs) {
      round.push(event);
      continue;
    }
    if (round.length > 0) result.push(round);
    round = [];
    if (event.kind === "call") round.push(event);
    else result.push([event]);
  }
  if (round.length > 0) result.push(round);
  return result;
}

export async function seedDemoTraffic(options: {
  config: Config;
  db: Db;
  /** The ledger store; each plant's log is opened in it. */
  store: LedgerStore;
  /** Appends to the application's log, as the application records its changes. */
  record: LedgerAppend;
  /** About this many calls (config.demo.trafficCalls). */
  calls: number;
  /** The end of the period: the demo seed's now. */
  now: Date;
  onProgress?: (progress: { sent: number; of: number }) => void;
  logger?: ProxyLogger;
}): Promise<DemoTrafficSummary> {
  const { config, db, record } = options;
  const logger = options.logger ?? appLogger.child({ component: "demo-traffic" });
  const plan = planDemoTraffic({ now: options.now, calls: options.calls });
  const moments = demoMoments(options.now.getTime());
  const user = async (email: string): Promise<SessionUser> => db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, role: true } });
  const admin = await user("admin@nordwerk.example");
  const compliance = await user("compliance@nordwerk.example");
  const ciso = await user("ciso@nordwerk.example");
  const shiftLead = await user(demoShiftLead);

  // Each device's token, issued an hour before the period by the compliance officer.
  const devices = await db.device.findMany({ select: { id: true, slug: true, workstation: { select: { ipAddress: true } } } });
  const addressOf = new Map(devices.map((d) => [d.slug, d.workstation?.ipAddress ?? null]));
  const tokens = new Map<string, { token: string; id: string }[]>();
  const issuedAt = new Date(moments.start - hour);
  for (const device of devices) {
    const { token, credential } = await issueDeviceCredential({ db, record, actor: compliance, device: device.slug, input: { label: "commissioning", expiresInDays: 365 }, now: issuedAt });
    tokens.set(device.slug, [{ token, id: credential.id }]);
  }
  // The app registers itself as an operator-assertion issuer on its first assertion.
  await issueOperatorAssertion({ db, config, user: shiftLead, now: issuedAt });

  const plants: Record<DemoPlant, PlantProxy> = {
    augsburg: await openPlantProxy({ config, db, store: options.store, plant: "augsburg", start: moments.start, logger }),
    aveiro: await openPlantProxy({ config, db, store: options.store, plant: "aveiro", start: moments.start, logger }),
  };
  const calls = plan.filter((e): e is PlannedCall => e.kind === "call");
  const marked = new Map<NonNullable<PlannedCall["mark"]>, string>();
  // Per call key: the call's record id and what the oversight report needs, once it was forwarded.
  const forwarded = new Map<number, { recordId: string; call: PlannedCall }>();
  let sent = 0;
  let decisions = 0;
  const step = Math.max(1, Math.ceil(calls.length / 10));

  // An operator's assertion lasts OPERATOR_ASSERTION_MAX_AGE_SECONDS; the terminal asks for a new one after two thirds of it.
  let assertion: { value: string; until: number } | null = null;
  const maxAgeMs = config.proxy.operatorAssertionMaxAgeSeconds * 1000;
  const operatorHeaders = async (operator: PlannedCall["operator"], at: number): Promise<Record<string, string>> => {
    if (operator === null) return {};
    if ("asserted" in operator) return { [operatorIdHeader]: operator.asserted };
    if (!assertion || assertion.until <= at) {
      const issued = await issueOperatorAssertion({ db, config, user: shiftLead, now: new Date(at) });
      assertion = { value: issued.assertion, until: at + (maxAgeMs * 2) / 3 };
    }
    return { [operatorAssertionHeader]: assertion.value };
  };

  const tokenFor = (call: PlannedCall) => {
    const held = tokens.get(call.device)!;
    return (call.credential === "first" ? held[0] : held.at(-1))!.token;
  };

  const headersFor = async (call: PlannedCall, token: string, at: number) => {
    const { request } = call;
    const headers = new Headers({ "content-type": request.contentType, ...request.headers, ...(await operatorHeaders(call.operator, at)) });
    headers.set(request.tokenPlace, request.tokenPlace === "authorization" ? `Bearer ${token}` : token);
    return headers;
  };

  const runCall = async (proxy: PlantProxy, call: PlannedCall, headers: Headers) => {
    const result = await send({ proxy, path: `/${call.destination}${call.request.path}`, source: call.source ?? addressOf.get(call.device) ?? null, headers, body: call.request.body });
    if (call.mark && result.recordId) marked.set(call.mark, result.recordId);
    if (result.status === 200 && result.recordId) forwarded.set(call.key, { recordId: result.recordId, call });
    if (++sent % step === 0 || sent === calls.length) options.onProgress?.({ sent, of: calls.length });
  };

  const runOversight = async (proxy: PlantProxy, oversight: PlannedOversight) => {
    const call = forwarded.get(oversight.call);
    if (!call) return; // refused: there was no output to decide on
    // An edited output is described by its hash and size, as the application reports it.
    const edited = oversight.decision === "edited" ? { editedOutput: { sha256: createHash("sha256").update(`edited ${call.recordId}`).digest("hex"), bytes: 180 + (oversight.call % 400) } } : {};
    const headers = new Headers({ "content-type": "application/json", authorization: `Bearer ${tokenFor(call.call)}`, ...(await operatorHeaders(call.call.operator, oversight.at)) });
    const body = new TextEncoder().encode(JSON.stringify({ callRecordId: call.recordId, decision: oversight.decision, ...edited }));
    proxy.clock.now = oversight.at;
    const result = await send({ proxy, path: "/_conduit/oversight", source: call.call.source ?? addressOf.get(call.call.device) ?? null, headers, body });
    if (result.status === 201) decisions++;
  };

  const runAction = async (proxy: PlantProxy, action: PlannedEvent & { kind: "action" }) => {
    const now = new Date(action.at);
    if (action.action === "replace-copilot-token") {
      // INC-2026-001 contained: the copied token revoked, the terminal given a new one.
      const held = tokens.get("aug-wi-copilot")!;
      await revokeDeviceCredential({ db, record, actor: admin, credentialId: held[0]!.id, now });
      const { token, credential } = await issueDeviceCredential({ db, record, actor: admin, device: "aug-wi-copilot", input: { label: "terminal, after INC-2026-001", expiresInDays: 365 }, now });
      held.push({ token, id: credential.id });
    } else {
      // The scheduling pilot ended; the MES integration is switched off and its token revoked.
      await revokeDeviceCredential({ db, record, actor: compliance, credentialId: tokens.get("aug-mes-scheduler")![0]!.id, now });
    }
    await proxy.runtime.inventory.reload();
  };

  const run = async (plant: DemoPlant) => {
    const proxy = plants[plant];
    for (const round of rounds(plan.filter((e) => e.plant === plant))) {
      const [first] = round;
      if (first?.kind === "oversight") await runOversight(proxy, first);
      else if (first?.kind === "action") {
        proxy.clock.now = first.at;
        await runAction(proxy, first);
      } else {
        const sending: Promise<void>[] = [];
        for (const call of round as PlannedCall[]) {
          const headers = await headersFor(call, tokenFor(call), call.at);
          proxy.clock.now = call.at;
          sending.push(runCall(proxy, call, headers));
        }
        await Promise.all(sending);
      }
      await settle(proxy);
    }
  };
  try {
    await Promise.all([run("augsburg"), run("aveiro")]);
  } finally {
    // Device usage (last use, anomalies) is written on close; then each log's final checkpoint.
    await Promise.all(Object.values(plants).map((p) => p.close()));
  }

  const evidenceLinks = await linkDemoEvidence({ db, record, ciso, marked, copilotToken: tokens.get("aug-wi-copilot")![0]!.id, now: options.now.getTime() });
  return { calls: sent, forwarded: forwarded.size, oversightDecisions: decisions, logs: { augsburg: plants.augsburg.logId, aveiro: plants.aveiro.logId }, evidenceLinks };
}

/** Links the calls behind the demo incidents to them, as the CISO did while handling them. */
async function linkDemoEvidence(options: { db: Db; record: LedgerAppend; ciso: SessionUser; marked: Map<string, string>; copilotToken: string; now: number }): Promise<number> {
  const { db, record, ciso: actor, marked, now } = options;
  const incident = (reference: string) => db.incident.findUniqueOrThrow({ where: { reference }, select: { id: true } });
  const tokenIncident = await incident("INC-2026-001");
  const ransomware = await incident("INC-2026-002");
  const anomaly = await db.anomaly.findUnique({ where: { kind_subject: { kind: "shared_device_token", subject: options.copilotToken } }, select: { id: true } });
  const links: { incidentId: string; kind: "LEDGER_RECORD" | "ANOMALY"; targetId: string | undefined; note: string; at: number }[] = [
    { incidentId: tokenIncident.id, kind: "ANOMALY", targetId: anomaly?.id, note: "The proxy saw the copilot's token from the terminal and from the office notebook within an hour.", at: now - 136 * hour },
    { incidentId: tokenIncident.id, kind: "LEDGER_RECORD", targetId: marked.get("notebook"), note: "The first call from the office notebook (10.40.12.57), flagged shared_token.", at: now - 136 * hour },
    { incidentId: tokenIncident.id, kind: "LEDGER_RECORD", targetId: marked.get("revoked-token"), note: "The notebook tried again after the token was revoked and was refused.", at: now - 136 * hour },
    { incidentId: ransomware.id, kind: "LEDGER_RECORD", targetId: marked.get("infection"), note: "Copilot calls from the workstation during the infection window; the first of five.", at: now - 3 * hour },
  ];
  let linked = 0;
  for (const link of links) {
    if (!link.targetId) continue;
    await linkEvidence({ db, record, actor, incidentId: link.incidentId, input: { kind: link.kind, targetId: link.targetId, note: link.note }, now: new Date(link.at) });
    linked++;
  }
  return linked;
}
