import type { Metadata } from "next";
import { Card, Stat } from "@/components/card";
import { DataTable, type Row, type Tone } from "@/components/data-table";
import { PageHeader } from "@/components/page-header";
import { AlertList } from "@/components/suppliers/alert-list";
import { ChainGraph } from "@/components/suppliers/chain-graph";
import { ChainTree } from "@/components/suppliers/chain-tree";
import { SupplierForm } from "@/components/suppliers/supplier-form";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { formatDate } from "@/lib/format";
import { resolveChain } from "@/lib/suppliers/chain";
import { supplierKindLabels } from "@/lib/suppliers/labels";
import { parseSupplier } from "@/lib/suppliers/manage-suppliers";
import { callWindowDays, loadSupplierOverview } from "@/lib/suppliers/overview";

export const metadata: Metadata = { title: "AI suppliers" };

const ratingTone: Record<string, Tone> = { LOW: "ok", MEDIUM: "accent", HIGH: "warn", CRITICAL: "danger" };

export default async function SuppliersPage() {
  const user = await requirePageUser({ permission: "suppliers:read" });
  const overview = await loadSupplierOverview({ db: db(), now: new Date() });
  const canWrite = can(user.role, "suppliers:write");

  const rows: Row[] = overview.suppliers.map((raw) => {
    const s = parseSupplier(raw);
    const exposure = overview.exposures.get(s.id)!;
    const approval = overview.approvals.get(s.id);
    const certs = overview.certifications.filter((c) => c.supplierId === s.id && c.expiresAt > overview.now).length;
    const alerts = overview.alerts.filter((a) => a.supplierId === s.id);
    return {
      id: s.id,
      name: { text: s.name, sub: supplierKindLabels[s.kind], href: `/suppliers/${s.slug}` },
      countries: s.countries.join(", "),
      reach: exposure.conduits.length ? { text: `${exposure.summary.conduits} in force of ${exposure.conduits.length}`, sub: exposure.plants.map((p) => p.name).join(", ") || "no plant now" } : null,
      level: exposure.receivedLevel,
      calls: exposure.calls,
      rating: approval?.rating ? { label: approval.rating.toLowerCase(), tone: ratingTone[approval.rating]! } : { label: "not assessed", tone: "warn" },
      review: approval ? formatDate({ date: approval.nextReviewAt, timeZone: "UTC" }) : null,
      certs,
      alerts: alerts.length ? { label: String(alerts.length), tone: alerts.some((a) => a.severity === "danger") ? "danger" : "warn" } : { label: "0", tone: "ok" },
    };
  });
  const dueOrMissing = overview.suppliers.filter((s) => {
    const approval = overview.approvals.get(s.id);
    return overview.exposures.get(s.id)!.conduits.length > 0 && (!approval || approval.nextReviewAt < overview.now);
  }).length;
  const expiring = overview.alerts.filter((a) => a.kind === "certification_expiring" || a.kind === "certification_expired").length;

  return (
    <>
      <PageHeader
        eyebrow="NIS2 Art. 21(2)(d) and 21(3), IEC 62443-2-4"
        title="AI suppliers"
        description="Who handles the data of each AI flow out of the plants, all the way down the chain, under which terms, and when they were last assessed."
      />
      <div className="stats">
        <Stat label="Suppliers" value={overview.suppliers.length} hint={`${overview.chains.length} receive data from our conduits directly`} />
        <Stat label="Alerts" value={overview.alerts.length} hint={`${overview.alerts.filter((a) => a.severity === "danger").length} need action now`} />
        <Stat label="Assessments due" value={dueOrMissing} hint="exposed suppliers overdue or never assessed" />
        <Stat label="Certifications" value={expiring} hint="expired or expiring within 60 days" />
      </div>
      <Card id="alerts" title="Alerts" description="Certifications expiring within 60 days, overdue reassessments, data above the approved level, chains with an unassessed supplier.">
        <AlertList alerts={overview.alerts} overview={overview} />
      </Card>
      <Card id="suppliers" title="Suppliers" description={`Exposure counts conduits and plants that reach each supplier directly or down a chain; calls are from the last ${callWindowDays} days of the ledger.`}>
        <DataTable
          caption="Suppliers"
          columns={[
            { key: "name", header: "Supplier" },
            { key: "countries", header: "Countries" },
            { key: "reach", header: "Conduits / plants" },
            { key: "level", header: "Data received" },
            { key: "calls", header: `Calls (${callWindowDays} d)`, kind: "number" },
            { key: "rating", header: "Risk" },
            { key: "review", header: "Next review" },
            { key: "certs", header: "Valid certs", kind: "number" },
            { key: "alerts", header: "Alerts" },
          ]}
          rows={rows}
          emptyText="No suppliers yet."
        />
      </Card>
      <Card id="chain" title="Supplier chain" description="Each supplier that receives data from our conduits, and the sub-processors it passes the data to.">
        <ChainGraph overview={overview} />
        <div className="card-body">
          {overview.chains.map((c) => (
            <ChainTree key={c.rootId} tree={resolveChain({ rootId: c.rootId, links: overview.links })} overview={overview} label={`Chain of ${overview.suppliers.find((s) => s.id === c.rootId)?.name}`} />
          ))}
          {overview.chains.length === 0 && <p className="table-empty">No conduit sends data to a supplier yet.</p>}
        </div>
      </Card>
      {canWrite && (
        <Card id="add-supplier" title="Add a supplier" description="Then link its AI destinations, sub-processors and certifications on its page.">
          <SupplierForm />
        </Card>
      )}
    </>
  );
}
