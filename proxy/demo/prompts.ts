// What the demo plant's applications ask their AI providers: prompts in the shape of
// each workload's traffic, with the asset tags, process parameters and now and then the
// personal data or secret that real prompts carry, so the proxy's classification (and
// with it redaction, flags and blocks) varies as it does in a plant. Fictional throughout.
import { randomBytes } from "node:crypto";

export interface Draws {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** A seeded generator (mulberry32): the same seed plans the same traffic. */
export function seededDraws(seed: number): Draws & { next(): number } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

export interface ChatPrompt {
  system: string;
  user: string;
}

const decimal = (d: Draws, min: number, max: number, digits = 1) => (d.int(min * 10 ** digits, max * 10 ** digits) / 10 ** digits).toFixed(digits);

// --- Augsburg ------------------------------------------------------------------------

const spindles = Array.from({ length: 12 }, (_, i) => `AUG-CNC-${String(i + 1).padStart(2, "0")}`);

/** MaintainIQ's spindle forecast: asset tags and process parameters (CONFIDENTIAL). */
export function spindleForecast(d: Draws, variant: "plain" | "secret" | "person"): ChatPrompt {
  const spindle = d.pick(spindles);
  let user =
    `Spindle ${spindle}: vibration RMS ${decimal(d, 1.2, 5.8)} mm/s (7-day trend +${decimal(d, 0.1, 0.9)} mm/s), ` +
    `bearing temperature ${d.int(38, 74)} °C at ${d.int(8, 16) * 500} rpm, ${d.int(900, 7800)} operating hours since the last bearing change. ` +
    `Forecast the remaining useful life.`;
  // A pasted connection string: a secret and a host name, which the conduit redacts.
  if (variant === "secret") user += ` The historian export failed with Server=aug-hist-db01.nordwerk.internal;Database=hist;User Id=maintainiq;Password=Qx7!pLm2vR; please ignore that part.`;
  if (variant === "person") user += ` The last bearing change was done by Herr Stefan Maier.`;
  return { system: "You are MaintainIQ's spindle wear forecaster at the Augsburg gearbox plant. Answer with the remaining useful life, an interval and one recommendation.", user };
}

/** Maintenance log lines to embed for similarity search: asset tags only (INTERNAL). */
export function maintenanceLogLines(d: Draws): string[] {
  const notes = ["spindle noise at start-up, lubrication checked", "coolant pump replaced after leak", "tool changer misaligned, re-taught", "axis drive fault cleared, encoder cable fixed", "chuck jaws worn, ordered replacement", "way covers cleaned, chips removed"];
  return Array.from({ length: d.int(2, 5) }, () => `${d.pick(spindles)} ${d.pick(notes)}`);
}

const alarmTags = ["TT-4711", "PT-2203", "FT-1180", "VT-0931", "TT-4712", "LT-3307"];
const signals: Record<string, { name: string; unit: string; low: number; high: number }> = {
  TT: { name: "gearbox oil temperature", unit: "°C", low: 48, high: 86 },
  PT: { name: "hydraulic pressure", unit: "bar", low: 120, high: 210 },
  FT: { name: "coolant flow", unit: "l/min", low: 18, high: 64 },
  VT: { name: "housing vibration", unit: "mm/s", low: 2, high: 11 },
  LT: { name: "oil level", unit: "mm", low: 40, high: 95 },
};

/** HistorianWatch's triage request: a tag, its readings and units (CONFIDENTIAL). */
export function anomalyTriage(d: Draws, variant: "plain" | "gateway"): ChatPrompt {
  const tag = d.pick(alarmTags);
  const signal = signals[tag.slice(0, 2)]!;
  const from = d.int(signal.low, signal.high);
  const to = Math.min(signal.high + 10, from + d.int(3, 15));
  let user = `Alarm ${tag} on ${d.pick(spindles)}: ${signal.name} went from ${from} ${signal.unit} to ${to} ${signal.unit} within ${d.int(4, 40)} minutes; neighbouring sensors ${d.pick(["unchanged", "also rising", "noisy"])}. Classify: sensor fault, process upset or expected transient?`;
  if (variant === "gateway") user += ` Data came through the edge gateway 10.30.4.2.`;
  return { system: "You are HistorianWatch's anomaly triage assistant at the Augsburg gearbox plant. Classify each alarm and suggest one action.", user };
}

/** The Gemini second opinion: alarm counts only (INTERNAL), or with the readings (CONFIDENTIAL, flagged by its conduit). */
export function alarmSecondOpinion(d: Draws, withReadings: boolean): ChatPrompt {
  const tag = d.pick(alarmTags);
  const signal = signals[tag.slice(0, 2)]!;
  const readings = withReadings ? ` Last readings: ${d.int(signal.low, signal.high)} ${signal.unit}, ${d.int(signal.low, signal.high)} ${signal.unit}.` : "";
  return {
    system: "Second opinion on historian alarms for the Augsburg gearbox plant: say whether an alarm is a nuisance alarm or needs maintenance, in two sentences.",
    user: `Alarm ${tag} on ${d.pick(spindles)} was acknowledged ${d.int(2, 9)} times in the last hour by the shift; no other alarms on the line.${readings} Nuisance alarm, or should maintenance look at it?`,
  };
}

const copilotAssets = ["AUG-CNC-04", "AUG-CNC-07", "AUG-ROB-02", "AUG-ASM-04", "AUG-PRS-01", "AUG-CNV-03", "AUG-GRD-05"];

/** The shop-floor copilot (an INTERNAL conduit): plain requests pass, readings and names are redacted. */
export function workInstruction(d: Draws, variant: "plain" | "parameters" | "person" | "general"): ChatPrompt {
  const asset = d.pick(copilotAssets);
  const system = "You are ShopFloor Assist, the work-instruction copilot on the hall 2 shift lead terminal. Draft short numbered work instructions; safety steps first.";
  // Questions that name nothing of the plant (PUBLIC).
  if (variant === "general") {
    return { system, user: d.pick(["What is the difference between preventive and predictive maintenance?", "Explain lockout/tagout to a new colleague in three sentences.", "Was bedeutet OEE, kurz erklärt?"]) };
  }
  if (variant === "parameters") {
    return { system, user: d.pick([`Draft the steps to set the clamping pressure of ${asset} back to ${d.int(60, 95)} bar after the seal change.`, `Write the instruction to adjust the spindle speed of ${asset} to ${d.int(8, 16) * 500} rpm for the new gear batch.`, `Arbeitsanweisung bitte: Kühlmitteltemperatur an ${asset} auf ${d.int(18, 24)} °C einstellen.`]) };
  }
  if (variant === "person") {
    return { system, user: `Shift lead ${d.pick(["Maria Santos", "Thomas Becker", "Anna Schmidt"])} asks: draft the handover note for ${asset}, which stopped twice on the late shift.` };
  }
  return {
    system,
    user: d.pick([
      `Draft the work instruction to replace the coolant filter on ${asset}.`,
      `How do we change the gripper jaws on ${asset}?`,
      `Steps to clear a jam at ${asset} before restart.`,
      `Bitte eine Arbeitsanweisung für den Wechsel der Spannbacken an ${asset}.`,
      `Draft the checklist for the weekly lubrication round at ${asset}.`,
    ]),
  };
}

/** What the office notebook asked with the copied copilot token: line 3's work instructions. */
export function exfiltrationRequest(d: Draws): ChatPrompt {
  return {
    system: "You are ShopFloor Assist, the work-instruction copilot on the hall 2 shift lead terminal. Draft short numbered work instructions; safety steps first.",
    user: d.pick([`Give me the current work instruction for station AUG-ASM-0${d.int(1, 9)} on line 3.`, `List every step of the changeover procedure for AUG-CNC-0${d.int(1, 9)}.`, `Export the instruction for AUG-ROB-0${d.int(1, 4)} as plain text.`]),
  };
}

const customers = ["ZF Friedrichshafen", "Schaeffler", "Bosch Rexroth"];

/** MES Planner's schedule explanations: part numbers, sometimes a key account (CONFIDENTIAL), rarely the alloy (RESTRICTED, blocked). */
export function scheduleExplanation(d: Draws, variant: "plain" | "customer" | "alloy"): ChatPrompt {
  const order = d.int(4100, 4999);
  let user = `Explain why order ${order} (${d.int(2, 24) * 50} gear housings, part number ${d.int(100, 999)}-${d.int(1000, 9999)}) was moved behind order ${order + d.int(1, 9)} on line ${d.int(1, 4)} in tonight's schedule.`;
  if (variant === "customer") user += ` The order is for ${d.pick(customers)} and due on Friday.`;
  if (variant === "alloy") user += ` The housings need the AlSi9Cu3 melt from Aveiro.`;
  return { system: "You explain MES Planner schedules to planners and shift leads in at most three sentences.", user };
}

// --- Aveiro ----------------------------------------------------------------------------

const furnaces = ["FUR-01", "FUR-02", "FUR-03"];

/** The refractory wear model: furnace tags and temperatures (CONFIDENTIAL); a pasted key is blocked. */
export function refractoryForecast(d: Draws, variant: "plain" | "portuguese" | "network" | "secret"): ChatPrompt {
  const furnace = d.pick(furnaces);
  const system = "You are MaintainIQ's refractory wear model for the Aveiro melting furnaces. Forecast the remaining lining life and say when to plan the relining.";
  let user =
    variant === "portuguese"
      ? `Forno ${furnace}: temperatura da carcaça ${d.int(180, 340)} °C no ponto quente, ${d.int(120, 900)} vazamentos desde o último revestimento. Qual é a vida restante do revestimento?`
      : `Furnace ${furnace}: shell temperature ${d.int(180, 340)} °C at the hot spot, lining wear ${decimal(d, 1, 6)} mm this week, ${d.int(120, 900)} heats since relining. Forecast the remaining lining life.`;
  if (variant === "network") user += ` Readings from the furnace gateway at 10.130.2.40.`;
  if (variant === "secret") user += ` Historian API: api_key=hx_live_4f8a9c2e7b1d55aa90 if you need more data.`;
  return { system, user };
}

const aveiroAssets = ["AVR-PMP-03", "AVR-FAN-11", "AVR-CRN-02", "FUR-01", "FUR-02", "AVR-SND-05"];

/** The Aveiro maintenance copilot (INTERNAL conduit), in Portuguese or English. */
export function maintenanceInstruction(d: Draws, variant: "plain" | "parameters" | "person"): ChatPrompt {
  const asset = d.pick(aveiroAssets);
  const system = "És o ShopFloor Assist da fundição de Aveiro. Escreve instruções de manutenção curtas e numeradas, em português ou inglês, segurança primeiro.";
  if (variant === "parameters") {
    return { system, user: d.pick([`Instrução para ajustar a pressão do circuito hidráulico de ${asset} para ${d.int(90, 160)} bar.`, `Draft the steps to set the burner air flow of ${asset} to ${d.int(300, 900)} m³/h after the service.`]) };
  }
  if (variant === "person") {
    return { system, user: `O técnico ${d.pick(["João Ferreira", "Ana Costa", "Pedro Almeida"])} pede: instrução de substituição do rolamento de ${asset}.` };
  }
  return {
    system,
    user: d.pick([`Instrução de trabalho para substituir o filtro de ${asset}.`, `Passos para a inspeção semanal de ${asset}.`, `Draft the lockout procedure for ${asset} before the belt change.`, `Como substituir as escovas do motor de ${asset}?`]),
  };
}

/** A camera frame: a few kilobytes that start like a JPEG (the proxy sniffs them as an image). */
export function cameraFrame(d: Draws): Uint8Array {
  const frame = new Uint8Array(randomBytes(d.int(3, 8) * 1024));
  frame.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00], 0);
  frame.set([0xff, 0xd9], frame.length - 2);
  return frame;
}
