// Inputs for the timing script and the tests: chat prompts of a given size, shaped like
// the maintenance copilot's traffic, and inputs built to make regular expressions
// backtrack.

const systemPrompt = `You are the maintenance copilot of the Augsburg gearbox plant. Answer shift leads and
maintenance technicians in the language they write in (English, German or Portuguese).
Be concise: at most eight sentences or a numbered list of at most ten steps. Never
invent readings; if a value is missing, ask for it. Name the checks in the order a
technician would do them on the shop floor, safest first, and say when a lockout is
needed before touching the equipment. When a question concerns safety functions,
burners, presses or robots, remind the user that the plant's safety rules and the
machine's operating manual take precedence over your answer. Do not give advice on
bypassing interlocks. Use SI units. If the user pastes logs or exports, summarise the
pattern before suggesting causes, and quote at most three lines of the original.
`;

const userTurns = [
  "Pump P-101 on line 3 trips on high vibration after about 40 minutes. Bearing temperature climbs to 78 °C before the trip.",
  "The historian shows FIC-101 oscillating around its setpoint of 12.5 m³/h since the valve FV-101 was repacked on Tuesday.",
  "Operator Maria Santos says the noise started after the night shift changed the coupling. She tried the usual checks first.",
  "Which of these checks would you do first, and do we need to stop the line for any of them? We produce 2,400 housings a day.",
  "Die Pumpe P-2203 läuft mit 1450 U/min, der Förderdruck ist von 4,5 bar auf 3,1 bar gefallen. Was soll der Werker prüfen?",
  "The edge gateway at 10.20.30.41 forwards the data; the dashboard is on the usual server. Nothing else changed this week.",
];

const logLine = (i: number) =>
  `2025-03-0${(i % 9) + 1}T0${i % 10}:${String(i % 60).padStart(2, "0")}:00Z TIC-${200 + (i % 7)}.PV=${(180 + (i % 11) / 10).toFixed(1)} alarm=${i % 13 === 0 ? "HI" : "none"} note="${i % 5 === 0 ? "operator acknowledged, vibration 4.2 mm/s" : "steady"}"\n`;

/**
 * A copilot prompt of `characters` characters: the system prompt and user turns, and
 * beyond 2,000 characters either more turns (a long conversation) or a pasted
 * historian export (dense with tags, numbers and timestamps).
 */
export function chatPrompt(options: { characters: number; rest?: "conversation" | "historian_export" }): string {
  let text = systemPrompt;
  const conversation = options.rest === "conversation" ? options.characters : Math.min(options.characters, 2000);
  for (let i = 0; text.length < conversation; i++) text += `${userTurns[i % userTurns.length]} `;
  for (let i = 0; text.length < options.characters; i++) text += logLine(i);
  return text.slice(0, options.characters);
}

/** Inputs of `characters` characters that make naive patterns backtrack or rescan. */
export function pathologicalInputs(options: { characters: number }): Record<string, string> {
  const fill = (unit: string) => unit.repeat(Math.ceil(options.characters / unit.length)).slice(0, options.characters);
  return {
    "one long word": fill("a"),
    "dotted digits": fill("1."),
    "digits and spaces": fill("1 "),
    "hyphenated capitals": fill("A-1"),
    "tag-like chain": fill("FIC-101-"),
    "unterminated key blocks": fill("-----BEGIN PRIVATE KEY-----"),
    "at signs": fill("a@a."),
    "token prefixes": fill("eyJ-"),
    "password keys": fill("password="),
    "colons and hex": fill("1:a:"),
    "dotted labels": fill("a.b-"),
    "capitalised words": fill("Maria "),
    "numbered steps": fill("1. 2. "),
    "units without numbers": fill("°C bar "),
    "url schemes": fill("http://a:"),
    "whitespace": fill(" \n\t"),
    "recipe steps": fill("cure 2 h at 80 °C, "),
    "verb-last steps": fill("2 h bei 80 °C 4 h "),
    "named recipe steps": fill("step 4 of recipe RX-55 "),
    "mix ratios": fill("mix 1:2:"),
    "first then": fill("To do: first then "),
    "short tags": fill("pump P-1 "),
  };
}
