// Recipes and procedures: the content, not the word, in English, German and Portuguese.
// A block counts when it is
//  - a numbered sequence of at least three steps ("1. ... 2. ... 3. ...", "Step 1",
//    "Schritt 1", "Passo 1", "Etapa 1") that a procedure or recipe word introduces or
//    that carries at least two quantities;
//  - a sequence "first ... then ... finally" ("zuerst ... dann", "primeiro ... depois")
//    after the colon of an instruction ("To change the nozzle:") or a procedure word;
//  - a recipe word followed by at least three quantities ("Recipe PA66-GF30: melt
//    290 °C, mould 85 °C, hold 650 bar");
//  - a named recipe, or a step or phase of one, with a quantity in the same sentence
//    ("set TIC-12 to 185 °C at step 4 of recipe RX-55", "Schritt 4 von Rezept RZ-17");
//  - at least two process steps, each an action with its quantity ("mix 100:35 by
//    weight, cure 2 h at 80 °C", "2 h bei 80 °C aushärten", "curar 2 h a 80 °C").
// "What is an SOP?", a numbered list of questions, and lists of things already tried are
// not one. A block may contain findings of other labels (the parameters inside a recipe
// count on their own too).
import { firstMatch, isLetterCode, sentenceEnd, sentenceStart } from "@/proxy/classify/detectors/text";
import type { Quantity, Span } from "@/proxy/classify/detectors/process-parameter";

