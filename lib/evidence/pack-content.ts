// What an evidence pack says about its scope, gathered once and kept as a plain,
// serialisable object: the PDF is drawn from it and the control map judged from it, so
// the same content always gives the same document. Counts come from the records index
// (RecordIndex) as grouped SQL: only aggregates leave the database, never the records,
// so a scope of a million records costs seconds. Inventory, suppliers, incidents and
// anomalies are small tables, read whole for the plants in scope.
//
// Which records a scope holds (recordScopeSql, for anyone who must select the same):
// every record in [from, to); with plants or conduits named, the calls and refusals of
// those plants and conduits, and the results and oversight decisions of those calls
// (they carry no plant of their own). Records of no plant (administrative changes,
// exports) belong only to a scope that names none.
import { z } from "zod";
import { dbProvider, dbUrl, type Db } from "@/lib/db";
import { sharedAddresses } from "@/lib/devices/credentials";
import { AppError } from "@/lib/errors";
import { computeDeadlines, type DeadlineStatus } from "@/lib/incidents/deadlines";
import { clockOf, incidentTimeZone, isReportable, memberStateRulesFor } from "@/lib/incidents/incident-state";
import { isoDateOf, toWallTime } from "@/lib/incidents/local-time";
import { conduitState, type ConduitState } from "@/lib/inventory/conduit-state";
import { openRecordIndexReader, type RecordIndexReader } from "@/lib/records/index-store";
import { indexPendingRecords } from "@/lib/records/record-index";
import { supplierAlerts } from "@/lib/suppliers/alerts";
import type { CallVolume } from "@/lib/suppliers/call-volumes";
import { chainMembers, resolveChain, type ChainNode } from "@/lib/suppliers/chain";
import { supplierExposure, type GraphDestination } from "@/lib/suppliers/exposure";
import { dataClasses, type DataClassName } from "@/lib/suppliers/scoring";

export const packContentFormat = "conduit-ledger-pack-content/1";

export interface PackScope {
  /** ISO 8601 UTC instants; `to` is exclusive. */
  from: string;
  to: string;
  /** IANA time zone of the plant, for display. */
  timeZone: string;
  /** Plant slugs; [] = all. */
  plants: string[];
  /** Conduit slugs; [] = all. */
  conduits: string[];
  /** Incident reference, e.g. INC-2026-001. */
  incident?: string;
  name: string;
  purpose: string;
}

export interface Counted<K extends string> {
  key: K;
  count: number;
}

export interface PackSummary {
  /** Every record in scope, and by kind. */
  records: number;
  recordsByKind: Counted<string>[];
  /** AI calls: forwarded (ai_call) and refused (ai_call_denied). */
  calls: number;
  forwarded: number;
  allowed: number;
  redacted: number;
  /** Forwarded above the conduit's data limit, by a conduit that flags rather than blocks. */
  flagged: number;
  refused: number;
  refusalsByCode: Counted<string>[];
  /** Forwarded calls by the classification level of what was sent. */
  callsByLevel: Counted<string>[];
  /** How forwarded calls ended; "pending" where no result record is indexed. */
  results: Counted<string>[];
  /** Refusals with conduit_not_authorized: AI flows no conduit authorises. */
  unauthorisedFlows: { attempts: number; flows: { plant: string | null; device: string | null; destination: string | null; attempts: number; firstAt: string; lastAt: string }[] };
  identity: {
    calls: number;
    /** Calls whose device token was valid (every forwarded call, and refusals after authentication). */
    verifiedDevice: number;
    operatorVerified: number;
    operatorAsserted: number;
    operatorNone: number;
    /** Shares of `calls`, 0..1; null without calls. */
    deviceCoverage: number | null;
    operatorCoverage: number | null;
    byDevice: { device: string; workload: string | null; calls: number; operatorVerified: number; operatorAsserted: number; operatorNone: number }[];
  };
  /** Operators' decisions on AI outputs (EU AI Act Art. 14), with the assurance of who decided. */
  oversight: { decisions: number; byDecision: Counted<string>[]; operatorVerified: number; operatorAsserted: number; operatorNone: number };
  /**
   * Refusals of callers without a valid token carry no plant, so a plant-scoped pack
   * does not hold them: their number in the time range. Null for a scope of all plants.
   */
  unidentifiedOutsideScope: number | null;
  /** Records of no plant in the time range (whatever the plant filter): who changed and read what. */
  ledgerActivity: { adminChanges: number; credentialChanges: number; exports: number; packDownloads: number; reportSubmissions: number };
}

export interface PackZone {
  slug: string;
  name: string;
  plant: string | null;
  kind: string;
  purdueLevel: string;
  slTarget: number;
  slAchieved: number | null;
}

export interface PackConduit {
  slug: string;
  name: string;
  plant: string | null;
  justification: string;
  sourceZone: { slug: string; name: string; slTarget: number; slAchieved: number | null };
  destination: { slug: string; name: string; provider: string; region: string; supplier: string | null; transport: "tls" | "loopback" | "plain" };
  status: string;
  /** Whether it authorises traffic as of `asOf`. */
  state: ConduitState;
  validFrom: string;
  validUntil: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  /** When people next confirm it is still needed; null when no review is planned. */
  reviewDueAt: string | null;
  maxDataClass: string;
  overLimitAction: string;
  failMode: string;
  slTarget: number;
  /** In scope. */
  calls: { forwarded: number; redacted: number; flagged: number; refused: number; byLevel: Counted<string>[] };
}

export interface PackDevice {
  slug: string;
  name: string;
  plant: string;
  zone: string;
  workload: string;
  application: string;
  mayAssertOperator: boolean;
  status: string;
  tokens: { active: number; revoked: number; expired: number; activeWithoutExpiry: number };
}

export interface PackSupplier {
  slug: string;
  name: string;
  kind: string;
  countries: string[];
  /** The latest assessment of any status, and the latest approval (which is the one in force). */
  assessment: { status: string; templateVersion: number; score: number | null; rating: string | null } | null;
  approval: { approvedAt: string; rating: string | null; score: number | null; approvedDataClass: string; nextReviewAt: string; overdue: boolean } | null;
  certifications: { scheme: string; title: string; issuer: string; expiresAt: string; expired: boolean }[];
  /** The highest data class reaching it from the conduits in scope (conduits in force, calls not redacted). */
  receivedLevel: string | null;
  /** Calls in scope that reached it, directly or down a chain. */
  calls: number;
}

