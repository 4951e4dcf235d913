// Three weeks of the demo plant's AI traffic, planned before any of it is sent: who calls
// which destination when, with what, as whom. Routine calls follow each workload's rhythm
// in its plant's time zone (three shifts in Augsburg, two in Aveiro, furnaces and
// forecasters around the clock, quiet weekends); episodes fit the seeded inventory and
// incidents: a software update asking for a model its conduit does not allow, a feature
// sending a purpose nobody approved, the scheduling pilot's conduit expiring while the
// MES still calls, the casting camera commissioned without a conduit, the copilot's token
// copied to an office notebook (INC-2026-001), the maintenance workstation's ransomware
// night (INC-2026-002). proxy/demo/traffic.ts sends the plan through the real proxy.
import {
  alarmSecondOpinion,
  anomalyTriage,
  cameraFrame,
  exfiltrationRequest,
  maintenanceInstruction,
  maintenanceLogLines,
  refractoryForecast,
  scheduleExplanation,
  seededDraws,
  spindleForecast,
  workInstruction,
  type ChatPrompt,
  type Draws,
} from "@/proxy/demo/prompts";

export type DemoPlant = "augsburg" | "aveiro";

/** Where an SDK puts its key: the proxy reads the device token from the same place. */
export type TokenPlace = "authorization" | "api-key" | "x-api-key" | "x-goog-api-key";

export interface DemoRequest {
  /** The provider path below the destination, with its query. */
  path: string;
  contentType: string;
  headers: Record<string, string>;
  body: Uint8Array;
  tokenPlace: TokenPlace;
}

export type OversightDecision = "accepted" | "edited" | "rejected" | "escalated";

export interface PlannedCall {
  kind: "call";
  at: number;
  plant: DemoPlant;
  /** Numbers the call, so an oversight decision can name it. */
  key: number;
  device: string;
  destination: string;
  request: DemoRequest;
  /** The caller's address; null: the device's workstation. */
  source: string | null;
  /** The device's first token (copied before it was replaced), or the one it holds now. */
  credential: "first" | "current";
  /** verified: an assertion the app issued to this user; asserted: an id the device names. */
  operator: { verified: string } | { asserted: string } | null;
  /** Kept for the incidents' evidence. */
  mark?: "notebook" | "revoked-token" | "infection";
}

export interface PlannedOversight {
  kind: "oversight";
  at: number;
  plant: DemoPlant;
  /** The call it is about, by key. */
  call: number;
  decision: OversightDecision;
}

/** Inventory changes made while the traffic runs, at their time. */
export interface PlannedAction {
  kind: "action";
  at: number;
  plant: DemoPlant;
  action: "replace-copilot-token" | "revoke-mes-token";
}

export type PlannedEvent = PlannedCall | PlannedOversight | PlannedAction;

const hour = 3_600_000;
const minute = 60_000;
const day = 24 * hour;

/** The operator who signs in on the hall 2 terminal on the early shift (the demo's OPERATOR). */
export const demoShiftLead = "operator@nordwerk.example";
/** The office notebook the copilot's token was copied to (INC-2026-001's indicators). */
export const notebookAddress = "10.40.12.57";
/** How many calls the notebook made (INC-2026-001's notification says so). */
export const notebookCalls = 412;
export const planDays = 21;

// --- Requests as each provider's SDK sends them ----------------------------------------

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function openAiChat(options: { model: string; prompt: ChatPrompt; stream: boolean }): DemoRequest {
  const { model, prompt, stream } = options;
  const messages = [
    { role: "system", content: prompt.system },
    { role: "user", content: prompt.user },
  ];
  return { path: "/v1/chat/completions", contentType: "application/json", headers: {}, tokenPlace: "authorization", body: json({ model, messages, temperature: 0.2, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) }) };
}

function azureChat(options: { deployment: string; prompt: ChatPrompt; stream: boolean }): DemoRequest {
  const chat = openAiChat({ model: options.deployment, prompt: options.prompt, stream: options.stream });
  return { ...chat, path: `/openai/deployments/${options.deployment}/chat/completions?api-version=2024-10-21`, tokenPlace: "api-key" };
}

function openAiEmbeddings(lines: string[]): DemoRequest {
  return { path: "/v1/embeddings", contentType: "application/json", headers: {}, tokenPlace: "authorization", body: json({ model: "text-embedding-3-small", input: lines, dimensions: 256, encoding_format: "base64" }) };
}