const stepMarker = /(?<![^\s(:;])(?:(?:step|schritt|passo|etapa)\s*(\d{1,2})\s*[:.)-]?|(\d{1,2})[.)])\s+(?=[A-Za-zÀ-ÿ\d"„'])/gi;
const procedureCue =
  /procedure|\bSOP\b|work\s+instruction|instructions?\b|recipe|lock-?out|\bLOTO\b|tag-?out|isolation|changeover|start-?up|shut-?down|sequence|rezept|anweisung|verfahren|vorschrift|\bablauf|freischalt|umrüst|rüsten|anfahr|abfahr|\bcharge\b|receita|procedimento|instrução|bloqueio|consignação|sequência|arranque|paragem|mudança\s+de\s+formato|\blote\b|\bbatch\b|formulation/i;
// German compounds end in the word ("Chargenrezept", "Härterezept").
const recipeCue = /(?:\b(?:recipes?|receitas?|formulations?|formula[çc](?:ão|ões)|formulierung|batch\s+(?:record|sheet)s?)|rezept(?:ur|e)?)(?![A-Za-zÀ-ÿ\d])/gi;
// What names a recipe: an identifier with a digit right after the word ("recipe RX-55",
// "Rezept 7"), or a step or phase of it right before ("step 4 of recipe", "passo 4 da receita").
const recipeName = /^\s*(?:no\.?|nr\.?|n\.?º|#)?\s*[A-Z0-9][\w./-]{0,24}(?<=\d[\w./-]{0,24})(?![\w])/i;
const recipeStepBefore = /(?:step|phase|schritt|passo|etapa|fase)\s*\d{1,2}\s+(?:of|in|von|des|der|im|da|do|de)\s+(?:the\s+|dem\s+|a\s+|o\s+)?$/i;
// A list of things already tried while troubleshooting is not a recipe.
const triedBefore = /tried|attempted|versucht|probiert|tent(?:á|a)mos|experiment(?:á|a)mos/i;

// Process actions that take a quantity, as whole words in lower case: mixing, dosing,
// pouring, curing, holding, ramping, heating, cooling, quenching, drying.
const actionWord = new RegExp(
  `\\b(?:${[
    // English
    String.raw`mix(?:ed|es|ing)?|blend(?:ed|ing)?|stir(?:red|ring|s)?|add(?:ed|ing|s)?|dos(?:e|ed|ing)|dispers(?:e|ed|ing)|knead(?:ed|ing)?|degas(?:sed|sing)?`,
    String.raw`pour(?:ed|ing|s)?|cast|(?:post-?)?cur(?:e|ed|es|ing)|bak(?:e|ed|es|ing)|dr(?:y|ied|ying)|dwell(?:s|ed|ing)?|hold(?:s|ing)?|held|soak(?:s|ed|ing)?`,
    String.raw`ramp(?:s|ed|ing)?|(?:pre-?)?heat(?:s|ed|ing)?|cool(?:s|ed|ing)?|quench(?:es|ed|ing)?`,
    // German
    String.raw`misch(?:en|t|te|ten)|gemischt|rühr(?:en|t|te)|gerührt|zu(?:geben|gegeben|dosieren|dosiert)|dosier(?:en|t)|dispergier(?:en|t)|vorleg(?:en|t)|vorgelegt|knet(?:en|et)|geknetet|entgas(?:en|t)`,
    String.raw`(?:ver|ab|ein)?gie(?:ß|ss)(?:en|t)|(?:ver|ab|ein)?gegossen|vergossen|(?:aus|vor|nach)?härt(?:en|et)|(?:aus|vor|nach)?gehärtet|back(?:en|t)|gebacken|trockn(?:en|et)|getrocknet`,
    String.raw`halt(?:en|e)|gehalten|haltezeit|rampe|(?:auf|vor)?heiz(?:en|t)|aufgeheizt|erwärm(?:en|t)|(?:ab)?kühl(?:en|t)|abgekühlt|abschreck(?:en|t)|abgeschreckt|gare`,
    // Portuguese
    String.raw`mistur(?:ar|a|ado|ada|ou|ando)|agit(?:ar|ado|ando)|adicion(?:ar|a|ado|ada|ou|ando)|dos(?:ear|ar|eado|ado)|dispers(?:ar|ado)|amass(?:ar|ado)|desgaseific(?:ar|ado)`,
    String.raw`vaz(?:ar|ado|ou|amento)|verter|vertido|cur(?:ar|a|ado|ada|ou)|pós-cura|coz(?:er|ido)|sec(?:ar|ado|agem)|mant(?:er|ido|ém|eve|endo)|patamar|perman[êe]ncia|rampa`,
    String.raw`(?:pré-)?aquec(?:er|ido|eu)|arrefec(?:er|ido|eu)|resfri(?:ar|ado|ou)|mo(?:er|ído|agem)`,
  ].join("|")})(?![a-zß-öø-ÿ\d-])`,
  "g",
);
// The word after an action that makes it part of a name: "heat exchanger", "cooling water", "cast iron".
const nounAfterAction = /^\s+(?:exchangers?|treatment|sink|map|tracing|transfer|recovery|water|tower|circuit|system|fan|unit|capacity|load|iron|contact|run|air)\b/i;
const longestAction = 16;

// "first ... then ... finally" in the three languages, right after the colon of an
// instruction ("To change the nozzle: first ..."); "safest first" in prose is not one.
const sequenceFirst = /[ \t\n]*(?:first(?:ly)?|zuerst|zunächst|erstens|primeiro|primeiramente)\b/iy;
const sequenceNext = /\b(?:then|next|after\s+that|afterwards|finally|lastly|dann|danach|anschließend|abschließend|schließlich|zum\s+schluss|depois|em\s+seguida|a\s+seguir|por\s+fim|finalmente)\b/gi;
// "To change the nozzle:", "Um den Filter zu wechseln:", "Para trocar o bico:" right before it.
const instructionIntro = /(?:^|[.!?\n]\s*)(?:to|how\s+to|um|para|como)\s[^.!?\n:]{2,60}:\s*$/i;

const cueLookBack = 300;
const recipeReach = 400;
const actionReachAfter = 40;
const actionReachBefore = 25;
const chainGap = 12;
const stepGap = 120;
// Farther from every other quantity than a run of steps can reach.
const loneQuantity = stepGap + 2 * (actionReachAfter + longestAction);

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

/** The quantities inside [start, end]: a binary search on the sorted list, so that many blocks stay cheap. */
function quantitiesWithin(quantities: readonly Quantity[], start: number, end: number): Quantity[] {
  let low = 0;
  let high = quantities.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((quantities[middle] as Quantity).start < start) low = middle + 1;
    else high = middle;
  }
  const inside: Quantity[] = [];
  for (let i = low; i < quantities.length && (quantities[i] as Quantity).start < end; i++) if ((quantities[i] as Quantity).end <= end) inside.push(quantities[i] as Quantity);
  return inside;
}

/** Steps that pre-heat, pour, cure ... are a procedure even without a procedure word; a list of things tried is not. */
function hasProcessActions(text: string, start: number, end: number): boolean {
  if (triedBefore.test(text.slice(Math.max(0, start - 120), start))) return false;
  const steps = text.slice(start, end).toLowerCase();
  let count = 0;
  for (let m = firstMatch(actionWord, steps); m && count < 2; m = actionWord.exec(steps)) {
    const before = steps.charCodeAt(m.index - 1);
    if (!isLetterCode(before) && before !== 45 && !nounAfterAction.test(steps.slice(m.index + m[0].length, m.index + m[0].length + 16))) count++;
  }
  return count >= 2;
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
    if (introduced || quantitiesWithin(quantities, start, end).length >= 2 || hasProcessActions(text, start, end)) blocks.push({ start, end });
  }
  return blocks;
}

function sequenceBlocks(text: string): Span[] {
  const blocks: Span[] = [];
  for (let colon = text.indexOf(":"); colon !== -1; colon = text.indexOf(":", colon + 1)) {
    sequenceFirst.lastIndex = colon + 1;
    const m = sequenceFirst.exec(text);
    if (!m) continue;
    const first = colon + 1 + m[0].length - m[0].trimStart().length;
    const before = text.slice(Math.max(0, colon + 1 - 120), colon + 1);
    const introduced = instructionIntro.test(before) || procedureCue.test(before);
    if (!introduced || triedBefore.test(before)) continue;
    const paragraphEnd = text.indexOf("\n\n", first);
    const reach = Math.min(first + recipeReach, paragraphEnd === -1 ? text.length : paragraphEnd);
    const window = text.slice(first, reach);
    let markers = 0;
    let lastMarker = 0;
    for (let n = firstMatch(sequenceNext, window); n; n = sequenceNext.exec(window)) {
      markers++;
      lastMarker = n.index;
    }
    if (markers >= 2) blocks.push({ start: first, end: sentenceEnd({ text, index: first + lastMarker, limit: 300 }) });
  }
  return blocks;
}

function recipeBlocks(text: string, quantities: readonly Quantity[]): Span[] {
  const blocks: Span[] = [];
  for (let m = firstMatch(recipeCue, text); m; m = recipeCue.exec(text)) {
    const name = recipeName.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 32));
    const cueEnd = m.index + m[0].length + (name?.[0].length ?? 0);
    if (name || recipeStepBefore.test(text.slice(Math.max(0, m.index - 32), m.index))) {
      // The values of a named recipe or recipe step: the quantities of its sentence.
      const start = sentenceStart({ text, index: m.index, limit: 200 });
      const end = sentenceEnd({ text, index: cueEnd, limit: 300 });
      const inside = quantitiesWithin(quantities, start, end);
      const first = inside[0];
      const last = inside[inside.length - 1];
      if (first && last) {
        const stepStart = recipeStepBefore.exec(text.slice(Math.max(0, m.index - 32), m.index));
        const cueStart = stepStart ? m.index - stepStart[0].length : m.index;
        blocks.push({ start: Math.min(first.start, cueStart), end: Math.max(last.end, cueEnd) });
        continue;
      }
    }
    const paragraphEnd = text.indexOf("\n\n", m.index);
    const reach = Math.min(m.index + recipeReach, paragraphEnd === -1 ? text.length : paragraphEnd);
    const inside = quantitiesWithin(quantities, m.index, reach);
    const last = inside[inside.length - 1];
    if (inside.length >= 3 && last) blocks.push({ start: m.index, end: last.end });
  }
  return blocks;
}

