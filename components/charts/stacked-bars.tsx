// Calls over time as stacked vertical bars (SVG, server-rendered, no chart library).
// The plot has no viewBox: bars are placed in percentages of its width and pixels of its
// height, so it fills any container while text keeps its size, down to a phone. Axis
// labels are HTML around it; a hidden table carries the numbers for assistive technology.
import { useId } from "react";
import styles from "@/components/charts/charts.module.css";
import { formatCompact, formatCount, formatShare, roundAxis, toneColours, swatchStyle, type ChartTone } from "@/components/charts/chart-format";

export interface StackedBarsProps {
  /** The accessible name, e.g. "Calls per hour by outcome". */
  label: string;
  /** The periods along the x axis, oldest first. */
  buckets: { key: string; label: string }[];
  /** One stack layer each, bottom first; values[i] belongs to buckets[i]. */
  series: { key: string; label: string; tone: ChartTone; values: number[] }[];
  emptyText?: string;
}

const plotHeight = 180;

// Room (px) the x labels get in a figure from 560 px wide, from 380 px, and below that
// (the container queries in charts.module.css switch between the three).
const wideRoom = 500;
const mediumRoom = 330;
const narrowRoom = 250;

/** Which buckets get an x label: evenly spaced, none squeezed against the right edge. */
function labelledBuckets(count: number, longestLabel: number, room: number, minStep = 1): { step: number; at: Set<number> } {
  const labelWidth = longestLabel * 6.2 + 14;
  const fits = Math.max(1, Math.floor(room / labelWidth));
  const step = Math.ceil(Math.max(Math.ceil(count / fits), minStep) / minStep) * minStep;
  const at = new Set<number>();
  for (let i = 0; i < count; i += step) if (i === 0 || count - 1 - i >= step / 2) at.add(i);
  return { step, at };
}

export function StackedBars(props: StackedBarsProps) {
  const id = useId().replace(/[^\w-]/g, "");
  const { buckets, series } = props;
  const value = (s: StackedBarsProps["series"][number], i: number) => Math.max(0, s.values[i] ?? 0);
  const bucketTotals = buckets.map((_, i) => series.reduce((sum, s) => sum + value(s, i), 0));
  const seriesTotals = series.map((s) => buckets.reduce((sum, _, i) => sum + value(s, i), 0));
  const total = bucketTotals.reduce((a, b) => a + b, 0);
  if (buckets.length === 0 || total === 0) return <p className={styles.empty}>{props.emptyText ?? "No calls in this range."}</p>;

  const axis = roundAxis(Math.max(...bucketTotals));
  const y = (v: number) => plotHeight - (v / axis.top) * plotHeight;
  const n = buckets.length;
  const slot = 100 / n;
  // Thin gaps once bars get narrow, so many hours still read as bars, not a blur.
  const barWidth = slot * (n > 60 ? 0.86 : n > 24 ? 0.76 : 0.62);
  const fill = (tone: ChartTone) => (tone === "danger" ? `url(#${id}-stripes)` : toneColours[tone]);

  const longest = Math.max(...buckets.map((b) => b.label.length));
  const wide = labelledBuckets(n, longest, wideRoom);
  const medium = labelledBuckets(n, longest, mediumRoom, wide.step);
  const narrow = labelledBuckets(n, longest, narrowRoom, medium.step);
  const fewer = (i: number) => (!medium.at.has(i) ? styles.wideOnly : !narrow.at.has(i) ? styles.mediumUp : "");

  return (
    <div className={styles.stacked}>
      <div className={styles.figure}>
        <div className={styles.frame}>
          <div aria-hidden="true">
            {axis.ticks.map((t) => (
              <span key={t} className={styles.yLabel} style={{ top: y(t) }}>
                {formatCompact(t)}
              </span>
            ))}
          </div>
          <svg className={styles.plot} width="100%" height={plotHeight} role="img" aria-labelledby={`${id}-title`}>
            <title id={`${id}-title`}>{`${props.label}: ${formatCount(total)} in all, ${series.map((s, k) => `${s.label} ${formatCount(seriesTotals[k]!)}`).join(", ")}. The table below holds every bar.`}</title>
            <defs>
              <pattern id={`${id}-stripes`} patternUnits="userSpaceOnUse" width={5} height={5} patternTransform="rotate(45)">
                <rect width={5} height={5} fill={toneColours.danger} />
                <rect width={2} height={5} fill="#d9655b" />
              </pattern>
            </defs>
            {axis.ticks.map((t) => (
              <line key={t} x1="0" x2="100%" y1={y(t)} y2={y(t)} stroke={t === 0 ? "#c5ced9" : "#e6ebf1"} strokeWidth={1} />
            ))}
            {buckets.map((bucket, i) => {
              const x = `${i * slot + (slot - barWidth) / 2}%`;
              let base = 0;
              return (
                <g key={bucket.key} className={styles.bar}>
                  {/* A tooltip per bar for pointer users; the whole slot answers, not just the ink. */}
                  <title>{`${bucket.label}: ${formatCount(bucketTotals[i]!)} (${series.map((s) => `${s.label} ${formatCount(value(s, i))}`).join(", ")})`}</title>
                  <rect x={`${i * slot}%`} width={`${slot}%`} y={0} height={plotHeight} fill="transparent" />
                  {series.map((s) => {
                    const v = value(s, i);
                    if (v === 0) return null;
                    const top = y(base + v);
                    const height = y(base) - top;
                    const under = base;
                    base += v;
                    return (
                      <g key={s.key}>
                        <rect x={x} width={`${barWidth}%`} y={top} height={height} fill={fill(s.tone)} />
                        {/* A hairline between layers: neighbours never merge into one colour. */}
                        {under > 0 && <line x1={x} x2={`${i * slot + (slot + barWidth) / 2}%`} y1={y(under)} y2={y(under)} stroke="#ffffff" strokeWidth={1} />}
                      </g>
                    );
                  })}
                </g>
              );
            })}
          </svg>
        </div>
        <div className={styles.xAxis} aria-hidden="true">
          {buckets.map((bucket, i) =>
            wide.at.has(i) ? (
              <span
                key={bucket.key}
                className={[styles.xLabel, i === 0 ? styles.xFirst : "", fewer(i)].join(" ")}
                style={{ left: `${i === 0 ? 0 : (i + 0.5) * slot}%` }}
              >
                {bucket.label}
              </span>
            ) : null,
          )}
        </div>
      </div>

      {/* The numbers beside the chart: what each colour adds up to. */}
      <ul className={styles.legend} aria-label={`${props.label}: totals`}>
        <li className={styles.legendTotal}>
          <span>All</span>
          <span className={styles.legendValue}>{formatCount(total)}</span>
        </li>
        {series.map((s, k) => (
          <li key={s.key}>
            <span className={styles.swatch} style={swatchStyle(s.tone)} aria-hidden="true" />
            <span>{s.label}</span>
            <span className={styles.legendValue}>
              {formatCount(seriesTotals[k]!)}
              <span className={styles.share}>{formatShare(seriesTotals[k]! / total)}</span>
            </span>
          </li>
        ))}
      </ul>

      {/* The wrapper hides it: a table box ignores the 1 px width and would widen the page. */}
      <div className="visually-hidden">
        <table>
          <caption>{props.label}</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket, i) => (
              <tr key={bucket.key}>
                <th scope="row">{bucket.label}</th>
                {series.map((s) => (
                  <td key={s.key}>{formatCount(value(s, i))}</td>
                ))}
                <td>{formatCount(bucketTotals[i]!)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