export interface PackChainEntry {
  supplier: string;
  depth: number;
  /** Listed higher up already (a shared sub-processor): not expanded again. */
  repeated: boolean;
  /** The terms it receives data under (the direct contract at the root), if recorded. */
  link: { from: string | null; dataShared: string; contractRef: string; breachNotificationHours: number | null; trainingOnCustomerData: string | null; retention: string; dataLocation: string } | null;
}

export interface PackIncidentDeadline {
  stage: string;
  article: string;
  dueAt: string | null;
  submittedAt: string | null;
  status: DeadlineStatus;
  provisional: boolean;
  /** Submitted after it fell due, or overdue and still not submitted. */
  missed: boolean;
  basis: string;
}

export interface PackIncident {
  reference: string;
  title: string;
  status: string;
  severity: string;
  plants: string[];
  memberState: string;
  timeZone: string;
  /** Named by the scope (rather than found by its plants and dates). */
  named: boolean;
  reportable: boolean;
  significance: { assessedAt: string; significant: boolean; verdict: string } | null;
  occurredAt: string | null;
  detectedAt: string;
  awareAt: string;
  containedAt: string | null;
  handlingEndedAt: string | null;
  closedAt: string | null;
  deadlines: PackIncidentDeadline[];
  /** Why no deadlines could be computed, when they could not. */
  deadlineProblem: string | null;
  evidence: { kind: string; label: string; logId: string | null; seq: number | null }[];
}

export interface PackAnomaly {
  kind: string;
  device: { slug: string; name: string; plant: string } | null;
  destination: string | null;
  tokenPrefix: string | null;
  /** For a shared token: whether it has been revoked since. */
  tokenRevoked: boolean | null;
  addresses: string[];
  code: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** References of the incidents it is linked to as evidence. */
  incidents: string[];
}

export interface PackLog {
  logId: string;
  name: string;
  writer: string;
  /** Its records in scope. */
  records: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstAt: string | null;
  lastAt: string | null;
  /** The latest signed checkpoint when the content was gathered. */
  checkpoint: { treeSize: number; rootHash: string; at: string; keyId: string } | null;
  /** Every record of the log in scope lies below that checkpoint. */
  covered: boolean;
  keys: { keyId: string; activatedAt: string; retiredAt: string | null }[];
  lastVerification: { startedAt: string; ok: boolean; records: number } | null;
}

export interface PackContent {
  format: typeof packContentFormat;
  scope: PackScope;
  /** The instant states were judged at: conduits in force, deadlines met or overdue, tokens active. */
  asOf: string;
  organisation: string[];
  plants: { slug: string; name: string; operator: string; city: string; memberState: string; timeZone: string; entityCategory: string }[];
  summary: PackSummary;
  /** Records in scope per day in the scope's time zone, by kind and outcome. */
  activity: { day: string; kind: string; outcome: string | null; count: number }[];
  inventory: { zones: PackZone[]; conduits: PackConduit[]; devices: PackDevice[] };
  suppliers: { suppliers: PackSupplier[]; chains: { root: string; entries: PackChainEntry[] }[]; alerts: { kind: string; severity: string; supplier: string; message: string }[] };
  incidents: PackIncident[];
  anomalies: PackAnomaly[];
  logs: PackLog[];
  access: { usersByRole: Counted<string>[]; disabledUsers: number };
}

const scopeSchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    timeZone: z.string().min(1),
    plants: z.array(z.string().min(1)),
    conduits: z.array(z.string().min(1)),
    incident: z.string().min(1).optional(),
    name: z.string().trim().min(1),
    purpose: z.string(),
  })
  .strict();