/** Whether text between two positions stays in one clause of one sentence. */
function sameClause(between: string): boolean {
  return !/[;\n]|[.!?](?:\s|$)/.test(between);
}

interface ActionStep {
  start: number;
  end: number;
  quantity: Quantity;
}

/**
 * Action words near the quantities: only the text around a quantity is read, so a long
 * prompt with few numbers costs little.
 */
function actionsNearQuantities(text: string, quantities: readonly Quantity[]): Span[] {
  const actions: Span[] = [];
  let scannedTo = 0;
  quantities.forEach((q, i) => {
    // A quantity with no other one near it cannot be one of the two a run of steps needs.
    const previous = quantities[i - 1];
    const next = quantities[i + 1];
    if ((!previous || q.start - previous.end > loneQuantity) && (!next || next.start - q.end > loneQuantity)) return;
    let start = Math.max(scannedTo, q.start - actionReachAfter - longestAction);
    let end = Math.min(text.length, q.end + actionReachBefore + longestAction);
    if (end <= start) return;
    // Whole words only: a window never starts or ends inside one.
    for (let limit = 32; limit > 0 && start > scannedTo && isLetterCode(text.charCodeAt(start - 1)); limit--) start--;
    for (let limit = 32; limit > 0 && end < text.length && isLetterCode(text.charCodeAt(end)); limit--) end++;
    const window = text.slice(start, end).toLowerCase();
    for (let m = firstMatch(actionWord, window); m; m = actionWord.exec(window)) {
      // "\b" also matches after an umlaut inside a word ("Röhren"); "post-cure" is read whole.
      const before = window.charCodeAt(m.index - 1);
      if (isLetterCode(before) || before === 45) continue;
      const wordEnd = start + m.index + m[0].length;
      if (!nounAfterAction.test(text.slice(wordEnd, wordEnd + 16))) actions.push({ start: start + m.index, end: wordEnd });
    }
    scannedTo = end;
  });
  return actions;
}

