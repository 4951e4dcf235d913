// What needs a compliance officer's attention in the supplier chain. Pure: the caller
// gathers suppliers, certifications, approvals and exposure (lib/suppliers/overview.ts).
import type { CertificationScheme } from "@/lib/db";
import { certificationLabel } from "@/lib/suppliers/labels";
import { dataClassRank, type DataClassName } from "@/lib/suppliers/scoring";

/** Certifications are flagged this many days before they expire. */
export const certificationWarningDays = 60;

const day = 24 * 60 * 60 * 1000;

export type AlertKind = "certification_expiring" | "certification_expired" | "reassessment_overdue" | "data_above_approved" | "unassessed_link";

export interface SupplierAlert {
  kind: AlertKind;
  severity: "warn" | "danger";
  supplierId: string;
  message: string;
}

export interface AlertInput {
  now: Date;
  suppliers: readonly { id: string; name: string }[];
  certifications: readonly { supplierId: string; scheme: CertificationScheme; title: string; expiresAt: Date }[];
  /** The latest approved assessment of each supplier that has one. */
  approvals: ReadonlyMap<string, { nextReviewAt: Date; approvedDataClass: DataClassName }>;
  /** The highest data class that reaches each supplier, directly or down a chain. */
  receivedLevels: ReadonlyMap<string, DataClassName | null>;
  /** Each supplier that receives data from a conduit, with every supplier in its chain (itself first). */
  chains: readonly { rootId: string; members: readonly string[] }[];
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export function supplierAlerts(input: AlertInput): SupplierAlert[] {
  const name = (id: string) => input.suppliers.find((s) => s.id === id)?.name ?? id;
  const alerts: SupplierAlert[] = [];

  // A renewed certificate replaces the old one: only the latest of each scheme counts.
  const latest = new Map<string, AlertInput["certifications"][number]>();
  for (const c of input.certifications) {
    const key = `${c.supplierId} ${c.scheme} ${c.scheme === "OTHER" ? c.title : ""}`;
    if ((latest.get(key)?.expiresAt.getTime() ?? -Infinity) < c.expiresAt.getTime()) latest.set(key, c);
  }
  for (const c of latest.values()) {
    const label = certificationLabel(c);
    const days = Math.ceil((c.expiresAt.getTime() - input.now.getTime()) / day);
    if (days <= 0) {
      alerts.push({ kind: "certification_expired", severity: "danger", supplierId: c.supplierId, message: `${name(c.supplierId)}: ${label} expired on ${isoDate(c.expiresAt)}.` });
    } else if (days <= certificationWarningDays) {
      alerts.push({ kind: "certification_expiring", severity: "warn", supplierId: c.supplierId, message: `${name(c.supplierId)}: ${label} expires in ${days} day${days === 1 ? "" : "s"} (${isoDate(c.expiresAt)}).` });
    }
  }

  for (const [supplierId, approval] of input.approvals) {
    if (approval.nextReviewAt.getTime() < input.now.getTime()) {
      alerts.push({ kind: "reassessment_overdue", severity: "danger", supplierId, message: `${name(supplierId)}: reassessment was due on ${isoDate(approval.nextReviewAt)}.` });
    }
    const received = input.receivedLevels.get(supplierId) ?? null;
    if (received && dataClassRank(received) > dataClassRank(approval.approvedDataClass)) {
      alerts.push({ kind: "data_above_approved", severity: "danger", supplierId, message: `${name(supplierId)} receives ${received} data but is approved for ${approval.approvedDataClass} at most.` });
    }
  }

  for (const chain of input.chains) {
    const unassessed = chain.members.filter((id) => !input.approvals.has(id));
    if (unassessed.length === 0) continue;
    alerts.push({
      kind: "unassessed_link",
      severity: "warn",
      supplierId: chain.rootId,
      message: `Chain of ${name(chain.rootId)}: ${unassessed.map(name).join(", ")} ${unassessed.length === 1 ? "has" : "have"} no approved assessment.`,
    });
  }
  return alerts;
}
