// evidence.pdf of a pack: what a person reads, drawn from the pack's content (never from
// the database as it is now) with pdf-lib, set in Inter like the incident reports
// (lib/incidents/report-pdf.ts's Typesetter), hashes and commands in Courier. A4, a
// running header with the pack's name and scope on every page after the cover, "page X
// of Y", tables that carry their header onto the next page, and a bookmark and named
// destination per section (index.html links to them). The generator signs it (PAdES).
//
// The same inputs give the same bytes: dates come from the pack's generation time, and
// nothing random or clock-dependent is drawn, so a pack can be rebuilt and compared.
import { PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, StandardFonts, rgb, type PDFFont, type PDFPage, type PDFRef } from "pdf-lib";
import { controlMap, controlStatusLabels, pdfSections, type ControlStatus, type ControlStatusName, type PdfSection } from "@/lib/evidence/controls";
import type { PackContent, PackConduit } from "@/lib/evidence/pack-content";
import { formatDeadline, isoDateOf, toWallTime } from "@/lib/incidents/local-time";
import { fontkit, Typesetter } from "@/lib/incidents/report-pdf";
import { certificationLabel, supplierKindLabels } from "@/lib/suppliers/labels";
import type { CertificationScheme } from "@/lib/db";
import type { ScopeRow } from "@/lib/evidence/scope-records";

/** One record of the appendix, in the order of records.jsonl. */
export type AppendixRow = ScopeRow;

export interface PackPdfInput {
  content: PackContent;
  pack: { id: string; name: string; purpose: string; generatedAt: string; generatedBy: { name: string; email: string } };
  keys: { logId: string; keyId: string; fingerprint: string }[];
  pdfCertificateFingerprint: string | null;
  checkpoints: { logId: string; size: number; root: string; at: string }[];
  /** SHA-256 of records.jsonl: the pack's content hash. */
  recordsSha256: string;
  /** The records in order; read up to appendixLimit, never further. */
  appendix: AsyncIterable<AppendixRow>;
  appendixLimit: number;
  /** Records in the pack; the content's count when not given. */
  appendixTotal?: number;
  /** Records of the scope written after their log's latest checkpoint, left out of the pack (the next one holds them). */
  uncovered?: number;
  /** Said on the cover, e.g. "No trusted time stamp: the TSA did not answer". */
  timestampNote?: string;
  /** The control map; controlMap(content) when not given. */
  controls?: ControlStatus[];
}

type Color = ReturnType<typeof rgb>;
type Weight = 400 | 700;

const ink = rgb(0.06, 0.11, 0.18);
const muted = rgb(0.29, 0.33, 0.41);
const faint = rgb(0.45, 0.49, 0.56);
const accent = rgb(0.03, 0.34, 0.48);
const accentLight = rgb(0.55, 0.74, 0.82);
const line = rgb(0.87, 0.89, 0.92);
const headFill = rgb(0.95, 0.96, 0.97);
const zebra = rgb(0.982, 0.985, 0.99);
const tones = {
  ok: { text: rgb(0.08, 0.43, 0.24), fill: rgb(0.9, 0.96, 0.92) },
  warn: { text: rgb(0.6, 0.35, 0.02), fill: rgb(0.99, 0.95, 0.86) },
  danger: { text: rgb(0.7, 0.12, 0.12), fill: rgb(0.99, 0.91, 0.91) },
  neutral: { text: muted, fill: rgb(0.94, 0.95, 0.96) },
};
type Tone = keyof typeof tones;

const statusTone: Record<ControlStatusName, Tone> = { met: "ok", partial: "warn", gap: "danger", not_applicable: "neutral" };

const A4: [number, number] = [595.28, 841.89];
const margin = 50;
const contentTop = A4[1] - 64;
const contentBottom = 60;
const width = A4[0] - 2 * margin;

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

