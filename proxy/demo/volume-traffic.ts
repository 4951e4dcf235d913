// Realistic AI traffic in volume, for the records explorer's benchmark and for demos
// (npm run seed:volume). The calls are the inventory's own: its devices, from their
// zones and workstations, through their conduits to their destinations and models,
// decided as the proxy decides them (proxy/authorize.ts for the conduit, then the
// request's classification against the conduit's level and over-limit action), and
// appended through a real LogWriter: validated, signed, hash-chained, checkpointed.
// Only the time is simulated: calls follow the plants' shift pattern over the last days,
// and the writer stamps each commit with the time of the traffic it carries.
//
// Everything is drawn from a seeded generator, so a seed and a size give the same
// traffic (record ids and hashes aside, which are random as in production).
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import type { SigningKey } from "@/lib/ledger/keys";
import { LogWriter, uuidv7 } from "@/lib/ledger/log-writer";
import type { LedgerStore } from "@/lib/ledger/store";
import { appIssuerSlug } from "@/lib/operators/assertions";
import { seededRandom } from "@/lib/random";
import { authorizeCall, type ConduitRule } from "@/proxy/authorize";
import { labelLevels } from "@/proxy/classify/labels";

const hour = 60 * 60 * 1000;
const day = 24 * hour;

type DataClass = "PUBLIC" | "INTERNAL" | "CONFIDENTIAL" | "RESTRICTED";
type Workload = "PREDICTIVE_MAINTENANCE" | "ANOMALY_DETECTION" | "QUALITY_INSPECTION" | "WORK_INSTRUCTION_COPILOT" | "SCHEDULING";
type Provider = "OPENAI_COMPATIBLE" | "ANTHROPIC" | "AZURE_OPENAI" | "GEMINI" | "GENERIC_INFERENCE";
const dataClassRank: Record<DataClass, number> = { PUBLIC: 0, INTERNAL: 1, CONFIDENTIAL: 2, RESTRICTED: 3 };

// ---------------------------------------------------------------------------------------
// The inventory, as the proxy sees it
// ---------------------------------------------------------------------------------------

export interface VolumeDevice {
  slug: string;
  workload: Workload;
  application: string;
  purpose: string;
  mayAssertOperator: boolean;
  plant: { slug: string; timeZone: string };
  zone: string;
  workstation: { hostname: string; ipAddress: string | null } | null;
  /** The id of its newest device token; the records name the credential a call came with. */
  credential: string;
}

export interface VolumeConduit extends ConduitRule {
  sourceZone: string;
  destination: string;
}

export interface VolumeInventory {
  devices: VolumeDevice[];
  destinations: { slug: string; provider: Provider }[];
  conduits: VolumeConduit[];
  /** A plant's own classification labels (ClassificationRule) and their levels. */
  customLabels: Map<string, { label: string; level: DataClass }[]>;
  /** People who sign in to the app as operators: their assertions make them `verified`. */
  operatorEmails: string[];
}

const list = (json: string): string[] => {
  const value = JSON.parse(json) as unknown;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
};

/** Reads what the proxy would know of the plants: devices, conduits, destinations, labels. */
export async function loadVolumeInventory(options: { db: Db }): Promise<VolumeInventory> {
  const { db } = options;
  const [devices, destinations, conduits, rules, operators] = await Promise.all([
    db.device.findMany({
      where: { status: "ACTIVE" },
      orderBy: { slug: "asc" },
      include: { plant: true, zone: true, workstation: true, credentials: { orderBy: { createdAt: "desc" }, take: 1 } },
    }),
    db.aiDestination.findMany({ orderBy: { slug: "asc" } }),
    db.conduit.findMany({ orderBy: { slug: "asc" }, include: { sourceZone: true, destination: true } }),
    db.classificationRule.findMany({ include: { plant: true } }),
    db.user.findMany({ where: { role: "OPERATOR", disabledAt: null }, orderBy: { email: "asc" }, select: { email: true } }),
  ]);
  const customLabels = new Map<string, { label: string; level: DataClass }[]>();
  for (const rule of rules) {
    const labels = customLabels.get(rule.plant.slug) ?? [];
    labels.push({ label: rule.label, level: rule.level });
    customLabels.set(rule.plant.slug, labels);
  }
  return {
    devices: devices.map((d) => ({
      slug: d.slug,
      workload: d.workload,
      application: d.application,
      purpose: d.defaultPurpose,
      mayAssertOperator: d.mayAssertOperator,
      plant: { slug: d.plant.slug, timeZone: d.plant.timeZone },
      zone: d.zone.slug,
      workstation: d.workstation ? { hostname: d.workstation.hostname, ipAddress: d.workstation.ipAddress } : null,
      // A device without a token in the inventory still needs one to call: name a stable stand-in.
      credential: d.credentials[0]?.id ?? `volume-token-${d.slug}`,
    })),
    destinations: destinations.map((d) => ({ slug: d.slug, provider: d.provider })),
    conduits: conduits.map((c) => ({
      id: c.id,
      slug: c.slug,
      status: c.status,
      validFrom: c.validFrom.getTime(),
      validUntil: c.validUntil?.getTime() ?? null,
      allowedPurposes: list(c.allowedPurposes),
      allowedModels: list(c.allowedModels),
      allowedEndpoints: list(c.allowedEndpoints),
      maxDataClass: c.maxDataClass,
      overLimitAction: c.overLimitAction,
      failMode: c.failMode,
      sourceZone: c.sourceZone.slug,
      destination: c.destination.slug,
    })),
    customLabels,
    operatorEmails: operators.map((o) => o.email),
  };
}

