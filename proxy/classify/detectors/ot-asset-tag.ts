// OT asset and tag identifiers: ISA-5.1 instrument and equipment tags (FIC-101,
// TT-4711A, P-101), plant asset ids (AUG-CNC-07), PLC addresses (S7 DB10.DBX4.1,
// IEC 61131-3 %MW100), Modbus register references, OPC UA node ids and historian tag
// paths. Standards, model numbers and units that share the letters-digits shape
// (ISO-9001, RS-485, PT100, KTP700) are excluded by name.
import { firstMatch, isWordCode, runStart } from "@/proxy/classify/detectors/text";
import type { Detector, SpanSink } from "@/proxy/classify/detectors/sink";

// Letter groups that, in front of digits, name a standard, a product family, a unit or a ticket rather than an asset.
const notTagLetters = new Set(
  `ISO IEC EN DIN RFC CVE CWE ISA NIS GPT SHA AES RSA TLS SSL UTF RS RJ IP KW CW FY PN DN SN CE UL VDE VDI ASME ANSI API
  NFPA NE SIL PL SL CAT USB DDR EUR USD CHF GBP BRL COVID HTTP HTTPS TCP UDP PM ATEX IEEE ETSI NAMUR ID NR NO PO SO WO INC
  CHG REQ SAP CPU GPU RAM ROM MB GB KB TB ISBN DB FB FC OB MW MD IPC KTP TP MP CP IM SM CM CU ET AISI ST EAN GTIN LOT
  BATCH ART REF DWG DRG ZNR MAT NIST CIS OWASP GDPR DSGVO UN EU AG GMBH SA LDA IFRS VAT CO`.split(/\s+/),
);
// Resistance thermometer types look exactly like pressure transmitter tags.
const notTags = new Set(["PT100", "PT500", "PT1000", "NI100", "NI1000"]);

const isaTag = /\b(?:\d{1,3}-)?([A-Z]{1,4})(-?)(\d{2,5})[A-Z]{0,2}(?![\w]|[-/.]\d)/g;
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

function findTags(text: string, sink: SpanSink): void {
  for (let m = firstMatch(plantAssetId, text); m; m = plantAssetId.exec(text)) {
    if (!notTagLetters.has(m[1] ?? "") && /\d/.test(m[0])) claimTag(sink, m.index, m[0]);
  }
  for (let m = firstMatch(isaTag, text); m; m = isaTag.exec(text)) {
    const before = text.charCodeAt(m.index - 1);
    if (before === 46 || before === 37 || before === 45) continue; // . % -
    const letters = m[1] ?? "";
    const hyphen = m[2] ?? "";
    const digits = m[3] ?? "";
    if (notTagLetters.has(letters) || notTags.has(letters + digits)) continue;
    // "FIC101" needs two letters and three digits; a one-letter equipment tag needs its
    // hyphen ("P-101", "P-04") so that fault codes like F0002 stay out.
    if (!hyphen && (letters.length < 2 || digits.length < 3)) continue;
    if (letters.length === 1 && (!hyphen || (digits.length < 3 && !digits.startsWith("0")))) continue;
    claimTag(sink, m.index, m[0]);
  }
}

export const findOtAssetTags: Detector = ({ text, sink }) => {
  findIdentifiersByName(text, sink);
  findPlcAddresses(text, sink);
  findModbusRegisters(text, sink);
  findTags(text, sink);
};