const count = (n: number) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const percent = (share: number | null) => (share === null ? "n/a" : `${(Math.floor(share * 1000) / 10).toFixed(1)} %`);
const humanize = (value: string) => {
  const lower = value.replace(/_/g, " ").toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
};
/** Hex in groups of four, eight groups a line, for reading aloud and comparing by eye. */
export function groupedHex(hex: string): string {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return hex;
  const groups = hex.match(/.{1,4}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 8) lines.push(groups.slice(i, i + 8).join(" "));
  return lines.join("\n");
}
const localDay = (at: string | Date, timeZone: string) => isoDateOf({ wall: toWallTime({ at: new Date(at), timeZone }) });
const pad = (n: number) => String(n).padStart(2, "0");
function localTime(at: string, timeZone: string): string {
  const w = toWallTime({ at: new Date(at), timeZone });
  return `${isoDateOf({ wall: w })} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}
const shown = (at: string | null, timeZone: string) => (at ? formatDeadline({ at: new Date(at), timeZone }).local : "");
const both = (at: string, timeZone: string) => {
  const f = formatDeadline({ at: new Date(at), timeZone });
  return `${f.local} (${f.utc})`;
};

const stageNames: Record<string, string> = { EARLY_WARNING: "Early warning", NOTIFICATION: "Incident notification", INTERMEDIATE: "Intermediate report", PROGRESS: "Progress report", FINAL: "Final report" };
const deadlineLabels: Record<string, { label: string; tone: Tone }> = {
  met: { label: "Met", tone: "ok" },
  met_late: { label: "Missed: sent late", tone: "danger" },
  overdue: { label: "Missed: overdue", tone: "danger" },
  due_soon: { label: "Due soon", tone: "warn" },
  upcoming: { label: "Not yet due", tone: "neutral" },
};
const stateLabels: Record<string, { label: string; tone: Tone }> = {
  in_force: { label: "In force", tone: "ok" },
  expired: { label: "Expired", tone: "danger" },
  not_yet_valid: { label: "Not yet valid", tone: "warn" },
  suspended: { label: "Suspended", tone: "warn" },
  retired: { label: "Retired", tone: "neutral" },
};
const anomalyKinds: Record<string, string> = { shared_device_token: "Shared device token", unauthorised_flow: "Unauthorised flow", unidentified_caller: "Calls without a valid token" };
const kindLabels: Record<string, string> = {
  ai_call: "AI call",
  ai_call_result: "AI call result",
  ai_call_denied: "AI call refused",
  oversight_decision: "Oversight decision",
  admin_change: "Admin change",
  report_submission: "Report submission",
  evidence_download: "Pack download",
  records_export: "Records export",
};

// ---------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------

interface CellSpec {
  text: string;
  sub?: string;
  weight?: Weight;
  color?: Color;
  mono?: boolean;
  /** Drawn as a coloured label. */
  tone?: Tone;
  size?: number;
}
type Cell = string | CellSpec;

interface Column {
  header: string;
  /** Relative width. */
  width: number;
  align?: "left" | "right";
}

/** Pages, a cursor, and the drawing pieces every section uses. */
class PackLayout {
  page!: PDFPage;
  y = contentTop;
  readonly destinations: { section: PdfSection; page: PDFPage; y: number }[] = [];

  constructor(
    readonly doc: PDFDocument,
    readonly type: Typesetter,
    readonly mono: PDFFont,
  ) {}

  newPage(): void {
    this.page = this.doc.addPage(A4);
    this.y = contentTop;
  }

  /** Starts a new page unless `needed` points still fit on this one. */
  ensure(needed: number): void {
    if (this.y - needed < contentBottom) this.newPage();
  }

  async section(key: PdfSection, intro?: string): Promise<void> {
    this.newPage();
    this.destinations.push({ section: key, page: this.page, y: A4[1] });
    await this.paragraph(pdfSections[key], { size: 18, weight: 700, after: 4 });
    if (intro) await this.paragraph(intro, { size: 9, color: muted, after: 8 });
    else this.y -= 6;
  }

  // Widths are summed from each character's advance, measured once: pdf-lib draws the
  // glyphs' advances without kerning, so the sum is what is drawn, and measuring whole
  // strings (a font shaping pass each) made a 1,000-row appendix take a minute.
  private advances = new Map<string, number>();

  async width(text: string, weight: Weight, size: number): Promise<number> {
    let sum = 0;
    for (const char of text) {
      const key = `${weight}${char}`;
      let advance = this.advances.get(key);
      if (advance === undefined) {
        advance = await this.type.width(char, weight, 1);
        this.advances.set(key, advance);
      }
      sum += advance;
    }
    return sum * size;
  }

  monoWidth(text: string, size: number): number {
    return this.mono.widthOfTextAtSize(text, size);
  }

  /** Breaks text into lines no wider than maxWidth, at spaces where possible, cutting words longer than a line. */
  async wrap(text: string, options: { size: number; weight?: Weight; maxWidth: number; mono?: boolean }): Promise<string[]> {
    const weight = options.weight ?? 400;
    const measure = options.mono ? async (t: string) => this.monoWidth(asciiOnly(t), options.size) : (t: string) => this.width(t, weight, options.size);
    const space = await measure(" ");
    const lines: string[] = [];
    for (const paragraph of (options.mono ? asciiOnly(text) : text).replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n")) {
      // A command's indentation is kept.
      let current = options.mono ? (/^ */.exec(paragraph)?.[0] ?? "") : "";
      let currentWidth = await measure(current);
      for (const word of paragraph.split(" ")) {
        const wordWidth = await measure(word);
        if (word === "" && current.trim() === "") continue;
        const candidateWidth = current.trim() === "" ? currentWidth + wordWidth : currentWidth + space + wordWidth;
        if (candidateWidth <= options.maxWidth) {
          current = current.trim() === "" ? `${current}${word}` : `${current} ${word}`;
          currentWidth = candidateWidth;
          continue;
        }
        if (current !== "") lines.push(current);
        current = "";
        currentWidth = 0;
        for (const char of word) {
          const charWidth = await measure(char);
          if (current !== "" && currentWidth + charWidth > options.maxWidth) {
            lines.push(current);
            current = "";
            currentWidth = 0;
          }
          current += char;
          currentWidth += charWidth;
        }
      }
      lines.push(current);
    }
    return lines;
  }

  async draw(text: string, options: { x: number; y: number; size: number; weight?: Weight; color?: Color; mono?: boolean; page?: PDFPage }): Promise<void> {
    const page = options.page ?? this.page;
    if (options.mono) page.drawText(asciiOnly(text), { x: options.x, y: options.y, size: options.size, font: this.mono, color: options.color ?? ink });
    else {
      // Typesetter.draw, without measuring each run by shaping it.
      const runs = await this.type.runs(text, options.weight ?? 400);
      let x = options.x;
      for (const run of runs) {
        plainShaping(run.font);
        page.drawText(run.text, { x, y: options.y, size: options.size, font: run.font, color: options.color ?? ink });
        if (runs.length > 1) x += await this.width(run.text, options.weight ?? 400, options.size);
      }
    }
  }

  async paragraph(text: string, options: { size: number; weight?: Weight; color?: Color; after?: number; indent?: number; mono?: boolean }): Promise<void> {
    const indent = options.indent ?? 0;
    const leading = options.size * 1.42;
    for (const textLine of await this.wrap(text, { size: options.size, weight: options.weight, maxWidth: width - indent, mono: options.mono })) {
      this.ensure(leading);
      this.y -= leading;
      await this.draw(textLine, { x: margin + indent, y: this.y + options.size * 0.28, size: options.size, weight: options.weight, color: options.color, mono: options.mono });
    }
    this.y -= options.after ?? 0;
  }

  async heading(text: string, options: { keepWith?: number } = {}): Promise<void> {
    this.ensure(28 + (options.keepWith ?? 60));
    this.y -= 10;
    await this.paragraph(text, { size: 11.5, weight: 700, after: 4 });
  }

  /** Label and value pairs; values wrap beside their label. */
  async facts(rows: [string, string | CellSpec][], options: { labelWidth?: number; size?: number } = {}): Promise<void> {
    const labelWidth = options.labelWidth ?? 130;
    const size = options.size ?? 9;
    const leading = size * 1.45;
    for (const [label, value] of rows) {
      const spec: CellSpec = typeof value === "string" ? { text: value } : value;
      const valueSize = spec.size ?? size;
      const valueLeading = valueSize * 1.45;
      const lines = await this.wrap(spec.text, { size: valueSize, weight: spec.weight, maxWidth: width - labelWidth, mono: spec.mono });
      const labelLines = await this.wrap(label, { size, maxWidth: labelWidth - 8 });
      this.ensure(Math.max(valueLeading * lines.length, leading * labelLines.length));
      const top = this.y;
      for (const [i, l] of labelLines.entries()) await this.draw(l, { x: margin, y: top - leading * (i + 1) + size * 0.28, size, color: muted });
      for (const [i, l] of lines.entries()) await this.draw(l, { x: margin + labelWidth, y: top - valueLeading * (i + 1) + valueSize * 0.28, size: valueSize, weight: spec.weight, color: spec.color, mono: spec.mono });
      this.y = top - Math.max(valueLeading * lines.length, leading * labelLines.length) - 3;
    }
  }

  rule(): void {
    this.ensure(14);
    this.y -= 7;
    this.page.drawLine({ start: { x: margin, y: this.y }, end: { x: A4[0] - margin, y: this.y }, thickness: 0.75, color: line });
    this.y -= 7;
  }

  /** A shaded note, e.g. the time-stamp warning on the cover. */
  async notice(text: string, tone: Tone): Promise<void> {
    const size = 9;
    const leading = size * 1.42;
    const lines = await this.wrap(text, { size, maxWidth: width - 20 });
    const height = lines.length * leading + 12;
    this.ensure(height + 6);
    this.page.drawRectangle({ x: margin, y: this.y - height, width, height, color: tones[tone].fill });
    this.page.drawRectangle({ x: margin, y: this.y - height, width: 3, height, color: tones[tone].text });
    for (const [i, l] of lines.entries()) await this.draw(l, { x: margin + 12, y: this.y - 6 - leading * (i + 1) + size * 0.28, size, color: tones[tone].text });
    this.y -= height + 8;
  }

  /** Figures in boxes, four to a row. */
  async tiles(items: { label: string; value: string; hint?: string; tone?: Tone }[]): Promise<void> {
    const perRow = 4;
    const gap = 8;
    const tileWidth = (width - gap * (perRow - 1)) / perRow;
    const height = 54;
    for (let i = 0; i < items.length; i += perRow) {
      this.ensure(height + gap);
      for (const [j, item] of items.slice(i, i + perRow).entries()) {
        const x = margin + j * (tileWidth + gap);
        const fill = item.tone ? tones[item.tone].fill : headFill;
        this.page.drawRectangle({ x, y: this.y - height, width: tileWidth, height, color: fill });
        await this.draw(item.label, { x: x + 8, y: this.y - 13, size: 7.5, color: muted });
        await this.draw(item.value, { x: x + 8, y: this.y - 32, size: 15, weight: 700, color: item.tone ? tones[item.tone].text : ink });
        if (item.hint) await this.draw(await this.fit(item.hint, tileWidth - 16, 400, 7), { x: x + 8, y: this.y - 45, size: 7, color: faint });
      }
      this.y -= height + gap;
    }
  }

  /** Shortens text with "…" until it fits `maxWidth`. */
  async fit(text: string, maxWidth: number, weight: Weight, size: number): Promise<string> {
    if ((await this.width(text, weight, size)) <= maxWidth) return text;
    let chars = [...text];
    while (chars.length > 1 && (await this.width(`${chars.join("")}…`, weight, size)) > maxWidth) chars = chars.slice(0, Math.max(1, chars.length - Math.max(1, Math.ceil(chars.length / 20))));
    return `${chars.join("").trimEnd()}…`;
  }

  /** Horizontal bars with their label and value. */
  async bars(items: { label: string; value: number; color?: Color }[], options: { labelWidth?: number } = {}): Promise<void> {
    const labelWidth = options.labelWidth ?? 150;
    const valueWidth = 60;
    const barWidth = width - labelWidth - valueWidth;
    const max = Math.max(1, ...items.map((i) => i.value));
    const rowHeight = 15;
    for (const item of items) {
      this.ensure(rowHeight);
      const baseline = this.y - 11;
      await this.draw(await this.fit(item.label, labelWidth - 8, 400, 8.5), { x: margin, y: baseline, size: 8.5, color: ink });
      const w = item.value === 0 ? 0 : Math.max(1.5, (item.value / max) * barWidth);
      this.page.drawRectangle({ x: margin + labelWidth, y: this.y - 12, width: barWidth, height: 9, color: headFill });
      if (w > 0) this.page.drawRectangle({ x: margin + labelWidth, y: this.y - 12, width: w, height: 9, color: item.color ?? accent });
      const value = count(item.value);
      await this.draw(value, { x: A4[0] - margin - (await this.width(value, 400, 8.5)), y: baseline, size: 8.5, color: muted });
      this.y -= rowHeight;
    }
    this.y -= 4;
  }

  /** Stacked columns per day: one series on top of the other, with the first, middle and last day named. */
  async dayChart(days: { day: string; values: number[] }[], series: { label: string; color: Color }[]): Promise<void> {
    const height = 110;
    const legend = 16;
    this.ensure(height + legend + 28);
    const top = this.y - legend;
    const bottom = top - height;
    const max = Math.max(1, ...days.map((d) => d.values.reduce((a, b) => a + b, 0)));
    const scaleMax = niceCeiling(max);
    let x = margin;
    for (const s of series) {
      this.page.drawRectangle({ x, y: this.y - 9, width: 8, height: 8, color: s.color });
      await this.draw(s.label, { x: x + 11, y: this.y - 8.5, size: 8, color: muted });
      x += 22 + (await this.width(s.label, 400, 8));
    }
    const plotLeft = margin + 34;
    const plotWidth = width - 34;
    for (const fraction of [0, 0.5, 1]) {
      const gy = bottom + fraction * height;
      this.page.drawLine({ start: { x: plotLeft, y: gy }, end: { x: plotLeft + plotWidth, y: gy }, thickness: 0.5, color: line });
      const label = count(Math.round(scaleMax * fraction));
      await this.draw(label, { x: plotLeft - 5 - (await this.width(label, 400, 7)), y: gy - 2.5, size: 7, color: faint });
    }
    const slot = plotWidth / Math.max(1, days.length);
    const barWidth = Math.max(0.6, slot * 0.78);
    for (const [i, d] of days.entries()) {
      let y = bottom;
      for (const [j, value] of d.values.entries()) {
        if (value <= 0) continue;
        const h = (value / scaleMax) * height;
        this.page.drawRectangle({ x: plotLeft + i * slot + (slot - barWidth) / 2, y, width: barWidth, height: h, color: series[j]!.color });
        y += h;
      }
    }
    const labelled = days.length <= 1 ? [0] : [0, Math.floor((days.length - 1) / 2), days.length - 1];
    for (const i of [...new Set(labelled)]) {
      const label = days[i]?.day ?? "";
      const w = await this.width(label, 400, 7);
      const centre = plotLeft + i * slot + slot / 2;
      await this.draw(label, { x: Math.min(Math.max(centre - w / 2, plotLeft), plotLeft + plotWidth - w), y: bottom - 10, size: 7, color: faint });
    }
    this.y = bottom - 18;
  }

  /** A table whose rows wrap, that breaks across pages and repeats its header on each. */
  async table(options: { columns: Column[]; rows: Cell[][]; size?: number; padY?: number; empty?: string }): Promise<void> {
    const size = options.size ?? 8;
    const leading = size * 1.38;
    const padX = 4;
    const padY = options.padY ?? 3.5;
    const total = options.columns.reduce((n, c) => n + c.width, 0);
    const widths = options.columns.map((c) => (c.width / total) * width);
    const xs = widths.map((_, i) => margin + widths.slice(0, i).reduce((a, b) => a + b, 0));
    if (options.rows.length === 0) {
      await this.paragraph(options.empty ?? "None.", { size: 9, color: muted, after: 4 });
      return;
    }

    const headerLines = await Promise.all(options.columns.map((c, i) => this.wrap(c.header, { size: size - 0.5, weight: 700, maxWidth: widths[i]! - 2 * padX })));
    const headerHeight = Math.max(...headerLines.map((l) => l.length)) * leading + 2 * padY;
    const drawHeader = async () => {
      this.page.drawRectangle({ x: margin, y: this.y - headerHeight, width, height: headerHeight, color: headFill });
      for (const [i, lines] of headerLines.entries()) {
        for (const [j, l] of lines.entries()) {
          const w = options.columns[i]!.align === "right" ? await this.width(l, 700, size - 0.5) : 0;
          const x = options.columns[i]!.align === "right" ? xs[i]! + widths[i]! - padX - w : xs[i]! + padX;
          await this.draw(l, { x, y: this.y - padY - leading * (j + 1) + size * 0.3, size: size - 0.5, weight: 700, color: muted });
        }
      }
      this.y -= headerHeight;
    };

    this.ensure(headerHeight + 3 * leading);
    await drawHeader();
    // The most a row may take: a page with just the header above it.
    const maxRowHeight = contentTop - contentBottom - headerHeight - 4;
    for (const [r, row] of options.rows.entries()) {
      const cells = await Promise.all(
        row.map(async (raw, i) => {
          const cell: CellSpec = typeof raw === "string" ? { text: raw } : raw;
          const cellSize = cell.size ?? size;
          const inner = widths[i]! - 2 * padX - (cell.tone ? 6 : 0);
          const lines = cell.text === "" ? [] : await this.wrap(cell.text, { size: cellSize, weight: cell.weight, maxWidth: inner, mono: cell.mono });
          const subLines = cell.sub ? await this.wrap(cell.sub, { size: cellSize - 1, maxWidth: widths[i]! - 2 * padX }) : [];
          return { cell, cellSize, lines, subLines };
        }),
      );
      const heightOf = (c: (typeof cells)[number]) => c.lines.length * c.cellSize * 1.38 + c.subLines.length * (c.cellSize - 1) * 1.38 + (c.cell.tone ? 2 : 0);
      let rowHeight = Math.max(...cells.map(heightOf)) + 2 * padY;
      if (rowHeight > maxRowHeight) {
        // A cell taller than a page is cut, and says so.
        for (const c of cells) {
          const room = Math.floor((maxRowHeight - 2 * padY) / (c.cellSize * 1.38)) - c.subLines.length - 1;
          if (c.lines.length > room) c.lines = [...c.lines.slice(0, Math.max(1, room)), "[cut: longer than a page]"];
        }
        rowHeight = Math.max(...cells.map(heightOf)) + 2 * padY;
      }
      if (this.y - rowHeight < contentBottom) {
        this.newPage();
        await drawHeader();
      }
      if (r % 2 === 1) this.page.drawRectangle({ x: margin, y: this.y - rowHeight, width, height: rowHeight, color: zebra });
      for (const [i, c] of cells.entries()) {
        const column = options.columns[i]!;
        let y = this.y - padY;
        if (c.cell.tone && c.lines.length > 0) {
          const tone = tones[c.cell.tone];
          const labelWidth = Math.max(...(await Promise.all(c.lines.map((l) => this.width(l, c.cell.weight ?? 700, c.cellSize)))));
          const h = c.lines.length * c.cellSize * 1.38 + 2;
          this.page.drawRectangle({ x: xs[i]! + padX - 1, y: y - h, width: labelWidth + 7, height: h, color: tone.fill });
          for (const l of c.lines) {
            y -= c.cellSize * 1.38;
            await this.draw(l, { x: xs[i]! + padX + 2.5, y: y + c.cellSize * 0.3 - 1, size: c.cellSize, weight: c.cell.weight ?? 700, color: tone.text });
          }
          y -= 2;
        } else {
          for (const l of c.lines) {
            y -= c.cellSize * 1.38;
            const x = column.align === "right" ? xs[i]! + widths[i]! - padX - (c.cell.mono ? this.monoWidth(l, c.cellSize) : await this.width(l, c.cell.weight ?? 400, c.cellSize)) : xs[i]! + padX;
            await this.draw(l, { x, y: y + c.cellSize * 0.3, size: c.cellSize, weight: c.cell.weight, color: c.cell.color, mono: c.cell.mono });
          }
        }
        for (const l of c.subLines) {
          y -= (c.cellSize - 1) * 1.38;
          const x = column.align === "right" ? xs[i]! + widths[i]! - padX - (await this.width(l, 400, c.cellSize - 1)) : xs[i]! + padX;
          await this.draw(l, { x, y: y + (c.cellSize - 1) * 0.3, size: c.cellSize - 1, color: faint });
        }
      }
      this.y -= rowHeight;
      this.page.drawLine({ start: { x: margin, y: this.y }, end: { x: A4[0] - margin, y: this.y }, thickness: 0.4, color: line });
    }
    this.y -= 8;
  }
}

// Inter's contextual features (calt and friends) make fontkit's shaping pass cost 2.6 ms
// a string, which pdf-lib runs for every drawText: twenty times the glyph lookup itself,
// and most of a pack's render time. This document draws each character's own glyph
// instead, as the widths above assume. pdf-lib (1.17, pinned) keeps the features it
// shapes with on the font's embedder; a font without that field is left as it is.
const withoutFeatures = Object.freeze(Object.fromEntries(["ccmp", "locl", "rlig", "mark", "mkmk", "calt", "clig", "liga", "rclt", "curs", "kern", "rvrn"].map((f) => [f, false])));
const plainFonts = new WeakSet<PDFFont>();

function plainShaping(font: PDFFont): void {
  if (plainFonts.has(font)) return;
  plainFonts.add(font);
  const embedder = (font as unknown as { embedder?: { fontFeatures?: unknown } }).embedder;
  // A copy per font: fontkit writes the direction features it adds into this object, which
  // in a strict-mode bundle (the app's) throws on a frozen one.
  if (embedder && "fontFeatures" in embedder && embedder.fontFeatures === undefined) embedder.fontFeatures = { ...withoutFeatures };
}

function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e\n]/g, "?");
}

function niceCeiling(n: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

// ---------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------

export async function renderPackPdf(input: PackPdfInput): Promise<Uint8Array> {
  const { content, pack } = input;
  const generatedAt = new Date(pack.generatedAt);

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  doc.setTitle(`${pack.name}: evidence pack`);
  doc.setSubject(pack.purpose || "Evidence pack");
  doc.setAuthor(pack.generatedBy.name);
  doc.setKeywords(["IEC 62443", "NIS2", "evidence pack", pack.id]);
  doc.setCreator("Conduit Ledger");
  doc.setProducer("Conduit Ledger (pdf-lib)");
  // Dated by the pack, so the same pack always renders to the same document.
  doc.setCreationDate(generatedAt);
  doc.setModificationDate(generatedAt);
  doc.setLanguage("en");

  const layout = new PackLayout(doc, new Typesetter(doc), await doc.embedFont(StandardFonts.Courier));
  const controls = input.controls ?? controlMap(content);

  await drawCover({ layout, input });
  await drawSummary({ layout, content });
  await drawInventory({ layout, content });
  await drawSuppliers({ layout, content });
  await drawIncidents({ layout, content });
  await drawAnomalies({ layout, content });
  await drawControls({ layout, controls });
  await drawAppendix({ layout, input });
  await drawCheckpoints({ layout, input });
  await drawVerify({ layout, input });

  await drawRunningParts({ layout, input });
  addNavigation({ doc, destinations: layout.destinations });
  return doc.save();
}

function scopeLine(content: PackContent, options: { short: boolean }): string {
  const { scope } = content;
  const zone = scope.timeZone;
  const lastDay = localDay(new Date(new Date(scope.to).getTime() - 1), zone);
  const range = options.short ? `${localDay(scope.from, zone)} to ${lastDay}` : `${shown(scope.from, zone)} to ${shown(scope.to, zone)} (exclusive)`;
  const plants = scope.plants.length > 0 ? `plants ${scope.plants.join(", ")}` : "all plants";
  const conduits = scope.conduits.length > 0 ? `conduits ${scope.conduits.join(", ")}` : "all conduits";
  return `${range} · ${plants} · ${conduits}${scope.incident ? ` · ${scope.incident}` : ""}`;
}

async function drawRunningParts(options: { layout: PackLayout; input: PackPdfInput }): Promise<void> {
  const { layout, input } = options;
  const pages = layout.doc.getPages();
  const scope = scopeLine(input.content, { short: true });
  for (const [i, page] of pages.entries()) {
    if (i > 0) {
      const name = await layout.fit(input.pack.name, width * 0.45, 700, 8);
      await layout.draw(name, { page, x: margin, y: A4[1] - 36, size: 8, weight: 700, color: ink });
      const right = await layout.fit(scope, width - (await layout.width(name, 700, 8)) - 24, 400, 8);
      await layout.draw(right, { page, x: A4[0] - margin - (await layout.width(right, 400, 8)), y: A4[1] - 36, size: 8, color: muted });
      page.drawLine({ start: { x: margin, y: A4[1] - 44 }, end: { x: A4[0] - margin, y: A4[1] - 44 }, thickness: 0.5, color: line });
    }
    page.drawLine({ start: { x: margin, y: 42 }, end: { x: A4[0] - margin, y: 42 }, thickness: 0.5, color: line });
    await layout.draw(`Evidence pack ${input.pack.id} · records.jsonl SHA-256 ${input.recordsSha256.slice(0, 16)}…`, { page, x: margin, y: 29, size: 7.5, color: muted });
    const label = `Page ${i + 1} of ${pages.length}`;
    await layout.draw(label, { page, x: A4[0] - margin - (await layout.width(label, 400, 7.5)), y: 29, size: 7.5, color: muted });
  }
}

/** A bookmark per section, and the same places as named destinations for links from index.html. */
function addNavigation(options: { doc: PDFDocument; destinations: PackLayout["destinations"] }): void {
  const { doc, destinations } = options;
  if (destinations.length === 0) return;
  const context = doc.context;
  const destOf = (d: (typeof destinations)[number]) => context.obj([d.page.ref, PDFName.of("XYZ"), PDFNull, PDFNumber.of(d.y), PDFNull]);
  const names = context.obj({});
  for (const d of destinations) names.set(PDFName.of(d.section), destOf(d));
  doc.catalog.set(PDFName.of("Dests"), context.register(names));

  const root = context.nextRef();
  const refs: PDFRef[] = destinations.map(() => context.nextRef());
  for (const [i, d] of destinations.entries()) {
    const item = context.obj({ Title: PDFHexString.fromText(pdfSections[d.section]), Parent: root, Dest: destOf(d) });
    if (i > 0) item.set(PDFName.of("Prev"), refs[i - 1]!);
    if (i < refs.length - 1) item.set(PDFName.of("Next"), refs[i + 1]!);
    context.assign(refs[i]!, item);
  }
  context.assign(root, context.obj({ Type: "Outlines", First: refs[0]!, Last: refs.at(-1)!, Count: refs.length }));
  doc.catalog.set(PDFName.of("Outlines"), root);
  doc.catalog.set(PDFName.of("PageMode"), PDFName.of("UseOutlines"));
}

// ---------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------

async function drawCover(options: { layout: PackLayout; input: PackPdfInput }): Promise<void> {
  const { layout, input } = options;
  const { content, pack } = input;
  const zone = content.scope.timeZone;
  layout.newPage();
  layout.destinations.push({ section: "cover", page: layout.page, y: A4[1] });
  layout.page.drawRectangle({ x: 0, y: A4[1] - 8, width: A4[0], height: 8, color: accent });
  layout.y = A4[1] - 64;
  await layout.paragraph("EVIDENCE PACK · IEC 62443 · NIS2", { size: 9, weight: 700, color: accent, after: 6 });
  await layout.paragraph(pack.name, { size: 24, weight: 700, after: 4 });
  if (pack.purpose) await layout.paragraph(pack.purpose, { size: 12, color: muted, after: 8 });
  layout.rule();

  const plants = content.plants.map((p) => `${p.name} (${p.city}, ${p.memberState}; ${p.timeZone})`).join("; ");
  await layout.facts([
    ["Organisation", content.organisation.join("; ") || "(no plant)"],
    ["Plants", plants || "(none)"],
    ["Period", `${shown(content.scope.from, zone)} to ${shown(content.scope.to, zone)}, the end excluded`],
    ["", { text: `${formatDeadline({ at: new Date(content.scope.from), timeZone: zone }).utc} to ${formatDeadline({ at: new Date(content.scope.to), timeZone: zone }).utc}; shown in ${zone} throughout`, color: muted, size: 8.5 }],
    ["Conduits", content.scope.conduits.length > 0 ? content.scope.conduits.join(", ") : "All conduits of these plants"],
    ...(content.scope.incident ? ([["Incident", content.scope.incident]] as [string, string][]) : []),
    ["Generated", both(pack.generatedAt, zone)],
    ["Generated by", `${pack.generatedBy.name} <${pack.generatedBy.email}>`],
    ["Pack id", pack.id],
    ["Records", recordsLine(input)],
  ]);
  if (input.timestampNote) {
    layout.y -= 6;
    await layout.notice(input.timestampNote, "warn");
  }

  await layout.heading("Integrity", { keepWith: 200 });
  await layout.paragraph(
    "The pack's content hash is the SHA-256 of records.jsonl, the records exactly as the ledger signed them. The SHA-256 of the ZIP file cannot be inside the ZIP: it is in the ledger record of this pack's generation. Compare the fingerprints below with those the operator gives you out of band before trusting any signature.",
    { size: 8.5, color: muted, after: 6 },
  );
  const hex = (value: string): CellSpec => ({ text: groupedHex(value), mono: true, size: 8.5 });
  const keys = [...input.keys].sort((a, b) => (a.logId < b.logId ? -1 : a.logId > b.logId ? 1 : a.keyId < b.keyId ? -1 : 1));
  await layout.table({
    size: 8.5,
    columns: [
      { header: "What", width: 2.1 },
      { header: "SHA-256, in groups of four", width: 3.3 },
    ],
    rows: [
      [{ text: "Content hash", weight: 700, sub: "records.jsonl" }, hex(input.recordsSha256)],
      ...keys.map((k): Cell[] => [{ text: "Ledger key", weight: 700, sub: k.logId }, hex(k.fingerprint)]),
      [{ text: "PDF signing certificate", weight: 700, sub: "SHA-256 of its DER" }, input.pdfCertificateFingerprint ? hex(input.pdfCertificateFingerprint) : { text: "not given", color: muted }],
    ],
  });
}

function recordsLine(input: PackPdfInput): string {
  const logs = input.content.logs.filter((l) => l.records > 0).length;
  const total = input.appendixTotal ?? input.content.summary.records;
  const uncovered = input.uncovered ?? 0;
  return `${count(total)} in ${logs === 1 ? "one log" : `${logs} logs`}${uncovered > 0 ? `; ${count(uncovered)} more of the scope were written after their log's latest checkpoint and are left to the next pack` : ""}`;
}

async function drawSummary(options: { layout: PackLayout; content: PackContent }): Promise<void> {
  const { layout, content } = options;
  const s = content.summary;
  await layout.section("summary", "AI calls through the inspection proxy in scope: forwarded (ai_call records) and refused (ai_call_denied). Identity coverage is the share of these calls made with a valid device token, and with an operator the proxy verified (a signed assertion) or the device asserted.");
  await layout.tiles([
    { label: "AI calls", value: count(s.calls), hint: `${count(s.records)} records in scope` },
    { label: "Forwarded", value: count(s.forwarded), hint: `${count(s.allowed)} as sent` },
    { label: "Refused", value: count(s.refused), hint: `${s.refusalsByCode.length} refusal ${s.refusalsByCode.length === 1 ? "code" : "codes"}`, tone: s.refused > 0 ? "warn" : undefined },
    { label: "Unauthorised flow attempts", value: count(s.unauthorisedFlows.attempts), hint: `${s.unauthorisedFlows.flows.length} ${s.unauthorisedFlows.flows.length === 1 ? "path" : "paths"} without a conduit`, tone: s.unauthorisedFlows.attempts > 0 ? "danger" : undefined },
    { label: "Redacted", value: count(s.redacted), hint: "spans above the limit replaced" },
    { label: "Flagged", value: count(s.flagged), hint: "forwarded above the limit", tone: s.flagged > 0 ? "warn" : undefined },
    { label: "Verified device identity", value: percent(s.identity.deviceCoverage), hint: `${count(s.identity.verifiedDevice)} of ${count(s.identity.calls)} calls` },
    { label: "Operator verified or asserted", value: percent(s.identity.operatorCoverage), hint: `${count(s.identity.operatorVerified + s.identity.operatorAsserted)} of ${count(s.identity.calls)} calls` },
  ]);
  if (s.unidentifiedOutsideScope !== null && s.unidentifiedOutsideScope > 0) {
    await layout.notice(`${count(s.unidentifiedOutsideScope)} refusals of callers without a valid token in this time range carry no plant, so this plant-scoped pack does not hold them; a pack of all plants does.`, "neutral");
  }

  await layout.heading("Calls by outcome");
  await layout.bars([
    { label: "Allowed as sent", value: s.allowed, color: accent },
    { label: "Redacted", value: s.redacted, color: accentLight },
    { label: "Flagged above the limit", value: s.flagged, color: tones.warn.text },
    { label: "Refused", value: s.refused, color: tones.danger.text },
  ]);

  const perDay = callsPerDay(content);
  if (perDay.length > 1 && perDay.length <= 400) {
    await layout.heading(`Calls per day (${content.scope.timeZone})`, { keepWith: 150 });
    await layout.dayChart(perDay, [
      { label: "Forwarded", color: accent },
      { label: "Refused", color: tones.danger.text },
    ]);
  }

  await layout.heading("Refusals by code");
  await layout.table({
    columns: [
      { header: "Code", width: 2 },
      { header: "Refusals", width: 1, align: "right" },
      { header: "Share of refusals", width: 1, align: "right" },
    ],
    rows: s.refusalsByCode.map((r) => [r.key, count(r.count), percent(s.refused === 0 ? null : r.count / s.refused)]),
    empty: "No call was refused.",
  });
  if (s.unauthorisedFlows.flows.length > 0) {
    await layout.heading("AI flows no conduit authorises");
    await layout.table({
      columns: [
        { header: "Device", width: 2 },
        { header: "Plant", width: 1 },
        { header: "Destination", width: 1.5 },
        { header: "Attempts", width: 1, align: "right" },
        { header: "First", width: 1.5 },
        { header: "Last", width: 1.5 },
      ],
      rows: s.unauthorisedFlows.flows.map((f) => [f.device ?? "(unknown)", f.plant ?? "", f.destination ?? "", count(f.attempts), shown(f.firstAt, content.scope.timeZone), shown(f.lastAt, content.scope.timeZone)]),
    });
  }
  await layout.heading("Forwarded calls by classification level");
  await layout.bars(s.callsByLevel.map((l) => ({ label: l.key, value: l.count, color: l.key === "RESTRICTED" ? tones.danger.text : l.key === "CONFIDENTIAL" ? tones.warn.text : accent })), { labelWidth: 110 });
  await layout.heading("How forwarded calls ended");
  await layout.table({
    columns: [
      { header: "Result", width: 2 },
      { header: "Calls", width: 1, align: "right" },
    ],
    rows: s.results.map((r) => [r.key === "pending" ? "No result recorded (yet)" : humanize(r.key), count(r.count)]),
    empty: "No call was forwarded.",
  });
  await layout.heading("Identity by device");
  await layout.table({
    columns: [
      { header: "Device", width: 2.2 },
      { header: "Workload", width: 2 },
      { header: "Calls", width: 1, align: "right" },
      { header: "Operator verified", width: 1.1, align: "right" },
      { header: "Operator asserted", width: 1.1, align: "right" },
      { header: "No operator", width: 1, align: "right" },
    ],
    rows: [
      ...s.identity.byDevice.map((d): Cell[] => [d.device, d.workload ? humanize(d.workload) : "", count(d.calls), count(d.operatorVerified), count(d.operatorAsserted), count(d.operatorNone)]),
      [
        { text: "All calls", weight: 700, sub: `${count(s.identity.calls - s.identity.verifiedDevice)} without a valid device token` },
        "",
        { text: count(s.identity.calls), weight: 700 },
        { text: count(s.identity.operatorVerified), weight: 700 },
        { text: count(s.identity.operatorAsserted), weight: 700 },
        { text: count(s.identity.operatorNone), weight: 700 },
      ],
    ],
  });
  await layout.heading("Human oversight of AI outputs");
  await layout.table({
    columns: [
      { header: "Decision", width: 2 },
      { header: "Decisions", width: 1, align: "right" },
    ],
    rows: [
      ...s.oversight.byDecision.map((d) => [humanize(d.key), count(d.count)]),
      [{ text: "Operator verified / asserted / none", color: muted }, { text: `${count(s.oversight.operatorVerified)} / ${count(s.oversight.operatorAsserted)} / ${count(s.oversight.operatorNone)}`, color: muted }],
    ],
  });
  await layout.heading("Records in scope by kind");
  await layout.table({
    columns: [
      { header: "Kind", width: 2 },
      { header: "Records", width: 1, align: "right" },
    ],
    rows: [...s.recordsByKind.map((k) => [kindLabels[k.key] ?? k.key, count(k.count)]), [{ text: "Total", weight: 700 }, { text: count(s.records), weight: 700 }]],
  });
  const l = s.ledgerActivity;
  await layout.heading("Who changed and read what (time range, all plants)");
  await layout.table({
    columns: [
      { header: "Records", width: 2 },
      { header: "Count", width: 1, align: "right" },
    ],
    rows: [
      ["Administrative changes", count(l.adminChanges)],
      ["of which device token changes", count(l.credentialChanges)],
      ["Incident report submissions", count(l.reportSubmissions)],
      ["Records exports", count(l.exports)],
      ["Evidence pack downloads", count(l.packDownloads)],
    ],
  });
}

function callsPerDay(content: PackContent): { day: string; values: number[] }[] {
  const zone = content.scope.timeZone;
  const byDay = new Map<string, number[]>();
  // Every day of the scope, quiet ones too, so the gaps show.
  const first = localDay(content.scope.from, zone);
  const last = localDay(new Date(new Date(content.scope.to).getTime() - 1), zone);
  for (let d = new Date(`${first}T12:00:00Z`); d.toISOString().slice(0, 10) <= last && byDay.size <= 400; d = new Date(d.getTime() + 86_400_000)) byDay.set(d.toISOString().slice(0, 10), [0, 0]);
  for (const a of content.activity) {
    const values = byDay.get(a.day);
    if (!values) continue;
    if (a.kind === "ai_call") values[0]! += a.count;
    if (a.kind === "ai_call_denied") values[1]! += a.count;
  }
  return [...byDay].map(([day, values]) => ({ day, values }));
}

const transportLabels: Record<PackConduit["destination"]["transport"], string> = { tls: "over TLS", loopback: "on this host", plain: "without TLS" };
const zoneKindLabels: Record<string, string> = { OT: "OT", DMZ: "DMZ", ENTERPRISE: "Enterprise IT", EXTERNAL_AI: "External AI" };

async function drawInventory(options: { layout: PackLayout; content: PackContent }): Promise<void> {
  const { layout, content } = options;
  const zone = content.scope.timeZone;
  const { zones, conduits, devices } = content.inventory;
  await layout.section("inventory", `The zone-to-AI-destination conduits of the scope, deny by default: the proxy refuses any call no conduit in force allows. States as of ${shown(content.asOf, zone)}; calls are those in scope.`);
  await layout.heading("Conduits");
  await layout.table({
    size: 7.5,
    columns: [
      { header: "Conduit", width: 2.3 },
      { header: "From zone, to destination", width: 2.3 },
      { header: "Data limit", width: 1.3 },
      { header: "SL-T", width: 0.55 },
      { header: "State", width: 1.2 },
      { header: "Approved", width: 1.3 },
      { header: "Calls", width: 1.1, align: "right" },
    ],
    rows: conduits.map((c) => [
      { text: c.name, sub: c.slug },
      { text: `${c.sourceZone.name} (SL-T ${c.sourceZone.slTarget}, SL-A ${c.sourceZone.slAchieved ?? "n/a"})`, sub: `to ${c.destination.name}, ${transportLabels[c.destination.transport]}` },
      { text: c.maxDataClass, sub: `${humanize(c.overLimitAction)} beyond; fails ${c.failMode.toLowerCase()}` },
      `SL ${c.slTarget}`,
      { text: stateLabels[c.state]?.label ?? c.state, tone: stateLabels[c.state]?.tone ?? "neutral", sub: c.validUntil ? `until ${localDay(c.validUntil, zone)}` : "no end date" },
      c.approvedAt ? { text: c.approvedBy ?? "(unknown)", sub: `${localDay(c.approvedAt, zone)}${c.reviewDueAt ? `; review ${Date.parse(c.reviewDueAt) <= Date.parse(content.asOf) ? "overdue since" : "due"} ${localDay(c.reviewDueAt, zone)}` : ""}` } : { text: "Not approved", tone: "danger" },
      { text: count(c.calls.forwarded), sub: `${count(c.calls.refused)} refused${c.calls.redacted ? `, ${count(c.calls.redacted)} redacted` : ""}${c.calls.flagged ? `, ${count(c.calls.flagged)} flagged` : ""}` },
    ]),
    empty: "No conduit in scope: every AI call from these plants is refused.",
  });
  await layout.heading("Zones and security levels");
  await layout.table({
    columns: [
      { header: "Zone", width: 3 },
      { header: "Plant", width: 1.2 },
      { header: "Purdue level", width: 1.3 },
      { header: "Kind", width: 1.2 },
      { header: "SL-T", width: 0.7 },
      { header: "SL-A", width: 1.1 },
    ],
    rows: zones.map((z) => [
      { text: z.name, sub: z.slug },
      z.plant ?? "external",
      z.purdueLevel.replace("_", "."),
      zoneKindLabels[z.kind] ?? humanize(z.kind),
      `SL ${z.slTarget}`,
      z.slAchieved === null ? { text: "Not assessed", color: muted } : { text: `SL ${z.slAchieved}`, tone: z.slAchieved >= z.slTarget ? "ok" : "warn" },
    ]),
  });
  await layout.heading("Devices");
  await layout.table({
    columns: [
      { header: "Device", width: 2.4 },
      { header: "Plant, zone", width: 2.2 },
      { header: "Workload", width: 1.8 },
      { header: "Operator identity", width: 1.3 },
      { header: "Tokens", width: 1.6 },
    ],
    rows: devices.map((d) => [
      { text: d.name, sub: `${d.slug}${d.status !== "ACTIVE" ? `, ${d.status.toLowerCase()}` : ""}` },
      { text: d.plant, sub: d.zone },
      { text: humanize(d.workload), sub: d.application },
      d.mayAssertOperator ? "May assert" : "Signed only",
      { text: `${d.tokens.active} active`, sub: `${d.tokens.revoked} revoked, ${d.tokens.expired} expired${d.tokens.activeWithoutExpiry ? `, ${d.tokens.activeWithoutExpiry} never expire` : ""}` },
    ]),
  });
}

async function drawSuppliers(options: { layout: PackLayout; content: PackContent }): Promise<void> {
  const { layout, content } = options;
  const zone = content.scope.timeZone;
  const { suppliers, chains, alerts } = content.suppliers;
  const name = (slug: string) => suppliers.find((s) => s.slug === slug)?.name ?? slug;
  await layout.section("suppliers", "Who handles the data the conduits in scope send out, down the chain of sub-processors, and whether each is assessed (NIS2 Art. 21(2)(d) and 21(3)). Levels and calls are those of the scope.");
  await layout.table({
    size: 7.5,
    columns: [
      { header: "Supplier", width: 2.4 },
      { header: "Assessment", width: 1.6 },
      { header: "Approved for", width: 1.6 },
      { header: "Certifications", width: 2.2 },
      { header: "Receives", width: 1.2 },
    ],
    rows: suppliers.map((s) => [
      { text: s.name, sub: `${supplierKindLabels[s.kind as keyof typeof supplierKindLabels] ?? humanize(s.kind)}; ${s.countries.join(", ") || "countries not recorded"}` },
      s.assessment ? { text: humanize(s.assessment.status), sub: [s.assessment.rating ? `${humanize(s.assessment.rating)} risk` : "", s.assessment.score !== null ? `score ${s.assessment.score}` : ""].filter(Boolean).join(", ") } : { text: "Never assessed", tone: "danger" },
      s.approval
        ? { text: s.approval.approvedDataClass, sub: `${s.approval.overdue ? "review overdue since" : "review due"} ${localDay(s.approval.nextReviewAt, zone)}`, color: s.approval.overdue ? tones.danger.text : undefined }
        : { text: "No approval", tone: "warn" },
      s.certifications.length > 0 ? { text: s.certifications.map((c) => `${certificationLabel({ scheme: c.scheme as CertificationScheme, title: c.title })} ${c.expired ? "expired" : "until"} ${localDay(c.expiresAt, zone)}`).join("; ") } : { text: "None recorded", color: muted },
      { text: s.receivedLevel ?? "nothing", sub: `${count(s.calls)} calls` },
    ]),
    empty: "No supplier receives data through the conduits in scope.",
  });
  for (const chain of chains) {
    await layout.heading(`Chain of ${name(chain.root)}`, { keepWith: 90 });
    await layout.table({
      size: 7.5,
      columns: [
        { header: "Supplier", width: 2.4 },
        { header: "Receives from", width: 1.6 },
        { header: "Data shared", width: 2 },
        { header: "Terms", width: 3 },
      ],
      rows: chain.entries.map((e) => [
        { text: `${"   ".repeat(e.depth)}${e.depth > 0 ? "› " : ""}${name(e.supplier)}`, sub: e.repeated ? `${"   ".repeat(e.depth)}listed above` : undefined },
        e.link ? (e.link.from ? name(e.link.from) : "our contract") : { text: "no contract recorded", color: tones.warn.text },
        e.link?.dataShared ?? "",
        e.link
          ? [
              e.link.contractRef && `contract ${e.link.contractRef}`,
              e.link.breachNotificationHours !== null && `breach notice ${e.link.breachNotificationHours} h`,
              e.link.trainingOnCustomerData && { YES: "trains on customer data", NO: "no training on customer data", OPT_OUT: "trains unless opted out" }[e.link.trainingOnCustomerData],
              e.link.retention && `retention ${e.link.retention}`,
              e.link.dataLocation && `data in ${e.link.dataLocation}`,
            ]
              .filter(Boolean)
              .join("; ")
          : "",
      ]),
    });
  }
  await layout.heading("Alerts");
  await layout.table({
    columns: [
      { header: "Severity", width: 1 },
      { header: "Alert", width: 6 },
    ],
    rows: alerts.map((a) => [{ text: a.severity === "danger" ? "Act now" : "Attention", tone: a.severity === "danger" ? "danger" : "warn" }, a.message]),
    empty: "No alerts: every supplier in these chains is assessed, approved for what it receives, and certified where recorded.",
  });
}

async function drawIncidents(options: { layout: PackLayout; content: PackContent }): Promise<void> {
  const { layout, content } = options;
  await layout.section(
    "incidents",
    `NIS2 incidents of the plants in scope that were open at some time in the period${content.scope.incident ? `, and ${content.scope.incident} named by the scope` : ""}. Deadlines follow Art. 23(4): early warning 24 h and notification 72 h after awareness, the final report one month after the notification as submitted; judged as of ${shown(content.asOf, content.scope.timeZone)}.`,
  );
  if (content.incidents.length === 0) {
    await layout.paragraph("No incident in scope.", { size: 9, color: muted });
    return;
  }
  for (const incident of content.incidents) {
    const zone = incident.timeZone;
    await layout.heading(`${incident.reference}: ${incident.title}`, { keepWith: 160 });
    await layout.facts(
      [
        ["Status", `${humanize(incident.status)}, ${humanize(incident.severity).toLowerCase()} severity`],
        ["Plants, Member State", `${incident.plants.join(", ")}; ${incident.memberState} (${zone})`],
        ["Significance", incident.significance ? `${incident.significance.significant ? "Significant" : "Not significant"} (assessed ${shown(incident.significance.assessedAt, zone)})` : "Not assessed"],
        ["Occurred", incident.occurredAt ? both(incident.occurredAt, zone) : "not known"],
        ["Detected", both(incident.detectedAt, zone)],
        ["Became aware", both(incident.awareAt, zone)],
        ...(incident.containedAt ? ([["Contained", both(incident.containedAt, zone)]] as [string, string][]) : []),
        ...(incident.handlingEndedAt ? ([["Handling ended", both(incident.handlingEndedAt, zone)]] as [string, string][]) : []),
        ["Evidence linked", incident.evidence.length === 0 ? "none" : incident.evidence.map((e) => (e.logId !== null ? `${e.label} (${e.logId} #${e.seq})` : e.label)).join("; ")],
      ],
      { labelWidth: 120, size: 8.5 },
    );
    if (!incident.reportable) {
      await layout.paragraph("Assessed as not significant: it owes no reports.", { size: 8.5, color: muted, after: 6 });
      continue;
    }
    if (incident.deadlineProblem) await layout.notice(`Deadlines could not be computed: ${incident.deadlineProblem}`, "warn");
    layout.y -= 4;
    await layout.table({
      size: 7.5,
      columns: [
        { header: "Report", width: 1.9 },
        { header: "Due", width: 2.2 },
        { header: "Submitted", width: 1.7 },
        { header: "Status", width: 1.4 },
      ],
      rows: incident.deadlines.map((d) => [
        { text: stageNames[d.stage] ?? d.stage, sub: d.article },
        { text: d.dueAt ? `${shown(d.dueAt, zone)}${d.provisional ? " (provisional)" : ""}` : "open", sub: d.basis },
        d.submittedAt ? shown(d.submittedAt, zone) : { text: "not submitted", color: muted },
        { text: deadlineLabels[d.status]?.label ?? d.status, tone: deadlineLabels[d.status]?.tone ?? "neutral" },
      ]),
    });
  }
}

