// OT asset and tag identifiers: ISA-5.1 instrument and equipment tags (FIC-101,
// TT-4711A, P-101, P-12), plant asset ids (AUG-CNC-07), PLC addresses (S7 DB10.DBX4.1,
// IEC 61131-3 %MW100), Modbus register references, OPC UA node ids and historian tag
// paths. Standards, model numbers and units that share the letters-digits shape
// (ISO-9001, RS-485, PT100, KTP700) are excluded by name; the ids of recipes and
// procedures (recipe RX-55, WPS-114) and places (shelf B-12, Halle C-14) by the word
// before them.
import { firstMatch, isLetterCode, isWordCode, runStart } from "@/proxy/classify/detectors/text";
import type { Detector, SpanSink } from "@/proxy/classify/detectors/sink";

// Letter groups that, in front of digits, name a standard, a product family, a unit or a ticket rather than an asset.
const notTagLetters = new Set(
  `ISO IEC EN DIN RFC CVE CWE ISA NIS GPT SHA AES RSA TLS SSL UTF RS RJ IP KW CW FY PN DN SN CE UL VDE VDI ASME ANSI API
  NFPA NE SIL PL SL CAT USB DDR EUR USD CHF GBP BRL COVID HTTP HTTPS TCP UDP PM ATEX IEEE ETSI NAMUR ID NR NO PO SO WO INC
  CHG REQ SAP CPU GPU RAM ROM MB GB KB TB ISBN DB FB FC OB MW MD IPC KTP TP MP CP IM SM CM CU ET AISI ST EAN GTIN LOT
  BATCH ART REF DWG DRG ZNR MAT NIST CIS OWASP GDPR DSGVO UN EU AG GMBH SA LDA IFRS VAT CO WPS WPQR PQR SOP`.split(/\s+/),
);
// Resistance thermometer types look exactly like pressure transmitter tags; aircraft,
// fuels and summits look like one-letter equipment tags.
const notTags = new Set(["PT100", "PT500", "PT1000", "NI100", "NI1000", "F15", "F16", "F18", "F22", "F35", "B52", "C17", "E10", "E85", "G20"]);
// Without a hyphen these are switch families (SCALANCE XC208, XB005), not tags.
const notTagLettersWithoutHyphen = new Set(["XC", "XB", "XR", "XM", "XP"]);
// An identifier right after these words names a recipe, a procedure or a place, not
// equipment (plurals are read as their singular).
const notEquipmentWords = new Set(
  `recipe rezept rezeptur receita formulation formulierung formulação formulacao procedure procedimento verfahren program programme
  programm programa shelf rack bin row aisle bay room hall gate locker grade type class size vitamin regal fach lagerplatz halle raum
  gang tor sorte typ klasse größe güte prateleira estante sala corredor pavilhão armário classe tipo grau tamanho`.split(/\s+/),
);
// A short tag ("MX-4", "K-7") counts right after the name of the equipment it tags.
const equipmentWords = new Set(
  `pump valve motor compressor fan mixer agitator tank vessel reactor dryer drier filter blower press presse robot oven furnace kiln
  extruder conveyor boiler exchanger centrifuge mill pumpe pumpen ventil ventile motoren kompressor kompressoren verdichter lüfter
  ventilator ventilatoren gebläse mischer rührwerk rührwerke rührer behälter reaktor reaktoren trockner filtern pressen roboter ofen
  öfen kessel wärmetauscher zentrifuge zentrifugen mühle mühlen bomba válvula motores compressores ventilador ventiladores misturador
  misturadora agitador tanque reservatório reator secador filtro prensa robô forno extrusora transportador caldeira permutador
  centrífuga moinho`.split(/\s+/),
);

