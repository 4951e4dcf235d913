import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/card";
import { DataTable, type Row, type Tone } from "@/components/data-table";
import { DeviceCredentials } from "@/components/devices/device-credentials";
import { TestCall } from "@/components/devices/test-call";
import { AnomalyList } from "@/components/conduits/anomaly-list";
import { RangeTabs, TrafficPanel } from "@/components/conduits/traffic-panel";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/roles";
import { currentUser, requirePageUser } from "@/lib/auth/session";
import { loadDeviceTraffic } from "@/lib/conduits/conduit-page";
import { trafficRange } from "@/lib/conduits/traffic-range";
import { loadConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { listDeviceCredentials } from "@/lib/devices/credentials";
import { getDevice } from "@/lib/devices/list-devices";
import { proxyBaseUrl } from "@/lib/devices/sdk-setup";
import { formatDateTime, humanize, providerLabels, purdueLabels } from "@/lib/format";
import { conduitStateLabels, type ConduitState } from "@/lib/inventory/conduit-state";
import { testCallChoices } from "@/proxy/test-call";

export async function generateMetadata(props: { params: Promise<{ device: string }> }): Promise<Metadata> {
  // The title is rendered beside the page: a role that may not see devices gets no name.
  const user = await currentUser();
  if (!user || !can(user.role, "inventory:read")) return { title: "Device" };
  const slug = (await props.params).device;
  const device = await db().device.findFirst({ where: { OR: [{ slug }, { id: slug }] }, select: { name: true } });
  return { title: device?.name ?? "Device" };
}

const conduitTone: Record<ConduitState, Tone> = { in_force: "ok", expired: "danger", not_yet_valid: "warn", suspended: "warn", retired: "neutral" };

export default async function DevicePage(props: { params: Promise<{ device: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser({ permission: "inventory:read" });
  const now = new Date();
  const device = await getDevice({ db: db(), device: (await props.params).device, now });
  if (!device) notFound();
  const credentials = await listDeviceCredentials({ db: db(), device: device.id, now });
  const canManage = can(user.role, "inventory:write");
  // Only those who may issue tokens may send a test call: it issues one.
  const testCall = canManage ? await testCallChoices({ db: db(), device: device.id, now }) : null;
  const timeZone = device.plant.timeZone;
  const range = trafficRange({ value: (await props.searchParams).range, now });
  const traffic = await loadDeviceTraffic({ db: db(), device, timeZone, range });
  const when = (date: Date | null, none: string) => (date ? formatDateTime({ date, timeZone }) : none);
  const appUrl = loadConfig().publicUrl;
  const routes = device.conduits.map((c) => ({ ...c, baseUrl: proxyBaseUrl({ appUrl, destination: c.destination.slug, provider: c.destination.provider }) }));

  const routeRows: Row[] = routes.map((r) => ({
    id: r.slug,
    conduit: { text: r.name, sub: r.slug },
    destination: { text: r.destination.name, sub: providerLabels[r.destination.provider] ?? r.destination.provider },
    state: { label: conduitStateLabels[r.state], tone: conduitTone[r.state] },
    baseUrl: r.baseUrl,
  }));

  return (
    <>
      <PageHeader
        eyebrow={
          <>
            <Link href="/devices">Devices</Link> · {device.plant.name}
          </>
        }
        title={device.name}
        description={`${device.application}${device.vendor ? ` by ${device.vendor}` : ""}: ${humanize(device.workload).toLowerCase()}.`}
      />
      <Card id="identity" title="Identity" description="What every record of this device's AI calls says about where it came from.">
        <div className="card-body">
          <dl className="facts">
            <dt>Device id</dt>
            <dd className="mono">{device.slug}</dd>
            <dt>Plant</dt>
            <dd>{device.plant.name}</dd>
            <dt>Zone</dt>
            <dd>
              {device.zone.name} ({purdueLabels[device.zone.purdueLevel] ?? device.zone.purdueLevel})
            </dd>
            <dt>Workstation</dt>
            <dd>
              {device.workstation ? (
                <>
                  {device.workstation.name} <span className="mono">{device.workstation.hostname}</span>
                  {device.workstation.ipAddress && <span className="mono"> ({device.workstation.ipAddress})</span>}
                </>
              ) : (
                "None"
              )}
            </dd>
            <dt>Application</dt>
            <dd>
              {device.application}
              {device.vendor && `, ${device.vendor}`}
            </dd>
            <dt>Default purpose</dt>
            <dd className="mono">{device.defaultPurpose}</dd>
            <dt>Operator identity</dt>
            <dd>
              {device.mayAssertOperator
                ? "May assert an operator id (recorded as asserted), or send a signed assertion"
                : "Signed operator assertions only"}
            </dd>
            <dt>Status</dt>
            <dd>{humanize(device.status)}</dd>
          </dl>
        </div>
      </Card>
      <Card id="credentials" title="Tokens" description="Each token is random, shown once, stored as a hash, and can expire, be rotated or revoked.">
        <DeviceCredentials
          device={{ slug: device.slug, name: device.name }}
          canManage={canManage}
          openAiDestinations={routes.filter((r) => r.state === "in_force" && r.destination.provider === "OPENAI_COMPATIBLE").map((r) => ({ name: r.destination.name, baseUrl: r.baseUrl }))}
          credentials={credentials.map((c) => ({
            id: c.id,
            label: c.label,
            tokenPrefix: c.tokenPrefix,
            state: c.state,
            issued: when(c.createdAt, ""),
            expires: when(c.expiresAt, "Never"),
            lastUsed: when(c.lastUsedAt, "Never"),
            lastUsedFrom: c.lastUsedFrom,
            sharedFrom: c.shared?.addresses ?? null,
          }))}
        />
      </Card>
      <Card id="proxy-routes" title="AI through the proxy" description={`Conduits out of ${device.zone.name}. The application calls the base URL with its token in place of the provider key.`}>
        <DataTable
          caption="Conduits of this device's zone"
          columns={[
            { key: "conduit", header: "Conduit" },
            { key: "destination", header: "Destination" },
            { key: "state", header: "State" },
            { key: "baseUrl", header: "Base URL for the SDK", kind: "mono" },
          ]}
          rows={routeRows}
          emptyText={`No conduit leaves ${device.zone.name}: the proxy denies every AI call of this device.`}
        />
      </Card>
      <RangeTabs range={range} path={`/devices/${device.slug}`} />
      <Card id="device-traffic" title="Traffic" description={`This device's AI calls in the last ${range.label}, by outcome, conduit, data and operator.`}>
        <TrafficPanel summary={traffic.summary} timeZone={timeZone} show={["conduit", "operator"]} />
      </Card>
      <Card id="device-anomalies" title="Anomalies" description="What the proxy and the conduits' baselines raised about this device.">
        <AnomalyList anomalies={traffic.anomalies} canAct={canManage} emptyText="No anomalies for this device." />
      </Card>
      {testCall && (
        <Card
          id="test-call"
          title="Send a test call"
          description={`Calls an AI destination through the proxy as ${device.name}, with a token issued for this call and revoked right after. The call and both token changes are recorded in the ledger.`}
        >
          <TestCall device={{ slug: device.slug, name: device.name, zoneName: device.zone.name }} destinations={testCall.destinations} initial={testCall.initial} />
        </Card>
      )}
    </>
  );
}