/** The scope checked, with instants as the index writes them (milliseconds, Z) so text comparison orders them. */
export function normaliseScope(scope: PackScope): PackScope {
  const parsed = scopeSchema.safeParse(scope);
  if (!parsed.success) {
    throw new AppError({
      code: "validation_failed",
      message: "The pack's scope is not valid.",
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  const from = new Date(parsed.data.from);
  const to = new Date(parsed.data.to);
  if (!(from < to)) throw new AppError({ code: "validation_failed", message: `The scope's time range runs the wrong way: ${scope.from} is not before ${scope.to}.`, issues: [{ path: "to", message: "must be after from" }] });
  try {
    new Intl.DateTimeFormat("en", { timeZone: parsed.data.timeZone });
  } catch {
    throw new AppError({ code: "validation_failed", message: `"${scope.timeZone}" is not an IANA time zone.`, issues: [{ path: "timeZone", message: "unknown time zone" }] });
  }
  const sorted = (list: string[]) => [...new Set(list)].sort();
  return {
    ...parsed.data,
    from: from.toISOString(),
    to: to.toISOString(),
    plants: sorted(parsed.data.plants),
    conduits: sorted(parsed.data.conduits),
    ...(parsed.data.incident ? { incident: parsed.data.incident } : {}),
  };
}

// ---------------------------------------------------------------------------
// The records in scope, as SQL over RecordIndex
// ---------------------------------------------------------------------------

export interface ScopeSql {
  /** A condition on RecordIndex rows aliased `r` (no leading WHERE). */
  where: string;
  params: string[];
}

type Placeholder = (value: string) => string;

function placeholders(options: { provider: "sqlite" | "postgresql"; params: string[] }): Placeholder {
  return (value) => {
    options.params.push(value);
    return options.provider === "sqlite" ? "?" : `$${options.params.length}`;
  };
}

/** The plant and conduit filters on a call's row aliased `alias`; "" for a scope of everything. */
function callMatch(options: { scope: Pick<PackScope, "plants" | "conduits">; alias: string; p: Placeholder }): string {
  const { scope, alias, p } = options;
  const parts: string[] = [];
  if (scope.plants.length > 0) parts.push(`${alias}."plant" IN (${scope.plants.map(p).join(", ")})`);
  if (scope.conduits.length > 0) parts.push(`${alias}."conduit" IN (${scope.conduits.map(p).join(", ")})`);
  return parts.join(" AND ");
}

function timeRange(options: { scope: Pick<PackScope, "from" | "to">; alias: string; p: Placeholder }): string {
  return `${options.alias}."at" >= ${options.p(options.scope.from)} AND ${options.alias}."at" < ${options.p(options.scope.to)}`;
}

/** The records a scope holds, as a condition on rows aliased `r` (see the head of this file); the pack generator selects by it too. */
export function scopeCondition(options: { scope: Pick<PackScope, "from" | "to" | "plants" | "conduits">; p: Placeholder }): string {
  const { scope, p } = options;
  const time = timeRange({ scope, alias: "r", p });
  if (scope.plants.length === 0 && scope.conduits.length === 0) return time;
  const ownMatch = callMatch({ scope, alias: "r", p });
  const callOfRow = callMatch({ scope, alias: "c", p });
  return (
    `${time} AND ((r."kind" IN ('ai_call', 'ai_call_denied') AND ${ownMatch})` +
    ` OR (r."kind" IN ('ai_call_result', 'oversight_decision') AND EXISTS (SELECT 1 FROM "RecordIndex" c WHERE c."recordId" = r."callRecordId" AND c."kind" = 'ai_call' AND ${callOfRow})))`
  );
}

/**
 * The records a scope holds, as a condition on RecordIndex rows aliased `r`, for anyone
 * who must select exactly the records this content counts. Placeholders start at `$1`
 * on PostgreSQL.
 */
export function recordScopeSql(options: { provider: "sqlite" | "postgresql"; scope: PackScope }): ScopeSql {
  const params: string[] = [];
  const where = scopeCondition({ scope: normaliseScope(options.scope), p: placeholders({ provider: options.provider, params }) });
  return { where, params };
}

// ---------------------------------------------------------------------------
// Gathering
// ---------------------------------------------------------------------------

const num = (value: unknown): number => Number(value ?? 0);
const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);
const byCount = <K extends string>(map: Map<K, number>): Counted<K>[] =>
  [...map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);

function transportOf(baseUrl: string): "tls" | "loopback" | "plain" {
  try {
    const url = new URL(baseUrl);
    if (url.protocol === "https:") return "tls";
    return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) ? "loopback" : "plain";
  } catch {
    return "plain";
  }
}

const jsonList = (text: string): string[] => {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
};

/**
 * Everything the pack says about `scope`, as of `now` (the pack's generation time: it
 * judges conduits, deadlines and tokens). Catches the records index up first, so the
 * counts include every record the ledger holds.
 */
export async function gatherPackContent(options: { db: Db; scope: PackScope; now?: Date; catchUpIndex?: boolean }): Promise<PackContent> {
  const { db } = options;
  const scope = normaliseScope(options.scope);
  const now = options.now ?? new Date();
  if (options.catchUpIndex ?? true) await indexPendingRecords({ db });

  const [allPlants, allConduits] = await Promise.all([db.plant.findMany({ orderBy: { name: "asc" } }), loadConduits({ db })]);
  const unknownPlants = scope.plants.filter((slug) => !allPlants.some((p) => p.slug === slug));
  const unknownConduits = scope.conduits.filter((slug) => !allConduits.some((c) => c.slug === slug));
  const problems = [
    ...unknownPlants.map((slug) => ({ path: "plants", message: `No plant "${slug}".` })),
    ...unknownConduits.map((slug) => ({ path: "conduits", message: `No conduit "${slug}".` })),
  ];
  if (problems.length > 0) throw new AppError({ code: "validation_failed", message: problems.map((p) => p.message).join(" "), issues: problems });

  const plants = scope.plants.length > 0 ? allPlants.filter((p) => scope.plants.includes(p.slug)) : allPlants;
  const plantIds = new Set(plants.map((p) => p.id));
  const conduits = allConduits.filter((c) => (scope.conduits.length === 0 || scope.conduits.includes(c.slug)) && (scope.plants.length === 0 || (c.sourceZone.plantId !== null && plantIds.has(c.sourceZone.plantId))));
  const outside = scope.conduits.filter((slug) => !conduits.some((c) => c.slug === slug));
  if (outside.length > 0) {
    throw new AppError({ code: "validation_failed", message: `Conduit ${outside.join(", ")} leaves no plant of the scope (${scope.plants.join(", ")}).`, issues: outside.map((slug) => ({ path: "conduits", message: `${slug} is outside the scope's plants` })) });
  }

  const reader = openRecordIndexReader({ url: dbUrl(db) });
  let counts: RecordCounts;
  try {
    counts = await countRecords({ reader, provider: dbProvider(db), scope });
  } finally {
    await reader.close();
  }

  const devices = await loadDevices({ db, where: scope.conduits.length > 0 ? { zoneId: { in: conduits.map((c) => c.sourceZoneId) } } : { plantId: { in: [...plantIds] } } });
  const workloads = new Map((await db.device.findMany({ select: { slug: true, workload: true } })).map((d) => [d.slug, d.workload as string]));
  const summary = summarise({ counts, workloads });

  const inventory = await gatherInventory({ db, scope, conduits, devices, plantIds, counts, now });
  const suppliers = await gatherSuppliers({ db, conduits, volumes: counts.volumes, now });
  const incidents = await gatherIncidents({ db, scope, plantIds, now });
  const anomalies = await gatherAnomalies({ db, scope, plantIds });
  const logs = await gatherLogs({ db, counts });
  const [roleCounts, disabledUsers] = await Promise.all([db.user.groupBy({ by: ["role"], _count: { _all: true } }), db.user.count({ where: { disabledAt: { not: null } } })]);

  return {
    format: packContentFormat,
    scope,
    asOf: now.toISOString(),
    organisation: [...new Set(plants.map((p) => p.operator))].sort(),
    plants: plants.map((p) => ({ slug: p.slug, name: p.name, operator: p.operator, city: p.city, memberState: p.memberState, timeZone: p.timeZone, entityCategory: p.entityCategory })),
    summary,
    activity: activityByDay({ hours: counts.activity, timeZone: scope.timeZone }),
    inventory,
    suppliers,
    incidents,
    anomalies,
    logs,
    access: { usersByRole: byCount(new Map(roleCounts.map((r) => [r.role as string, r._count._all]))), disabledUsers },
  };
}

// ---------------------------------------------------------------------------
// Counting in the records index
// ---------------------------------------------------------------------------

interface CallGroup {
  kind: string;
  outcome: string | null;
  code: string | null;
  assurance: string | null;
  identified: boolean;
  level: string | null;
  conduit: string | null;
  destination: string | null;
  plant: string | null;
  device: string | null;
  result: string | null;
  count: number;
}

interface RecordCounts {
  calls: CallGroup[];
  flows: PackSummary["unauthorisedFlows"]["flows"];
  oversight: { decision: string | null; assurance: string | null; count: number }[];
  logs: { logId: string; records: number; firstSeq: number; lastSeq: number; firstAt: string; lastAt: string }[];
  activity: { hour: string; kind: string; outcome: string | null; count: number }[];
  ledgerActivity: PackSummary["ledgerActivity"];
  unidentifiedOutsideScope: number | null;
  volumes: CallVolume[];
}

async function countRecords(options: { reader: RecordIndexReader; provider: "sqlite" | "postgresql"; scope: PackScope }): Promise<RecordCounts> {
  const { reader, provider, scope } = options;
  const query = async (build: (p: Placeholder) => string) => {
    const params: string[] = [];
    const sql = build(placeholders({ provider, params }));
    return reader.rows({ sql, params });
  };

  // One pass over the records in scope, grouped by everything any figure needs: reading
  // a million index rows costs seconds, and a second pass would cost as much again. The
  // groups (a few per device, conduit and hour) are folded into the figures below.
  const dimensions = `r."logId", substr(r."at", 1, 13), r."kind", r."outcome", r."code", r."assurance", r."level", r."conduit", r."destination", r."plant", r."device", r."result"`;
  const groupRows = await query(
    (p) => `SELECT ${dimensions}, COUNT(*), MIN(r."seq"), MAX(r."seq"), MIN(r."at"), MAX(r."at") FROM "RecordIndex" r WHERE ${scopeCondition({ scope, p })} GROUP BY ${dimensions}`,
  );

  const calls = new Map<string, CallGroup>();
  const flows = new Map<string, PackSummary["unauthorisedFlows"]["flows"][number]>();
  const oversight = new Map<string, { decision: string | null; assurance: string | null; count: number }>();
  const logs = new Map<string, RecordCounts["logs"][number]>();
  const activity = new Map<string, RecordCounts["activity"][number]>();
  for (const r of groupRows) {
    const [logId, hour, kind, outcome, code, assurance, level, conduit, destination, plant, device, result] = [String(r[0]), String(r[1]), String(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), str(r[7]), str(r[8]), str(r[9]), str(r[10]), str(r[11])];
    // A call names its device only once the device's token was found valid.
    const identified = device !== null;
    const count = num(r[12]);
    const [firstSeq, lastSeq, firstAt, lastAt] = [num(r[13]), num(r[14]), String(r[15]), String(r[16])];

    const log = logs.get(logId) ?? { logId, records: 0, firstSeq, lastSeq, firstAt, lastAt };
    log.records += count;
    log.firstSeq = Math.min(log.firstSeq, firstSeq);
    log.lastSeq = Math.max(log.lastSeq, lastSeq);
    if (firstAt < log.firstAt) log.firstAt = firstAt;
    if (lastAt > log.lastAt) log.lastAt = lastAt;
    logs.set(logId, log);

    const activityKey = JSON.stringify([hour, kind, outcome]);
    const hourly = activity.get(activityKey) ?? { hour, kind, outcome, count: 0 };
    hourly.count += count;
    activity.set(activityKey, hourly);

    if (kind === "ai_call" || kind === "ai_call_denied") {
      const group = { kind, outcome, code, assurance, identified, level, conduit, destination, plant, device, result };
      const key = JSON.stringify(group);
      const found = calls.get(key) ?? { ...group, count: 0 };
      found.count += count;
      calls.set(key, found);
    }
    if (kind === "ai_call_denied" && code === "conduit_not_authorized") {
      const key = JSON.stringify([plant, device, destination]);
      const flow = flows.get(key) ?? { plant, device, destination, attempts: 0, firstAt, lastAt };
      flow.attempts += count;
      if (firstAt < flow.firstAt) flow.firstAt = firstAt;
      if (lastAt > flow.lastAt) flow.lastAt = lastAt;
      flows.set(key, flow);
    }
    if (kind === "oversight_decision") {
      const key = JSON.stringify([outcome, assurance]);
      const decision = oversight.get(key) ?? { decision: outcome, assurance, count: 0 };
      decision.count += count;
      oversight.set(key, decision);
    }
  }

  // Records of no plant, whatever the plant filter: who changed and read what. The (kind, at) index bounds these to their few rows.
  const ledgerRows = await query(
    (p) => `SELECT r."kind", COUNT(*), SUM(CASE WHEN r."summary" LIKE '% DeviceCredential %' THEN 1 ELSE 0 END) FROM "RecordIndex" r
      WHERE r."kind" IN ('admin_change', 'records_export', 'evidence_download', 'report_submission') AND ${timeRange({ scope, alias: "r", p })} GROUP BY r."kind"`,
  );
  const ofKind = (kind: string) => ledgerRows.find((r) => r[0] === kind);
  const ledgerActivity = {
    adminChanges: num(ofKind("admin_change")?.[1]),
    credentialChanges: num(ofKind("admin_change")?.[2]),
    exports: num(ofKind("records_export")?.[1]),
    packDownloads: num(ofKind("evidence_download")?.[1]),
    reportSubmissions: num(ofKind("report_submission")?.[1]),
  };

  let unidentifiedOutsideScope: number | null = null;
  if (scope.plants.length > 0) {
    const rows = await query((p) => `SELECT COUNT(*) FROM "RecordIndex" r WHERE r."kind" = 'ai_call_denied' AND r."plant" IS NULL AND ${timeRange({ scope, alias: "r", p })}`);
    unidentifiedOutsideScope = num(rows[0]?.[0]);
  }

  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const callGroups = [...calls.values()];
  const volumes: CallVolume[] = [];
  for (const c of callGroups) {
    if (c.kind !== "ai_call" || !c.destination || !c.conduit || !c.level || !dataClasses.includes(c.level as DataClassName)) continue;
    volumes.push({ destination: c.destination, conduit: c.conduit, plant: c.plant, level: c.level as DataClassName, outcome: c.outcome ?? "allowed", calls: c.count });
  }
  return {
    calls: callGroups,
    flows: [...flows.values()].sort((a, b) => b.attempts - a.attempts || byText(a.firstAt, b.firstAt)),
    oversight: [...oversight.values()],
    logs: [...logs.values()].sort((a, b) => byText(a.logId, b.logId)),
    activity: [...activity.values()],
    ledgerActivity,
    unidentifiedOutsideScope,
    volumes,
  };
}

function summarise(options: { counts: RecordCounts; workloads: Map<string, string> }): PackSummary {
  const { counts } = options;
  let forwarded = 0;
  let refused = 0;
  let verifiedDevice = 0;
  const outcomes = new Map<string, number>();
  const codes = new Map<string, number>();
  const levels = new Map<string, number>();
  const results = new Map<string, number>();
  const assurance = new Map<string, number>();
  const byDevice = new Map<string, { calls: number; verified: number; asserted: number; none: number }>();
  for (const c of counts.calls) {
    if (c.kind === "ai_call") {
      forwarded += c.count;
      add(outcomes, c.outcome ?? "allowed", c.count);
      add(levels, c.level ?? "unknown", c.count);
      add(results, c.result ?? "pending", c.count);
    } else {
      refused += c.count;
      add(codes, c.code ?? "unknown", c.count);
    }
    if (c.identified) verifiedDevice += c.count;
    const operator = c.assurance === "verified" || c.assurance === "asserted" ? c.assurance : "none";
    add(assurance, operator, c.count);
    if (c.device) {
      const d = byDevice.get(c.device) ?? { calls: 0, verified: 0, asserted: 0, none: 0 };
      d.calls += c.count;
      d[operator === "verified" ? "verified" : operator === "asserted" ? "asserted" : "none"] += c.count;
      byDevice.set(c.device, d);
    }
  }
  const calls = forwarded + refused;
  const share = (n: number) => (calls === 0 ? null : n / calls);
  const operatorVerified = assurance.get("verified") ?? 0;
  const operatorAsserted = assurance.get("asserted") ?? 0;

  const kinds = new Map<string, number>();
  for (const a of counts.activity) add(kinds, a.kind, a.count);
  const decisions = new Map<string, number>();
  const oversightAssurance = new Map<string, number>();
  for (const o of counts.oversight) {
    add(decisions, o.decision ?? "unknown", o.count);
    add(oversightAssurance, o.assurance === "verified" || o.assurance === "asserted" ? o.assurance : "none", o.count);
  }
  const inLevelOrder = (list: Counted<string>[]) => list.sort((a, b) => rank(a.key) - rank(b.key));
  return {
    records: [...kinds.values()].reduce((n, c) => n + c, 0),
    recordsByKind: byCount(kinds),
    calls,
    forwarded,
    allowed: outcomes.get("allowed") ?? 0,
    redacted: outcomes.get("redacted") ?? 0,
    flagged: outcomes.get("flagged") ?? 0,
    refused,
    refusalsByCode: byCount(codes),
    callsByLevel: inLevelOrder(byCount(levels)),
    results: byCount(results),
    unauthorisedFlows: { attempts: counts.flows.reduce((n, f) => n + f.attempts, 0), flows: counts.flows },
    identity: {
      calls,
      verifiedDevice,
      operatorVerified,
      operatorAsserted,
      operatorNone: calls - operatorVerified - operatorAsserted,
      deviceCoverage: share(verifiedDevice),
      operatorCoverage: share(operatorVerified + operatorAsserted),
      byDevice: [...byDevice]
        .map(([device, d]) => ({ device, workload: options.workloads.get(device) ?? null, calls: d.calls, operatorVerified: d.verified, operatorAsserted: d.asserted, operatorNone: d.none }))
        .sort((a, b) => (a.device < b.device ? -1 : 1)),
    },
    oversight: {
      decisions: [...decisions.values()].reduce((n, c) => n + c, 0),
      byDecision: byCount(decisions),
      operatorVerified: oversightAssurance.get("verified") ?? 0,
      operatorAsserted: oversightAssurance.get("asserted") ?? 0,
      operatorNone: oversightAssurance.get("none") ?? 0,
    },
    unidentifiedOutsideScope: counts.unidentifiedOutsideScope,
    ledgerActivity: counts.ledgerActivity,
  };
}

const rank = (level: string) => {
  const i = dataClasses.indexOf(level as DataClassName);
  return i < 0 ? dataClasses.length : i;
};

/** Hour buckets (UTC) summed into days of `timeZone`; an hour that starts in a day counts to it. */
export function activityByDay(options: { hours: { hour: string; kind: string; outcome: string | null; count: number }[]; timeZone: string }): PackContent["activity"] {
  const days = new Map<string, { day: string; kind: string; outcome: string | null; count: number }>();
  const dayOfHour = new Map<string, string>();
  for (const h of options.hours) {
    let day = dayOfHour.get(h.hour);
    if (!day) {
      day = isoDateOf({ wall: toWallTime({ at: new Date(`${h.hour}:00:00.000Z`), timeZone: options.timeZone }) });
      dayOfHour.set(h.hour, day);
    }
    const key = `${day} ${h.kind} ${h.outcome ?? ""}`;
    const entry = days.get(key) ?? { day, kind: h.kind, outcome: h.outcome, count: 0 };
    entry.count += h.count;
    days.set(key, entry);
  }
  return [...days.values()].sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : (a.outcome ?? "") < (b.outcome ?? "") ? -1 : (a.outcome ?? "") > (b.outcome ?? "") ? 1 : 0));
}

