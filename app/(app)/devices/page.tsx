import type { Metadata } from "next";
import { Card, Stat } from "@/components/card";
import { DataTable, type Row } from "@/components/data-table";
import { PageHeader } from "@/components/page-header";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { listAnomalies } from "@/lib/devices/list-anomalies";
import { listDevices } from "@/lib/devices/list-devices";
import { formatDateTime, humanize, purdueLabels } from "@/lib/format";
import { listPlants, selectedPlant } from "@/lib/plants/selection";
import { unidentifiedRecordsPerMinute } from "@/proxy/unidentified-callers";

export const metadata: Metadata = { title: "Devices" };

const anomalyKinds: Record<string, { label: string; tone: "danger" | "warn" }> = {
  shared_device_token: { label: "Shared token", tone: "danger" },
  unauthorised_flow: { label: "Unauthorised flow", tone: "warn" },
  unidentified_caller: { label: "Calls without a valid token", tone: "danger" },
};

export default async function DevicesPage() {
  await requirePageUser({ permission: "inventory:read" });
  const plants = await listPlants();
  const plant = await selectedPlant(plants);
  const now = new Date();
  const [devices, anomalies] = await Promise.all([
    listDevices({ db: db(), plantId: plant?.id ?? null, now }),
    listAnomalies({ db: db(), plantId: plant?.id ?? null }),
  ]);
  const timeZone = plant?.timeZone ?? "UTC";
  const byPlant = new Map<string, typeof devices>();
  for (const d of devices) byPlant.set(d.plant.id, [...(byPlant.get(d.plant.id) ?? []), d]);

  const deviceRow = (d: (typeof devices)[number]): Row => ({
    id: d.id,
    name: { text: d.name, sub: d.slug, href: `/devices/${d.slug}` },
    zone: { text: d.zone.name, sub: purdueLabels[d.zone.purdueLevel] ?? d.zone.purdueLevel },
    workstation: d.workstation ? { text: d.workstation.hostname, sub: d.workstation.ipAddress ?? d.workstation.name } : null,
    application: { text: d.application, sub: d.vendor || humanize(d.workload) },
    purpose: d.defaultPurpose,
    operator: d.mayAssertOperator ? { label: "May assert", tone: "warn" } : { label: "Signed only", tone: "neutral" },
    credentials:
      d.credentials.shared > 0
        ? { label: `${d.credentials.active} active, shared`, tone: "danger" }
        : d.credentials.active > 0
          ? { label: `${d.credentials.active} active`, tone: "ok" }
          : { label: d.credentials.total > 0 ? "None active" : "None", tone: "neutral" },
    status: { label: humanize(d.status), tone: d.status === "ACTIVE" ? "ok" : "neutral" },
  });
  const anomalyRows: Row[] = anomalies.map((a) => ({
    id: a.id,
    kind: anomalyKinds[a.kind] ?? { label: humanize(a.kind), tone: "warn" },
    device: a.device ? { text: a.device.name, sub: a.device.slug, href: `/devices/${a.device.slug}` } : null,
    destination: a.destination ? { text: a.destination.name, sub: a.destination.slug } : null,
    detail:
      a.kind === "shared_device_token"
        ? { text: `token ${a.tokenPrefix ?? "?"}…`, sub: a.addresses.length > 0 ? `from ${a.addresses.join(", ")}` : "from several places" }
        : a.kind === "unidentified_caller"
          ? { text: `from ${a.addresses.join(", ")}`, sub: `${humanize(a.code)}; counted here beyond ${unidentifiedRecordsPerMinute} recorded a minute` }
          : a.code
          ? humanize(a.code)
          : null,
    count: a.count,
    firstSeen: formatDateTime({ date: a.firstSeenAt, timeZone }),
    lastSeen: formatDateTime({ date: a.lastSeenAt, timeZone }),
  }));
  const withoutToken = devices.filter((d) => d.credentials.active === 0).length;

  return (
    <>
      <PageHeader
        eyebrow="IEC 62443-3-3 SR 1.2, 1.5 device identity"
        title="Devices"
        description={`Applications and machines of ${plant ? plant.name : "all plants"} that call AI through the proxy, each with its own tokens. Open a device to issue, rotate or revoke them.`}
      />
      <div className="stats">
        <Stat label="Devices" value={devices.length} hint={plant ? plant.name : `in ${byPlant.size} plants`} />
        <Stat label="Without an active token" value={withoutToken} hint="the proxy refuses their calls" />
        <Stat label="Anomalies" value={anomalies.length} hint="shared tokens, unauthorised flows, calls without a valid token" />
      </div>
      {[...byPlant.values()].map((plantDevices) => {
        const p = plantDevices[0]!.plant;
        return (
          <Card key={p.id} id={`plant-${p.slug}`} title={p.name} description={`${plantDevices.length} device${plantDevices.length === 1 ? "" : "s"}, with zone, workstation and what they may assert.`}>
            <DataTable
              caption={`Devices of ${p.name}`}
              columns={[
                { key: "name", header: "Device" },
                { key: "zone", header: "Zone" },
                { key: "workstation", header: "Workstation", kind: "mono" },
                { key: "application", header: "Application" },
                { key: "purpose", header: "Default purpose", kind: "mono" },
                { key: "operator", header: "Operator identity" },
                { key: "credentials", header: "Tokens" },
                { key: "status", header: "Status" },
              ]}
              rows={plantDevices.map(deviceRow)}
            />
          </Card>
        );
      })}
      {devices.length === 0 && (
        <Card id="no-devices" title="No devices">
          <p className="table-empty">No device calls AI from {plant ? plant.name : "any plant"} yet.</p>
        </Card>
      )}
      <Card id="anomalies" title="Anomalies" description="What the proxy flagged: a token seen from several addresses, an AI flow no conduit authorises, or an address that keeps calling without a valid token.">
        <DataTable
          caption="Anomalies"
          columns={[
            { key: "kind", header: "Kind" },
            { key: "device", header: "Device" },
            { key: "destination", header: "Destination" },
            { key: "detail", header: "Detail" },
            { key: "count", header: "Count", kind: "number" },
            { key: "firstSeen", header: "First seen" },
            { key: "lastSeen", header: "Last seen" },
          ]}
          rows={anomalyRows}
          emptyText="No anomalies: every token was used from one place, every flow had a conduit."
        />
      </Card>
    </>
  );
}
