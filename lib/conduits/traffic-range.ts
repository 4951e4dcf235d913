// The time ranges the conduit pages offer, as rollup hours: the last day by hour, the
// last week, month or quarter by day. Ranges end with the current hour.
import { isoHour, type TrafficBucket } from "@/lib/conduits/traffic";

export const trafficRanges = {
  "24h": { label: "24 hours", hours: 24, bucket: "hour" },
  "7d": { label: "7 days", hours: 7 * 24, bucket: "day" },
  "30d": { label: "30 days", hours: 30 * 24, bucket: "day" },
  "90d": { label: "90 days", hours: 90 * 24, bucket: "day" },
} as const satisfies Record<string, { label: string; hours: number; bucket: TrafficBucket }>;

export type TrafficRangeKey = keyof typeof trafficRanges;
export const defaultRange: TrafficRangeKey = "7d";

export interface TrafficRange {
  key: TrafficRangeKey;
  label: string;
  from: string;
  to: string;
  bucket: TrafficBucket;
  /** The value asked for when it was not one of the ranges (the page says so). */
  unknown: string | null;
}

export function trafficRange(options: { value: string | string[] | undefined; now: Date }): TrafficRange {
  const value = Array.isArray(options.value) ? options.value[0] : options.value;
  const known = value !== undefined && Object.hasOwn(trafficRanges, value);
  const key = known ? (value as TrafficRangeKey) : defaultRange;
  const range = trafficRanges[key];
  // Day buckets start at a UTC midnight, so the first day is whole.
  const end = new Date(Math.floor(options.now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  let start = new Date(end.getTime() - range.hours * 3_600_000);
  if (range.bucket === "day") start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1));
  return { key, label: range.label, from: isoHour(start), to: isoHour(end), bucket: range.bucket, unknown: value === undefined || known ? null : value };
}