// ---------------------------------------------------------------------------
// Inventory, suppliers, incidents, anomalies, logs
// ---------------------------------------------------------------------------

function loadConduits(options: { db: Db }) {
  return options.db.conduit.findMany({
    include: {
      sourceZone: { include: { plant: { select: { slug: true } } } },
      destination: { include: { supplier: { select: { slug: true } } } },
      approvedBy: { select: { name: true } },
    },
    orderBy: { slug: "asc" },
  });
}

type ConduitRow = Awaited<ReturnType<typeof loadConduits>>[number];

function loadDevices(options: { db: Db; where: { zoneId: { in: string[] } } | { plantId: { in: string[] } } }) {
  return options.db.device.findMany({
    where: options.where,
    include: { plant: { select: { slug: true } }, zone: { select: { slug: true } }, credentials: { select: { revokedAt: true, expiresAt: true } } },
    orderBy: { slug: "asc" },
  });
}

async function gatherInventory(options: {
  db: Db;
  scope: PackScope;
  conduits: ConduitRow[];
  devices: Awaited<ReturnType<typeof loadDevices>>;
  plantIds: Set<string>;
  counts: RecordCounts;
  now: Date;
}): Promise<PackContent["inventory"]> {
  const { db, scope, conduits, devices, counts, now } = options;
  const zoneIds = new Set<string>([...conduits.map((c) => c.sourceZoneId), ...conduits.map((c) => c.destination.zoneId), ...devices.map((d) => d.zoneId)]);
  const zones = await db.zone.findMany({
    where: scope.conduits.length > 0 ? { id: { in: [...zoneIds] } } : { OR: [{ plantId: { in: [...options.plantIds] } }, { id: { in: [...zoneIds] } }] },
    include: { plant: { select: { slug: true } } },
  });
  const purdue = ["L0", "L1", "L2", "L3", "L3_5", "L4", "EXTERNAL"];
  // Plant zones first, from the field level up; external AI zones last.
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  zones.sort((a, b) => Number(a.plant === null) - Number(b.plant === null) || text(a.plant?.slug ?? "", b.plant?.slug ?? "") || purdue.indexOf(a.purdueLevel) - purdue.indexOf(b.purdueLevel) || text(a.slug, b.slug));

  const callsOf = (slug: string) => {
    const groups = counts.calls.filter((c) => c.conduit === slug);
    const forwarded = groups.filter((c) => c.kind === "ai_call");
    const levels = new Map<string, number>();
    for (const c of forwarded) add(levels, c.level ?? "unknown", c.count);
    const sum = (list: CallGroup[]) => list.reduce((n, c) => n + c.count, 0);
    return {
      forwarded: sum(forwarded),
      redacted: sum(forwarded.filter((c) => c.outcome === "redacted")),
      flagged: sum(forwarded.filter((c) => c.outcome === "flagged")),
      refused: sum(groups.filter((c) => c.kind === "ai_call_denied")),
      byLevel: byCount(levels).sort((a, b) => rank(a.key) - rank(b.key)),
    };
  };

  return {
    zones: zones.map((z) => ({ slug: z.slug, name: z.name, plant: z.plant?.slug ?? null, kind: z.kind, purdueLevel: z.purdueLevel, slTarget: z.slTarget, slAchieved: z.slAchieved })),
    conduits: conduits.map((c) => ({
      slug: c.slug,
      name: c.name,
      plant: c.sourceZone.plant?.slug ?? null,
      justification: c.justification,
      sourceZone: { slug: c.sourceZone.slug, name: c.sourceZone.name, slTarget: c.sourceZone.slTarget, slAchieved: c.sourceZone.slAchieved },
      destination: { slug: c.destination.slug, name: c.destination.name, provider: c.destination.provider, region: c.destination.region, supplier: c.destination.supplier?.slug ?? null, transport: transportOf(c.destination.baseUrl) },
      status: c.status,
      state: conduitState({ status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, now }),
      validFrom: c.validFrom.toISOString(),
      validUntil: iso(c.validUntil),
      approvedBy: c.approvedBy?.name ?? null,
      approvedAt: iso(c.approvedAt),
      reviewDueAt: iso(c.reviewDueAt),
      maxDataClass: c.maxDataClass,
      overLimitAction: c.overLimitAction,
      failMode: c.failMode,
      slTarget: c.slTarget,
      calls: callsOf(c.slug),
    })),
    devices: devices.map((d) => {
      const tokens = { active: 0, revoked: 0, expired: 0, activeWithoutExpiry: 0 };
      for (const credential of d.credentials) {
        if (credential.revokedAt) tokens.revoked++;
        else if (credential.expiresAt && credential.expiresAt <= now) tokens.expired++;
        else {
          tokens.active++;
          if (!credential.expiresAt) tokens.activeWithoutExpiry++;
        }
      }
      return { slug: d.slug, name: d.name, plant: d.plant.slug, zone: d.zone.slug, workload: d.workload, application: d.application, mayAssertOperator: d.mayAssertOperator, status: d.status, tokens };
    }),
  };
}

