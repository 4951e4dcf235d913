// Runs the conduit anomaly rules (lib/conduits/anomaly-rules.ts) over the traffic rollups
// and keeps what they find as Anomaly rows, one per kind and subject. Meant to run every
// minute, so it reads little: the rollups are summed in SQL, and only two spans of hours
// are read, each conduit's learning phase (already summed down to hours, levels and the
// names it saw) and the last days. A finding seen again updates its row's count, times and
// reason, never its status or note: an acknowledged anomaly stays acknowledged.
import type { Db } from "@/lib/db";
import {
  expiryWarningDays,
  findAnomalies,
  hourKey,
  learnBaseline,
  learningPeriod,
  mergeFinding,
  type ConduitFacts,
  type LearnedTraffic,
  type LearningPeriod,
  type TrafficHour,
} from "@/lib/conduits/anomaly-rules";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DetectionRun {
  findings: number;
  created: number;
  updated: number;
  /** Each conduit's learning phase, for "learning until …" while `learning`. */
  periods: (LearningPeriod & { conduit: string; learning: boolean })[];
}

/**
 * `lookbackHours` bounds the traffic judged: the run reads from the UTC midnight before
 * now − lookbackHours, so a day is either wholly in the read or not in it. Earlier hours
 * were judged by earlier runs; their counts are kept in the rows (mergeFinding).
 */
export async function detectAnomalies(options: { db: Db; now: Date; learningDays?: number; lookbackHours?: number }): Promise<DetectionRun> {
  const { db, now } = options;
  const since = new Date(Math.floor((now.getTime() - (options.lookbackHours ?? 48) * HOUR) / DAY) * DAY);

  const conduits = await db.conduit.findMany({
    select: { slug: true, status: true, createdAt: true, validUntil: true, reviewDueAt: true, destinationId: true, sourceZone: { select: { plant: { select: { timeZone: true } } } } },
    orderBy: { slug: "asc" },
  });
  const periods = await Promise.all(conduits.map(async (c) => ({ conduit: c.slug, ...(await conduitLearningPeriod({ db, conduit: c, days: options.learningDays })) })));
  const learned = await learnedTrafficOf({ db, periods: periods.filter((p) => p.until <= now) });

  const slugs = conduits.map((c) => c.slug);
  const [recent, credentials] = await Promise.all([
    slugs.length === 0
      ? []
      : db.trafficRollup.groupBy({
          by: ["conduit", "hour", "device", "model", "endpoint", "outcome", "code", "level"],
          where: { conduit: { in: slugs }, hour: { gte: hourKey(since), lte: hourKey(now) } },
          _sum: { calls: true, errors: true, results: true },
          _min: { firstAt: true },
          _max: { lastAt: true },
        }),
    db.deviceCredential.findMany({
      where: { revokedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + expiryWarningDays * DAY) } },
      select: { id: true, label: true, tokenPrefix: true, expiresAt: true, revokedAt: true, device: { select: { slug: true } } },
    }),
  ]);

  const facts: ConduitFacts[] = conduits.map((c, i) => ({
    slug: c.slug,
    status: c.status,
    validUntil: c.validUntil,
    reviewDueAt: c.reviewDueAt,
    baseline: learnBaseline({ conduit: c.slug, period: periods[i]!, traffic: learned.get(c.slug) ?? noTraffic, timeZone: c.sourceZone.plant?.timeZone ?? "UTC" }),
  }));
  const traffic: TrafficHour[] = recent.map((r) => ({
    hour: r.hour,
    conduit: r.conduit,
    device: r.device,
    model: r.model,
    endpoint: r.endpoint,
    outcome: r.outcome,
    code: r.code,
    level: r.level,
    calls: r._sum.calls ?? 0,
    errors: r._sum.errors ?? 0,
    results: r._sum.results ?? 0,
    firstAt: r._min.firstAt ?? undefined,
    lastAt: r._max.lastAt ?? undefined,
  }));
  const findings = findAnomalies({
    now,
    since,
    conduits: facts,
    traffic,
    credentials: credentials.map((c) => ({ id: c.id, device: c.device.slug, label: c.label, tokenPrefix: c.tokenPrefix, expiresAt: c.expiresAt, revokedAt: c.revokedAt })),
  });

  const written = await storeFindings({ db, findings, since, destinationBySlug: new Map(conduits.map((c) => [c.slug, c.destinationId])) });
  return { findings: findings.length, ...written, periods: periods.map((p) => ({ ...p, learning: now < p.until })) };
}

const noTraffic: LearnedTraffic = { callsByHour: new Map(), devices: [], operators: [], models: [], endpoints: [], callsByLevel: {} };

