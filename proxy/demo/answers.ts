// What the demo provider says: short, canned answers that fit the plant workload a prompt
// comes from (a maintenance forecast, an anomaly triage, a work instruction, a schedule
// explanation, an inspection verdict), with the asset named in the prompt filled in and
// figures drawn from the prompt's hash, so the same prompt always gets the same answer.
// Nothing here is a model: it only has to look plausible in a demo and its records.

export type Topic = "maintenance" | "anomaly" | "instruction" | "schedule" | "general";

/** Every string in a request body, except the protocol's own keys: what a model would read. */
export function promptText(json: unknown): string {
  const texts: string[] = [];
  const visit = (value: unknown, key: string | null) => {
    if (typeof value === "string") {
      if (key === null || !protocolKeys.has(key)) texts.push(value);
    } else if (Array.isArray(value)) value.forEach((item) => visit(item, key));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(json, null);
  return texts.join("\n");
}

const protocolKeys = new Set(["model", "role", "type", "encoding_format", "mimeType", "media_type", "detail", "id", "tool_choice", "reasoning_effort"]);

// Checked in this order: a schedule request mentions orders and lines, an instruction
// request often names the alarm it is about, and so on.
const topicWords: [Topic, RegExp][] = [
  ["schedule", /schedul|\border\b|sequence|changeover|shift plan|due date|reihenfolge|planung/i],
  ["instruction", /instruction|step|procedure|how (do|should) (i|we)|replace|lockout|arbeitsanweisung|anleitung|instru[cç][aã]o|passos|procedimento/i],
  ["anomaly", /anomal|alarm|deviation|triage|spike|drift|oscillat|outlier|abweichung/i],
  ["maintenance", /forecast|remaining useful life|\brul\b|wear|maintenance|bearing|refractory|vibration|lining|verschlei|desgaste|manuten/i],
];

export function topicOf(text: string): Topic {
  return topicWords.find(([, pattern]) => pattern.test(text))?.[0] ?? "general";
}

/** A 32-bit FNV-1a hash: the source of every figure in an answer. */
function hashOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Draws numbers from a hash: each call the next, always the same sequence for one prompt. */
function draws(seed: number) {
  let state = seed || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

// An asset tag (P-101, TT-4711, AUG-CNC-07, FUR-02) or an order number, if the prompt has one.
const assetPattern = /\b(?:[A-Z]{2,4}-[A-Z]{2,4}-\d{1,3}|[A-Z]{1,4}-\d{2,5}[A-Z]?)\b/;
const orderPattern = /\b(?:order|Auftrag|ordem)\s+#?(\d{3,7})\b/i;

function language(text: string): "en" | "de" | "pt" {
  if (/[ãõç]|\b(manutenção|máquina|substituir|passos|forno|turno)\b/i.test(text)) return "pt";
  if (/[äöüß]|\b(Arbeitsanweisung|Maschine|Schicht|bitte|wechseln)\b/i.test(text)) return "de";
  return "en";
}

/** The answer to a chat-style prompt, in the prompt's language where it matters (instructions). */
export function answerText(text: string): string {
  const d = draws(hashOf(text));
  const asset = assetPattern.exec(text)?.[0] ?? "the machine";
  switch (topicOf(text)) {
    case "maintenance": {
      const days = d.int(9, 60);
      const trend = (d.int(2, 9) / 10).toFixed(1);
      return d.chance(0.7)
        ? `Remaining useful life of ${asset}: about ${days} days (80 % interval ${days - d.int(3, 6)} to ${days + d.int(5, 12)} days). ` +
            `The vibration trend rose ${trend} mm/s over the last seven days, consistent with early bearing wear. ` +
            `Recommendation: inspect the bearing and lubrication at the next planned stop; no immediate stop is needed.`
        : `No significant degradation on ${asset}: the indicators stay within their baseline band. ` +
            `Forecast remaining useful life above ${days + 60} days. Next review in seven days, or earlier if the alarm level is reached.`;
    }
    case "anomaly": {
      const verdict = d.pick(["a sensor fault", "a process upset", "an expected transient"] as const);
      const action = {
        "a sensor fault": "check the transmitter's wiring and calibration; the neighbouring sensors do not show the change",
        "a process upset": "inform the shift lead and watch the next 30 minutes; the change is consistent across related sensors",
        "an expected transient": "no action needed; acknowledge the alarm and keep the trend under observation",
      }[verdict];
      return `Triage for ${asset}: most likely ${verdict} (confidence ${d.int(62, 93)} %). Suggested action: ${action}.`;
    }
    case "instruction":
      return instruction({ asset, lang: language(text), minutes: d.int(15, 45) });
    case "schedule": {
      const order = orderPattern.exec(text)?.[1] ?? String(d.int(4100, 4999));
      const line = d.int(1, 4);
      return (
        `Order ${order} moved ${d.pick(["behind", "ahead of"])} the neighbouring order on line ${line} to keep the changeover at ${d.int(18, 40)} minutes. ` +
        `All due dates this week are met; one order slips by ${d.int(1, 6)} hours within its buffer. ` +
        `Alternative: keep the original sequence and accept a second changeover (+${d.int(25, 55)} minutes).`
      );
    }
    case "general":
      return `Noted. Based on the information given, ${asset} needs no immediate action; send readings or the alarm text for a more specific answer.`;
  }
}

function instruction(options: { asset: string; lang: "en" | "de" | "pt"; minutes: number }): string {
  const { asset, lang, minutes } = options;
  if (lang === "de") {
    return (
      `Arbeitsanweisung (Entwurf) für ${asset}:\n1. Maschine stoppen, am Hauptschalter freischalten und gegen Wiedereinschalten sichern.\n` +
      `2. Spannungsfreiheit prüfen und Restenergie abbauen.\n3. Bauteil tauschen, Dichtflächen reinigen, Anzugsmomente laut Handbuch.\n` +
      `4. Sicherung entfernen, Probelauf, Ergebnis im Schichtbuch eintragen.\nDauer etwa ${minutes} Minuten. Vor Gebrauch mit dem Maschinenhandbuch abgleichen.`
    );
  }
  if (lang === "pt") {
    return (
      `Instrução de trabalho (rascunho) para ${asset}:\n1. Parar a máquina e aplicar o bloqueio e etiquetagem no seccionador principal.\n` +
      `2. Verificar a ausência de tensão e libertar energia residual.\n3. Substituir o componente e apertar segundo o manual.\n` +
      `4. Retirar o bloqueio, fazer um ciclo de teste e registar no livro de turno.\nDuração cerca de ${minutes} minutos. Confirmar com o manual da máquina antes de usar.`
    );
  }
  return (
    `Work instruction (draft) for ${asset}:\n1. Stop the machine, apply lockout/tagout at the main isolator.\n` +
    `2. Verify zero energy and release stored pressure.\n3. Replace the component; torque as the manual states.\n` +
    `4. Remove the lockout, run a test cycle and note the result in the shift log.\nAbout ${minutes} minutes. Check against the machine manual before use.`
  );
}

/** The text in stream deltas of about three words each, as a model streams it. */
export function deltasOf(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  const deltas: string[] = [];
  for (let i = 0; i < words.length; i += 3) deltas.push(words.slice(i, i + 3).join(""));
  return deltas;
}

/** Roughly what a tokenizer would count: four characters a token. */
export function tokensIn(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The inspection verdict for an image: mostly a pass, now and then a defect to look at. */
export function inspectionVerdict(image: Uint8Array): Record<string, unknown> {
  let seed = 2166136261;
  for (let i = 0; i < image.byteLength; i += Math.max(1, image.byteLength >> 8)) seed = Math.imul(seed ^ image[i]!, 16777619);
  const d = draws(seed >>> 0);
  const roll = d.int(1, 100);
  if (roll <= 92) return { verdict: "pass", confidence: d.int(950, 999) / 1000, defects: [] };
  const defect = { type: d.pick(["pitting", "burr", "scratch", "porosity", "grinding burn"]), x: d.int(40, 600), y: d.int(40, 440), sizeMm: d.int(3, 30) / 10 };
  return roll <= 97
    ? { verdict: "review", confidence: d.int(550, 800) / 1000, defects: [defect] }
    : { verdict: "reject", confidence: d.int(880, 990) / 1000, defects: [defect] };
}

/** An embedding that depends on the text: the same text always gets the same unit vector. */
export function embeddingOf(input: { index: number; text: string; dimensions: number }): number[] {
  const d = draws(hashOf(input.text));
  const vector = Array.from({ length: input.dimensions }, () => d.int(-1000, 1000) / 1000);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => Math.round((v / norm) * 1e6) / 1e6);
}