async function gatherSuppliers(options: { db: Db; conduits: ConduitRow[]; volumes: CallVolume[]; now: Date }): Promise<PackContent["suppliers"]> {
  const { db, conduits, now } = options;
  const [suppliers, links, destinations, certifications, assessments, plants] = await Promise.all([
    db.supplier.findMany({ orderBy: { name: "asc" } }),
    db.supplierLink.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.aiDestination.findMany({ select: { id: true, slug: true, name: true, supplierId: true }, orderBy: { slug: "asc" } }),
    db.certification.findMany({ select: { supplierId: true, scheme: true, title: true, issuer: true, expiresAt: true }, orderBy: [{ expiresAt: "asc" }, { id: "asc" }] }),
    db.assessment.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }] }),
    db.plant.findMany({ select: { slug: true, name: true } }),
  ]);
  const slugOf = new Map(suppliers.map((s) => [s.id, s.slug]));
  // The chain as the scope sees it: only the conduits in scope send data down it.
  const graph: GraphDestination[] = destinations.map((d) => ({
    ...d,
    conduits: conduits
      .filter((c) => c.destinationId === d.id)
      .map((c) => ({
        id: c.id,
        slug: c.slug,
        name: c.name,
        maxDataClass: c.maxDataClass as DataClassName,
        state: conduitState({ status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, now }),
        zone: c.sourceZone.name,
        plant: c.sourceZone.plant ? { slug: c.sourceZone.plant.slug, name: c.sourceZone.plant.slug } : null,
      })),
  }));
  const roots = suppliers.filter((s) => graph.some((d) => d.supplierId === s.id && d.conduits.length > 0));
  const trees = roots.map((s) => resolveChain({ rootId: s.id, links }));
  const members = new Set(trees.flatMap((t) => chainMembers(t)));
  const inChain = suppliers.filter((s) => members.has(s.id));

  const approvals = new Map<string, { approvedAt: Date; rating: string | null; score: number | null; approvedDataClass: DataClassName; nextReviewAt: Date }>();
  for (const a of [...assessments].filter((a) => a.status === "APPROVED" && a.approvedAt && a.nextReviewAt && a.approvedDataClass).sort((x, y) => y.approvedAt!.getTime() - x.approvedAt!.getTime())) {
    if (!approvals.has(a.supplierId)) approvals.set(a.supplierId, { approvedAt: a.approvedAt!, rating: a.rating, score: a.score, approvedDataClass: a.approvedDataClass as DataClassName, nextReviewAt: a.nextReviewAt! });
  }
  const plantNames = new Map(plants.map((p) => [p.slug, p.name]));
  const exposures = new Map(inChain.map((s) => [s.id, supplierExposure({ supplierId: s.id, links, destinations: graph, volumes: options.volumes, plantNames })]));
  const alerts = supplierAlerts({
    now,
    suppliers: inChain,
    certifications: certifications.filter((c) => members.has(c.supplierId)),
    approvals: new Map([...approvals].filter(([id]) => members.has(id))),
    receivedLevels: new Map([...exposures].map(([id, e]) => [id, e.receivedLevel])),
    chains: trees.map((t) => ({ rootId: t.supplierId, members: chainMembers(t) })),
  });

  const flatten = (tree: ChainNode<(typeof links)[number]>): PackChainEntry[] => {
    const entries: PackChainEntry[] = [];
    const walk = (node: ChainNode<(typeof links)[number]>) => {
      const l = node.link;
      entries.push({
        supplier: slugOf.get(node.supplierId) ?? node.supplierId,
        depth: node.depth,
        repeated: node.repeated,
        link: l
          ? { from: l.fromId ? (slugOf.get(l.fromId) ?? l.fromId) : null, dataShared: l.dataShared, contractRef: l.contractRef, breachNotificationHours: l.breachNotificationHours, trainingOnCustomerData: l.trainingOnCustomerData, retention: l.retention, dataLocation: l.dataLocation }
          : null,
      });
      node.children.forEach(walk);
    };
    walk(tree);
    return entries;
  };

  return {
    suppliers: inChain.map((s) => {
      const latest = assessments.find((a) => a.supplierId === s.id);
      const approval = approvals.get(s.id);
      const exposure = exposures.get(s.id)!;
      return {
        slug: s.slug,
        name: s.name,
        kind: s.kind,
        countries: jsonList(s.countries),
        assessment: latest ? { status: latest.status, templateVersion: latest.templateVersion, score: latest.score, rating: latest.rating } : null,
        approval: approval
          ? { approvedAt: approval.approvedAt.toISOString(), rating: approval.rating, score: approval.score, approvedDataClass: approval.approvedDataClass, nextReviewAt: approval.nextReviewAt.toISOString(), overdue: approval.nextReviewAt < now }
          : null,
        certifications: certifications
          .filter((c) => c.supplierId === s.id)
          .map((c) => ({ scheme: c.scheme, title: c.title, issuer: c.issuer, expiresAt: c.expiresAt.toISOString(), expired: c.expiresAt <= now })),
        receivedLevel: exposure.receivedLevel,
        calls: exposure.calls,
      };
    }),
    chains: trees.map((t) => ({ root: slugOf.get(t.supplierId) ?? t.supplierId, entries: flatten(t) })),
    alerts: alerts.map((a) => ({ kind: a.kind, severity: a.severity, supplier: slugOf.get(a.supplierId) ?? a.supplierId, message: a.message })),
  };
}