function anthropicMessages(options: { model: string; prompt: ChatPrompt; stream: boolean }): DemoRequest {
  const { model, prompt, stream } = options;
  const body = { model, max_tokens: 400, system: prompt.system, messages: [{ role: "user", content: prompt.user }], ...(stream ? { stream: true } : {}) };
  return { path: "/v1/messages", contentType: "application/json", headers: { "anthropic-version": "2023-06-01" }, tokenPlace: "x-api-key", body: json(body) };
}

function geminiGenerate(options: { model: string; prompt: ChatPrompt; stream: boolean }): DemoRequest {
  const { model, prompt, stream } = options;
  const body = { contents: [{ role: "user", parts: [{ text: prompt.user }] }], systemInstruction: { parts: [{ text: prompt.system }] }, generationConfig: { temperature: 0.2 } };
  const path = `/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
  return { path, contentType: "application/json", headers: {}, tokenPlace: "x-goog-api-key", body: json(body) };
}

function visionInference(frame: Uint8Array): DemoRequest {
  return { path: "/v1/inspect?line=3", contentType: "image/jpeg", headers: {}, tokenPlace: "authorization", body: frame };
}

// --- The plants' rhythm ------------------------------------------------------------------

interface LocalTime {
  /** 1 Monday ... 7 Sunday */
  weekday: number;
  hour: number;
}

const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

export function localTime(options: { at: number; timeZone: string }): LocalTime {
  let format = formats.get(options.timeZone);
  if (!format) formats.set(options.timeZone, (format = new Intl.DateTimeFormat("en-GB", { timeZone: options.timeZone, weekday: "short", hour: "numeric", hourCycle: "h23" })));
  const parts = format.formatToParts(new Date(options.at));
  return { weekday: weekdays[parts.find((p) => p.type === "weekday")!.value]!, hour: Number(parts.find((p) => p.type === "hour")!.value) };
}

const timeZones: Record<DemoPlant, string> = { augsburg: "Europe/Berlin", aveiro: "Europe/Lisbon" };

/** Augsburg runs three shifts from Monday 06:00 to Saturday 14:00. */
function augsburgProducing(t: LocalTime): boolean {
  if (t.weekday === 1) return t.hour >= 6;
  if (t.weekday <= 5) return true;
  return t.weekday === 6 && t.hour < 14;
}

const weekdayBetween = (t: LocalTime, from: number, to: number) => t.weekday <= 5 && t.hour >= from && t.hour < to;

interface Workload {
  plant: DemoPlant;
  /** Routine calls an hour at this local time (before scaling to the requested volume). */
  rate(t: LocalTime, at: number): number;
  call(options: { at: number; d: Draws; local: LocalTime }): Omit<PlannedCall, "kind" | "at" | "plant" | "key">;
}

/** The plan's fixed moments, relative to the end of the period (the seed's now). */
export function demoMoments(now: number) {
  const notebookFrom = now - 146 * hour;
  return {
    start: now - planDays * day,
    end: now - 10 * minute,
    // INC-2026-001: occurred 146 h before now, token revoked (contained) at 138 h.
    notebookFrom,
    notebookUntil: notebookFrom + 90 * minute,
    copilotTokenReplaced: now - 138 * hour,
    // The scheduling pilot's conduit expired 12 days ago (as lib/seed/demo-plant.ts seeds it);
    // the MES kept calling until its token was revoked the next working morning but one.
    mesPilotExpired: now - 12 * day,
    mesTokenRevoked: workingHour({ from: now - 12 * day + 30 * hour, plant: "augsburg", hour: 10 }),
    // INC-2026-002: the maintenance workstation, infected 11 h ago, isolated 9 h ago.
    infectionFrom: now - 11 * hour,
    // Episodes that refusals come from, in working hours.
    spindleUpdate: workingHour({ from: now - 9 * day, plant: "augsburg", hour: 10 }),
    rootCauseFeature: workingHour({ from: now - 16 * day, plant: "augsburg", hour: 8 }),
    mesModelTrial: workingHour({ from: now - 17 * day, plant: "augsburg", hour: 13 }),
    aveiroModelTrial: workingHour({ from: now - 5 * day, plant: "aveiro", hour: 14 }),
    castingCommissioned: now - 5 * day,
    // Days when someone pasted what should not be sent (blocked or flagged by the conduit).
    furnaceKeyPasted: workingHour({ from: now - 7 * day, plant: "aveiro", hour: 11 }),
    alloyNamed: workingHour({ from: now - 19 * day, plant: "augsburg", hour: 9 }),
    readingsSent: workingHour({ from: now - 3 * day, plant: "augsburg", hour: 9 }),
  };
}

/** The first full hour at or after `from` that is `hour` o'clock on a working day at the plant. */
function workingHour(options: { from: number; plant: DemoPlant; hour: number }): number {
  for (let at = Math.ceil(options.from / hour) * hour; at < options.from + 7 * day; at += hour) {
    const t = localTime({ at, timeZone: timeZones[options.plant] });
    if (t.weekday <= 5 && t.hour === options.hour) return at;
  }
  return options.from;
}

/** How long each episode lasts before someone notices and puts it right. */
const episodeHours = 2;

function workloads(moments: ReturnType<typeof demoMoments>): Record<string, Workload> {
  const within = (at: number, from: number, hours: number) => at >= from && at < from + hours * hour;
  return {
    "aug-pdm-spindle": {
      plant: "augsburg",
      rate: () => 2.2,
      call: ({ at, d }) => {
        // MaintainIQ 4.3 asked for a model the conduit does not allow until it was rolled back.
        const model = within(at, moments.spindleUpdate, episodeHours) ? "gpt-4.1" : "gpt-4.1-mini";
        const variant = d.chance(0.015) ? "secret" : d.chance(0.01) ? "person" : "plain";
        return { device: "aug-pdm-spindle", destination: "openai-eu", request: openAiChat({ model, prompt: spindleForecast(d, variant), stream: false }), source: null, credential: "current", operator: null };
      },
    },
    "aug-pdm-spindle/embeddings": {
      plant: "augsburg",
      rate: () => 0.5,
      call: ({ d }) => ({ device: "aug-pdm-spindle", destination: "openai-eu", request: openAiEmbeddings(maintenanceLogLines(d)), source: null, credential: "current", operator: null }),
    },
    "aug-anomaly-telemetry": {
      plant: "augsburg",
      rate: (t) => (augsburgProducing(t) ? 1.6 : 0.3),
      call: ({ at, d }) => {
        const request = openAiChat({ model: "gpt-4.1-mini", prompt: anomalyTriage(d, d.chance(0.02) ? "gateway" : "plain"), stream: false });
        // A "root cause report" feature sent a purpose no conduit allows, until it was switched off.
        if (within(at, moments.rootCauseFeature, episodeHours)) request.headers["x-conduit-purpose"] = "root-cause-analysis";
        return { device: "aug-anomaly-telemetry", destination: "openai-eu", request, source: null, credential: "current", operator: null };
      },
    },
    "aug-anomaly-telemetry/gemini": {
      plant: "augsburg",
      rate: (t) => (augsburgProducing(t) ? 0.9 : 0.2),
      call: ({ at, d }) => ({
        device: "aug-anomaly-telemetry",
        destination: "google-gemini",
        request: geminiGenerate({ model: "gemini-2.5-flash", prompt: alarmSecondOpinion(d, within(at, moments.readingsSent, episodeHours) || d.chance(0.4)), stream: d.chance(0.3) }),
        source: null,
        credential: "current",
        operator: null,
      }),
    },
    "aug-qi-camera-l3": {
      plant: "augsburg",
      rate: (t) => (augsburgProducing(t) ? 9 : 0),
      call: ({ d }) => ({ device: "aug-qi-camera-l3", destination: "vision-onprem", request: visionInference(cameraFrame(d)), source: null, credential: "current", operator: null }),
    },
    "aug-wi-copilot": {
      plant: "augsburg",
      rate: (t) => (!augsburgProducing(t) ? 0 : t.weekday === 6 ? 1.6 : t.hour >= 6 && t.hour < 14 ? 3.2 : t.hour >= 14 && t.hour < 22 ? 2.2 : 0.8),
      call: ({ d, local }) => {
        // The demo's operator leads the early shift and signs in on the terminal, most of the time.
        const verified = weekdayBetween(local, 6, 14) && d.chance(0.9);
        const variant = d.chance(0.3) ? "parameters" : d.chance(0.12) ? "person" : d.chance(0.1) ? "general" : "plain";
        return {
          device: "aug-wi-copilot",
          destination: "azure-openai-weu",
          request: azureChat({ deployment: "gpt-4o", prompt: workInstruction(d, variant), stream: d.chance(0.85) }),
          source: null,
          credential: "current",
          operator: verified ? { verified: demoShiftLead } : null,
        };
      },
    },
    "aug-mes-scheduler": {
      plant: "augsburg",
      rate: (t, at) => (at < moments.mesTokenRevoked && weekdayBetween(t, 6, 18) ? 1.8 : 0),
      call: ({ at, d }) => {
        const model = within(at, moments.mesModelTrial, episodeHours) ? "claude-opus-4-1" : "claude-sonnet-4-5";
        const variant = within(at, moments.alloyNamed, episodeHours) || d.chance(0.02) ? "alloy" : d.chance(0.3) ? "customer" : "plain";
        return {
          device: "aug-mes-scheduler",
          destination: "anthropic",
          request: anthropicMessages({ model, prompt: scheduleExplanation(d, variant), stream: d.chance(0.5) }),
          source: null,
          credential: "current",
          operator: { asserted: d.pick(["mes:k.yilmaz", "mes:s.wagner", "mes:t.keller"]) },
        };
      },
    },
    "avr-pdm-furnace": {
      plant: "aveiro",
      rate: () => 2,
      call: ({ at, d }) => {
        const variant = within(at, moments.furnaceKeyPasted, episodeHours) || d.chance(0.008) ? "secret" : d.chance(0.01) ? "network" : d.chance(0.3) ? "portuguese" : "plain";
        return { device: "avr-pdm-furnace", destination: "openai-eu", request: openAiChat({ model: "gpt-4.1-mini", prompt: refractoryForecast(d, variant), stream: false }), source: null, credential: "current", operator: null };
      },
    },
    "avr-qi-casting": {
      plant: "aveiro",
      // Commissioned five days ago; it has no conduit yet, so each frame is refused.
      rate: (t, at) => (at >= moments.castingCommissioned && weekdayBetween(t, 6, 22) ? 2.5 : 0),
      call: ({ d }) => ({ device: "avr-qi-casting", destination: "vision-onprem", request: visionInference(cameraFrame(d)), source: null, credential: "current", operator: null }),
    },
    "avr-wi-copilot": {
      plant: "aveiro",
      rate: (t, at) => (at >= moments.infectionFrom ? 0 : weekdayBetween(t, 8, 18) ? 1.6 : weekdayBetween(t, 6, 22) ? 0.5 : 0),
      call: ({ at, d }) => {
        const deployment = within(at, moments.aveiroModelTrial, episodeHours) ? "gpt-4.1" : d.chance(0.8) ? "gpt-4o" : "gpt-4.1-mini";
        const variant = d.chance(0.35) ? "parameters" : d.chance(0.12) ? "person" : "plain";
        return { device: "avr-wi-copilot", destination: "azure-openai-weu", request: azureChat({ deployment, prompt: maintenanceInstruction(d, variant), stream: d.chance(0.7) }), source: null, credential: "current", operator: null };
      },
    },
  };
}

/** A Poisson draw (Knuth): how many calls fall into one hour at a given rate. */
function poisson(d: Draws & { next(): number }, rate: number): number {
  const limit = Math.exp(-rate);
  let k = 0;
  let p = d.next();
  while (p > limit) {
    k++;
    p *= d.next();
  }
  return k;
}

const pickDecision = (d: Draws, weights: [OversightDecision, number][]): OversightDecision => {
  let roll = d.int(1, 100);
  for (const [decision, weight] of weights) if ((roll -= weight) <= 0) return decision;
  return weights[0]![0];
};

/**
 * The whole plan, in time order: about `calls` calls over planDays days before `now`
 * (the episodes' calls included), the oversight decisions that follow some of them, and
 * the inventory changes made on the way. The same now, calls and seed give the same plan.
 */
export function planDemoTraffic(options: { now: Date; calls: number; seed?: number }): PlannedEvent[] {
  const now = options.now.getTime();
  const moments = demoMoments(now);
  const d = seededDraws(options.seed ?? 62443);
  const byName = workloads(moments);
  const events: PlannedEvent[] = [];
  let key = 0;
  const add = (at: number, plant: DemoPlant, call: Omit<PlannedCall, "kind" | "at" | "plant" | "key">) => {
    const planned: PlannedCall = { kind: "call", at, plant, key: ++key, ...call };
    events.push(planned);
    return planned;
  };

  // The episodes: the same whatever the volume.
  const copilot = (prompt: ChatPrompt, stream: boolean) => azureChat({ deployment: "gpt-4o", prompt, stream });
  const notebookTimes = Array.from({ length: notebookCalls }, () => moments.notebookFrom + d.int(0, 90 * minute - 1)).sort((a, b) => a - b);
  notebookTimes.forEach((at, i) =>
    add(at, "augsburg", { device: "aug-wi-copilot", destination: "azure-openai-weu", request: copilot(exfiltrationRequest(d), false), source: notebookAddress, credential: "first", operator: null, ...(i === 0 ? { mark: "notebook" as const } : {}) }),
  );
  // The terminal used the token shortly before the notebook did, and again at shift start, which is how it was noticed.
  for (const offset of [-40, 95, 104, 118]) {
    add(moments.notebookFrom + offset * minute, "augsburg", { device: "aug-wi-copilot", destination: "azure-openai-weu", request: copilot(workInstruction(d, "plain"), true), source: null, credential: "current", operator: null });
  }
  events.push({ kind: "action", at: moments.copilotTokenReplaced, plant: "augsburg", action: "replace-copilot-token" });
  for (let i = 0; i < 6; i++) {
    const at = moments.copilotTokenReplaced + (30 + i * 4) * minute;
    add(at, "augsburg", { device: "aug-wi-copilot", destination: "azure-openai-weu", request: copilot(exfiltrationRequest(d), false), source: notebookAddress, credential: "first", operator: null, ...(i === 0 ? { mark: "revoked-token" as const } : {}) });
  }
  events.push({ kind: "action", at: moments.mesTokenRevoked, plant: "augsburg", action: "revoke-mes-token" });
  // Each episode shows, whatever the volume: a few calls of its workload in its window.
  const episodes: [string, number][] = [
    ["aug-pdm-spindle", moments.spindleUpdate],
    ["aug-anomaly-telemetry", moments.rootCauseFeature],
    ["aug-anomaly-telemetry/gemini", moments.readingsSent],
    ["aug-mes-scheduler", moments.mesModelTrial],
    ["aug-mes-scheduler", moments.alloyNamed],
    ["aug-mes-scheduler", workingHour({ from: moments.mesPilotExpired, plant: "augsburg", hour: 9 })],
    ["avr-pdm-furnace", moments.furnaceKeyPasted],
    ["avr-wi-copilot", moments.aveiroModelTrial],
    ["avr-qi-casting", workingHour({ from: moments.castingCommissioned, plant: "aveiro", hour: 9 })],
  ];
  for (const [name, from] of episodes) {
    const workload = byName[name]!;
    for (let i = 0; i < 3; i++) {
      const at = from + (5 + i * 25) * minute;
      add(at, workload.plant, workload.call({ at, d, local: localTime({ at, timeZone: timeZones[workload.plant] }) }));
    }
  }
  for (let i = 0; i < 5; i++) {
    const at = moments.infectionFrom + (5 + i * 16) * minute;
    add(at, "aveiro", { device: "avr-wi-copilot", destination: "azure-openai-weu", request: azureChat({ deployment: "gpt-4o", prompt: maintenanceInstruction(d, "plain"), stream: false }), source: null, credential: "current", operator: null, ...(i === 0 ? { mark: "infection" as const } : {}) });
  }

  // Routine traffic, scaled so that the total comes to about `calls`.
  const hours = Array.from({ length: Math.floor((moments.end - moments.start) / hour) }, (_, i) => moments.start + i * hour);
  const rates = Object.values(byName).map((w) => hours.map((at) => w.rate(localTime({ at, timeZone: timeZones[w.plant] }), at)));
  const expected = rates.flat().reduce((a, b) => a + b, 0);
  const scale = Math.max(0, options.calls - key) / expected;
  Object.values(byName).forEach((workload, w) => {
    hours.forEach((from, h) => {
      const n = poisson(d, rates[w]![h]! * scale);
      for (let i = 0; i < n; i++) {
        const at = from + d.int(0, hour - 1);
        add(at, workload.plant, workload.call({ at, d, local: localTime({ at, timeZone: timeZones[workload.plant] }) }));
      }
    });
  });

  // What the operators did with some of the answers, a few minutes later (EU AI Act Art. 14).
  for (const event of [...events]) {
    if (event.kind !== "call" || event.operator === null || event.mark) continue;
    const verified = "verified" in event.operator;
    if (!d.chance(verified ? 0.12 : 0.1)) continue;
    const decision = verified
      ? pickDecision(d, [["accepted", 60], ["edited", 25], ["rejected", 10], ["escalated", 5]])
      : pickDecision(d, [["accepted", 70], ["edited", 20], ["rejected", 10]]);
    events.push({ kind: "oversight", at: event.at + d.int(1, 6) * minute, plant: event.plant, call: event.key, decision });
  }

  return events.sort((a, b) => a.at - b.at);
}