async function drawAnomalies(options: { layout: PackLayout; content: PackContent }): Promise<void> {
  const { layout, content } = options;
  const zone = content.scope.timeZone;
  await layout.section("anomalies", "What the proxy flagged for people to look at, seen at some time in the period: a device token used from several addresses, an AI flow no conduit authorises, an address calling without a valid token beyond what is recorded call by call. Counts are over each anomaly's whole life.");
  await layout.table({
    size: 7.5,
    columns: [
      { header: "Kind", width: 1.5 },
      { header: "Device, destination", width: 2.1 },
      { header: "Detail", width: 1.9 },
      { header: "Count", width: 0.7, align: "right" },
      { header: "First seen, last seen", width: 1.8 },
      { header: "Incident", width: 1.3 },
    ],
    rows: content.anomalies.map((a) => [
      { text: anomalyKinds[a.kind] ?? humanize(a.kind), tone: a.kind === "unauthorised_flow" ? "warn" : "danger" },
      a.device ? { text: a.device.name, sub: `${a.device.slug}, ${a.device.plant}${a.destination ? `; to ${a.destination}` : ""}` } : { text: a.destination ?? "unknown caller", color: muted },
      a.kind === "shared_device_token"
        ? { text: `token ${a.tokenPrefix ?? "?"}…${a.tokenRevoked ? ", revoked since" : a.tokenRevoked === false ? ", still active" : ""}`, sub: a.addresses.length > 0 ? `from ${a.addresses.join(", ")}` : undefined }
        : a.kind === "unidentified_caller"
          ? { text: `from ${a.addresses.join(", ")}`, sub: a.code }
          : a.code,
      count(a.count),
      { text: shown(a.firstSeenAt, zone), sub: shown(a.lastSeenAt, zone) },
      a.incidents.length > 0 ? a.incidents.join(", ") : { text: "none", color: muted },
    ]),
    empty: "No anomalies: every token was used from one place, every flow had a conduit.",
  });
}