/** Actions with their quantity: the nearest quantity after the action word, or (verb last, as in German) right before it. */
function actionSteps(text: string, quantities: readonly Quantity[]): ActionStep[] {
  const steps: ActionStep[] = [];
  if (quantities.length < 2) return steps;
  let next = 0;
  for (const { start: actionStart, end } of actionsNearQuantities(text, quantities)) {
    while (next < quantities.length && (quantities[next] as Quantity).start < end) next++;
    const after = quantities[next];
    const before = quantities[next - 1];
    const afterGap = after && after.start - end <= actionReachAfter && sameClause(text.slice(end, after.start)) ? after.start - end : Infinity;
    const beforeGap =
      before && before.end <= actionStart && actionStart - before.end <= actionReachBefore && sameClause(text.slice(before.end, actionStart)) ? actionStart - before.end : Infinity;
    if (after && afterGap <= beforeGap && afterGap !== Infinity) {
      steps.push({ start: actionStart, end: after.end, quantity: after });
    } else if (before && beforeGap !== Infinity) {
      // "2 h bei 80 °C vorgehärtet": the verb at the end takes the quantities just before it.
      let start = before.start;
      for (let i = next - 2; i >= 0 && i >= next - 4; i--) {
        const earlier = quantities[i] as Quantity;
        if (start - earlier.end > chainGap || !sameClause(text.slice(earlier.end, start))) break;
        start = earlier.start;
      }
      steps.push({ start, end, quantity: before });
    }
  }
  return steps;
}

/** Runs of at least two process steps with two different quantities, each run up to the last quantity of its sentence. */
function processStepBlocks(text: string, quantities: readonly Quantity[]): Span[] {
  const blocks: Span[] = [];
  let run: ActionStep[] = [];
  const close = () => {
    const last = run[run.length - 1];
    if (last && new Set(run.map((s) => s.quantity)).size >= 2) {
      let start = last.start;
      let end = last.end;
      for (const step of run) {
        start = Math.min(start, step.start);
        end = Math.max(end, step.end);
      }
      if (!triedBefore.test(text.slice(Math.max(0, start - 120), start))) {
        const trailing = quantitiesWithin(quantities, last.end, sentenceEnd({ text, index: last.end, limit: 300 }));
        blocks.push({ start, end: Math.max(end, trailing[trailing.length - 1]?.end ?? 0) });
      }
    }
    run = [];
  };
  for (const step of actionSteps(text, quantities)) {
    const previous = run[run.length - 1];
    if (previous && (step.start - previous.end > stepGap || text.slice(previous.end, step.start).includes("\n\n"))) close();
    run.push(step);
  }
  close();
  return blocks;
}

/** Disjoint recipe and procedure blocks, sorted; overlapping ones are merged. */
export function findRecipeProcedureBlocks(options: { text: string; quantities: readonly Quantity[] }): Span[] {
  const { text, quantities } = options;
  const blocks = [...procedureBlocks(text, quantities), ...sequenceBlocks(text), ...recipeBlocks(text, quantities), ...processStepBlocks(text, quantities)].sort(
    (a, b) => a.start - b.start,
  );
  const merged: Span[] = [];
  for (const block of blocks) {
    const last = merged[merged.length - 1];
    if (last && block.start <= last.end) last.end = Math.max(last.end, block.end);
    else merged.push({ ...block });
  }
  return merged;
}
