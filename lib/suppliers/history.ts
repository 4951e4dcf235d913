// A supplier's history as the ledger tells it: the administrative changes to the
// supplier, its links, certifications, assessments and the destinations it was given.
// Administrative changes are few next to AI calls, and the (kind, at) index keeps the
// search to them.
import type { Db } from "@/lib/db";
import type { RecordSummary } from "@/lib/ledger/status";
import { summarizeRecord } from "@/lib/records/project-record";

export async function supplierHistory(options: { db: Db; entityIds: string[]; take: number }): Promise<RecordSummary[]> {
  if (options.entityIds.length === 0) return [];
  const rows = await options.db.auditRecord.findMany({
    // Canonical JSON writes the entity as {"id":"…","type":"…"}.
    where: { kind: "admin_change", OR: options.entityIds.map((id) => ({ envelope: { contains: `"entity":{"id":${JSON.stringify(id)}` } })) },
    orderBy: [{ at: "desc" }, { seq: "desc" }],
    take: options.take,
    select: { id: true, logId: true, seq: true, kind: true, at: true, envelope: true },
  });
  return rows.map((r) => ({ id: r.id, logId: r.logId, seq: r.seq, kind: r.kind, at: r.at, summary: summarizeRecord({ kind: r.kind, envelope: r.envelope }) }));
}
