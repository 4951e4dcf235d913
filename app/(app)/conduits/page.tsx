import type { Metadata } from "next";
import Link from "next/link";
import { Card, Stat } from "@/components/card";
import { AnomalyList } from "@/components/conduits/anomaly-list";
import { PendingChanges } from "@/components/conduits/pending-changes";
import { ProposeConduit } from "@/components/conduits/propose-conduit";
import { RangeTabs, TrafficPanel } from "@/components/conduits/traffic-panel";
import { UnauthorisedFlows } from "@/components/conduits/unauthorised-flows";
import { ZoneMap } from "@/components/conduits/zone-map";
import { DataTable, type Row, type Tone } from "@/components/data-table";
import { DestinationKeys } from "@/components/destinations/destination-keys";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { loadConduitsOverview } from "@/lib/conduits/conduits-overview";
import { trafficRange } from "@/lib/conduits/traffic-range";
import { db } from "@/lib/db";
import { listDestinations } from "@/lib/destinations/list-destinations";
import { formatDate, formatDateTime, humanize, providerLabels, purdueLabels, zoneKindLabels } from "@/lib/format";
import { conduitStateLabels, type ConduitState } from "@/lib/inventory/conduit-state";
import { listPlants, selectedPlant } from "@/lib/plants/selection";

export const metadata: Metadata = { title: "Conduits" };

const stateTone: Record<ConduitState, Tone> = {
  in_force: "ok",
  expired: "danger",
  not_yet_valid: "warn",
  suspended: "warn",
  retired: "neutral",
};

