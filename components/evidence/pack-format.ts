// How the evidence page shows a pack: sizes, periods, progress, hashes and the CSV of the
// list. Pure functions, the same on the server and in the browser: times are built from
// numeric date parts and named by their IANA zone, so the server's and the browser's ICU
// cannot render them differently (no hydration mismatch).
import { fromWallTime, toWallTime } from "@/lib/incidents/local-time";
import { instantFromWallInput } from "@/lib/incidents/wall-input";
import type { PackListItem } from "@/lib/evidence/packs";

export type PackStatus = "QUEUED" | "RUNNING" | "READY" | "FAILED";

export const packStatusLabels: Record<PackStatus, string> = { QUEUED: "Queued", RUNNING: "Generating", READY: "Ready", FAILED: "Failed" };
export const packStatusTones: Record<PackStatus, "neutral" | "accent" | "ok" | "danger"> = { QUEUED: "neutral", RUNNING: "accent", READY: "ok", FAILED: "danger" };

export function packStatus(pack: Pick<PackListItem, "status">): PackStatus {
  return pack.status as PackStatus;
}

export function isBusy(pack: Pick<PackListItem, "status">): boolean {
  return pack.status === "QUEUED" || pack.status === "RUNNING";
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** "1 Jul 2026, 00:00" on the wall clock of `timeZone`. */
export function wallText(iso: string, timeZone: string): string {
  const w = toWallTime({ at: new Date(iso), timeZone });
  return `${w.day} ${months[w.month - 1]} ${w.year}, ${pad(w.hour)}:${pad(w.minute)}`;
}

/** The period as its pack was asked for: "1 Jul 2026, 00:00 to 1 Oct 2026, 00:00". */
export function periodText(scope: { from: string; to: string; timeZone: string }): string {
  return `${wallText(scope.from, scope.timeZone)} to ${wallText(scope.to, scope.timeZone)}`;
}

/** "4.2 MB" (decimal units, as file managers show them); "—" for none. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export const count = (n: number) => n.toLocaleString("en-GB");

/** "about 40 s left", "about 3 min left"; null when the rate is not known yet. */
export function timeLeftText(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds < 1) return "finishing";
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.round(seconds / 360) / 10} h left`;
}

/** "12,400 of 100,000 records, about 40 s left". */
export function progressText(pack: Pick<PackListItem, "status" | "recordsDone" | "recordsTotal" | "secondsLeft">): string {
  const done = `${count(pack.recordsDone)} of ${count(pack.recordsTotal)} records`;
  if (pack.status === "QUEUED") return `${done}, waiting to start`;
  const left = timeLeftText(pack.secondsLeft);
  return left ? `${done}, ${left}` : pack.recordsDone === 0 ? `${done}, starting` : `${done}, estimating the time left`;
}

/** The first and last hex digits of a hash, for a narrow column (the full value goes in a title). */
export function shortHash(hex: string): string {
  return hex.length <= 20 ? hex : `${hex.slice(0, 8)}…${hex.slice(-8)}`;
}

/** The text the list's filter box searches in. */
export function searchText(pack: PackListItem): string {
  const { scope } = pack;
  return [
    pack.name,
    pack.purpose,
    periodText(scope),
    scope.timeZone,
    scope.plants.join(" ") || "all plants",
    scope.conduits.join(" ") || "all conduits",
    scope.incident ?? "",
    packStatusLabels[packStatus(pack)] ?? pack.status,
    pack.signatureLevel ?? "",
    pack.error ?? "",
    pack.sha256 ?? "",
    pack.createdBy.name,
    pack.createdBy.email,
  ]
    .join(" ")
    .toLowerCase();
}

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
const formulaStart = /^[=+\-@\t\r]/;

function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvColumns: [string, (p: PackListItem) => string | number | null][] = [
  ["id", (p) => p.id],
  ["name", (p) => p.name],
  ["purpose", (p) => p.purpose],
  ["from", (p) => p.scope.from],
  ["to", (p) => p.scope.to],
  ["time_zone", (p) => p.scope.timeZone],
  ["plants", (p) => p.scope.plants.join(" ") || "all"],
  ["conduits", (p) => p.scope.conduits.join(" ") || "all"],
  ["incident", (p) => p.scope.incident],
  ["status", (p) => p.status],
  ["records_total", (p) => p.recordsTotal],
  ["records_done", (p) => p.recordsDone],
  ["bytes", (p) => p.bytes],
  ["sha256", (p) => p.sha256],
  ["signature_level", (p) => p.signatureLevel],
  ["timestamp_note", (p) => p.timestampNote],
  ["error", (p) => p.error],
  ["generated_by", (p) => p.createdBy.name],
  ["generated_by_email", (p) => p.createdBy.email],
  ["created_at", (p) => p.createdAt],
  ["finished_at", (p) => p.finishedAt],
];

/** The packs as CSV (RFC 4180, CRLF), times as UTC instants. */
export function packsCsv(packs: PackListItem[]): string {
  const lines = [csvColumns.map(([name]) => name).join(","), ...packs.map((p) => csvColumns.map(([, value]) => csvCell(value(p))).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** The datetime-local value of an instant on the wall clock of `timeZone`. */
export function wallInput(at: Date, timeZone: string): string {
  const w = toWallTime({ at, timeZone });
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** "2026-06-30 22:00 UTC" for a datetime-local value read in `timeZone`; null when incomplete. */
export function utcOfWallInput(value: string, timeZone: string): string | null {
  const iso = instantFromWallInput(value, timeZone);
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : null;
}

export type PeriodPreset = "last7" | "last30" | "previousMonth" | "previousQuarter";

export const periodPresets: { id: PeriodPreset; label: string }[] = [
  { id: "last7", label: "Last 7 days" },
  { id: "last30", label: "Last 30 days" },
  { id: "previousMonth", label: "Previous month" },
  { id: "previousQuarter", label: "Previous quarter" },
];

/**
 * A period on the wall clock of `timeZone`, as datetime-local values. "Last n days" runs
 * from midnight n days ago to now (to the minute); months and quarters are whole ones.
 */
export function presetPeriod(options: { preset: PeriodPreset; now: Date; timeZone: string }): { from: string; to: string } {
  const { now, timeZone } = options;
  const today = toWallTime({ at: now, timeZone });
  const midnight = (year: number, month: number, day: number) => {
    // Date.UTC normalises a day or month out of range (day 0, month 13) onto the calendar.
    const d = new Date(Date.UTC(year, month - 1, day));
    return wallInput(fromWallTime({ wall: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone }), timeZone);
  };
  switch (options.preset) {
    case "last7":
    case "last30":
      return { from: midnight(today.year, today.month, today.day - (options.preset === "last7" ? 7 : 30)), to: wallInput(now, timeZone) };
    case "previousMonth":
      return { from: midnight(today.year, today.month - 1, 1), to: midnight(today.year, today.month, 1) };
    case "previousQuarter": {
      const quarterStart = today.month - ((today.month - 1) % 3);
      return { from: midnight(today.year, quarterStart - 3, 1), to: midnight(today.year, quarterStart, 1) };
    }
  }
}