async function gatherIncidents(options: { db: Db; scope: PackScope; plantIds: Set<string>; now: Date }): Promise<PackIncident[]> {
  const { db, scope, now } = options;
  const from = new Date(scope.from);
  const to = new Date(scope.to);
  // An incident of a plant in scope that was being handled at some time in the range, or one the scope names.
  const found = await db.incident.findMany({
    where: {
      OR: [
        {
          detectedAt: { lt: to },
          AND: [{ OR: [{ closedAt: null }, { closedAt: { gte: from } }] }, scope.plants.length > 0 ? { plants: { some: { plantId: { in: [...options.plantIds] } } } } : {}],
        },
        ...(scope.incident ? [{ reference: scope.incident }] : []),
      ],
    },
    include: {
      plants: { include: { plant: { select: { slug: true, memberState: true, timeZone: true } } } },
      reports: { select: { stage: true, submittedAt: true }, orderBy: { submittedAt: "asc" } },
      events: { select: { kind: true, at: true, dueAt: true } },
      assessments: { orderBy: { assessedAt: "desc" }, take: 1, select: { significant: true, verdict: true, assessedAt: true } },
      evidence: { select: { kind: true, label: true, logId: true, seq: true }, orderBy: [{ linkedAt: "asc" }, { id: "asc" }] },
    },
    orderBy: [{ awareAt: "asc" }, { reference: "asc" }],
  });
  if (scope.incident && !found.some((i) => i.reference === scope.incident)) {
    throw new AppError({ code: "validation_failed", message: `No incident "${scope.incident}".`, issues: [{ path: "incident", message: "unknown incident reference" }] });
  }
  const result: PackIncident[] = [];
  for (const incident of found) {
    const timeZone = incidentTimeZone(incident);
    const reportable = isReportable(incident);
    let deadlines: PackIncidentDeadline[] = [];
    let deadlineProblem: string | null = null;
    if (reportable) {
      try {
        const rules = await memberStateRulesFor({ db, memberState: incident.memberState });
        deadlines = computeDeadlines({ clock: clockOf(incident), now, timeZone, memberStateRules: rules }).map((d) => ({
          stage: d.stage,
          article: d.article,
          dueAt: iso(d.dueAt),
          submittedAt: iso(d.submittedAt),
          status: d.status,
          provisional: d.provisional,
          missed: d.status === "met_late" || d.status === "overdue",
          basis: d.basis,
        }));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        deadlineProblem = error.message;
      }
    }
    const significance = incident.assessments[0];
    result.push({
      reference: incident.reference,
      title: incident.title,
      status: incident.status,
      severity: incident.severity,
      plants: incident.plants.map((p) => p.plant.slug).sort(),
      memberState: incident.memberState,
      timeZone,
      named: incident.reference === scope.incident,
      reportable,
      significance: significance ? { assessedAt: significance.assessedAt.toISOString(), significant: significance.significant, verdict: significance.verdict } : null,
      occurredAt: iso(incident.occurredAt),
      detectedAt: incident.detectedAt.toISOString(),
      awareAt: incident.awareAt.toISOString(),
      containedAt: iso(incident.containedAt),
      handlingEndedAt: iso(incident.handlingEndedAt),
      closedAt: iso(incident.closedAt),
      deadlines,
      deadlineProblem,
      evidence: incident.evidence.map((e) => ({ kind: e.kind, label: e.label, logId: e.logId, seq: e.seq })),
    });
  }
  return result;
}