export default async function ConduitsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser({ permission: "inventory:read" });
  const plants = await listPlants();
  const plant = await selectedPlant(plants);
  const now = new Date();
  const range = trafficRange({ value: (await props.searchParams).range, now });
  const [overview, destinations] = await Promise.all([
    loadConduitsOverview({ db: db(), plant, viewerId: user.id, range, now }),
    listDestinations({ db: db() }),
  ]);
  const { zones, conduits, devices } = overview.inventory;
  const canWrite = can(user.role, "inventory:write");
  const timeZone = plant?.timeZone ?? "UTC";

  const conduitRows: Row[] = conduits.map((c) => ({
    id: c.id,
    name: { text: c.name, sub: c.slug, href: `/conduits/${c.slug}` },
    route: { text: c.sourceZone, sub: `to ${c.destination}` },
    maxData: { text: humanize(c.maxDataClass), sub: `${humanize(c.overLimitAction)} beyond` },
    state: { label: conduitStateLabels[c.state], tone: stateTone[c.state] },
    calls: c.calls,
    refused: c.refused,
    lastSeen: c.lastSeen ? formatDateTime({ date: new Date(c.lastSeen), timeZone }) : null,
    anomalies: c.openAnomalies ? { label: `${c.openAnomalies} open`, tone: "warn" } : { label: "none", tone: "neutral" },
    validUntil: c.validUntil ? formatDate({ date: c.validUntil, timeZone }) : "No end date",
    review: c.reviewDueAt ? { label: formatDate({ date: c.reviewDueAt, timeZone }), tone: c.reviewDueAt <= now ? "danger" : "neutral" } : "none planned",
  }));
  const zoneRows: Row[] = zones.map((z) => ({
    id: z.id,
    name: { text: z.name, sub: z.plant?.name ?? "External" },
    level: purdueLabels[z.purdueLevel] ?? z.purdueLevel,
    kind: zoneKindLabels[z.kind] ?? z.kind,
    slt: `SL ${z.slTarget}`,
    sla: z.slAchieved
      ? { label: `SL ${z.slAchieved}`, tone: z.slAchieved >= z.slTarget ? "ok" : "warn" }
      : { label: "Not assessed", tone: "neutral" },
    devices: z._count.devices,
    conduits: z._count.outboundConduits,
  }));
  const deviceRows: Row[] = devices.map((d) => ({
    id: d.id,
    name: { text: d.name, sub: d.slug },
    workload: humanize(d.workload),
    application: d.application,
    zone: { text: d.zone.name, sub: d.plant.name },
    workstation: d.workstation?.hostname ?? null,
    status: { label: humanize(d.status), tone: d.status === "ACTIVE" ? "ok" : "neutral" },
  }));
  const inForce = conduits.filter((c) => c.state === "in_force").length;
  const undecidedFlows = overview.flows.filter((f) => !f.review && !f.proposal).length;
  const openAnomalies = overview.anomalies.filter((a) => !a.acknowledged).length;
  const overdue = overview.reviewsDue.filter((r) => r.overdue).length;

  return (
    <>
      <PageHeader
        eyebrow="IEC 62443-3-2 zones and conduits"
        title="Conduit inventory"
        description={`Authorised AI paths out of the OT zones of ${plant ? plant.name : "all plants"}. Anything not listed here is denied by the proxy.`}
      />
      <div className="stats">
        <Stat label="Conduits in force" value={inForce} hint={`of ${conduits.length} defined`} />
        <Stat label="Refused flows to decide" value={undecidedFlows} hint={`${overview.flows.length} refused flows seen`} />
        <Stat label="Awaiting approval" value={overview.pending.length} hint="conduit changes (four eyes)" />
        <Stat label="Open anomalies" value={openAnomalies} hint={overdue ? `${overdue} conduit review${overdue === 1 ? "" : "s"} overdue` : "no review overdue"} />
      </div>
      <RangeTabs range={range} path="/conduits" />
      <Card id="map" title="Zones and conduits" description={`Zones by Purdue level, conduits to the AI destinations, coloured by state; width by calls in the last ${range.label}.`}>
        <div className="card-body">
          <ZoneMap plants={overview.map.plants} externalZones={overview.map.externalZones} conduits={overview.map.conduits} label="Map of zones and conduits" />
        </div>
      </Card>
      <Card id="traffic" title="AI traffic" description={`Every call the proxies saw in the last ${range.label}, from the traffic rollups.`}>
        <TrafficPanel summary={overview.summary} timeZone={timeZone} show={["conduit", "device"]} />
      </Card>
      <Card
        id="conduits"
        title="Conduits"
        description="Zone-to-AI-destination paths with their data limit, validity, review date and traffic."
        actions={canWrite ? <ProposeConduit zones={overview.choices.zones} destinations={overview.choices.destinations} policy={blankPolicy(now)} /> : undefined}
      >
        <DataTable
          caption="Conduits"
          columns={[
            { key: "name", header: "Conduit" },
            { key: "route", header: "From zone / to destination" },
            { key: "maxData", header: "Max. data class" },
            { key: "state", header: "State" },
            { key: "calls", header: `Calls (${range.label})`, kind: "number" },
            { key: "refused", header: "Refused", kind: "number" },
            { key: "lastSeen", header: "Last call" },
            { key: "anomalies", header: "Anomalies" },
            { key: "validUntil", header: "Valid until" },
            { key: "review", header: "Review due" },
          ]}
          rows={conduitRows}
          emptyText="No conduits: every AI call from this plant is denied."
        />
      </Card>
      <Card id="approvals" title="Awaiting approval" description="New conduits and changes that allow more wait for a second person; narrowing changes apply at once.">
        <div className="card-body">
          <PendingChanges changes={overview.pending} canDecide={canWrite} />
        </div>
      </Card>
      <Card id="flows" title="Refused flows: declared versus observed" description="AI calls the proxy refused, grouped by zone, device, destination and model. Authorise one with a conduit, or keep it blocked with a reason.">
        <UnauthorisedFlows flows={overview.flows} canAct={canWrite} zones={overview.choices.zones} destinations={overview.choices.destinations} />
      </Card>
      <Card id="reviews" title="Conduit reviews" description="Conduits whose periodic review is overdue or due within 30 days.">
        {overview.reviewsDue.length === 0 ? (
          <p className="table-empty">No review is due within 30 days.</p>
        ) : (
          <ul className="related">
            {overview.reviewsDue.map((r) => (
              <li key={r.slug}>
                <Link href={`/conduits/${r.slug}`}>{r.name}</Link> <span className={`badge badge-${r.overdue ? "danger" : "warn"}`}>{r.overdue ? "overdue" : "due soon"}</span>
                <span className="sub">review due {formatDate({ date: r.reviewDueAt, timeZone })}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card id="anomalies" title="Anomalies" description="Policy violations, departures from each conduit's learned baseline, operational warnings and shared credentials.">
        <AnomalyList anomalies={overview.anomalies} canAct={canWrite} emptyText="No anomalies." />
      </Card>
      <Card id="destinations" title="AI destinations" description="Where the conduits lead. The proxy holds each provider key encrypted; nobody can read it back.">
        <DestinationKeys
          canManage={can(user.role, "providerKeys:write")}
          destinations={destinations.map((d) => ({
            slug: d.slug,
            name: d.name,
            provider: providerLabels[d.provider] ?? d.provider,
            baseUrl: d.baseUrl,
            region: d.region,
            zone: d.zone.name,
            providerKey: d.providerKey,
          }))}
        />
      </Card>
      <Card id="zones" title="Zones" description="Purdue level, target (SL-T) and achieved (SL-A) security level.">
        <DataTable
          caption="Zones"
          columns={[
            { key: "name", header: "Zone" },
            { key: "level", header: "Purdue level" },
            { key: "kind", header: "Kind" },
            { key: "slt", header: "SL-T" },
            { key: "sla", header: "SL-A" },
            { key: "devices", header: "Devices", kind: "number" },
            { key: "conduits", header: "Conduits out", kind: "number" },
          ]}
          rows={zoneRows}
        />
      </Card>
      <Card id="devices" title="Devices" description="Applications and machines that call AI through the proxy.">
        <DataTable
          caption="Devices"
          columns={[
            { key: "name", header: "Device" },
            { key: "workload", header: "AI workload" },
            { key: "application", header: "Application" },
            { key: "zone", header: "Zone" },
            { key: "workstation", header: "Workstation", kind: "mono" },
            { key: "status", header: "Status" },
          ]}
          rows={deviceRows}
        />
      </Card>
    </>
  );
}

function blankPolicy(now: Date) {
  const day = 86_400_000;
  return {
    name: "",
    justification: "",
    allowedPurposes: [],
    allowedModels: [],
    allowedEndpoints: [],
    maxDataClass: "INTERNAL" as const,
    overLimitAction: "BLOCK" as const,
    failMode: "CLOSED" as const,
    validFrom: now.toISOString(),
    validUntil: new Date(now.getTime() + 365 * day).toISOString(),
    reviewDueAt: new Date(now.getTime() + 182 * day).toISOString(),
  };
}
