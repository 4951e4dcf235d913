// A submitted report as a PDF, drawn from its frozen content (never from the incident
// as it is now), with the content's SHA-256 and the ledger record that holds it on
// every page. Text is set in Inter, the typeface of the app: pdf-lib embeds it through
// fontkit, which cannot subset WOFF2, so the WOFF files of @fontsource/inter are used,
// one per Unicode block; each character takes the first face that has it. Every PDF
// handed out is PAdES signed with the app's PDF signing identity (lib/pdf).
import fs from "node:fs";
import path from "node:path";
import * as fontkitModule from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatDeadline } from "@/lib/incidents/local-time";
import { reportContentFormat } from "@/lib/incidents/submit-report";
import { logger } from "@/lib/logger";
import { signPdf, type SignedPdf } from "@/lib/pdf/sign-pdf";
import { appPdfSigning, type PdfSigning } from "@/lib/pdf/signing-certificate";

// The UMD build (Node) and the ES build (bundler) expose fontkit differently.
export const fontkit = (fontkitModule as unknown as { default?: typeof fontkitModule }).default ?? fontkitModule;

const subsets = ["latin", "latin-ext", "cyrillic", "cyrillic-ext", "greek", "greek-ext", "vietnamese"] as const;
type Weight = 400 | 700;

interface Face {
  file: string;
  bytes: Uint8Array;
  covers: Set<number>;
}

const faceCache = new Map<Weight, Face[]>();

function facesOf(weight: Weight): Face[] {
  let faces = faceCache.get(weight);
  if (!faces) {
    const dir = path.join(process.cwd(), "node_modules", "@fontsource", "inter", "files");
    faces = subsets.map((subset) => {
      const file = `inter-${subset}-${weight}-normal.woff`;
      const bytes = fs.readFileSync(path.join(dir, file));
      return { file, bytes, covers: new Set(fontkit.create(bytes).characterSet) };
    });
    faceCache.set(weight, faces);
  }
  return faces;
}

const ink = rgb(0.06, 0.11, 0.18);
const muted = rgb(0.29, 0.33, 0.41);
const accent = rgb(0.03, 0.34, 0.48);
const line = rgb(0.87, 0.89, 0.92);

/** Lays text out in Inter faces, embedding a face only once a character needs it. */
export class Typesetter {
  private embedded = new Map<string, PDFFont>();

  constructor(private doc: PDFDocument) {}

  private async font(face: Face): Promise<PDFFont> {
    let font = this.embedded.get(face.file);
    if (!font) {
      font = await this.doc.embedFont(face.bytes, { subset: true });
      this.embedded.set(face.file, font);
    }
    return font;
  }

  /** The text cut into runs that one face can set; characters no face has become "?". */
  async runs(text: string, weight: Weight): Promise<{ text: string; font: PDFFont }[]> {
    const faces = facesOf(weight);
    const runs: { text: string; face: Face }[] = [];
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0x3f;
      const face = faces.find((f) => f.covers.has(code));
      const shown = face ? char : "?";
      const chosen = face ?? faces[0]!;
      const last = runs.at(-1);
      if (last && last.face === chosen) last.text += shown;
      else runs.push({ text: shown, face: chosen });
    }
    return Promise.all(runs.map(async (r) => ({ text: r.text, font: await this.font(r.face) })));
  }

  /** Each character's advance, as width() would add it up. */
  private async charWidths(chars: string[], weight: Weight, size: number): Promise<number[]> {
    const faces = facesOf(weight);
    return Promise.all(
      chars.map(async (char) => {
        const face = faces.find((f) => f.covers.has(char.codePointAt(0) ?? 0x3f));
        return (await this.font(face ?? faces[0]!)).widthOfTextAtSize(face ? char : "?", size);
      }),
    );
  }

  async width(text: string, weight: Weight, size: number): Promise<number> {
    const runs = await this.runs(text, weight);
    return runs.reduce((sum, r) => sum + r.font.widthOfTextAtSize(r.text, size), 0);
  }

  async draw(page: PDFPage, text: string, options: { x: number; y: number; size: number; weight?: Weight; color?: ReturnType<typeof rgb> }): Promise<void> {
    let x = options.x;
    for (const run of await this.runs(text, options.weight ?? 400)) {
      page.drawText(run.text, { x, y: options.y, size: options.size, font: run.font, color: options.color ?? ink });
      x += run.font.widthOfTextAtSize(run.text, options.size);
    }
  }

  /** Breaks text into lines no wider than maxWidth, at spaces where possible. */
  async wrap(text: string, options: { size: number; weight?: Weight; maxWidth: number }): Promise<string[]> {
    const weight = options.weight ?? 400;
    const lines: string[] = [];
    for (const paragraph of text.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n")) {
      let current = "";
      for (const word of paragraph.split(" ")) {
        const candidate = current === "" ? word : `${current} ${word}`;
        if ((await this.width(candidate, weight, options.size)) <= options.maxWidth) {
          current = candidate;
          continue;
        }
        if (current !== "") lines.push(current);
        // A word wider than the line (a hash, a URL, a pasted blob) is cut where it must be,
        // in one pass over its characters: measuring every shorter prefix took minutes for
        // a few thousand characters, and held the server while it did.
        const chars = [...word];
        const widths = await this.charWidths(chars, weight, options.size);
        let start = 0;
        let lineWidth = 0;
        for (let i = 0; i < chars.length; i++) {
          if (i > start && lineWidth + widths[i]! > options.maxWidth) {
            lines.push(chars.slice(start, i).join(""));
            start = i;
            lineWidth = 0;
          }
          lineWidth += widths[i]!;
        }
        current = chars.slice(start).join("");
      }
      lines.push(current);
    }
    return lines;
  }
}