async function drawControls(options: { layout: PackLayout; controls: ControlStatus[] }): Promise<void> {
  const { layout, controls } = options;
  await layout.section(
    "controls",
    "Each requirement AI traffic across a conduit touches, what it asks in our words, the evidence in this pack, and how far the pack shows it met: met, partial (shown in part or with exceptions), gap (shown to fail), or not applicable (nothing in scope it is about). The statuses are judged from this pack's content alone.",
  );
  const totals = (["met", "partial", "gap", "not_applicable"] as const).map((s) => `${controls.filter((c) => c.status === s).length} ${controlStatusLabels[s].toLowerCase()}`);
  await layout.paragraph(totals.join(" · "), { size: 9, weight: 700, after: 6 });
  await layout.table({
    size: 7.5,
    columns: [
      { header: "Control", width: 1.25 },
      { header: "What it asks", width: 3 },
      { header: "Evidence in this pack", width: 2.05 },
      { header: "Status", width: 3.3 },
    ],
    rows: controls.map((c) => [
      { text: c.id, weight: 700, sub: c.framework },
      { text: c.title, weight: 700, sub: c.asks },
      { text: evidenceText(c.evidenceFiles), size: 7 },
      { text: controlStatusLabels[c.status], tone: statusTone[c.status], sub: c.reason },
    ]),
  });
}

