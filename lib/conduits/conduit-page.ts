// What a conduit's page shows beyond its facts: its traffic in the chosen range, its
// anomalies, a change waiting for approval, and its baseline's learning phase.
import type { Db } from "@/lib/db";
import { listAnomalyViews } from "@/lib/conduits/anomaly-views";
import { watchAnomalies } from "@/lib/conduits/anomaly-watch";
import { conduitLearningPeriod } from "@/lib/conduits/detect-anomalies";
import { policyOf } from "@/lib/conduits/conduit-policy";
import { listPendingChanges } from "@/lib/conduits/pending-changes";
import { trafficSummary } from "@/lib/conduits/traffic";
import type { TrafficRange } from "@/lib/conduits/traffic-range";
import { catchUpRecordIndex } from "@/lib/records/record-index";

export async function loadConduitOperations(options: { db: Db; conduit: { id: string; slug: string; createdAt: Date }; viewerId: string; timeZone: string; range: TrafficRange; now: Date }) {
  const { db, conduit, range, timeZone } = options;
  await catchUpRecordIndex({ db, budgetMs: 400 });
  watchAnomalies({ db });
  const [summary, anomalies, pending, learning, record] = await Promise.all([
    trafficSummary({ db, scope: { conduit: conduit.slug }, from: range.from, to: range.to, bucket: range.bucket }),
    listAnomalyViews({ db, scope: { conduit: conduit.slug }, timeZone, limit: 50 }),
    listPendingChanges({ db, viewerId: options.viewerId, timeZone, conduitId: conduit.id }),
    conduitLearningPeriod({ db, conduit }),
    db.conduit.findUniqueOrThrow({ where: { id: conduit.id } }),
  ]);
  return { summary, anomalies, pending, learning: { ...learning, done: learning.until <= options.now }, policy: policyOf(record), updatedAt: record.updatedAt.toISOString() };
}

/** A device's traffic in the chosen range and its anomalies. */
export async function loadDeviceTraffic(options: { db: Db; device: { id: string; slug: string }; timeZone: string; range: TrafficRange }) {
  const { db, device, range } = options;
  await catchUpRecordIndex({ db, budgetMs: 400 });
  watchAnomalies({ db });
  const [summary, anomalies] = await Promise.all([
    trafficSummary({ db, scope: { device: device.slug }, from: range.from, to: range.to, bucket: range.bucket }),
    listAnomalyViews({ db, scope: { deviceId: device.id }, timeZone: options.timeZone, limit: 50 }),
  ]);
  return { summary, anomalies };
}
