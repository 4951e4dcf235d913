// Personal data (GDPR): e-mail addresses, phone numbers, IBANs, badge and employee ids,
// and person names. Names are only recognised after an honorific (Herr, Sra., Mr.) or as
// a known first name followed by a capitalised surname: "operator" or "Werker" followed
// by a capitalised word is too often "Operator Panel" or "Werker Montage" to count.
import { firstMatch, isWordCode, runStart } from "@/proxy/classify/detectors/text";
import { firstNames } from "@/proxy/classify/detectors/first-names";
import type { Detector, SpanSink } from "@/proxy/classify/detectors/sink";

const ibanLengths: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21,
  MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

const ibanStart = /\b[A-Z]{2}\d{2}(?= ?[A-Z0-9]{4})/g;

// "+49 821 555 0193", "+351 234 567 890", "+49 (0) 821 5550-193".
const internationalPhone = /(?<![\w+])\+\d{1,3}(?:[ \-/]?\(0\))?(?:[ \-/]?\d){6,13}(?!\d)/g;

// A national number needs a cue: "Tel. 0821 555-2317", "Contacto: 912 345 678", "Durchwahl 2317".
const cuedPhone =
  /\b(tel(?:efon|efone|ephone)?|phone|mobile?|mobil|handy|cell|fax|durchwahl|nebenstelle|telem[óo]vel|contacto|contact|call|ring|ligar para|ext|extension)\b\.?[^\n\d+]{0,24}?(\(?\d[\d \-/()]{2,18}\d)/gi;
const extensionCues = new Set(["durchwahl", "nebenstelle", "ext", "extension"]);
// Without a cue, a German number shows itself by its area code and a hyphenated
// extension or a second group: "0731 123-4567", "0821 555 0193".
const nationalPhone = /(?<![\w.,+/-])0\d{2,4}[ /]\d{2,8}[ -]\d{2,5}(?![\w]|[.,:]\d)/g;
const dateLike = /^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$/;

// Most prompts name no badge; the cheap cue check spares them the full pattern.
const badgeCue = /employee|staff|personnel|worker|personal|mitarbeiter|badge|ausweis|crachá|mecanográfico|funcionário/i;
const badgeId =
  /\b(?:(?:employee|staff|personnel|worker)[-\s]?(?:id|no\.?|nr\.?|number|#)|personal(?:nummer|[-\s]?nr\.?)|mitarbeiter(?:nummer|[-\s]?(?:nr\.?|id))|(?:badge|werksausweis|dienstausweis|ausweis|crachá)(?:[-\s]?(?:id|no\.?|nr\.?|number|nummer|n\.?º|#))?|(?:n\.?\s?º\s*|número\s+)?mecanográfico|número\s+de\s+funcionário)\s*(?:is|ist|é|[:#=-])?\s*((?:[A-Z]{1,3}-?)?\d{4,10})(?![\w])/gi;

// Latin letters with the accents of German and Portuguese names.
const upper = "A-ZÀ-ÖØ-Þ";
const lower = "a-zß-öø-ÿ";
const nameWord = `[${upper}][${lower}]+(?:-[${upper}][${lower}]+)?`;
const particle = String.raw`(?:(?:da|de|do|dos|das|von|van|der|zu|di)\s+)`;
const honorificName = new RegExp(
  String.raw`\b(?:(?:Herrn?|Frau|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.|Prof\.|Sr\.|Sra\.|Dona|Eng\.ª?|Engª)\s+)+(${nameWord}(?:\s+${particle}?${nameWord}){0,2})`,
  "g",
);
// A known first name followed by a capitalised surname; the surname is a lookahead so
// that "Dear Maria Santos" still finds "Maria Santos" after rejecting "Dear".
const givenName = new RegExp(String.raw`(?<![${upper}${lower}])([${upper}][${lower}]+)(?=\s+(${particle}?${nameWord}(?:\s+${particle}?${nameWord})?))`, "g");
// Capitalised words that follow a first name without being a surname.
const notSurnames = new Set(["The", "And", "Und", "Der", "Die", "Das", "From", "Von", "Team", "Line", "Linie", "Shift", "Schicht"]);

/** Letters, digits and . _ % + - */
function isLocalPartCode(code: number): boolean {
  return isWordCode(code) || code === 46 || code === 37 || code === 43 || code === 45;
}

/** Letters, digits, . and - */
function isDomainCode(code: number): boolean {
  return (isWordCode(code) && code !== 95) || code === 46 || code === 45;
}

// Scanned by hand around each "@": a regex would retry the local part at every position.
function findEmails(text: string, sink: SpanSink): void {
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let start = runStart({ text, index: at, limit: 64, accept: isLocalPartCode });
    while (start < at && text[start] === ".") start++;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && isDomainCode(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text[end - 1] === "." || text[end - 1] === "-")) end--;
    // "https://user@host": a user name in a URL, not a mailbox.
    if (start === at || (start > 0 && text[start - 1] === "/")) continue;
    // "git@github.com:plant/mes.git" is an SSH remote, not a mailbox.
    if (text[end] === ":" && /\S/.test(text[end + 1] ?? " ")) continue;
    const domain = text.slice(at + 1, end);
    if (/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/.test(domain)) sink.claim({ label: "personal_data", start, end });
  }
}

/** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function isValidIban(iban: string): boolean {
  const length = ibanLengths[iban.slice(0, 2)];
  if (length === undefined || iban.length !== length || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder === 1;
}

function findIbans(text: string, sink: SpanSink): void {
  for (let m = firstMatch(ibanStart, text); m; m = ibanStart.exec(text)) {
    const length = ibanLengths[m[0].slice(0, 2)];
    if (length === undefined) continue;
    // Read exactly the country's length of characters, allowing single spaces between them.
    let compact = "";
    let end = m.index;
    while (end < text.length && compact.length < length) {
      const char = text[end] ?? "";
      if (/[A-Z0-9]/.test(char)) compact += char;
      else if (!(char === " " && /[A-Z0-9]/.test(text[end + 1] ?? ""))) break;
      end++;
    }
    if (/[A-Za-z0-9]/.test(text[end] ?? "")) continue;
    if (isValidIban(compact)) sink.claim({ label: "personal_data", start: m.index, end });
  }
}

function digitCount(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) count++;
  return count;
}

function findPhones(text: string, sink: SpanSink): void {
  if (text.includes("+")) {
    for (let m = firstMatch(internationalPhone, text); m; m = internationalPhone.exec(text)) {
      const digits = digitCount(m[0]);
      if (digits >= 8 && digits <= 15) sink.claim({ label: "personal_data", start: m.index, end: m.index + m[0].length });
    }
  }
  for (let m = firstMatch(nationalPhone, text); m; m = nationalPhone.exec(text)) {
    const digits = digitCount(m[0]);
    if (digits >= 9 && digits <= 13) sink.claim({ label: "personal_data", start: m.index, end: m.index + m[0].length });
  }
  for (let m = firstMatch(cuedPhone, text); m; m = cuedPhone.exec(text)) {
    const number = (m[2] ?? "").trimEnd();
    const digits = digitCount(number);
    const minimum = extensionCues.has((m[1] ?? "").toLowerCase()) ? 3 : 6;
    if (digits < minimum || digits > 15 || dateLike.test(number)) continue;
    const start = m.index + m[0].length - (m[2] ?? "").length;
    sink.claim({ label: "personal_data", start, end: start + number.length });
  }
}

function findBadgeIds(text: string, sink: SpanSink): void {
  if (!badgeCue.test(text)) return;
  for (let m = firstMatch(badgeId, text); m; m = badgeId.exec(text)) {
    const id = m[1] ?? "";
    const start = m.index + m[0].length - id.length;
    sink.claim({ label: "personal_data", start, end: start + id.length });
  }
}

function findNames(text: string, sink: SpanSink): void {
  for (let m = firstMatch(honorificName, text); m; m = honorificName.exec(text)) {
    const name = m[1] ?? "";
    const start = m.index + m[0].length - name.length;
    sink.claim({ label: "personal_data", start, end: start + name.length });
  }
  for (let m = firstMatch(givenName, text); m; m = givenName.exec(text)) {
    const surname = m[2] ?? "";
    if (!firstNames.has(m[1] ?? "") || notSurnames.has(surname.split(/\s+/)[0] ?? "")) continue;
    const end = text.indexOf(surname, m.index + m[0].length) + surname.length;
    if (sink.claim({ label: "personal_data", start: m.index, end })) givenName.lastIndex = end;
  }
}

export const findPersonalData: Detector = ({ text, sink }) => {
  findEmails(text, sink);
  findIbans(text, sink);
  findPhones(text, sink);
  findBadgeIds(text, sink);
  findNames(text, sink);
};