/** The evidence files as a reader scans them: one line each, a folder's files as one. */
function evidenceText(files: string[]): string {
  const lines: string[] = [];
  const folders = new Map<string, number>();
  for (const f of files) {
    const folder = /^(checkpoints|consistency)\//.exec(f)?.[1];
    if (folder) folders.set(folder, (folders.get(folder) ?? 0) + 1);
    else lines.push(f.startsWith("evidence.pdf#nameddest=") ? `PDF: ${pdfSections[f.slice("evidence.pdf#nameddest=".length) as PdfSection] ?? f}` : f);
  }
  for (const [folder, n] of folders) lines.push(`${folder}/ (${n} ${n === 1 ? "log" : "logs"})`);
  return lines.join("\n");
}

async function drawAppendix(options: { layout: PackLayout; input: PackPdfInput }): Promise<void> {
  const { layout, input } = options;
  const { content } = input;
  const zone = content.scope.timeZone;
  const total = input.appendixTotal ?? content.summary.records;
  const limit = Math.max(0, input.appendixLimit);
  await layout.section(
    "appendix",
    `The records of records.jsonl in its order (by log, then sequence number)${total > limit ? `, the first ${count(limit)} of ${count(total)} in full and the rest summarised by day` : ""}. Times in ${zone}. Each record is there exactly as signed, with its inclusion proof on the same line of proofs.jsonl.`,
  );
  const rows: Cell[][] = [];
  const shownByDay = new Map<string, number>();
  if (limit > 0) {
    for await (const row of input.appendix) {
      rows.push([
        localTime(row.at, zone),
        `${row.logId} #${count(row.seq)}`,
        { text: kindLabels[row.kind] ?? row.kind, sub: row.outcome ? humanize(row.outcome) : undefined },
        { text: row.summary, sub: row.recordId },
      ]);
      const key = `${localDay(row.at, zone)} ${activityColumn(row.kind, row.outcome)}`;
      shownByDay.set(key, (shownByDay.get(key) ?? 0) + 1);
      // Stop here: the rest is counted from the content, never read.
      if (rows.length >= limit) break;
    }
  }
  await layout.table({
    size: 6.8,
    padY: 2.2,
    columns: [
      { header: `Time (${zone})`, width: 1.5 },
      { header: "Log #seq", width: 2.1 },
      { header: "Kind, outcome", width: 1.2 },
      { header: "Summary, record id", width: 4.2 },
    ],
    rows,
    empty: "No records in scope.",
  });
  const beyond = total - rows.length;
  if (beyond <= 0) return;
  await layout.heading(`${count(beyond)} further ${beyond === 1 ? "record" : "records"}, by day and outcome`, { keepWith: 80 });
  const byDay = new Map<string, number[]>();
  for (const a of content.activity) {
    const values = byDay.get(a.day) ?? activityColumns.map(() => 0);
    const column = activityColumn(a.kind, a.outcome);
    values[activityColumns.indexOf(column)]! += a.count - (shownByDay.get(`${a.day} ${column}`) ?? 0);
    shownByDay.delete(`${a.day} ${column}`);
    byDay.set(a.day, values);
  }
  const dayRows = [...byDay].filter(([, v]) => v.some((n) => n > 0));
  const sums = activityColumns.map((_, i) => dayRows.reduce((n, [, v]) => n + Math.max(0, v[i]!), 0));
  const counted = sums.reduce((a, b) => a + b, 0);
  await layout.table({
    size: 7.5,
    columns: [{ header: `Day (${zone})`, width: 1.6 }, ...activityColumns.map((c) => ({ header: activityHeaders[c], width: 1, align: "right" as const })), { header: "Total", width: 1, align: "right" }],
    rows: [
      ...dayRows.map(([day, v]) => [day, ...v.map((n) => count(Math.max(0, n))), { text: count(v.reduce((a, b) => a + Math.max(0, b), 0)), weight: 700 as const }]),
      [{ text: "Total", weight: 700 }, ...sums.map((n) => ({ text: count(n), weight: 700 as const })), { text: count(counted), weight: 700 }],
    ],
  });
  if (counted !== beyond) {
    await layout.paragraph(`The records index counts ${count(counted)} further records in scope by day; records.jsonl holds ${count(beyond)} beyond the rows above. records.jsonl is the evidence.`, { size: 8, color: muted });
  }
}

