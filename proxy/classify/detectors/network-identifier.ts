// Network identifiers: IPv4 and IPv6 addresses (with their prefix length), MAC addresses
// and internal host names. Public host names (api.openai.com) identify nothing about the
// plant and are not counted; loopback, unspecified addresses and subnet masks neither.
import { firstMatch, isWordCode, runStart } from "@/proxy/classify/detectors/text";
import type { Detector, SpanSink } from "@/proxy/classify/detectors/sink";

const ipv4 = /(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/\d{1,2}(?!\d))?(?![\w]|\.\d)/g;
// A dotted quad after these words is a version or a chapter, not an address.
const versionCue = /(?:\b(?:v|ver|version|versão|firmware|fw|release|build|rev|revision|stand|kapitel|chapter|section|secção|clause|abschnitt)\.?\s*|§\s*)$/i;
const maskOctets = new Set([0, 128, 192, 224, 240, 248, 252, 254, 255]);

const ipv6Suffix = /^(?:%[\w.-]{1,16})?(?:\/\d{1,3}(?!\d))?/;

const mac = /\b[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![\w:-])/g;
// Cisco's "0011.22aa.bbcc", found by its middle group.
const ciscoMacMiddle = /\.[0-9A-Fa-f]{4}\./g;

// Host names under suffixes that only exist inside an organisation's network, found by
// the suffix and read backwards (a pattern starting at every letter would be slow).
const internalSuffix = /\.(?:local|lan|internal|intranet|intra|corp|localdomain|home\.arpa)(?![\w-]|\.[A-Za-z0-9])/gi;
const hostLabels = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+$/;
const urlAuthority = /\b[a-z][a-z0-9+.-]{1,15}:\/\/([^\s/?#"'<>]{1,255})/g;
const uncHost = /(?<![\w\\])\\\\([A-Za-z0-9][A-Za-z0-9_-]{0,62})\\/g;
// "Server=hist01;" in a connection string, "host": "plc-07" in tool arguments. After a
// colon the value must look like a host name ("server: timeout" is prose).
const configuredHost = /\b(?:server|data source|host(?:name)?)["']?\s*([:=])\s*["']?([A-Za-z][A-Za-z0-9_-]{1,62})(?![\w.-])/gi;
const notHostNames = new Set(["localhost", "127", "example", "true", "false", "null", "none"]);

function isVersionContext(text: string, index: number): boolean {
  return versionCue.test(text.slice(Math.max(0, index - 12), index));
}

/** Loopback, the unspecified address and subnet masks name no device. */
function isIgnoredIpv4(a: number, b: number, c: number, d: number): boolean {
  if (a === 127 || (a === 0 && b === 0 && c === 0 && d === 0)) return true;
  return a === 255 && maskOctets.has(b) && maskOctets.has(c) && maskOctets.has(d);
}

function findIpv4(text: string, sink: SpanSink): void {
  for (let m = firstMatch(ipv4, text); m; m = ipv4.exec(text)) {
    const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    if (a > 255 || b > 255 || c > 255 || d > 255 || isIgnoredIpv4(a, b, c, d) || isVersionContext(text, m.index)) continue;
    sink.claim({ label: "network_identifier", start: m.index, end: m.index + m[0].length });
  }
}

/** RFC 4291 text forms, including "::" compression and a trailing dotted quad. */
export function isIpv6(candidate: string): boolean {
  const address = candidate.replace(/%.*$/, "").replace(/\/\d+$/, "");
  const halves = address.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === "" ? [] : half.split(":")));
  let count = groups.length;
  const last = groups[groups.length - 1];
  if (last?.includes(".")) {
    if (!/^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(last)) return false;
    groups.pop();
    count++;
  }
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

function isHostCode(code: number): boolean {
  return (isWordCode(code) && code !== 95) || code === 45 || code === 46;
}

function isIpv6RunChar(code: number): boolean {
  return (code >= 48 && code <= 58) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102) || code === 46;
}

// Read around each colon: the run of hex digits, colons and dots that holds it.
function findIpv6(text: string, sink: SpanSink): void {
  let scannedTo = 0;
  for (let colon = text.indexOf(":"); colon !== -1; colon = text.indexOf(":", Math.max(colon + 1, scannedTo))) {
    const start = runStart({ text, index: colon, limit: 64, accept: isIpv6RunChar });
    let end = colon + 1;
    while (end < text.length && isIpv6RunChar(text.charCodeAt(end))) end++;
    scannedTo = end;
    // Every IPv6 address has two colons at least ("::1"): a time of day ("06:00") has one.
    const second = text.indexOf(":", colon + 1);
    if (second === -1 || second >= end) continue;
    if (isWordCode(text.charCodeAt(start - 1)) || text[start - 1] === "%") continue;
    let candidate = text.slice(start, end);
    while (/[.:]$/.test(candidate) && !candidate.endsWith("::")) candidate = candidate.slice(0, -1);
    if (!isIpv6(candidate)) continue;
    const groups = candidate.split(/:+/).filter(Boolean);
    // "::1" is loopback; "12:30::" is more likely a time than an address.
    if (groups.length < 3 && !groups.some((g) => g.length >= 3)) continue;
    const suffix = ipv6Suffix.exec(text.slice(start + candidate.length, start + candidate.length + 24))?.[0] ?? "";
    sink.claim({ label: "network_identifier", start, end: start + candidate.length + suffix.length });
  }
}

function findMacs(text: string, sink: SpanSink): void {
  for (let m = firstMatch(mac, text); m; m = mac.exec(text)) {
    // "12-34-56-78-90-12" without a hex letter is more likely a number than a MAC.
    if (/[:-]/.test(text[m.index - 1] ?? "") || (m[1] === "-" && !/[A-Fa-f]/.test(m[0]))) continue;
    sink.claim({ label: "network_identifier", start: m.index, end: m.index + m[0].length });
  }
  for (let m = firstMatch(ciscoMacMiddle, text); m; m = ciscoMacMiddle.exec(text)) {
    const start = m.index - 4;
    const address = text.slice(start, m.index + 10);
    const isolated = !/[\w.]/.test(text[start - 1] ?? " ") && !/[\w.]/.test(text[start + 14] ?? " ");
    if (isolated && /^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/.test(address) && /[A-Fa-f]/.test(address)) {
      sink.claim({ label: "network_identifier", start, end: start + 14 });
    }
  }
}

function claimHost(host: string, start: number, sink: SpanSink): void {
  if (notHostNames.has(host.toLowerCase()) || /^\d+$/.test(host)) return;
  sink.claim({ label: "network_identifier", start, end: start + host.length });
}

function findHostNames(text: string, sink: SpanSink): void {
  for (let m = firstMatch(internalSuffix, text); m; m = internalSuffix.exec(text)) {
    let start = runStart({ text, index: m.index, limit: 253, accept: isHostCode });
    while (start < m.index && !isWordCode(text.charCodeAt(start))) start++;
    if (hostLabels.test(text.slice(start, m.index + 1))) sink.claim({ label: "network_identifier", start, end: m.index + m[0].length });
  }
  // A URL or UNC host without a dot can only be resolved inside the plant's network.
  if (text.includes("://")) {
    for (let m = firstMatch(urlAuthority, text); m; m = urlAuthority.exec(text)) {
      // The host follows the last "@" (credentials) and precedes the port.
      const authority = m[1] ?? "";
      const hostStart = authority.lastIndexOf("@") + 1;
      const host = /^[A-Za-z0-9_-]{1,63}(?=:\d*$|$)/.exec(authority.slice(hostStart))?.[0];
      if (host) claimHost(host, m.index + m[0].length - authority.length + hostStart, sink);
    }
  }
  if (text.includes("\\\\")) for (let m = firstMatch(uncHost, text); m; m = uncHost.exec(text)) claimHost(m[1] ?? "", m.index + 2, sink);
  for (let m = firstMatch(configuredHost, text); m; m = configuredHost.exec(text)) {
    const host = m[2] ?? "";
    if (m[1] === "=" || /[\d_-]/.test(host)) claimHost(host, m.index + m[0].length - host.length, sink);
  }
}

export const findNetworkIdentifiers: Detector = ({ text, sink }) => {
  findMacs(text, sink);
  findIpv4(text, sink);
  findIpv6(text, sink);
  findHostNames(text, sink);
};