// ---------------------------------------------------------------------------------------
// How each kind of workload calls: when, what, how much, and who is behind it
// ---------------------------------------------------------------------------------------

interface LocalTime {
  /** 0 to 23 in the plant's time zone. */
  hour: number;
  /** 0 Sunday to 6 Saturday. */
  weekday: number;
}

/**
 * How busy the lines are: three shifts on weekdays (early 06-14, late 14-22, a thinner
 * night shift, none from Friday night), Saturday's early shift, a quiet Sunday.
 */
function production(t: LocalTime): number {
  const { hour: h, weekday: w } = t;
  const night = h >= 22 || h < 6;
  if (w === 0) return h >= 22 ? 0.5 : 0.05; // Sunday night the week's first shift starts
  if (w === 6) return h >= 6 && h < 14 ? 0.5 : 0.05;
  if (w === 5 && h >= 22) return 0.05;
  if (night) return 0.6;
  return h < 14 ? 1 : 0.9;
}

interface LabelDraw {
  label: string;
  /** Share of the workload's calls whose request carries it. */
  share: number;
  /** Most findings of it in one request. */
  most: number;
}

interface WorkloadProfile {
  /** Calls an hour of one device at full activity. */
  rate: number;
  activity(t: LocalTime): number;
  operator: "verified" | "asserted" | "none";
  /** What it asks for, in order of preference, with the share of calls for each beyond the first. */
  asks: { ask: Ask; share: number }[];
  /** Share of streamed calls (chat endpoints). */
  stream: number;
  /** Model when the conduit allows any (an empty list). */
  model: string | null;
  labels: LabelDraw[];
  /** Share of calls that get a human oversight decision when they completed. */
  oversight: number;
  /** Request size range, bytes. */
  requestBytes: [number, number];
}

// A plant's own labels appear in the text workloads' requests at these shares, by level:
// a customer name now and then, a recipe designation rarely.
const customLabelShare: Record<DataClass, number> = { PUBLIC: 0.05, INTERNAL: 0.05, CONFIDENTIAL: 0.04, RESTRICTED: 0.001 };

// Credentials are rare in any prompt: the label that a selective filter looks for.
const rareSecret: LabelDraw = { label: "secret", share: 0.0002, most: 1 };

const profiles: Record<Workload, WorkloadProfile> = {
  // Automated: summarises historian trends around the clock, a little more when lines run.
  PREDICTIVE_MAINTENANCE: {
    rate: 9,
    activity: (t) => 0.6 + 0.4 * production(t),
    operator: "none",
    asks: [
      { ask: "chat", share: 1 },
      { ask: "embeddings", share: 0.12 },
    ],
    stream: 0,
    model: null,
    labels: [
      { label: "process_parameter", share: 0.62, most: 6 },
      { label: "ot_asset_tag", share: 0.45, most: 4 },
      { label: "network_identifier", share: 0.03, most: 2 },
      { label: "recipe_procedure", share: 0.004, most: 1 },
      rareSecret,
    ],
    oversight: 0,
    requestBytes: [1200, 9000],
  },
  ANOMALY_DETECTION: {
    rate: 11,
    activity: (t) => 0.3 + 0.7 * production(t),
    operator: "none",
    asks: [{ ask: "chat", share: 1 }],
    stream: 0,
    model: null,
    labels: [
      { label: "process_parameter", share: 0.7, most: 8 },
      { label: "ot_asset_tag", share: 0.55, most: 5 },
      { label: "network_identifier", share: 0.1, most: 3 },
      rareSecret,
    ],
    oversight: 0,
    requestBytes: [2000, 14000],
  },
  // One inference per inspected part: follows production closely; frames stay on site.
  QUALITY_INSPECTION: {
    rate: 55,
    activity: (t) => Math.max(0.02, production(t)),
    operator: "none",
    asks: [{ ask: "inference", share: 1 }],
    stream: 0,
    model: "optiscan-defect-7.2",
    labels: [
      { label: "product_imagery", share: 1, most: 1 },
      { label: "part_number_drawing", share: 0.3, most: 1 },
    ],
    oversight: 0.002,
    requestBytes: [180_000, 1_400_000],
  },
  // Shift leads at the terminal: busiest at the start of a shift, quiet at night.
  WORK_INSTRUCTION_COPILOT: {
    rate: 13,
    activity: (t) => {
      const p = production(t);
      const shiftStart = t.hour === 6 || t.hour === 14 || t.hour === 22 ? 1.6 : 1;
      const night = t.hour >= 22 || t.hour < 6 ? 0.4 : 1;
      return Math.max(0.01, p * shiftStart * night);
    },
    operator: "verified",
    asks: [{ ask: "chat", share: 1 }],
    stream: 0.85,
    model: null,
    labels: [
      { label: "ot_asset_tag", share: 0.42, most: 4 },
      { label: "part_number_drawing", share: 0.33, most: 3 },
      { label: "process_parameter", share: 0.05, most: 2 },
      { label: "personal_data", share: 0.03, most: 2 },
      { label: "network_identifier", share: 0.02, most: 1 },
      rareSecret,
    ],
    oversight: 0.07,
    requestBytes: [800, 7000],
  },
  // Planners in office hours, and the MES's nightly re-plan at two.
  SCHEDULING: {
    rate: 5,
    activity: (t) => {
      if (t.hour === 2) return 3;
      const weekday = t.weekday >= 1 && t.weekday <= 5;
      if (!weekday || t.hour < 7 || t.hour >= 17) return 0.02;
      return t.hour < 9 ? 1.5 : 1;
    },
    operator: "asserted",
    asks: [{ ask: "chat", share: 1 }],
    stream: 0.1,
    model: null,
    labels: [
      { label: "part_number_drawing", share: 0.55, most: 12 },
      { label: "process_parameter", share: 0.2, most: 3 },
    ],
    oversight: 0.1,
    requestBytes: [3000, 24000],
  },
};

