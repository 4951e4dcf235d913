import type { Metadata } from "next";
import { Card, Stat } from "@/components/card";
import { DataTable, type Row, type Tone } from "@/components/data-table";
import { DestinationKeys } from "@/components/destinations/destination-keys";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { listDestinations } from "@/lib/destinations/list-destinations";
import { formatDate, humanize, providerLabels, purdueLabels, zoneKindLabels } from "@/lib/format";
import { conduitStateLabels, type ConduitState } from "@/lib/inventory/conduit-state";
import { listInventory } from "@/lib/inventory/list-inventory";
import { listPlants, selectedPlant } from "@/lib/plants/selection";

export const metadata: Metadata = { title: "Conduits" };

const stateTone: Record<ConduitState, Tone> = {
  in_force: "ok",
  expired: "danger",
  not_yet_valid: "warn",
  suspended: "warn",
  retired: "neutral",
};

export default async function ConduitsPage() {
  const user = await requirePageUser({ permission: "inventory:read" });
  const plants = await listPlants();
  const plant = await selectedPlant(plants);
  const [{ zones, conduits, devices }, destinations] = await Promise.all([
    listInventory({ db: db(), plantId: plant?.id ?? null, now: new Date() }),
    listDestinations({ db: db() }),
  ]);
  const timeZone = plant?.timeZone ?? "UTC";

  const conduitRows: Row[] = conduits.map((c) => ({
    id: c.id,
    name: { text: c.name, sub: c.slug, href: `/conduits/${c.slug}` },
    route: { text: c.sourceZone, sub: `to ${c.destination}` },
    provider: providerLabels[c.provider] ?? c.provider,
    maxData: humanize(c.maxDataClass),
    beyond: humanize(c.overLimitAction),
    state: { label: conduitStateLabels[c.state], tone: stateTone[c.state] },
    validUntil: c.validUntil ? formatDate({ date: c.validUntil, timeZone }) : "No end date",
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
  const expired = conduits.filter((c) => c.state === "expired").length;

  return (
    <>
      <PageHeader
        eyebrow="IEC 62443-3-2 zones and conduits"
        title="Conduit inventory"
        description={`Authorised AI paths out of the OT zones of ${plant ? plant.name : "all plants"}. Anything not listed here is denied by the proxy.`}
      />
      <div className="stats">
        <Stat label="Conduits in force" value={inForce} hint={`of ${conduits.length} defined`} />
        <Stat label="Expired conduits" value={expired} hint="traffic on them is denied" />
        <Stat label="Zones" value={zones.length} hint="including external AI zones" />
        <Stat label="AI-calling devices" value={devices.length} hint="each with its own identity" />
      </div>
      <Card id="conduits" title="Conduits" description="Zone-to-AI-destination paths with their data limit and validity.">
        <DataTable
          caption="Conduits"
          columns={[
            { key: "name", header: "Conduit" },
            { key: "route", header: "From zone / to destination" },
            { key: "provider", header: "Provider API" },
            { key: "maxData", header: "Max. data class" },
            { key: "beyond", header: "Beyond limit" },
            { key: "state", header: "State" },
            { key: "validUntil", header: "Valid until" },
          ]}
          rows={conduitRows}
          emptyText="No conduits: every AI call from this plant is denied."
        />
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