const flowDetail = z.object({ code: z.string().catch("") }).catch({ code: "" });

async function gatherAnomalies(options: { db: Db; scope: PackScope; plantIds: Set<string> }): Promise<PackAnomaly[]> {
  const { db, scope } = options;
  // Seen at some time in the range (an anomaly row spans its first and last sighting).
  const rows = await db.anomaly.findMany({ where: { firstSeenAt: { lt: new Date(scope.to) }, lastSeenAt: { gte: new Date(scope.from) } }, orderBy: [{ firstSeenAt: "asc" }, { id: "asc" }] });
  const credentialIds = rows.filter((a) => a.kind === "shared_device_token").map((a) => a.subject);
  const [credentials, links] = await Promise.all([
    db.deviceCredential.findMany({ where: { id: { in: credentialIds } }, select: { id: true, tokenPrefix: true, deviceId: true, revokedAt: true } }),
    db.incidentEvidence.findMany({ where: { kind: "ANOMALY", targetId: { in: rows.map((a) => a.id) } }, select: { targetId: true, incident: { select: { reference: true } } } }),
  ]);
  const credentialById = new Map(credentials.map((c) => [c.id, c]));
  const resolved = rows.map((a) => {
    const credential = a.kind === "shared_device_token" ? credentialById.get(a.subject) : undefined;
    const [subjectDevice, subjectDestination] = a.kind === "unauthorised_flow" ? a.subject.split(" ") : [];
    return { a, credential, deviceId: a.deviceId ?? credential?.deviceId ?? subjectDevice ?? null, destinationId: a.destinationId ?? subjectDestination ?? null };
  });
  const [devices, destinations] = await Promise.all([
    db.device.findMany({ where: { id: { in: resolved.flatMap((r) => (r.deviceId ? [r.deviceId] : [])) } }, select: { id: true, slug: true, name: true, plantId: true, plant: { select: { slug: true } } } }),
    db.aiDestination.findMany({ where: { id: { in: resolved.flatMap((r) => (r.destinationId ? [r.destinationId] : [])) } }, select: { id: true, slug: true } }),
  ]);
  const deviceById = new Map(devices.map((d) => [d.id, d]));
  const destinationById = new Map(destinations.map((d) => [d.id, d.slug]));
  const code = (detail: string) => {
    try {
      return flowDetail.parse(JSON.parse(detail)).code;
    } catch {
      return "";
    }
  };
  return resolved
    .map(({ a, credential, deviceId, destinationId }) => {
      const device = deviceId ? deviceById.get(deviceId) : undefined;
      return {
        plantId: device?.plantId ?? null,
        anomaly: {
          kind: a.kind,
          device: device ? { slug: device.slug, name: device.name, plant: device.plant.slug } : null,
          destination: destinationId ? (destinationById.get(destinationId) ?? null) : null,
          tokenPrefix: credential?.tokenPrefix ?? null,
          tokenRevoked: credential ? credential.revokedAt !== null : null,
          addresses: a.kind === "shared_device_token" ? sharedAddresses(a.detail) : a.kind === "unidentified_caller" ? [a.subject] : [],
          code: a.kind === "unauthorised_flow" || a.kind === "unidentified_caller" ? code(a.detail) : "",
          count: a.count,
          firstSeenAt: a.firstSeenAt.toISOString(),
          lastSeenAt: a.lastSeenAt.toISOString(),
          incidents: [...new Set(links.filter((l) => l.targetId === a.id).map((l) => l.incident.reference))].sort(),
        },
      };
    })
    // A caller without a valid token belongs to no plant: every plant's pack shows it, as every plant's page does.
    .filter((r) => scope.plants.length === 0 || r.anomaly.kind === "unidentified_caller" || (r.plantId !== null && options.plantIds.has(r.plantId)))
    .map((r) => r.anomaly);
}