/** The learning phases of the conduits that finished learning, summed in SQL: per hour, per level, and the names seen. */
async function learnedTrafficOf(options: { db: Db; periods: (LearningPeriod & { conduit: string })[] }): Promise<Map<string, LearnedTraffic>> {
  const { db, periods } = options;
  const learned = new Map<string, { callsByHour: Map<string, number>; callsByLevel: Record<string, number>; devices: string[]; operators: string[]; models: string[]; endpoints: string[] }>();
  if (periods.length === 0) return learned;
  const where = {
    outcome: { not: "refused" },
    calls: { gt: 0 },
    OR: periods.map((p) => ({ conduit: p.conduit, hour: { gte: hourKey(p.from), lt: hourKey(p.until) } })),
  };
  const [perHour, perLevel, names] = await Promise.all([
    db.trafficRollup.groupBy({ by: ["conduit", "hour"], where, _sum: { calls: true } }),
    db.trafficRollup.groupBy({ by: ["conduit", "level"], where, _sum: { calls: true } }),
    db.trafficRollup.groupBy({ by: ["conduit", "device", "operator", "model", "endpoint"], where, _count: { _all: true } }),
  ]);
  const of = (conduit: string) => {
    let traffic = learned.get(conduit);
    if (!traffic) learned.set(conduit, (traffic = { callsByHour: new Map(), callsByLevel: {}, devices: [], operators: [], models: [], endpoints: [] }));
    return traffic;
  };
  for (const r of perHour) of(r.conduit).callsByHour.set(r.hour, r._sum.calls ?? 0);
  for (const r of perLevel) of(r.conduit).callsByLevel[r.level] = r._sum.calls ?? 0;
  for (const r of names) {
    const traffic = of(r.conduit);
    traffic.devices.push(r.device);
    traffic.operators.push(r.operator);
    traffic.models.push(r.model);
    traffic.endpoints.push(r.endpoint);
  }
  return learned;
}

/** Creates the rows of new findings and updates those whose count, times or reason moved; leaves status and note alone. */
async function storeFindings(options: {
  db: Db;
  findings: ReturnType<typeof findAnomalies>;
  since: Date;
  destinationBySlug: Map<string, string>;
}): Promise<{ created: number; updated: number }> {
  const { db, findings, since } = options;
  if (findings.length === 0) return { created: 0, updated: 0 };
  const subjects = [...new Set(findings.map((f) => f.subject))];
  const deviceSlugs = [...new Set(findings.flatMap((f) => (f.device ? [f.device] : [])))];
  const [stored, devices] = await Promise.all([
    db.anomaly.findMany({ where: { subject: { in: subjects } }, select: { kind: true, subject: true, count: true, detail: true, reason: true, firstSeenAt: true, lastSeenAt: true } }),
    db.device.findMany({ where: { slug: { in: deviceSlugs } }, select: { id: true, slug: true } }),
  ]);
  const storedByKey = new Map(stored.map((a) => [`${a.kind} ${a.subject}`, a]));
  const deviceIdBySlug = new Map(devices.map((d) => [d.slug, d.id]));

  let created = 0;
  const writes = findings.flatMap((finding) => {
    const before = storedByKey.get(`${finding.kind} ${finding.subject}`) ?? null;
    const merged = mergeFinding({ finding, stored: before, since });
    const detail = JSON.stringify(merged.detail);
    const unchanged =
      before !== null &&
      before.count === merged.count &&
      before.detail === detail &&
      before.reason === finding.reason &&
      before.firstSeenAt.getTime() === merged.firstSeenAt.getTime() &&
      before.lastSeenAt.getTime() === merged.lastSeenAt.getTime();
    if (unchanged) return [];
    if (!before) created++;
    const seen = { count: merged.count, detail, reason: finding.reason, firstSeenAt: merged.firstSeenAt, lastSeenAt: merged.lastSeenAt };
    // An upsert even for a row not there when read: another run may have just created it.
    return [
      db.anomaly.upsert({
        where: { kind_subject: { kind: finding.kind, subject: finding.subject } },
        create: {
          kind: finding.kind,
          subject: finding.subject,
          conduit: finding.conduit,
          deviceId: finding.device ? (deviceIdBySlug.get(finding.device) ?? null) : null,
          destinationId: finding.conduit ? (options.destinationBySlug.get(finding.conduit) ?? null) : null,
          ...seen,
        },
        update: seen,
      }),
    ];
  });
  if (writes.length > 0) await db.$transaction(writes);
  return { created, updated: writes.length - created };
}

/** A conduit's learning phase: from its first allowed traffic (one index seek on conduit, hour), else its creation. */
export async function conduitLearningPeriod(options: { db: Db; conduit: { slug: string; createdAt: Date }; days?: number }): Promise<LearningPeriod> {
  const { conduit } = options;
  const first = await options.db.trafficRollup.findFirst({
    where: { conduit: conduit.slug, outcome: { not: "refused" }, hour: { gte: hourKey(conduit.createdAt) } },
    orderBy: { hour: "asc" },
    select: { hour: true },
  });
  return learningPeriod({ createdAt: conduit.createdAt, firstTrafficHour: first?.hour ?? null, days: options.days });
}