type Ask = "chat" | "embeddings" | "inference";

/** The endpoint of each provider's adapter (proxy/providers/) that serves what a workload asks for; null where there is none. */
function endpointFor(options: { provider: Provider; ask: Ask; stream: boolean }): string | null {
  const { provider, ask, stream } = options;
  switch (provider) {
    case "OPENAI_COMPATIBLE":
    case "AZURE_OPENAI":
      return ask === "embeddings" ? "embeddings" : "chat.completions";
    case "ANTHROPIC":
      return ask === "embeddings" ? null : "messages";
    case "GEMINI":
      return ask === "embeddings" ? null : stream ? "streamGenerateContent" : "generateContent";
    case "GENERIC_INFERENCE":
      return "inference";
  }
}

const chatEndpoints = new Set(["chat.completions", "responses", "messages", "streamGenerateContent"]);

// What a workload with no conduit of its own would call.
const preferredProvider: Record<Workload, Provider[]> = {
  PREDICTIVE_MAINTENANCE: ["OPENAI_COMPATIBLE", "AZURE_OPENAI"],
  ANOMALY_DETECTION: ["OPENAI_COMPATIBLE", "AZURE_OPENAI"],
  QUALITY_INSPECTION: ["GENERIC_INFERENCE"],
  WORK_INSTRUCTION_COPILOT: ["AZURE_OPENAI", "OPENAI_COMPATIBLE"],
  SCHEDULING: ["ANTHROPIC", "OPENAI_COMPATIBLE"],
};

// A model no conduit here allows, which an application's update or a curious engineer
// tries now and then (refused model_not_allowed).
const strayModel: Record<Provider, string> = {
  OPENAI_COMPATIBLE: "gpt-4.1",
  AZURE_OPENAI: "gpt-4.1",
  ANTHROPIC: "claude-opus-4-1",
  GEMINI: "gemini-2.5-pro",
  GENERIC_INFERENCE: "optiscan-defect-8.0-beta",
};

// A model when the conduit allows any.
const defaultModel: Record<Provider, string | null> = {
  OPENAI_COMPATIBLE: "gpt-4.1-mini",
  AZURE_OPENAI: "gpt-4o",
  ANTHROPIC: "claude-sonnet-4-5",
  GEMINI: "gemini-2.5-flash",
  GENERIC_INFERENCE: null,
};

// The model name a provider answers with (what the result record meters).
const answeredModel: Record<string, string> = {
  "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
  "gpt-4o": "gpt-4o-2024-11-20",
  "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
};

// Shift leads and maintenance planners who sign in as operators, besides the inventory's
// own operator accounts; a few use the copilot far more than others.
const operatorsByPlant: Record<string, string[]> = {
  augsburg: ["s.keller@nordwerk.example", "a.yilmaz@nordwerk.example", "t.nowak@nordwerk.example", "j.fischer@nordwerk.example", "m.lang@nordwerk.example"],
  aveiro: ["r.almeida@nordwerk.example", "c.ferreira@nordwerk.example", "j.sousa@nordwerk.example", "a.costa@nordwerk.example"],
};
const fallbackOperators = ["shift.lead.a@plant.example", "shift.lead.b@plant.example", "shift.lead.c@plant.example"];
// The compliance officer tried the copilot a handful of times: an operator filter that is selective.
const rareOperator = "compliance@nordwerk.example";
// Planners' MES ids, named by the MES itself (asserted), and its nightly batch.
const mesPlanners = ["mes:4711", "mes:4720", "mes:5102", "mes:5230"];
const mesBatch = "mes:replan-batch";

// ---------------------------------------------------------------------------------------
// Random draws
// ---------------------------------------------------------------------------------------

/** The traffic's random choices, all from one seeded generator (lib/random.ts). */
class Draw {
  constructor(readonly random: () => number) {}

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** A whole number from min to max, both included. */
  int([min, max]: [number, number]): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** Log-uniform from min to max: sizes and durations spread over orders of magnitude. */
  spread([min, max]: [number, number]): number {
    return Math.round(min * Math.pow(max / min, this.random()));
  }

