// How many AI calls went to each destination, through which conduit, from which plant,
// at which classification level: summed from the hourly traffic rollups the records index
// keeps (lib/conduits/traffic-rollup.ts), so the cost does not grow with the traffic. A
// window counts the whole hours it touches.
import type { Db } from "@/lib/db";
import { isoHour } from "@/lib/conduits/traffic";
import { dataClasses, type DataClassName } from "@/lib/suppliers/scoring";

export interface CallVolume {
  destination: string;
  conduit: string;
  plant: string | null;
  level: DataClassName;
  outcome: string;
  calls: number;
}

/** Calls forwarded (allowed, redacted or flagged) in the hours from since's to until's (exclusive of until itself). */
export async function countCalls(options: { db: Db; since: Date; until: Date }): Promise<CallVolume[]> {
  const { db, since, until } = options;
  if (until <= since) return [];
  const groups = await db.trafficRollup.groupBy({
    by: ["destination", "conduit", "plant", "level", "outcome"],
    where: { outcome: { in: ["allowed", "redacted", "flagged"] }, level: { in: [...dataClasses] }, hour: { gte: isoHour(since), lte: isoHour(new Date(until.getTime() - 1)) } },
    _sum: { calls: true },
  });
  return groups.map((g) => ({ destination: g.destination, conduit: g.conduit, plant: g.plant || null, level: g.level as DataClassName, outcome: g.outcome, calls: g._sum.calls ?? 0 }));
}