const activityColumns = ["allowed", "redacted", "flagged", "refused", "result", "oversight", "other"] as const;
type ActivityColumn = (typeof activityColumns)[number];
const activityHeaders: Record<ActivityColumn, string> = { allowed: "Allowed", redacted: "Redacted", flagged: "Flagged", refused: "Refused", result: "Results", oversight: "Oversight", other: "Other" };

function activityColumn(kind: string, outcome: string | null): ActivityColumn {
  if (kind === "ai_call") return outcome === "redacted" ? "redacted" : outcome === "flagged" ? "flagged" : "allowed";
  if (kind === "ai_call_denied") return "refused";
  if (kind === "ai_call_result") return "result";
  if (kind === "oversight_decision") return "oversight";
  return "other";
}

async function drawCheckpoints(options: { layout: PackLayout; input: PackPdfInput }): Promise<void> {
  const { layout, input } = options;
  const zone = input.content.scope.timeZone;
  await layout.section(
    "checkpoints",
    "The signed tree head of each log this pack's proofs verify against (checkpoints/<log>.note): the log commits to its size and the RFC 6962 Merkle root over every record below it. The records in scope must lie below it.",
  );
  const checkpoints = [...input.checkpoints].sort((a, b) => (a.logId < b.logId ? -1 : a.logId > b.logId ? 1 : 0));
  await layout.table({
    columns: [
      { header: "Log", width: 2.5 },
      { header: "Tree size", width: 0.9, align: "right" },
      { header: "Root hash (hex)", width: 3.2 },
      { header: "Signed at", width: 1.6 },
    ],
    rows: checkpoints.map((c) => [{ text: c.logId, size: 7.5 }, count(c.size), { text: groupedHex(c.root), mono: true, size: 7 }, { text: shown(c.at, zone), sub: formatDeadline({ at: new Date(c.at), timeZone: zone }).utc }]),
    empty: "No checkpoint.",
  });
  await layout.heading("Records in scope per log");
  await layout.table({
    columns: [
      { header: "Log", width: 2.1 },
      { header: "Writer", width: 1 },
      { header: "Records", width: 1, align: "right" },
      { header: "Sequence numbers", width: 1.6 },
      { header: "Below the checkpoint", width: 1.3 },
      { header: "Last verification", width: 1.6 },
    ],
    rows: input.content.logs.map((l) => {
      const checkpoint = checkpoints.find((c) => c.logId === l.logId);
      const covered = checkpoint ? l.lastSeq !== null && l.lastSeq < checkpoint.size : l.covered;
      return [
        { text: l.name, sub: l.logId },
        l.writer,
        count(l.records),
        l.firstSeq === null ? "" : `${count(l.firstSeq)} to ${count(l.lastSeq ?? l.firstSeq)}`,
        { text: covered ? "All" : "Not all", tone: covered ? "ok" : "warn" },
        l.lastVerification ? { text: l.lastVerification.ok ? "No problems" : "Problems found", tone: l.lastVerification.ok ? "ok" : "danger", sub: shown(l.lastVerification.startedAt, zone) } : { text: "Not run", color: muted },
      ];
    }),
    empty: "No records in scope.",
  });
}