/** The word before `index` in lower case, over a "no." or "#" between them: "recipe no. 5" -> "recipe". */
function wordBefore(text: string, index: number): string {
  let end = index;
  while (end > 0 && index - end < 4 && text[end - 1] === " ") end--;
  const last = text[end - 1];
  if (last === "." || last === "#" || last === "º") {
    const number = /(?:^|\s)(?:no\.|nr\.|n\.º|#)$/i.exec(text.slice(Math.max(0, end - 5), end));
    if (number) end -= number[0].trimStart().length;
  }
  while (end > 0 && index - end < 12 && text[end - 1] === " ") end--;
  const start = runStart({ text, index: end, limit: 20, accept: isLetterCode });
  if (start > 0 && isLetterCode(text.charCodeAt(start - 1))) return "";
  return text.slice(start, end).toLowerCase();
}

/** The word or its singular ("pumps", "presses", "bombas") is in `words`. */
function isOneOf(words: ReadonlySet<string>, word: string): boolean {
  return words.has(word) || (word.endsWith("s") && (words.has(word.slice(0, -1)) || words.has(word.slice(0, -2))));
}

const isaTag = /\b(?:\d{1,3}-)?([A-Z]{1,4})(-?)(\d{1,5})[A-Z]{0,2}(?![\w]|[-/.]\d)/g;
const plantAssetId = /(?<![\w-])([A-Z]{2,5})(?:-[A-Z0-9]{1,6}){2,4}(?![\w-])/g;

const iecAddress = /(?<![\w%])(?:%[IQM][XBWDL]?\d{1,5}(?:\.\d{1,2})?|DB\d{1,5}\.DB[XBWD]\d{1,5}(?:\.[0-7])?|M[BWD]\d{2,5}|P[IQEA][BWD]\d{1,5})(?![\w]|\.\d)/g;
// Blocks and bit addresses (DB100, FC12, I0.0, M10.1) only count where the text is about a PLC.
const plcContext = /S7|SPS|PLC|TIA|STEP ?7|CLP|[Aa]ut[óo]mato|Baustein|Merker|[Bb]loco/;
const plcBlockOrBit = /(?<![\w.])(?:(?:DB|FB|FC|OB)\d{1,5}|[IQMEA]\d{1,4}\.[0-7])(?![\w]|\.\d)/g;

const modbusContext = /modbus|holding\s+register|input\s+register/i;
const modbusCued =
  /(?<![\w])(?:(?:holding|input)\s+)?(?:registers?|registos?|registros?|coils?|discrete\s+inputs?|HR|IR)\s*(?:#|no\.?|nr\.?|n\.?º|address|addr\.?)?\s*:?\s*(\d{1,6}(?:\s*(?:-|–|to|bis|até)\s*\d{1,6})?)(?![\w.,]?\d)/gi;
const modbusNumber = /(?<![\w.,])(?:[34]\d{4,5}(?:\s*(?:-|–|to|bis|até)\s*[34]\d{4,5})?|[0134]x\d{4,5})(?![\w]|[.,]\d)/g;

const opcUaNodeId = /(?<![\w])(?:ns=\d{1,5}|nsu=[^;\s]{1,200});[isgb]=[^\s,;"'<>)\]]{1,512}/g;
// Found by the suffix and read backwards: "AUG.L3.PR04.Hydraulic.Pressure.PV".
const historianSuffix = /\.(?:PV|SP|OP|OUT|MV|CV)(?![\w.])/g;

// Tool arguments name their identifiers: {"asset_id": "AUG-CNC-07", "tag": "PT-3002"}.
const jsonIdentifier = /"(?:asset_?id|assetId|equipment_?id|equipmentId|tag|tag_?name|tagName|node_?id|nodeId)"\s*:\s*"([^"\\]{1,128})"/g;
const cuedAssetId =
  /\b(?:asset|equipment|anlagen?|maschinen?|equipamento|ativo|máquina|machine|functional location|technischer platz)[-\s]?(?:id|no\.?|nr\.?|number|nummer|n\.?º|#)\s*[:#=]?\s*([A-Z0-9][A-Z0-9._/-]{2,30})/gi;

function isTagPathCode(code: number): boolean {
  return isWordCode(code) || code === 45 || code === 46;
}

/** Claims `value` found at `start`, without a trailing "." "-" or "/" that ends the sentence or the list. */
function claimTag(sink: SpanSink, start: number, value: string): void {
  let end = start + value.length;
  while (end > start && ".-/".includes(value[end - start - 1] ?? "")) end--;
  sink.claim({ label: "ot_asset_tag", start, end });
}

/** Claims the first group, which ends the match (or precedes its closing quote). */
function claimGroup(sink: SpanSink, m: RegExpExecArray): void {
  const value = m[1] ?? "";
  claimTag(sink, m.index + m[0].length - value.length - (m[0].endsWith('"') ? 1 : 0), value);
}

function findIdentifiersByName(text: string, sink: SpanSink): void {
  if (text.includes("ns")) for (let m = firstMatch(opcUaNodeId, text); m; m = opcUaNodeId.exec(text)) claimTag(sink, m.index, m[0]);
  for (let m = firstMatch(historianSuffix, text); m; m = historianSuffix.exec(text)) {
    const start = runStart({ text, index: m.index, limit: 200, accept: isTagPathCode });
    const path = text.slice(start, m.index);
    if (/^[A-Za-z][\w-]*(?:\.[\w-]+){2,}$/.test(path)) claimTag(sink, start, text.slice(start, m.index + m[0].length));
  }
  if (text.includes('"')) for (let m = firstMatch(jsonIdentifier, text); m; m = jsonIdentifier.exec(text)) claimGroup(sink, m);
  for (let m = firstMatch(cuedAssetId, text); m; m = cuedAssetId.exec(text)) {
    if (/\d.*\d/.test(m[1] ?? "")) claimGroup(sink, m);
  }
}

function findPlcAddresses(text: string, sink: SpanSink): void {
  for (let m = firstMatch(iecAddress, text); m; m = iecAddress.exec(text)) claimTag(sink, m.index, m[0]);
  if (plcContext.test(text)) for (let m = firstMatch(plcBlockOrBit, text); m; m = plcBlockOrBit.exec(text)) claimTag(sink, m.index, m[0]);
}

function findModbusRegisters(text: string, sink: SpanSink): void {
  if (!modbusContext.test(text)) return;
  for (let m = firstMatch(modbusCued, text); m; m = modbusCued.exec(text)) claimGroup(sink, m);
  for (let m = firstMatch(modbusNumber, text); m; m = modbusNumber.exec(text)) claimTag(sink, m.index, m[0]);
}

function namesNoEquipment(text: string, index: number): boolean {
  return isOneOf(notEquipmentWords, wordBefore(text, index));
}

function findTags(text: string, sink: SpanSink): void {
  for (let m = firstMatch(plantAssetId, text); m; m = plantAssetId.exec(text)) {
    if (!notTagLetters.has(m[1] ?? "") && /\d/.test(m[0]) && !namesNoEquipment(text, m.index)) claimTag(sink, m.index, m[0]);
  }
  for (let m = firstMatch(isaTag, text); m; m = isaTag.exec(text)) {
    const before = text.charCodeAt(m.index - 1);
    if (before === 46 || before === 37 || before === 45) continue; // . % -
    const letters = m[1] ?? "";
    const hyphen = m[2] ?? "";
    const digits = m[3] ?? "";
    if (notTagLetters.has(letters) || notTags.has(letters + digits)) continue;
    // "FIC101" needs two letters and three digits; a one-letter equipment tag needs its
    // hyphen ("P-101", "P-12") so that fault codes like F0002 stay out.
    if (!hyphen && (letters.length < 2 || digits.length < 3 || notTagLettersWithoutHyphen.has(letters))) continue;
    if (letters.length === 1 && !hyphen) continue;
    // One digit is too short to tell from "A-4" or "Q-1" without the equipment's name: "Mischer MX-4".
    if (digits.length === 1 && (!hyphen || !isOneOf(equipmentWords, wordBefore(text, m.index)))) continue;
    if (namesNoEquipment(text, m.index)) continue;
    claimTag(sink, m.index, m[0]);
  }
}

export const findOtAssetTags: Detector = ({ text, sink }) => {
  findIdentifiersByName(text, sink);
  findPlcAddresses(text, sink);
  findModbusRegisters(text, sink);
  findTags(text, sink);
};
