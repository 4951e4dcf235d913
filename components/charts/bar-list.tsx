// A ranked list with a horizontal bar per item ("by model", "by device", "by level"):
// the label and numbers are text, the bar only repeats them, so it reads the same on a
// phone and to a screen reader.
import Link from "next/link";
import styles from "@/components/charts/charts.module.css";
import { formatCount, formatShare, toneColours, type ChartTone } from "@/components/charts/chart-format";

export interface BarListItem {
  key: string;
  label: string;
  value: number;
  href?: string;
  tone?: ChartTone;
}

export interface BarListProps {
  /** The accessible name of the list, e.g. "Calls by model". */
  label: string;
  /** Shown in the order given. */
  items: BarListItem[];
  /**
   * "number" (default): counts; bars relative to the largest, each with its share of the total.
   * "percent": each value is already a share (0..1), e.g. identity coverage per device.
   */
  format?: "number" | "percent";
  emptyText?: string;
}

export function BarList(props: BarListProps) {
  const percent = props.format === "percent";
  const value = (item: BarListItem) => (Number.isFinite(item.value) ? Math.max(0, item.value) : 0);
  const total = props.items.reduce((sum, item) => sum + value(item), 0);
  const largest = Math.max(0, ...props.items.map(value));
  if (props.items.length === 0 || (!percent && total === 0)) return <p className={styles.empty}>{props.emptyText ?? "Nothing in this range."}</p>;

  return (
    <ul className={styles.barList} aria-label={props.label}>
      {props.items.map((item) => {
        const v = value(item);
        const length = percent ? Math.min(v, 1) : v / largest;
        return (
          <li key={item.key}>
            <div className={styles.barRow}>
              <span className={styles.barLabel}>{item.href ? <Link href={item.href}>{item.label}</Link> : item.label}</span>
              <span className={styles.barValue}>
                {percent ? (
                  formatShare(v)
                ) : (
                  <>
                    {formatCount(v)}
                    <span className={styles.share}>{formatShare(v / total)}</span>
                  </>
                )}
              </span>
            </div>
            <svg className={styles.barTrack} width="100%" height={8} aria-hidden="true">
              <rect width="100%" height={8} rx={4} fill="#eef2f7" />
              {/* A hair of ink for tiny non-zero values, so "some" never looks like "none". */}
              {v > 0 && <rect width={`${Math.max(length * 100, 0.8)}%`} height={8} rx={4} fill={toneColours[item.tone ?? "info"]} />}
            </svg>
          </li>
        );
      })}
    </ul>
  );
}