  /** An index by weight, the first weighing most when weights fall off (Zipf-like). */
  weighted(weights: number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  private pool = Buffer.alloc(0);
  private used = 0;

  /** A SHA-256 in hex: the digest of a body nobody will see (random, not seeded, as record ids are). */
  sha256(): string {
    if (this.used + 32 > this.pool.length) {
      this.pool = randomBytes(64 * 1024);
      this.used = 0;
    }
    this.used += 32;
    return this.pool.toString("hex", this.used - 32, this.used);
  }
}

const zipfWeights: number[][] = [];
/** Weights 1, 1/2, 1/3 ... for n choices: a few take most of the calls. */
const zipf = (n: number) => (zipfWeights[n] ??= Array.from({ length: n }, (_, i) => 1 / (i + 1)));

// ---------------------------------------------------------------------------------------
// One call, decided as the proxy decides it
// ---------------------------------------------------------------------------------------

export type VolumeRecord = { kind: string; id: string; body: Record<string, unknown> };

/** One AI call: its first record (ai_call or ai_call_denied) and what follows it. */
export interface VolumeCall {
  /** The call's time, ms since the epoch. */
  at: number;
  device: string | null;
  record: VolumeRecord;
  /** How an allowed call ended, `at` ms later. */
  result: { at: number; record: VolumeRecord } | null;
  /** A person's decision on the call's output. */
  oversight: { at: number; record: VolumeRecord } | null;
}

interface DeviceRoute {
  device: VolumeDevice;
  profile: WorkloadProfile;
  /** Where it sends these calls, and the conduits from its zone there. */
  destination: { slug: string; provider: Provider };
  conduits: VolumeConduit[];
  /** The conduit meant for these calls (null: none would pass them). */
  own: VolumeConduit | null;
  /** Labels its requests may carry: the workload's and its plant's own. */
  labels: { draw: LabelDraw; level: DataClass }[];
  operators: string[];
  /** Calls an hour at full activity. */
  rate: number;
}

// A device that several conduits serve sends most calls through the longest-standing
// one; the others (pilots, second opinions) share this much of its traffic.
const secondaryShare = 0.25;

/** Where a device's calls go: one route per destination a conduit from its zone serves it at. */
function routeDevice(options: { inventory: VolumeInventory; device: VolumeDevice }): DeviceRoute[] {
  const { inventory, device } = options;
  const profile = profiles[device.workload];
  const fromZone = inventory.conduits.filter((c) => c.sourceZone === device.zone);
  const serving = fromZone
    .filter((c) => c.allowedPurposes.length === 0 || c.allowedPurposes.includes(device.purpose))
    .sort((a, b) => a.validFrom - b.validFrom || a.slug.localeCompare(b.slug));
  const targets: { destination: { slug: string; provider: Provider }; own: VolumeConduit | null; share: number }[] = [];
  for (const conduit of serving) {
    const destination = inventory.destinations.find((d) => d.slug === conduit.destination);
    if (destination && !targets.some((t) => t.destination.slug === destination.slug)) targets.push({ destination, own: conduit, share: 0 });
  }
  if (targets.length === 0) {
    // No conduit serves it (a device still being commissioned): it calls what its workload would.
    let destination: { slug: string; provider: Provider } | undefined;
    for (const provider of preferredProvider[device.workload]) destination ??= inventory.destinations.find((d) => d.provider === provider);
    destination ??= inventory.destinations[0];
    if (!destination) return [];
    targets.push({ destination, own: null, share: 0 });
  }
  targets.forEach((t, i) => (t.share = targets.length === 1 ? 1 : i === 0 ? 1 - secondaryShare : secondaryShare / (targets.length - 1)));
  const textual = device.workload !== "QUALITY_INSPECTION";
  const custom = textual ? (inventory.customLabels.get(device.plant.slug) ?? []) : [];
  const labels = [
    ...profile.labels.map((draw) => ({ draw, level: labelLevels[draw.label as keyof typeof labelLevels] ?? "INTERNAL" })),
    ...custom.map(({ label, level }) => ({ draw: { label, share: customLabelShare[level], most: 2 }, level })),
  ];
  const local = operatorsByPlant[device.plant.slug] ?? fallbackOperators;
  const operators = [...inventory.operatorEmails.filter((e) => e !== rareOperator), ...local];
  // Devices of one workload differ a little in volume, the same way every run.
  let hash = 0;
  for (const ch of device.slug) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const scale = 0.75 + (hash % 1000) / 2000;
  return targets.map(({ destination, own, share }) => ({
    device,
    profile,
    destination,
    conduits: fromZone.filter((c) => c.destination === destination.slug),
    own,
    labels,
    operators,
    rate: profile.rate * scale * share,
  }));
}

/**
 * How much a route carries at `at` besides its workload's rhythm: a device no conduit
 * serves is tried a few times (commissioning) and refused; before its conduit is valid
 * it calls rarely; after its conduit expired it keeps calling, refused, until someone
 * notices.
 */
function availability(options: { route: DeviceRoute; at: number }): number {
  const { own } = options.route;
  if (!own) return 0.0003;
  if (own.status !== "ACTIVE") return 0.3;
  if (own.validFrom > options.at) return 0.02;
  if (own.validUntil !== null && own.validUntil <= options.at) return 0.6;
  return 1;
}

function chooseEndpoint(options: { route: DeviceRoute; stream: boolean; draw: Draw }): string {
  const { route, stream, draw } = options;
  const { provider } = route.destination;
  const allowed = route.own?.allowedEndpoints ?? [];
  const usable = route.profile.asks
    .map((a) => ({ endpoint: endpointFor({ provider, ask: a.ask, stream }), share: a.share }))
    .filter((e): e is { endpoint: string; share: number } => e.endpoint !== null && (allowed.length === 0 || allowed.includes(e.endpoint)));
  for (const extra of usable.slice(1)) if (draw.chance(extra.share)) return extra.endpoint;
  return usable[0]?.endpoint ?? allowed[0] ?? endpointFor({ provider, ask: "chat", stream })!;
}

/** A model name a conduit's pattern allows ("gemini-2.5-flash*" allows "gemini-2.5-flash"). */
const modelOf = (pattern: string) => pattern.replaceAll("*", "");

function chooseModel(options: { route: DeviceRoute; endpoint: string; draw: Draw }): string | null {
  const { route, endpoint, draw } = options;
  if (draw.chance(0.0015)) return strayModel[route.destination.provider];
  const embedding = endpoint === "embeddings";
  const allowed = (route.own?.allowedModels ?? []).filter((m) => m.includes("embedding") === embedding).map(modelOf);
  if (allowed.length > 0) return allowed[draw.weighted(zipf(allowed.length))]!;
  if (embedding) return "text-embedding-3-small";
  return route.profile.model ?? defaultModel[route.destination.provider];
}

function chooseOperator(options: { route: DeviceRoute; at: number; draw: Draw; localHour: number }): { id: string | null; assurance: "verified" | "asserted" | "none" } {
  const { route, draw } = options;
  const kind = route.profile.operator === "asserted" && !route.device.mayAssertOperator ? "none" : route.profile.operator;
  if (kind === "asserted") return { id: options.localHour === 2 ? mesBatch : mesPlanners[draw.weighted(zipf(mesPlanners.length))]!, assurance: "asserted" };
  if (kind === "none") return { id: null, assurance: "none" };
  // The shared terminal is sometimes used without signing in first.
  if (draw.chance(0.04)) return { id: null, assurance: "none" };
  const email = draw.chance(0.0004) ? rareOperator : route.operators[draw.weighted(zipf(route.operators.length))]!;
  return { id: `${email}@${appIssuerSlug}`, assurance: "verified" };
}

function classify(options: { route: DeviceRoute; draw: Draw }): { level: DataClass; labels: Record<string, number> } {
  const labels: Record<string, number> = {};
  let level: DataClass = "PUBLIC";
  for (const { draw: label, level: labelLevel } of options.route.labels) {
    if (!options.draw.chance(label.share)) continue;
    labels[label.label] = options.draw.int([1, label.most]);
    if (dataClassRank[labelLevel] > dataClassRank[level]) level = labelLevel;
  }
  // Members in key order, as the classifier's output is (and canonical JSON wants).
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key]!;
  return { level, labels: sorted };
}