async function drawVerify(options: { layout: PackLayout; input: PackPdfInput }): Promise<void> {
  const { layout, input } = options;
  await layout.section("verify", "Nothing here asks you to trust the server that made this pack. VERIFY.md in the pack spells out every check, with the product's CLI and with standard tools alone.");
  const step = async (title: string, text: string, commands: string[]) => {
    await layout.heading(title, { keepWith: 30 + commands.length * 12 });
    await layout.paragraph(text, { size: 9, after: 4 });
    for (const c of commands) await layout.paragraph(c, { size: 8, mono: true, indent: 12, color: accent });
    layout.y -= 4;
  };
  await step("1. The ZIP is the one that was generated", "Its SHA-256 is in the ledger record of the pack's generation (and on the packs list). The ZIP is reproducible: generated again from the same ledger, it has the same hash.", ["sha256sum PACK.zip"]);
  await step(
    "2. This document belongs to the records",
    `Unzip the pack; the SHA-256 of records.jsonl must equal the content hash on the cover (${groupedHex(input.recordsSha256).slice(0, 19)} ...).`,
    ["unzip -q PACK.zip -d pack && cd pack", "sha256sum records.jsonl"],
  );
  await step(
    "3. Everything at once, offline",
    "Checks the signed manifest (DSSE), every file's hash, every record's signature, every inclusion proof, every checkpoint signature, the consistency proof to the previous pack, and this PDF's signature and certificate. It names each problem and exits non-zero on any. KEYS.json is the key list you obtained out of band.",
    ["npm run pack:verify -- PACK.zip --trusted-keys KEYS.json", "npm run pack:verify -- PACK.zip --previous OLD-PACK.zip"],
  );
  await step(
    "4. The keys are the operator's",
    "Each ledger key's fingerprint is the SHA-256 of its DER public key in keys.json; compare it with the cover and with what the operator gave you.",
    [`jq -r '.logs[].keys[] | "\\(.keyId) \\(.spki)"' keys.json |`, `  while read -r ID SPKI; do echo "$ID $(echo "$SPKI" | base64 -d | sha256sum | cut -c1-64)"; done`],
  );
  await step(
    "5. The PDF signature",
    "pdfsig prints the signature's validity (read it: it exits 0 on a mismatch too). The signer's certificate fingerprint must equal the one on the cover (openssl prints it in capitals, with colons between the bytes).",
    ["pdfsig evidence.pdf", "pdfsig -dump evidence.pdf", "openssl pkcs7 -inform DER -in evidence.pdf.sig0 -print_certs |", "  openssl x509 -noout -fingerprint -sha256"],
  );
  await step("6. A record by hand", "Take line N of records.jsonl: its envelope is the exact text that was signed; verify the signature with the log key from keys.json (VERIFY.md, section 2.5).", [
    `sed -n 1p records.jsonl | jq -j .envelope > record.txt`,
    `sed -n 1p records.jsonl | jq -r .signature | base64 -d > record.sig`,
    "openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in record.txt -sigfile record.sig",
  ]);
}
