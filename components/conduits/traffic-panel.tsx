// A conduit's, a device's or a plant's traffic in the chosen range, from the rollups:
// calls over time by outcome, identity coverage, and who and what the calls were, with
// the numbers beside every chart.
import Link from "next/link";
import { BarList } from "@/components/charts/bar-list";
import { formatShare } from "@/components/charts/chart-format";
import { Meter } from "@/components/charts/meter";
import { StackedBars } from "@/components/charts/stacked-bars";
import { Stat } from "@/components/card";
import type { TrafficSummary, Tally } from "@/lib/conduits/traffic";
import { trafficRanges, type TrafficRange } from "@/lib/conduits/traffic-range";
import { formatDateTime } from "@/lib/format";

const levelTone = { PUBLIC: "ok", INTERNAL: "info", CONFIDENTIAL: "warn", RESTRICTED: "danger" } as const;

function bucketLabel(options: { bucket: string; timeZone: string }): string {
  if (options.bucket.length === 10) {
    return new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", timeZone: "UTC" }).format(new Date(`${options.bucket}T00:00:00Z`));
  }
  return new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: options.timeZone }).format(new Date(`${options.bucket}:00:00Z`));
}

const items = (tallies: Tally[], options: { none: string; href?: (key: string) => string | undefined; limit?: number }) =>
  tallies.slice(0, options.limit ?? 8).map((t) => ({ key: t.key || "(none)", label: t.key || options.none, value: t.calls, href: t.key ? options.href?.(t.key) : undefined }));

export function RangeTabs(props: { range: TrafficRange; path: string }) {
  return (
    <nav className="range-tabs" aria-label="Time range">
      {Object.entries(trafficRanges).map(([key, r]) => (
        <Link key={key} href={`${props.path}?range=${key}`} aria-current={props.range.key === key ? "page" : undefined} className={props.range.key === key ? "active" : undefined} scroll={false}>
          {r.label}
        </Link>
      ))}
      {props.range.unknown && (
        <span className="field-error" role="status">
          &quot;{props.range.unknown}&quot; is not a range; showing {props.range.label}.
        </span>
      )}
    </nav>
  );
}

export function TrafficPanel(props: { summary: TrafficSummary; timeZone: string; show: ("conduit" | "device" | "operator" | "label")[] }) {
  const { summary, timeZone } = props;
  const outcomes = [
    { key: "allowed", label: "Allowed", tone: "ok" },
    { key: "redacted", label: "Redacted", tone: "info" },
    { key: "flagged", label: "Flagged", tone: "warn" },
    { key: "refused", label: "Refused", tone: "danger" },
  ] as const;
  const bucketWord = summary.bucket === "hour" ? "hour" : "day (UTC)";
  const share = (n: number | null) => (n === null ? "–" : formatShare(n));
  return (
    <div className="traffic-panel">
      <div className="stats">
        <Stat label="Calls" value={summary.calls.toLocaleString("en-GB")} hint={`${summary.byOutcome.refused.toLocaleString("en-GB")} refused`} />
        <Stat label="Average latency" value={summary.averageLatencyMs === null ? "–" : `${Math.round(summary.averageLatencyMs).toLocaleString("en-GB")} ms`} hint={`${summary.errors.toLocaleString("en-GB")} provider errors of ${summary.results.toLocaleString("en-GB")} results`} />
        <Stat label="Tokens" value={(summary.inputTokens + summary.outputTokens).toLocaleString("en-GB")} hint={`${summary.inputTokens.toLocaleString("en-GB")} in, ${summary.outputTokens.toLocaleString("en-GB")} out`} />
        <Stat label="Last call" value={summary.lastSeen ? formatDateTime({ date: new Date(summary.lastSeen), timeZone }) : "none"} hint={`identity: devices ${share(summary.identity.deviceShare)}, operators ${share(summary.identity.operatorShare)}`} />
      </div>
      <div className="traffic-grid">
        <div className="traffic-wide">
          <h3>Calls per {bucketWord} by outcome</h3>
          <StackedBars
            label={`Calls per ${bucketWord} by outcome`}
            buckets={summary.series.map((p) => ({ key: p.bucket, label: bucketLabel({ bucket: p.bucket, timeZone }) }))}
            series={outcomes.map((o) => ({ key: o.key, label: o.label, tone: o.tone, values: summary.series.map((p) => p[o.key]) }))}
            emptyText="No calls in this range."
          />
        </div>
        <div>
          <h3>Identity coverage</h3>
          <Meter label="Calls from a device with a verified identity" value={summary.identity.deviceShare ?? Number.NaN} hint={`${summary.identity.deviceCalls.toLocaleString("en-GB")} of ${summary.calls.toLocaleString("en-GB")} calls`} tone="ok" />
          <Meter label="Calls naming a verified or asserted operator" value={summary.identity.operatorShare ?? Number.NaN} hint={`${summary.identity.operatorCalls.toLocaleString("en-GB")} of ${summary.calls.toLocaleString("en-GB")} calls`} tone="info" />
        </div>
        <div>
          <h3>By classification level</h3>
          <BarList label="Calls by classification level" items={summary.byLevel.map((t) => ({ key: t.key || "none", label: t.key || "not classified", value: t.calls, tone: levelTone[t.key as keyof typeof levelTone] ?? "neutral" }))} emptyText="No calls." />
        </div>
        {props.show.includes("label") && summary.byLabel && (
          <div>
            <h3>By classification label</h3>
            <BarList label="Calls by classification label" items={items(summary.byLabel, { none: "none" })} emptyText="No labels found in the calls." />
          </div>
        )}
        <div>
          <h3>By model</h3>
          <BarList label="Calls by model" items={items(summary.byModel, { none: "no model named" })} emptyText="No calls." />
        </div>
        {props.show.includes("conduit") && (
          <div>
            <h3>By conduit</h3>
            <BarList label="Calls by conduit" items={items(summary.byConduit, { none: "refused before a conduit", href: (k) => `/conduits/${k}` })} emptyText="No calls." />
          </div>
        )}
        {props.show.includes("device") && (
          <div>
            <h3>By device</h3>
            <BarList label="Calls by device" items={items(summary.byDevice, { none: "unidentified caller", href: (k) => `/devices/${k}` })} emptyText="No calls." />
          </div>
        )}
        {props.show.includes("operator") && (
          <div>
            <h3>By operator</h3>
            <BarList label="Calls by operator" items={items(summary.byOperator, { none: "no operator named" })} emptyText="No calls." />
          </div>
        )}
        {summary.byCode.length > 0 && (
          <div>
            <h3>Refusals by reason</h3>
            <BarList label="Refused calls by reason" items={items(summary.byCode, { none: "refused" }).map((i) => ({ ...i, tone: "danger" as const }))} />
          </div>
        )}
      </div>
    </div>
  );
}