// How providers say an answer ended: normally, or cut at the token limit.
const finishReasons: Record<Provider, [string, string]> = {
  OPENAI_COMPATIBLE: ["stop", "length"],
  AZURE_OPENAI: ["stop", "length"],
  ANTHROPIC: ["end_turn", "max_tokens"],
  GEMINI: ["STOP", "MAX_TOKENS"],
  GENERIC_INFERENCE: ["stop", "length"],
};
const responseIdPrefix: Record<Provider, string> = { OPENAI_COMPATIBLE: "chatcmpl-", AZURE_OPENAI: "chatcmpl-", ANTHROPIC: "msg_01", GEMINI: "", GENERIC_INFERENCE: "" };

/** How an allowed call ends: mostly completed; the cloud now and then fails, times out or loses its client. */
function callResult(options: { route: DeviceRoute; callRecordId: string; endpoint: string; model: string | null; stream: boolean; requestBytes: number; draw: Draw }) {
  const { route, endpoint, model, stream, requestBytes, draw } = options;
  const onPremises = route.destination.provider === "GENERIC_INFERENCE";
  const r = draw.random();
  const outcome = onPremises
    ? r < 0.997 ? "completed" : "failed"
    : r < 0.978 ? "completed" : r < 0.99 ? "failed" : r < 0.992 ? "timed_out" : "client_aborted";
  const durationMs =
    endpoint === "inference" ? draw.spread([35, 400])
    : endpoint === "embeddings" ? draw.spread([80, 900])
    : endpoint === "messages" ? draw.spread([2500, 30000])
    : route.destination.provider === "GEMINI" ? draw.spread([400, 6000])
    : stream ? draw.spread([1500, 20000])
    : draw.spread([500, 9000]);
  const metered = !onPremises;
  const inputTokens = metered ? Math.max(1, Math.round(requestBytes / draw.int([3, 5]))) : null;
  const outputTokens = metered && endpoint !== "embeddings" ? draw.spread([40, endpoint === "messages" ? 3000 : 900]) : null;
  const responseBytes = endpoint === "inference" ? draw.spread([250, 2500]) : endpoint === "embeddings" ? draw.spread([12000, 34000]) : (outputTokens ?? 100) * 4 + draw.int([300, 700]);
  const answered = model ? (answeredModel[model] ?? model) : null;
  const ttfb = (ms: number) => Math.round(ms * 10) / 10;
  let status: number | null = 200;
  let error: string | null = null;
  let bytes = responseBytes;
  let finishReason: string | null = metered && endpoint !== "embeddings" ? finishReasons[route.destination.provider][draw.chance(0.03) ? 1 : 0]! : null;
  let ttfbMs: number | null = stream ? draw.spread([180, 1200]) : durationMs - draw.int([1, 20]);
  let usage = { inputTokens, outputTokens };
  if (outcome === "failed") {
    const unreachable = draw.chance(0.15);
    status = unreachable ? null : onPremises ? 503 : draw.chance(0.65) ? 429 : draw.chance(0.5) ? 500 : 502;
    error = unreachable ? "upstream_unreachable" : null;
    bytes = unreachable ? 0 : draw.int([90, 400]);
    ttfbMs = unreachable ? null : ttfbMs;
    usage = { inputTokens: null, outputTokens: null };
    finishReason = null;
  } else if (outcome === "timed_out") {
    status = stream ? 200 : null;
    error = stream ? "stream_idle_timeout" : null;
    bytes = stream ? Math.round(responseBytes / 3) : 0;
    ttfbMs = stream ? ttfbMs : null;
    usage = { inputTokens: stream ? inputTokens : null, outputTokens: null };
    finishReason = null;
  } else if (outcome === "client_aborted") {
    bytes = stream ? Math.round(responseBytes * draw.random()) : 0;
    usage = { inputTokens: stream ? inputTokens : null, outputTokens: null };
    finishReason = null;
  }
  const responseId = metered && status === 200 && outcome === "completed" ? responseIdPrefix[route.destination.provider] + draw.sha256().slice(0, 24) : null;
  return {
    durationMs,
    body: {
      callRecordId: options.callRecordId,
      outcome,
      response: { bytes, sha256: status === null && bytes === 0 ? null : draw.sha256(), status },
      model: metered && status === 200 ? answered : null,
      usage,
      finishReason,
      responseId,
      ttfbMs: ttfbMs === null ? null : ttfb(Math.min(ttfbMs, durationMs)),
      durationMs: ttfb(durationMs + draw.random()),
      error,
    },
  };
}

