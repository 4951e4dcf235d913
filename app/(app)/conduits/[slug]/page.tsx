import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, Stat } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { AnomalyList } from "@/components/conduits/anomaly-list";
import { ConduitActions } from "@/components/conduits/conduit-actions";
import { PendingChanges } from "@/components/conduits/pending-changes";
import { RangeTabs, TrafficPanel } from "@/components/conduits/traffic-panel";
import { AlertList } from "@/components/suppliers/alert-list";
import { ChainTree } from "@/components/suppliers/chain-tree";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { loadConduitOperations } from "@/lib/conduits/conduit-page";
import { trafficRange } from "@/lib/conduits/traffic-range";
import { db } from "@/lib/db";
import { formatDate, formatDateTime, humanize } from "@/lib/format";
import { conduitState, conduitStateLabels } from "@/lib/inventory/conduit-state";
import { chainMembers, resolveChain } from "@/lib/suppliers/chain";
import { callWindowDays, loadSupplierOverview } from "@/lib/suppliers/overview";
import { dataClasses, dataClassRank } from "@/lib/suppliers/scoring";

export const metadata: Metadata = { title: "Conduit" };

const list = (json: string) => (JSON.parse(json) as string[]).join(", ") || "any";

export default async function ConduitPage(props: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser({ permission: "inventory:read" });
  const { slug } = await props.params;
  const conduit = await db().conduit.findUnique({
    where: { slug },
    include: {
      sourceZone: { select: { name: true, plant: { select: { name: true, timeZone: true } } } },
      destination: { select: { name: true, slug: true, supplierId: true } },
      approvedBy: { select: { name: true } },
    },
  });
  if (!conduit) notFound();
  const overview = await loadSupplierOverview({ db: db(), now: new Date() });
  const timeZone = conduit.sourceZone.plant?.timeZone ?? "UTC";
  const range = trafficRange({ value: (await props.searchParams).range, now: overview.now });
  const operations = await loadConduitOperations({ db: db(), conduit, viewerId: user.id, timeZone, range, now: overview.now });
  const canWrite = can(user.role, "inventory:write");
  const state = conduitState({ status: conduit.status, validFrom: conduit.validFrom, validUntil: conduit.validUntil, now: overview.now });
  const rootId = conduit.destination.supplierId;
  const tree = rootId ? resolveChain({ rootId, links: overview.links }) : null;
  const members = tree ? chainMembers(tree) : [];
  const volumes = overview.volumes.filter((v) => v.conduit === conduit.slug);
  const byLevel = dataClasses.map((level) => ({ level, calls: volumes.filter((v) => v.level === level).reduce((n, v) => n + v.calls, 0) }));
  const notApproved = members.filter((id) => {
    const approval = overview.approvals.get(id);
    return !approval || dataClassRank(approval.approvedDataClass) < dataClassRank(conduit.maxDataClass);
  });
  const name = (id: string) => overview.suppliers.find((s) => s.id === id)?.name ?? id;

  return (
    <>
      <PageHeader
        eyebrow={<Link href="/conduits">Conduit inventory</Link>}
        title={conduit.name}
        description={conduit.justification}
        actions={canWrite ? <ConduitActions slug={conduit.slug} status={conduit.status} updatedAt={operations.updatedAt} policy={operations.policy} pendingChange={operations.pending.length > 0} /> : undefined}
      />
      {conduit.statusReason && (
        <div className={`notice ${conduit.status === "SUSPENDED" ? "notice-error" : "notice-info"}`} role="note">
          <p>
            {conduit.status === "SUSPENDED" ? "Suspended" : "Last resumed"}: {conduit.statusReason}
          </p>
        </div>
      )}
      <div className="stats">
        <Stat label="State" value={conduitStateLabels[state]} hint={conduit.validUntil ? `valid until ${formatDate({ date: conduit.validUntil, timeZone })}` : "no end date"} />
        <Stat label="Max. data class" value={conduit.maxDataClass} hint={`${humanize(conduit.overLimitAction)} beyond it`} />
        <Stat
          label="Review due"
          value={conduit.reviewDueAt ? formatDate({ date: conduit.reviewDueAt, timeZone }) : "none planned"}
          hint={conduit.reviewDueAt && conduit.reviewDueAt <= overview.now ? "overdue" : "renew to set the next one"}
        />
        <Stat label="Suppliers handling its data" value={members.length} hint={tree ? `${members.length - 1} sub-processor${members.length === 2 ? "" : "s"} behind ${name(tree.supplierId)}` : "destination has no supplier"} />
      </div>
      {operations.pending.length > 0 && (
        <Card id="conduit-approval" title="Waiting for approval" description="This change allows more than the conduit does now; it comes into force when another person approves it.">
          <div className="card-body">
            <PendingChanges changes={operations.pending} canDecide={canWrite} />
          </div>
        </Card>
      )}
      <RangeTabs range={range} path={`/conduits/${conduit.slug}`} />
      <Card id="conduit-traffic" title="Traffic" description={`Calls through this conduit in the last ${range.label}, by outcome, data and identity.`}>
        <TrafficPanel summary={operations.summary} timeZone={timeZone} show={["device", "operator", "label"]} />
      </Card>
      <Card
        id="conduit-anomalies"
        title="Anomalies"
        description={
          operations.learning.done
            ? `Baseline learned from ${formatDate({ date: operations.learning.from, timeZone })} to ${formatDate({ date: operations.learning.until, timeZone })}; traffic is judged against it since.`
            : `Learning its baseline until ${formatDateTime({ date: operations.learning.until, timeZone })}; until then only refusals and operational warnings are raised.`
        }
      >
        <AnomalyList anomalies={operations.anomalies} canAct={canWrite} emptyText="No anomalies on this conduit." />
      </Card>
      <Card id="conduit-facts" title="Conduit">
        <div className="card-body">
          <dl className="facts">
            <dt>From zone</dt>
            <dd>
              {conduit.sourceZone.name}
              {conduit.sourceZone.plant && `, ${conduit.sourceZone.plant.name}`}
            </dd>
            <dt>To destination</dt>
            <dd>
              {conduit.destination.name} <span className="mono">{conduit.destination.slug}</span>
            </dd>
            <dt>Purposes</dt>
            <dd>{list(conduit.allowedPurposes)}</dd>
            <dt>Models</dt>
            <dd>{list(conduit.allowedModels)}</dd>
            <dt>Endpoints</dt>
            <dd>{list(conduit.allowedEndpoints)}</dd>
            <dt>Target security level</dt>
            <dd>SL {conduit.slTarget}</dd>
            <dt>Approved</dt>
            <dd>{conduit.approvedBy && conduit.approvedAt ? `${formatDate({ date: conduit.approvedAt, timeZone })} by ${conduit.approvedBy.name}` : "not approved"}</dd>
          </dl>
        </div>
      </Card>
      <Card id="conduit-chain" title="Who handles its data" description="The supplier that operates the destination and every sub-processor down its chain, with the terms of each link.">
        <div className="card-body">
          {tree ? <ChainTree tree={tree} overview={overview} label={`Supplier chain of ${conduit.name}`} /> : <p className="field-hint">No supplier is recorded for {conduit.destination.name}; link one on its supplier&apos;s page.</p>}
          {notApproved.length > 0 && (
            <div className="notice notice-error" role="note" style={{ marginTop: 14 }}>
              <p>
                The conduit allows {conduit.maxDataClass} data, above what {notApproved.map(name).join(", ")} {notApproved.length === 1 ? "is" : "are"} approved for (or never assessed).
              </p>
            </div>
          )}
        </div>
      </Card>
      <Card id="conduit-exposure" title="Exposure" description={`Calls through this conduit in the last ${callWindowDays} days, by the classification level of what was sent.`}>
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Calls by classification level</caption>
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Calls</th>
                <th scope="col">Of which redacted</th>
                <th scope="col">Of which flagged above the limit</th>
              </tr>
            </thead>
            <tbody>
              {byLevel.map((l) => (
                <tr key={l.level}>
                  <td>{l.level}</td>
                  <td className="num">{l.calls}</td>
                  <td className="num">{volumes.filter((v) => v.level === l.level && v.outcome === "redacted").reduce((n, v) => n + v.calls, 0)}</td>
                  <td className="num">{volumes.filter((v) => v.level === l.level && v.outcome === "flagged").reduce((n, v) => n + v.calls, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card id="conduit-alerts" title="Supplier alerts on this chain">
        <AlertList alerts={overview.alerts.filter((a) => members.includes(a.supplierId))} overview={overview} />
      </Card>
    </>
  );
}