async function gatherLogs(options: { db: Db; counts: RecordCounts }): Promise<PackLog[]> {
  const { db, counts } = options;
  const logs = await db.auditLog.findMany({ where: { id: { in: counts.logs.map((l) => l.logId) } }, include: { keys: { orderBy: { activatedAt: "asc" } } }, orderBy: { id: "asc" } });
  const result: PackLog[] = [];
  for (const log of logs) {
    const inScope = counts.logs.find((l) => l.logId === log.id)!;
    const [checkpoint, verification] = await Promise.all([
      db.checkpoint.findFirst({ where: { logId: log.id }, orderBy: { treeSize: "desc" } }),
      db.verificationRun.findFirst({ where: { OR: [{ logId: log.id }, { logId: null }] }, orderBy: { startedAt: "desc" } }),
    ]);
    result.push({
      logId: log.id,
      name: log.name,
      writer: log.writer,
      records: inScope.records,
      firstSeq: inScope.firstSeq,
      lastSeq: inScope.lastSeq,
      firstAt: inScope.firstAt,
      lastAt: inScope.lastAt,
      checkpoint: checkpoint ? { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, at: checkpoint.at.toISOString(), keyId: checkpoint.keyId } : null,
      covered: checkpoint !== null && inScope.lastSeq < checkpoint.treeSize,
      keys: log.keys.map((k) => ({ keyId: k.keyId, activatedAt: k.activatedAt.toISOString(), retiredAt: iso(k.retiredAt) })),
      lastVerification: verification ? verificationOf({ run: verification, logId: log.id }) : null,
    });
  }
  return result;
}

const runReport = z.object({ logs: z.array(z.object({ logId: z.string(), records: z.number(), problems: z.array(z.unknown()) })) });

/** What the latest verification found for one log: its own run, or its part of a whole-ledger run. */
function verificationOf(options: { run: { logId: string | null; startedAt: Date; ok: boolean; records: number; report: string }; logId: string }): PackLog["lastVerification"] {
  const { run } = options;
  if (run.logId !== null) return { startedAt: run.startedAt.toISOString(), ok: run.ok, records: run.records };
  try {
    const part = runReport.parse(JSON.parse(run.report)).logs.find((l) => l.logId === options.logId);
    // A log the run did not reach was not verified by it.
    return part ? { startedAt: run.startedAt.toISOString(), ok: part.problems.length === 0, records: part.records } : null;
  } catch {
    return { startedAt: run.startedAt.toISOString(), ok: run.ok, records: run.records };
  }
}