/** One call of `route` at `at`: its records as the proxy would write them. */
function makeCall(options: { route: DeviceRoute; at: number; localHour: number; draw: Draw }): VolumeCall {
  const { route, at, draw } = options;
  const { device, destination } = route;
  const context = {
    plant: device.plant.slug,
    zone: device.zone,
    workstation: device.workstation?.hostname ?? null,
    device: device.slug,
    credential: device.credential,
    application: device.application,
    operator: chooseOperator({ route, at, draw, localHour: options.localHour }),
    // Now and then an application sends a purpose its conduit does not cover.
    purpose: draw.chance(0.0005) ? "ad-hoc-analysis" : device.purpose,
    sourceAddress: device.workstation?.ipAddress ?? null,
  };
  const id = uuidv7(at);

  // A caller without a valid token is refused before it is known: no context, no body read.
  if (draw.chance(0.0006)) {
    const code = draw.chance(0.7) ? "invalid_device_token" : "device_token_expired";
    const anonymous = { plant: null, zone: null, workstation: null, device: null, credential: null, application: null, operator: { id: null, assurance: "none" }, purpose: null, sourceAddress: context.sourceAddress };
    return {
      at,
      device: null,
      record: { kind: "ai_call_denied", id, body: { code, context: anonymous, conduit: null, destination: destination.slug, endpoint: null, model: null, classification: null, request: { bytes: 0, sha256: null } } },
      result: null,
      oversight: null,
    };
  }

  const wantsStream = draw.chance(route.profile.stream);
  // Now and then an application tries an endpoint its conduit does not allow.
  const endpoint = draw.chance(0.0005) && route.destination.provider !== "GENERIC_INFERENCE" ? "responses" : chooseEndpoint({ route, stream: wantsStream, draw });
  const model = chooseModel({ route, endpoint, draw });
  const stream = endpoint === "streamGenerateContent" || (wantsStream && chatEndpoints.has(endpoint));
  const requestBytes = draw.spread(route.profile.requestBytes);
  const request = { bytes: requestBytes, sha256: draw.sha256() };
  const refused = (code: string, conduit: string | null, classification: { level: DataClass; labels: Record<string, number> } | null): VolumeCall => ({
    at,
    device: device.slug,
    record: { kind: "ai_call_denied", id, body: { code, context, conduit, destination: destination.slug, endpoint, model, classification, request } },
    result: null,
    oversight: null,
  });

  const authorization = authorizeCall({ conduits: route.conduits, call: { purpose: context.purpose, model, endpoint, now: at }, zone: device.zone, destination: destination.slug });
  if (!authorization.ok) return refused(authorization.code, authorization.conduit?.slug ?? null, null);
  const conduit = authorization.conduit;
  const classification = classify({ route, draw });
  const over = dataClassRank[classification.level] > dataClassRank[conduit.maxDataClass];
  if (over && conduit.overLimitAction === "BLOCK") return refused("data_class_exceeded", conduit.slug, classification);
  const outcome = !over ? "allowed" : conduit.overLimitAction === "REDACT" ? "redacted" : "flagged";
  const flags: string[] = [];
  if (outcome === "flagged") flags.push("data_class_exceeded");
  // The shared shop-floor terminal's token also turns up from a second address now and then.
  if (device.workload === "WORK_INSTRUCTION_COPILOT" && draw.chance(0.003)) flags.push("shared_token");
  const forwarded = outcome === "redacted" ? { bytes: requestBytes - draw.int([8, 60]), sha256: draw.sha256() } : request;
  const body = {
    outcome,
    context,
    conduit: conduit.slug,
    destination: destination.slug,
    provider: destination.provider,
    endpoint,
    model,
    stream,
    classification,
    request,
    forwarded,
    flags,
  };
  const ended = callResult({ route, callRecordId: id, endpoint, model, stream, requestBytes, draw });
  const resultAt = at + Math.ceil(ended.durationMs);
  let oversight: VolumeCall["oversight"] = null;
  if (ended.body.outcome === "completed" && draw.chance(route.profile.oversight)) {
    const r = draw.random();
    const decision = r < 0.8 ? "accepted" : r < 0.92 ? "edited" : r < 0.98 ? "rejected" : "escalated";
    const decidedAt = resultAt + draw.spread([4000, 240_000]);
    oversight = {
      at: decidedAt,
      record: {
        kind: "oversight_decision",
        id: uuidv7(decidedAt),
        body: {
          callRecordId: id,
          decision,
          operator: context.operator,
          device: device.slug,
          editedOutput: decision === "edited" ? { bytes: draw.spread([300, 4000]), sha256: draw.sha256() } : null,
        },
      },
    };
  }
  return {
    at,
    device: device.slug,
    record: { kind: "ai_call", id, body },
    result: { at: resultAt, record: { kind: "ai_call_result", id: uuidv7(resultAt), body: ended.body } },
    oversight,
  };
}