const contentSchema = z.object({
  format: z.literal(reportContentFormat),
  stage: z.string(),
  title: z.string(),
  article: z.string(),
  incident: z.object({
    reference: z.string(),
    title: z.string(),
    memberState: z.string(),
    entityCategory: z.string(),
    trustServiceProvider: z.boolean(),
    plants: z.array(z.string()),
    timeZone: z.string(),
    occurredAt: z.string().nullable(),
    detectedAt: z.string(),
    awareAt: z.string(),
  }),
  submission: z.object({
    submittedAt: z.string(),
    submittedBy: z.object({ name: z.string(), email: z.string() }),
    channel: z.string(),
    recipient: z.string(),
  }),
  fields: z.array(z.object({ key: z.string(), label: z.string(), value: z.union([z.string(), z.boolean(), z.null()]) })),
});

const severityNames: Record<string, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High", CRITICAL: "Critical" };

function valueText(field: { key: string; value: string | boolean | null }): string {
  if (typeof field.value === "boolean") return field.value ? "Yes" : "No";
  if (field.key === "severity" && field.value) return severityNames[field.value] ?? field.value;
  return field.value && field.value.trim() !== "" ? field.value : "(not given)";
}

const A4: [number, number] = [595.28, 841.89];
const margin = 56;

export async function renderReportPdf(options: {
  content: string;
  contentHash: string;
  ledger: { recordId: string; logId: string; seq: number; leafHash: string };
}): Promise<Uint8Array> {
  const parsed = contentSchema.safeParse(JSON.parse(options.content));
  if (!parsed.success) throw new AppError({ code: "internal", message: "The stored report content has an unknown shape." });
  const content = parsed.data;
  const zone = content.incident.timeZone;
  const when = (iso: string | null) => {
    if (!iso) return "not known";
    const shown = formatDeadline({ at: new Date(iso), timeZone: zone });
    return `${shown.local} (${shown.utc})`;
  };

  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const submittedAt = new Date(content.submission.submittedAt);
  doc.setTitle(`${content.title}: ${content.incident.reference}`);
  doc.setSubject(`${content.article} report on ${content.incident.title}`);
  doc.setAuthor(content.submission.submittedBy.name);
  doc.setCreator("Conduit Ledger");
  doc.setProducer("Conduit Ledger (pdf-lib)");
  // Dated by the submission, so the same report always renders to the same document.
  doc.setCreationDate(submittedAt);
  doc.setModificationDate(submittedAt);

  const type = new Typesetter(doc);
  const width = A4[0] - 2 * margin;
  let page = doc.addPage(A4);
  let y = A4[1] - margin;
  const newPageIfBelow = (needed: number) => {
    if (y - needed < margin + 40) {
      page = doc.addPage(A4);
      y = A4[1] - margin;
    }
  };
  const paragraph = async (text: string, options: { size: number; weight?: Weight; color?: ReturnType<typeof rgb>; indent?: number; after?: number }) => {
    const indent = options.indent ?? 0;
    const leading = options.size * 1.4;
    for (const textLine of await type.wrap(text, { size: options.size, weight: options.weight, maxWidth: width - indent })) {
      newPageIfBelow(leading);
      y -= leading;
      await type.draw(page, textLine, { x: margin + indent, y, size: options.size, weight: options.weight, color: options.color });
    }
    y -= options.after ?? 0;
  };
  const rule = () => {
    newPageIfBelow(16);
    y -= 8;
    page.drawLine({ start: { x: margin, y }, end: { x: A4[0] - margin, y }, thickness: 0.75, color: line });
    y -= 8;
  };
  const facts = async (rows: [string, string][], options: { labelWidth?: number; size?: number } = {}) => {
    const labelWidth = options.labelWidth ?? 150;
    const size = options.size ?? 10;
    const leading = size * 1.4;
    for (const [label, value] of rows) {
      const lines = await type.wrap(value, { size, maxWidth: width - labelWidth });
      newPageIfBelow(leading * lines.length);
      await type.draw(page, label, { x: margin, y: y - leading, size, color: muted });
      for (const textLine of lines) {
        y -= leading;
        await type.draw(page, textLine, { x: margin + labelWidth, y, size });
      }
      y -= 3;
    }
  };
  const heading = async (text: string, keepWith: number) => {
    newPageIfBelow(keepWith);
    await paragraph(text, { size: 12, weight: 700, after: 4 });
  };

  await paragraph(`${content.article} · ${content.incident.memberState}`, { size: 9, weight: 700, color: accent });
  await paragraph(content.title, { size: 22, weight: 700, after: 2 });
  await paragraph(`${content.incident.reference}: ${content.incident.title}`, { size: 12, color: muted, after: 6 });
  rule();
  await heading("Submission", 80);
  await facts([
    ["Submitted at", when(content.submission.submittedAt)],
    ["Submitted by", `${content.submission.submittedBy.name} <${content.submission.submittedBy.email}>`],
    ["Sent to", content.submission.recipient],
    ["Channel", content.submission.channel],
  ]);
  rule();
  await heading("Incident", 80);
  await facts([
    ["Reference", content.incident.reference],
    ["Entity", `${content.incident.entityCategory === "ESSENTIAL" ? "Essential" : "Important"} entity${content.incident.trustServiceProvider ? ", trust service provider" : ""}, reporting in ${content.incident.memberState}`],
    ["Plants affected", content.incident.plants.join("; ")],
    ["Occurred", when(content.incident.occurredAt)],
    ["Detected", when(content.incident.detectedAt)],
    ["Became aware", when(content.incident.awareAt)],
  ]);
  rule();
  await heading("Report", 80);
  for (const field of content.fields) {
    newPageIfBelow(40);
    y -= 6;
    await paragraph(field.label, { size: 10, weight: 700 });
    await paragraph(valueText(field), { size: 10, after: 2 });
  }
  rule();
  await heading("Integrity", 150);
  await paragraph(
    "This document is drawn from the report content frozen when it was submitted. The SHA-256 below is that content's hash (canonical JSON, RFC 8785); the signed report-submission record in the audit ledger holds the same hash, and its inclusion in the log can be checked against a signed checkpoint.",
    { size: 9, color: muted, after: 6 },
  );
  await facts(
    [
      ["Content SHA-256", options.contentHash],
      ["Ledger record", options.ledger.recordId],
      ["Log and sequence", `${options.ledger.logId} #${options.ledger.seq}`],
      ["Leaf hash", options.ledger.leafHash],
    ],
    // Narrower labels and smaller type keep each 64-digit hash on one line.
    { labelWidth: 100, size: 8.5 },
  );

  const pages = doc.getPages();
  for (const [i, p] of pages.entries()) {
    p.drawLine({ start: { x: margin, y: margin - 6 }, end: { x: A4[0] - margin, y: margin - 6 }, thickness: 0.5, color: line });
    await type.draw(p, `${content.incident.reference} · ${content.title} · content SHA-256 ${options.contentHash.slice(0, 16)}…`, { x: margin, y: margin - 20, size: 8, color: muted });
    const pageLabel = `Page ${i + 1} of ${pages.length}`;
    await type.draw(p, pageLabel, { x: A4[0] - margin - (await type.width(pageLabel, 400, 8)), y: margin - 20, size: 8, color: muted });
  }
  return doc.save();
}

