// A share gauge (identity coverage: how many calls name the operator behind them): the
// percentage as text, a horizontal bar that repeats it, and an optional hint below.
import { useId } from "react";
import styles from "@/components/charts/charts.module.css";
import { formatShare, toneColours, type ChartTone } from "@/components/charts/chart-format";

export interface MeterProps {
  label: string;
  /** A share from 0 to 1; not a number (no calls yet) shows a dash. */
  value: number;
  hint?: string;
  tone?: ChartTone;
}

export function Meter(props: MeterProps) {
  const id = useId();
  const known = Number.isFinite(props.value);
  const share = known ? Math.min(Math.max(props.value, 0), 1) : 0;
  const text = known ? formatShare(share) : "—";
  return (
    <div className={styles.meter}>
      <div className={styles.meterHead}>
        <span id={`${id}-label`} className={styles.meterLabel}>
          {props.label}
        </span>
        <span className={styles.meterValue} aria-hidden="true">
          {text}
        </span>
      </div>
      <div
        role="meter"
        aria-labelledby={`${id}-label`}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={known ? Math.round(share * 1000) / 10 : undefined}
        aria-valuetext={known ? text : "no data"}
      >
        <svg className={styles.meterTrack} width="100%" height={10} aria-hidden="true">
          <rect width="100%" height={10} rx={5} fill="#eef2f7" />
          {share > 0 && <rect width={`${Math.max(share * 100, 0.8)}%`} height={10} rx={5} fill={toneColours[props.tone ?? "info"]} />}
          {/* Quarter marks, so a glance tells "about three quarters" without reading. */}
          {[25, 50, 75].map((q) => (
            <line key={q} x1={`${q}%`} x2={`${q}%`} y1={0} y2={10} stroke="#ffffff" strokeWidth={1.5} />
          ))}
        </svg>
      </div>
      {props.hint && (
        <p id={`${id}-hint`} className={styles.meterHint}>
          {props.hint}
        </p>
      )}
    </div>
  );
}