// ---------------------------------------------------------------------------------------
// The traffic over time
// ---------------------------------------------------------------------------------------

/** Local hour and weekday of each hour from `start`, for one time zone. */
function localHours(options: { timeZone: string; start: number; hours: number }): LocalTime[] {
  const format = new Intl.DateTimeFormat("en-US", { timeZone: options.timeZone, hour: "numeric", hourCycle: "h23", weekday: "short" });
  const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  return Array.from({ length: options.hours }, (_, i) => {
    const parts = format.formatToParts(new Date(options.start + i * hour + hour / 2));
    return { hour: Number(parts.find((p) => p.type === "hour")!.value), weekday: weekdays.indexOf(parts.find((p) => p.type === "weekday")!.value) };
  });
}

/**
 * `calls` AI calls over the `days` before `end`, in time order. Each hour gets its share
 * of the calls by the devices' rhythms in their plants' local time; within the hour the
 * calls are spread evenly, each from a device drawn by its weight in that hour.
 */
export function* planVolumeTraffic(options: { inventory: VolumeInventory; calls: number; days: number; end: Date; seed?: number }): Generator<VolumeCall> {
  const { inventory, calls } = options;
  const draw = new Draw(seededRandom(options.seed ?? 62443));
  const routes = inventory.devices.flatMap((device) => routeDevice({ inventory, device }));
  if (routes.length === 0) throw new Error("the inventory has no device that could call an AI destination");
  const hours = Math.max(1, Math.round(options.days * 24));
  const start = options.end.getTime() - hours * hour;
  const local = new Map<string, LocalTime[]>();
  for (const route of routes) {
    const tz = route.device.plant.timeZone;
    if (!local.has(tz)) local.set(tz, localHours({ timeZone: tz, start, hours }));
  }
  // weights[h][d]: calls an hour device d would make in hour h.
  const weights = Array.from({ length: hours }, (_, h) =>
    routes.map((route) => {
      const t = local.get(route.device.plant.timeZone)![h]!;
      return route.rate * route.profile.activity(t) * availability({ route, at: start + h * hour + hour / 2 });
    }),
  );
  const total = weights.reduce((sum, w) => sum + w.reduce((a, b) => a + b, 0), 0);
  let cumulative = 0;
  let made = 0;
  for (let h = 0; h < hours; h++) {
    const inHour = weights[h]!;
    cumulative += inHour.reduce((a, b) => a + b, 0);
    const upTo = h === hours - 1 ? calls : Math.round((calls * cumulative) / total);
    const count = upTo - made;
    for (let j = 0; j < count; j++) {
      const at = Math.floor(start + h * hour + ((j + draw.random()) / count) * hour);
      const route = routes[draw.weighted(inHour)]!;
      const localHour = local.get(route.device.plant.timeZone)![h]!.hour;
      yield makeCall({ route, at, localHour, draw });
    }
    made = upTo;
  }
}

// ---------------------------------------------------------------------------------------
// Appending it through the ledger
// ---------------------------------------------------------------------------------------

/**
 * The writer's clock: the time of the newest record handed to the writer. A commit is
 * stamped once, when it is sealed, so its records carry the time of its newest one: a
 * commit of a thousand records spans a stretch of simulated traffic (about 20 minutes
 * at a million calls in 30 days), and a record's time is never before its call's.
 */
export class SimulatedClock {
  private ms: number;

  constructor(options: { start: number }) {
    this.ms = options.start;
  }

  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }

  readonly now = (): Date => new Date(this.ms);
}

export interface VolumeCounts {
  /** AI calls: ai_call plus ai_call_denied records. */
  calls: number;
  /** Ledger records of every kind. */
  records: number;
  byKind: Record<string, number>;
  /** ai_call outcomes, and "refused" for ai_call_denied. */
  byOutcome: Record<string, number>;
  /** Refusal codes of ai_call_denied records. */
  byCode: Record<string, number>;
  byDevice: Record<string, number>;
}

export interface VolumeProgress {
  counts: VolumeCounts;
  seconds: number;
}

const bump = (options: { tally: Record<string, number>; key: string }) => (options.tally[options.key] = (options.tally[options.key] ?? 0) + 1);

/** Records due later (results, decisions), earliest first: a binary min-heap on their time. */
class FollowUps {
  private readonly heap: { at: number; record: VolumeRecord }[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): { at: number; record: VolumeRecord } | undefined {
    return this.heap[0];
  }

  push(item: { at: number; record: VolumeRecord }): void {
    const heap = this.heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  pop(): { at: number; record: VolumeRecord } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < heap.length && heap[l]!.at < heap[least]!.at) least = l;
        if (r < heap.length && heap[r]!.at < heap[least]!.at) least = r;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  }
}

/**
 * Appends the traffic in the order of its simulated time: each call's record, then its
 * result and any oversight decision when their time comes, with up to `inflight` appends
 * outstanding so that the writer commits them in large groups. A result may share its
 * call's commit, never precede it. The clock follows the records handed to the writer,
 * so a commit's time is that of its newest record.
 */