/** The drawn report, PAdES signed: the signature says which report it is and what it covers. */
export async function signReportPdf(options: { pdf: Uint8Array; content: string; signing: PdfSigning }): Promise<SignedPdf> {
  const parsed = contentSchema.safeParse(JSON.parse(options.content));
  if (!parsed.success) throw new AppError({ code: "internal", message: "The stored report content has an unknown shape." });
  const { title, incident, submission } = parsed.data;
  return signPdf({
    pdf: options.pdf,
    reason: `${title} of ${incident.reference} as submitted to ${submission.recipient} on ${submission.submittedAt}`,
    location: incident.plants.join("; ") || incident.memberState,
    ...options.signing,
  });
}

/** A submitted report's PDF, signed, and the file name to download it under. */
export async function reportDocument(options: { db: Db; incidentId: string; reportId: string; signing?: PdfSigning }): Promise<{ filename: string; bytes: Uint8Array }> {
  const report = await options.db.incidentReport.findFirst({
    where: { id: options.reportId, incidentId: options.incidentId },
    include: { incident: { select: { reference: true } } },
  });
  if (!report) throw new AppError({ code: "not_found", message: "No such report on this incident." });
  const drawn = await renderReportPdf({
    content: report.content,
    contentHash: report.contentHash,
    ledger: { recordId: report.ledgerRecordId, logId: report.ledgerLogId, seq: report.ledgerSeq, leafHash: report.ledgerLeafHash },
  });
  const signed = await signReportPdf({ pdf: drawn, content: report.content, signing: options.signing ?? (await appPdfSigning({ db: options.db })) });
  // The document is still valid and signed; only its proof of time is missing.
  if (signed.timestampError) logger.warn({ reportId: report.id, reason: signed.timestampError }, "report PDF signed without a time stamp (PAdES B-B)");
  return { filename: `${report.incident.reference}-${report.stage.toLowerCase().replace(/_/g, "-")}.pdf`, bytes: signed.pdf };
}
