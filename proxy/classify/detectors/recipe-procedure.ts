// Recipes and procedures: the content, not the word. A block counts when it is
//  - a numbered sequence of at least three steps ("1. ... 2. ... 3. ...", "Step 1",
//    "Schritt 1", "Passo 1") that a procedure or recipe word introduces or that carries
//    at least two quantities, or
//  - a recipe word followed by at least three quantities ("Recipe PA66-GF30: melt
//    290 °C, mould 85 °C, hold 650 bar").
// "What is an SOP?" or a numbered list of questions is not one. A block may contain
// findings of other labels (the parameters inside a recipe count on their own too).
import { firstMatch, sentenceEnd } from "@/proxy/classify/detectors/text";
import type { Quantity, Span } from "@/proxy/classify/detectors/process-parameter";

const stepMarker = /(?<![^\s(:;])(?:(?:step|schritt|passo|etapa)\s*(\d{1,2})\s*[:.)-]?|(\d{1,2})[.)])\s+(?=[A-Za-zÀ-ÿ\d"„'])/gi;
const procedureCue =
  /procedure|\bSOP\b|work\s+instruction|instructions?\b|recipe|lock-?out|\bLOTO\b|tag-?out|isolation|changeover|start-?up|shut-?down|sequence|rezept|anweisung|verfahren|\bablauf|freischalt|umrüst|rüsten|anfahr|abfahr|\bcharge\b|receita|procedimento|instrução|bloqueio|consignação|sequência|arranque|paragem|mudança\s+de\s+formato|\blote\b|\bbatch\b|formulation/i;
const recipeCue = /\b(?:recipe|rezept(?:ur)?|receita|formulation|formulierung|batch\s+record|chargenprotokoll)(?![\w])/gi;

const cueLookBack = 300;
const recipeReach = 400;

interface Step {
  number: number;
  start: number;
  textStart: number;
}

function stepSequences(text: string): Step[][] {
  const sequences: Step[][] = [];
  let current: Step[] = [];
  for (let m = firstMatch(stepMarker, text); m; m = stepMarker.exec(text)) {
    const number = Number(m[1] ?? m[2]);
    const last = current[current.length - 1];
    const step = { number, start: m.index, textStart: m.index + m[0].length };
    if (last && number === last.number + 1) current.push(step);
    else if (number === 1) {
      if (current.length >= 3) sequences.push(current);
      current = [step];
    }
  }
  if (current.length >= 3) sequences.push(current);
  return sequences;
}

function countInside(quantities: readonly Quantity[], start: number, end: number): number {
  return quantities.filter((q) => q.start >= start && q.end <= end).length;
}

function procedureBlocks(text: string, quantities: readonly Quantity[]): Span[] {
  const blocks: Span[] = [];
  for (const steps of stepSequences(text)) {
    const ends = steps.map((s) => sentenceEnd({ text, index: s.textStart, limit: 300 }));
    const questions = ends.filter((end, i) => text.slice((steps[i] as Step).textStart, end).trimEnd().endsWith("?")).length;
    if (questions * 2 >= steps.length) continue;
    const start = (steps[0] as Step).start;
    const end = ends[ends.length - 1] as number;
    const introduced = procedureCue.test(text.slice(Math.max(0, start - cueLookBack), end));
    if (introduced || countInside(quantities, start, end) >= 2) blocks.push({ start, end });
  }
  return blocks;
}

function recipeBlocks(text: string, quantities: readonly Quantity[]): Span[] {
  const blocks: Span[] = [];
  for (let m = firstMatch(recipeCue, text); m; m = recipeCue.exec(text)) {
    const paragraphEnd = text.indexOf("\n\n", m.index);
    const reach = Math.min(m.index + recipeReach, paragraphEnd === -1 ? text.length : paragraphEnd);
    const inside = quantities.filter((q) => q.start >= m.index && q.end <= reach);
    const last = inside[inside.length - 1];
    if (inside.length >= 3 && last) blocks.push({ start: m.index, end: last.end });
  }
  return blocks;
}

/** Disjoint recipe and procedure blocks, sorted; overlapping ones are merged. */
export function findRecipeProcedureBlocks(options: { text: string; quantities: readonly Quantity[] }): Span[] {
  const { text, quantities } = options;
  const blocks = [...procedureBlocks(text, quantities), ...recipeBlocks(text, quantities)].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const block of blocks) {
    const last = merged[merged.length - 1];
    if (last && block.start <= last.end) last.end = Math.max(last.end, block.end);
    else merged.push({ ...block });
  }
  return merged;
}