export async function appendVolumeTraffic(options: {
  writer: LogWriter;
  clock: SimulatedClock;
  traffic: Iterator<VolumeCall>;
  inflight: number;
  /** Called after every `progressEvery` calls handed to the writer. */
  onProgress?: (progress: VolumeProgress) => void;
  progressEvery?: number;
  /** Stop taking calls once this many records are written or due (their results and decisions still follow). */
  records?: number;
}): Promise<VolumeCounts> {
  const { writer, clock, traffic, inflight } = options;
  const counts: VolumeCounts = { calls: 0, records: 0, byKind: {}, byOutcome: {}, byCode: {}, byDevice: {} };
  const started = performance.now();
  const every = options.progressEvery ?? Number.POSITIVE_INFINITY;
  const followUps = new FollowUps();
  let outstanding = 0;
  let failure: { error: unknown } | undefined;
  let resume: { below: number; wake: () => void } | undefined;
  const settled = () => {
    outstanding--;
    if (resume && outstanding <= resume.below) {
      const { wake } = resume;
      resume = undefined;
      wake();
    }
  };
  const send = (record: VolumeRecord, at: number) => {
    clock.advanceTo(at);
    outstanding++;
    counts.records++;
    bump({ tally: counts.byKind, key: record.kind });
    // Nothing waits on a result before acting: it may join the next commit, as the proxy writes it.
    writer.append({ ...record, canWait: record.kind === "ai_call_result" }).then(settled, (error: unknown) => {
      failure ??= { error };
      settled();
    });
  };
  const until = (below: number) => (outstanding <= below ? Promise.resolve() : new Promise<void>((wake) => (resume = { below, wake })));

  let next = traffic.next();
  const full = () => counts.records + followUps.size >= (options.records ?? Number.POSITIVE_INFINITY);
  while (!next.done || followUps.size > 0) {
    if (!next.done && full()) next = { done: true, value: undefined };
    const due = followUps.peek();
    if (due && (next.done || due.at <= next.value.at)) {
      followUps.pop();
      send(due.record, due.at);
    } else if (!next.done) {
      const call = next.value;
      send(call.record, call.at);
      counts.calls++;
      if (call.device) bump({ tally: counts.byDevice, key: call.device });
      bump({ tally: counts.byOutcome, key: call.record.kind === "ai_call" ? String(call.record.body.outcome) : "refused" });
      if (call.record.kind === "ai_call_denied") bump({ tally: counts.byCode, key: String(call.record.body.code) });
      if (call.result) followUps.push(call.result);
      if (call.oversight) followUps.push(call.oversight);
      if (counts.calls % every === 0) options.onProgress?.({ counts, seconds: (performance.now() - started) / 1000 });
      next = traffic.next();
    }
    // Full: let the writer commit about a batch, then refill in one go (refilling after
    // every few hundred measured slower: more wake-ups for the same records).
    if (outstanding >= inflight) await until(Math.floor(inflight / 2));
    if (failure) throw failure.error;
  }
  await until(0);
  if (failure) throw failure.error;
  return counts;
}

/**
 * Opens `log` on `store` with a simulated clock, appends `calls` AI calls of the
 * inventory over the `days` before `end`, and closes it with a final checkpoint.
 */
export async function seedVolumeTraffic(options: {
  db: Db;
  store: LedgerStore;
  key: SigningKey;
  log: { id: string; name: string; writer: string };
  calls: number;
  days: number;
  end: Date;
  seed?: number;
  inflight?: number;
  checkpointEvery?: number;
  onProgress?: (progress: VolumeProgress) => void;
  progressEvery?: number;
  /** Stop at this many ledger records (plan `calls` with callsForRecords). */
  records?: number;
}): Promise<VolumeCounts> {
  const inventory = await loadVolumeInventory({ db: options.db });
  const clock = new SimulatedClock({ start: options.end.getTime() - options.days * day });
  const writer = await LogWriter.open({
    store: options.store,
    key: options.key,
    log: options.log,
    checkpointEvery: options.checkpointEvery ?? 1000,
    // Checkpoints come with the volume of records, not after a wait.
    checkpointSeconds: 3600,
    now: clock.now,
  });
  try {
    return await appendVolumeTraffic({
      writer,
      clock,
      traffic: planVolumeTraffic({ inventory, calls: options.calls, days: options.days, end: options.end, seed: options.seed }),
      inflight: options.inflight ?? defaultInflight(options.calls),
      onProgress: options.onProgress,
      progressEvery: options.progressEvery,
      records: options.records,
    });
  } finally {
    await writer.close();
  }
}

// Ledger records per planned call: an allowed call writes its result too, a few get an
// oversight decision, a refusal is one record (2,004,733 records for 1,000,000 calls).
const recordsPerCall = 2.0047;

/** Calls to plan for about `records` ledger records, a little over so the records run out first, near the period's end. */
export function callsForRecords(records: number): number {
  return Math.ceil((records / recordsPerCall) * 1.002);
}

/**
 * Appends kept in flight: enough for large group commits, yet few enough that the calls in
 * flight span a small part of the period (each commit is stamped with one time).
 */
export function defaultInflight(calls: number): number {
  return Math.min(2000, Math.max(50, Math.round(calls / 500)));
}

/** A log name no earlier volume run of this database used. */
export function volumeLogName(options: { existing: string[] }): string {
  for (let n = 1; ; n++) if (!options.existing.includes(`volume-${n}`)) return `volume-${n}`;
}
