// Shared by the chart components: tone colours, number and share formats, and the
// round-number axis. Colours are the app's tones, nudged apart in lightness so stacked
// segments stay distinguishable without colour vision (refused also gets stripes).
import type { CSSProperties } from "react";

export type ChartTone = "ok" | "warn" | "danger" | "neutral" | "info";

// Each at least 3:1 against white (WCAG non-text contrast).
export const toneColours: Record<ChartTone, string> = {
  ok: "#2f8552",
  warn: "#c27803",
  danger: "#b42318",
  neutral: "#8a94a3",
  info: "#0b6e99",
};

/** A legend swatch that looks like the bars, stripes included. */
export function swatchStyle(tone: ChartTone): CSSProperties {
  const colour = toneColours[tone];
  return tone === "danger"
    ? { background: `repeating-linear-gradient(45deg, ${colour} 0 3px, #d9655b 3px 5px)` }
    : { background: colour };
}

const counts = new Intl.NumberFormat("en-GB");
const compact = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });

export const formatCount = (n: number) => counts.format(n);
export const formatCompact = (n: number) => compact.format(n);

/** A share as a percentage that never rounds a partial share to 0% or 100%. */
export function formatShare(fraction: number): string {
  if (!Number.isFinite(fraction)) return "—";
  const pct = Math.min(Math.max(fraction, 0), 1) * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  if (pct < 0.1) return "<0.1%";
  if (pct < 1) return `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
  if (pct > 99.9) return ">99.9%";
  if (pct > 99) return `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** An axis from 0 to a round top with one round gridline halfway: 0, step, 2 × step. */
export function roundAxis(max: number): { top: number; ticks: number[] } {
  const half = Math.max(max, 1) / 2;
  const magnitude = 10 ** Math.floor(Math.log10(half));
  const factor = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((f) => f * magnitude >= half) ?? 10;
  // Calls are whole numbers, so a step below one would label fractions of a call.
  const step = Math.max(1, factor * magnitude);
  return { top: step * 2, ticks: [0, step, step * 2] };
}
