"use client";
// The offline pack verifier: an evidence pack (a ZIP), optionally a trusted keys file and
// the previous pack of the same scope, checked by lib/evidence/bundle/verify-bundle.ts in
// this browser (WebCrypto Ed25519, @noble/hashes SHA-256). The files are read slice by
// slice from disk; nothing is sent anywhere. The PDF's PAdES signature is the one check
// left to pdfsig or the command line (its CMS check needs pkijs): here evidence.pdf is held
// to the manifest's SHA-256, and its signature's byte range, message digest and
// certificate are read without claiming the signature itself.
import { useEffect, useId, useRef, useState, type DragEvent, type ReactNode } from "react";
import { count, formatBytes, wallText } from "@/components/evidence/pack-format";
import { fromBase64, sha256, sha256Stream, toHex } from "@/lib/evidence/bundle/encoding";
import { parseTrustedKeys, verifyBundle, type BundleProblem, type BundleReport, type PdfVerifier, type TrustedKeys, type VerifyProgress } from "@/lib/evidence/bundle/verify-bundle";
import { blobSource, type ZipSource } from "@/lib/evidence/bundle/zip-read";

/** At most this many problems are listed on the page (the rest are counted). */
const shownProblems = 200;
const pdfPath = "evidence.pdf";

// --- The PDF, as far as a browser checks it ---------------------------------------------

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const latin1 = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = haystack.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return -1;
  const first = needle[0]!;
  outer: for (let i = haystack.indexOf(first); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function hexBytes(text: string): Uint8Array | null {
  const hex = text.replace(/\s+/g, "");
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The DER value's bytes without the zero padding of its placeholder: tag, length, content. */
function derPrefix(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 2 || bytes[0] !== 0x30) return null;
  const first = bytes[1]!;
  if (first < 0x80) return bytes.subarray(0, 2 + first);
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || bytes.length < 2 + octets) return null;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + bytes[2 + i]!;
  const end = 2 + octets + length;
  return end <= bytes.length ? bytes.subarray(0, end) : null;
}

// The CMS signed attribute messageDigest (1.2.840.113549.1.9.4), a SET of one 32-byte
// OCTET STRING: the SHA-256 of the bytes the signature covers. The signer's attributes
// come before any time-stamp token's in the DER, so the first one is the signer's.
const messageDigestPrefix = Uint8Array.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04, 0x31, 0x22, 0x04, 0x20]);

function pemDer(pem: string): Uint8Array | null {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  return match ? fromBase64(match[1]!.replace(/\s+/g, "")) : null;
}

/**
 * What a browser checks of evidence.pdf without a CMS library: the last signature's byte
 * range covers the whole file but the signature value, it is PAdES (ETSI.CAdES.detached),
 * the bytes it covers hash to the message digest the signature signs, and it carries the
 * certificate keys.json names. The signature value over that digest is NOT verified here.
 */
export const browserPdfCheck: PdfVerifier = async ({ pdf, certificatePem }) => {
  const at = lastIndexOf(pdf, ascii("/ByteRange"));
  if (at < 0) return { ok: false, detail: "It carries no signature (no /ByteRange)." };
  const range = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(latin1(pdf.subarray(at, at + 200)));
  if (!range) return { ok: false, detail: "Its signature's /ByteRange cannot be read." };
  const [start, firstLength, secondStart, secondLength] = range.slice(1).map(Number) as [number, number, number, number];
  const problems: string[] = [];
  if (start !== 0 || firstLength >= secondStart || secondStart + secondLength > pdf.length) return { ok: false, detail: `Its signature's ByteRange [${range.slice(1).join(" ")}] is malformed.` };
  if (secondStart + secondLength !== pdf.length) problems.push(`The signature covers ${secondStart + secondLength} bytes but the file has ${pdf.length}: bytes were added or removed after signing.`);
  if (pdf[firstLength] !== 0x3c || pdf[secondStart - 1] !== 0x3e) problems.push("The bytes left out of the signature are not just its value.");

  const subFilterAt = lastIndexOf(pdf, ascii("/SubFilter"));
  const subFilter = subFilterAt < 0 ? null : (/^\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/.exec(latin1(pdf.subarray(subFilterAt, subFilterAt + 80)))?.[1] ?? null);
  if (subFilter !== "ETSI.CAdES.detached") problems.push(`The signature's subfilter is ${subFilter ?? "missing"}, not ETSI.CAdES.detached (PAdES).`);

  const value = hexBytes(latin1(pdf.subarray(firstLength + 1, secondStart - 1)));
  const cms = value ? derPrefix(value) : null;
  if (!cms) {
    problems.push("The signature value is not DER-encoded CMS.");
    return { ok: false, detail: problems.join(" ") };
  }
  const digestAt = indexOf(cms, messageDigestPrefix);
  if (digestAt < 0) {
    problems.push("The signature has no SHA-256 message digest attribute this page can read.");
  } else {
    const signed = toHex(cms.subarray(digestAt + messageDigestPrefix.length, digestAt + messageDigestPrefix.length + 32));
    const actual = toHex(sha256(pdf.subarray(0, firstLength), pdf.subarray(secondStart, secondStart + secondLength)));
    if (signed !== actual) problems.push("Digest mismatch: the signed bytes of the PDF were changed after signing.");
  }
  const certificate = certificatePem ? pemDer(certificatePem) : null;
  if (!certificate) problems.push("keys.json names no PDF certificate to compare the signer with.");
  else if (indexOf(cms, certificate) < 0) problems.push("The signature does not carry the certificate keys.json names.");
  if (problems.length > 0) return { ok: false, detail: problems.join(" ") };
  return {
    ok: true,
    detail: "Its signature (PAdES, ETSI.CAdES.detached) covers the whole file but the signature value, the bytes it covers hash to the message digest it signs, and it carries the certificate keys.json names.",
  };
};

// --- Files and runs ---------------------------------------------------------------------

/** A source that stops being read once its run is superseded. */
function cancellable(source: ZipSource, signal: AbortSignal): ZipSource {
  return {
    size: source.size,
    read: (offset, length) => {
      signal.throwIfAborted();
      return source.read(offset, length);
    },
  };
}

async function fileSha256(file: Blob, signal: AbortSignal, onBytes: (bytes: number) => void): Promise<string> {
  const hash = sha256Stream();
  const step = 4 * 1024 * 1024;
  for (let offset = 0; offset < file.size; offset += step) {
    signal.throwIfAborted();
    hash.update(new Uint8Array(await file.slice(offset, offset + step).arrayBuffer()));
    onBytes(Math.min(file.size, offset + step));
  }
  return hash.digestHex();
}

// RFC 8032 test 1: a browser whose WebCrypto lacks Ed25519 would fail every record.
const ed25519Probe = {
  publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
  signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
};

async function webCryptoProblem(): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return "This browser offers no WebCrypto on this page (it needs HTTPS or localhost). Verify with npm run pack:verify instead.";
  const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
  try {
    const key = await crypto.subtle.importKey("raw", bytes(ed25519Probe.publicKey), { name: "Ed25519" }, false, ["verify"]);
    if (await crypto.subtle.verify({ name: "Ed25519" }, key, bytes(ed25519Probe.signature), new Uint8Array())) return null;
  } catch {
    // Falls through: no Ed25519.
  }
  return "This browser's WebCrypto cannot verify Ed25519 signatures (current Chrome, Edge, Firefox and Safari can). Use a current browser or npm run pack:verify.";
}

interface FileFacts {
  name: string;
  size: number;
}

type Phase = "start" | "records" | "finish" | "hash";

type RunState =
  | { state: "idle" }
  | { state: "running"; pack: FileFacts; phase: Phase; records: number; done: number; total: number }
  | { state: "done"; pack: FileFacts; sha256: string; report: BundleReport; trusted: string | null; previous: FileFacts | null; seconds: number }
  | { state: "failed"; pack: FileFacts | null; message: string };

const phaseText: Record<Phase, string> = {
  start: "Reading the manifest, its signature, the keys and the checkpoints…",
  records: "Checking records: signatures, leaf hashes, order and inclusion proofs…",
  finish: "Checking evidence.pdf and the remaining files…",
  hash: "Computing the SHA-256 of the ZIP…",
};

// --- Presentation -----------------------------------------------------------------------

function describeRecord(p: BundleProblem): string {
  const parts = [p.logId ? `${p.logId}${p.index !== undefined ? ` #${p.index}` : ""}` : null, p.line !== undefined ? `line ${p.line}` : null].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "—";
}

function scopeFacts(scope: Record<string, unknown>): { period: string | null; plants: string; conduits: string; incident: string | null } {
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.map(String).join(", ") : "all");
  const from = text(scope.from);
  const to = text(scope.to);
  const zone = text(scope.timeZone) ?? "UTC";
  let period: string | null = null;
  if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to))) {
    try {
      period = `${wallText(from, zone)} to ${wallText(to, zone)} (${zone})`;
    } catch {
      period = `${from} to ${to}`;
    }
  }
  return { period, plants: list(scope.plants), conduits: list(scope.conduits), incident: text(scope.incident) };
}

function when(iso: string, zone: string): string {
  try {
    return `${wallText(iso, zone)} ${zone}`;
  } catch {
    return iso;
  }
}

function Fact(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </>
  );
}

function Report(props: { result: Extract<RunState, { state: "done" }> }) {
  const { report, pack } = props.result;
  const problemCount = report.problems.length + report.moreProblems;
  const info = report.pack;
  const scope = info ? scopeFacts(info.scope) : null;
  const zone = info && typeof info.scope.timeZone === "string" ? info.scope.timeZone : "UTC";
  const pdfProblems = report.problems.filter((p) => p.file === pdfPath);
  const pdfHashProblem = pdfProblems.some((p) => !p.reason.startsWith("PDF signature"));
  const pdfPresent = !report.problems.some((p) => p.file === pdfPath && /missing/.test(p.reason));

  return (
    <div className="verify-result" data-testid="verify-result" data-valid={report.ok ? "true" : "false"}>
      <section className="card" aria-labelledby="verify-verdict-title">
        <div className={`notice verify-verdict ${report.ok ? "notice-ok" : "notice-error"}`}>
          <div>
            <h2 id="verify-verdict-title" data-testid="verify-verdict">
              {report.ok ? "Valid: every check passed" : `Not valid: ${problemCount} problem${problemCount === 1 ? "" : "s"}`}
            </h2>
            <p>
              {report.ok
                ? "The manifest's signature, every file's SHA-256, every record's signature, leaf hash and inclusion proof, and every checkpoint verified in this browser."
                : "Something in this pack was changed, removed or added after it was signed, or it was never a valid pack. Each problem names the file, the record and the reason."}
            </p>
          </div>
        </div>
        <dl className="facts card-body verify-facts" data-testid="verify-facts">
          <Fact label="File">
            <span className="verify-wrap">{pack.name}</span> <span className="muted">({formatBytes(pack.size)})</span>
          </Fact>
          <Fact label="SHA-256 of the file" testId="verify-sha256">
            <code className="hash">{props.result.sha256}</code>
            <span className="sub">Compare it with the SHA-256 in the packs list and in the ledger record of the download.</span>
          </Fact>
          {info ? (
            <>
              <Fact label="Pack" testId="verify-pack-name">
                <strong className="verify-wrap">{info.name}</strong>
                <span className="sub">{info.purpose}</span>
                <span className="sub mono">{info.id}</span>
              </Fact>
              <Fact label="Scope" testId="verify-scope">
                {scope?.period ?? "period not stated"}
                <span className="sub">
                  Plants: {scope?.plants} · Conduits: {scope?.conduits}
                  {scope?.incident ? ` · Incident ${scope.incident}` : ""}
                </span>
              </Fact>
              <Fact label="Generated" testId="verify-generated">
                {when(info.generatedAt, zone)}
                <span className="sub verify-wrap">by {info.generatedBy}</span>
              </Fact>
            </>
          ) : (
            <Fact label="Pack">No signed manifest could be read: nothing in this file is vouched for.</Fact>
          )}
          <Fact label="Manifest signed by" testId="verify-signer">
            {report.manifestSignedBy ? (
              <>
                ledger key <code className="hash">{report.manifestSignedBy}</code>
                <span className="sub">
                  {props.result.trusted
                    ? `Every key in keys.json is one of the trusted keys in ${props.result.trusted}.`
                    : "Checked against the pack's own keys.json: compare this fingerprint with the one on the Records page or the operator's published keys, or give a trusted keys file."}
                </span>
              </>
            ) : (
              "no signature that verifies"
            )}
          </Fact>
          <Fact label="Contents">
            {count(report.files)} files, {count(report.records)} records in {report.logs.length} log{report.logs.length === 1 ? "" : "s"}
          </Fact>
          {props.result.previous && (
            <Fact label="Previous pack" testId="verify-previous">
              <span className="verify-wrap">{props.result.previous.name}</span>
              <span className="sub">
                {report.previous?.checked
                  ? `Pack ${report.previous.packId}: ${report.logs.every((l) => l.extendsPrevious !== false) ? "this pack provably extends its checkpoints." : "see the logs and problems below."}`
                  : "Its manifest could not be read: see the problems below."}
              </span>
            </Fact>
          )}
          <Fact label="evidence.pdf" testId="verify-pdf">
            {!pdfPresent ? (
              "missing from the pack"
            ) : (
              <>
                {pdfHashProblem ? "Its bytes are not those the signed manifest lists." : "Its SHA-256 matches the signed manifest."}
                {report.pdf.status !== "not checked" && <span className="sub">{report.pdf.detail}</span>}
                <span className="sub">
                  <strong>PDF signature: check with pdfsig or npm run pack:verify</strong> (this page does not verify the signature value itself).
                </span>
              </>
            )}
          </Fact>
          <Fact label="Checked in">{props.result.seconds.toFixed(1)} s, in this browser; nothing was sent to the server</Fact>
        </dl>
      </section>

      <section className="card" aria-labelledby="verify-logs-title">
        <div className="card-header">
          <div>
            <h2 id="verify-logs-title">Logs</h2>
            <p>Each log&apos;s records in the pack and the signed checkpoint their inclusion proofs lead to.</p>
          </div>
        </div>
        {report.logs.length === 0 ? (
          <p className="table-empty">No log could be read.</p>
        ) : (
          <div className="table-wrap" role="region" aria-label="Logs of the pack" tabIndex={0}>
            <table className="data verify-stack" data-testid="verify-logs">
              <thead>
                <tr>
                  <th scope="col">Log</th>
                  <th scope="col" className="num">
                    Records
                  </th>
                  <th scope="col" className="num">
                    Tree size
                  </th>
                  <th scope="col">Root</th>
                  <th scope="col">Extends previous pack</th>
                </tr>
              </thead>
              <tbody>
                {report.logs.map((log) => (
                  <tr key={log.logId}>
                    <td className="mono verify-name" data-label="Log">
                      {log.logId}
                    </td>
                    <td className="num" data-label="Records">
                      {count(log.records)}
                    </td>
                    <td className="num" data-label="Tree size">
                      {log.treeSize === null ? "—" : count(log.treeSize)}
                    </td>
                    <td className="verify-root" data-label="Root">
                      {log.root === null ? "no valid checkpoint" : <code className="hash">{log.root}</code>}
                    </td>
                    <td data-label="Extends previous pack">
                      {log.extendsPrevious === null ? <span className="muted">no previous pack given</span> : log.extendsPrevious ? "Yes, proven" : "No"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {problemCount > 0 && (
        <section className="card" aria-labelledby="verify-problems-title">
          <div className="card-header">
            <div>
              <h2 id="verify-problems-title">Problems</h2>
              <p>
                {problemCount} found
                {problemCount > shownProblems ? `; the first ${shownProblems} are listed (npm run pack:verify -- PACK.zip --json lists up to 1,000).` : "."}
              </p>
            </div>
          </div>
          <div className="table-wrap" role="region" aria-label="Problems found" tabIndex={0}>
            <table className="data verify-stack" data-testid="verify-problems">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Record</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.slice(0, shownProblems).map((p, i) => (
                  <tr key={i}>
                    <td className="mono verify-name" data-label="File">
                      {p.file}
                    </td>
                    <td className="verify-name" data-label="Record">
                      {describeRecord(p)}
                    </td>
                    <td className="verify-reason" data-label="Reason">
                      {p.reason}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}

// The page's own styles (globals.css holds the shared ones). On a phone the fact list and
// the tables stack: each cell on a line of its own, under its column's name.
const styles = `
.verify-drop { border: 2px dashed var(--line-strong); background: var(--canvas); border-radius: var(--radius); padding: 20px 16px; display: grid; gap: 8px; justify-items: start; margin-bottom: 16px; }
.verify-drop[data-dragging="true"] { border-color: var(--accent); background: var(--accent-soft); }
.verify-drop-label { font-size: 15px; font-weight: 600; }
.verify-drop input[type="file"], .verify-options input[type="file"] { max-width: 100%; }
.verify-options { grid-template-columns: repeat(auto-fit, minmax(min(100%, 280px), 1fr)); align-items: start; }
.verify-options .field { min-width: 0; }
.verify-progress { margin-top: 14px; }
.verify-progress progress { max-width: 480px; }
.verify-results { margin-top: 20px; outline: none; }
.verify-verdict { margin: 18px; }
.verify-verdict h2 { font-size: 17px; margin-bottom: 4px; }
dl.facts.verify-facts { padding-top: 0; }
dl.facts.verify-facts dd { min-width: 0; }
.verify-wrap { overflow-wrap: anywhere; max-width: 100%; }
table.verify-stack td.verify-name { overflow-wrap: break-word; min-width: 120px; }
table.verify-stack td.verify-root { min-width: 200px; }
table.verify-stack td.verify-reason { min-width: 240px; overflow-wrap: anywhere; }
@media (max-width: 640px) {
  dl.facts.verify-facts { grid-template-columns: minmax(0, 1fr); gap: 2px; }
  dl.facts.verify-facts dd { margin-bottom: 10px; }
  table.verify-stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); }
  table.verify-stack, table.verify-stack tbody, table.verify-stack tr, table.verify-stack td { display: block; width: 100%; }
  table.verify-stack tr { border-bottom: 1px solid var(--line); padding: 8px 0; }
  table.verify-stack td, table.data.verify-stack td.num { border: 0; padding: 3px 16px; text-align: left; min-width: 0; display: grid; grid-template-columns: 96px minmax(0, 1fr); gap: 10px; }
  table.verify-stack td::before { content: attr(data-label); font-family: var(--font-sans); font-size: 12px; font-weight: 600; color: var(--ink-muted); }
  table.verify-stack td.verify-name, table.verify-stack td.verify-reason { overflow-wrap: anywhere; }
}
`;

// --- The verifier -----------------------------------------------------------------------

export function PackVerifier() {
  const base = useId();
  const ids = { pack: `${base}-pack`, keys: `${base}-keys`, previous: `${base}-previous` };
  const [pack, setPack] = useState<File | null>(null);
  const [keys, setKeys] = useState<{ name: string; keys: TrustedKeys } | null>(null);
  const [keysError, setKeysError] = useState<string | null>(null);
  const [previous, setPrevious] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [run, setRun] = useState<RunState>({ state: "idle" });
  const resultRef = useRef<HTMLDivElement>(null);
  const keysInput = useRef<HTMLInputElement>(null);
  const previousInput = useRef<HTMLInputElement>(null);

  // A file dropped beside the drop zone would make the browser open it and leave the page.
  useEffect(() => {
    const stop = (event: globalThis.DragEvent) => {
      if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
    };
    window.addEventListener("dragover", stop);
    window.addEventListener("drop", stop);
    return () => {
      window.removeEventListener("dragover", stop);
      window.removeEventListener("drop", stop);
    };
  }, []);

  // The run under way, stopped when another starts or the page goes.
  const current = useRef<AbortController | null>(null);
  useEffect(() => () => current.current?.abort(), []);

  type Inputs = { pack: File; keys: { name: string; keys: TrustedKeys } | null; previous: File | null };
  function verify(inputs: Inputs) {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    const { signal } = controller;
    const { pack, keys, previous } = inputs;
    const facts = { name: pack.name, size: pack.size };
    const started = performance.now();
    let last = 0;
    const update = (next: Partial<Extract<RunState, { state: "running" }>>) => {
      if (!signal.aborted) setRun((state) => (state.state === "running" ? { ...state, ...next } : state));
    };
    const onProgress = (p: VerifyProgress) => {
      // A re-render per 1,000 records is plenty; at most one every 100 ms.
      const now = performance.now();
      if (now - last < 100 && p.bytes < p.totalBytes) return;
      last = now;
      update({ phase: p.bytes >= p.totalBytes ? "finish" : "records", records: p.records, done: p.bytes, total: p.totalBytes });
    };
    setRun({ state: "running", pack: facts, phase: "start", records: 0, done: 0, total: 0 });
    (async () => {
      const problem = await webCryptoProblem();
      if (problem) throw new Error(problem);
      const report = await verifyBundle({
        source: cancellable(blobSource(pack), signal),
        previous: previous ? cancellable(blobSource(previous), signal) : undefined,
        trustedKeys: keys?.keys,
        verifyPdf: browserPdfCheck,
        onProgress,
      });
      signal.throwIfAborted();
      const seconds = (performance.now() - started) / 1000;
      update({ phase: "hash", done: 0, total: pack.size });
      const hash = await fileSha256(pack, signal, (done) => update({ done }));
      signal.throwIfAborted();
      setRun({ state: "done", pack: facts, sha256: hash, report, trusted: keys?.name ?? null, previous: previous ? { name: previous.name, size: previous.size } : null, seconds });
    })().catch((error: unknown) => {
      if (signal.aborted) return;
      setRun({ state: "failed", pack: facts, message: error instanceof Error ? error.message : String(error) });
    });
  }

  /** Takes a changed input and, with a pack chosen, verifies again. */
  function change(next: Partial<Inputs>) {
    const inputs = { pack, keys, previous, ...next };
    if ("keys" in next) setKeys(inputs.keys);
    if ("previous" in next) setPrevious(inputs.previous);
    if ("pack" in next) setPack(inputs.pack);
    if (inputs.pack) verify({ ...inputs, pack: inputs.pack });
  }

  // The verdict takes the focus when it arrives, so it is read out and scrolled to.
  useEffect(() => {
    if (run.state === "done" || run.state === "failed") resultRef.current?.focus();
  }, [run.state]);

  // Any file is taken: one that is no pack is reported as such by the check itself.
  function choosePack(file: File | undefined) {
    if (file) change({ pack: file });
  }

  async function chooseKeys(file: File | undefined) {
    if (!file) return;
    let parsed: TrustedKeys | null = null;
    if (file.size <= 4 * 1024 * 1024) {
      try {
        parsed = parseTrustedKeys(JSON.parse(await file.text()));
      } catch {
        parsed = null;
      }
    }
    if (!parsed) {
      if (keys) change({ keys: null });
      setKeysError(`${file.name} is not a key list: give a pack's keys.json, the operator's published keys.json, or { "keys": [{ "spki": "…" }] }.`);
      return;
    }
    setKeysError(null);
    change({ keys: { name: file.name, keys: parsed } });
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    const json = files.find((f) => /\.json$/i.test(f.name));
    const zip = files.find((f) => !/\.json$/i.test(f.name));
    if (json) void chooseKeys(json);
    if (zip) choosePack(zip);
  }

  function clear(which: "keys" | "previous") {
    if (which === "keys") setKeysError(null);
    change(which === "keys" ? { keys: null } : { previous: null });
    const input = (which === "keys" ? keysInput : previousInput).current;
    if (input) input.value = "";
  }

  const running = run.state === "running";
  const fraction = running && run.total > 0 ? run.done / run.total : null;
  const status =
    run.state === "running"
      ? `Verifying ${run.pack.name}…`
      : run.state === "done"
        ? run.report.ok
          ? `${run.pack.name} is valid.`
          : `${run.pack.name} is not valid: ${run.report.problems.length + run.report.moreProblems} problems.`
        : run.state === "failed"
          ? `The verification could not run: ${run.message}`
          : "";

  return (
    <>
      <style href="conduit-ledger-pack-verifier" precedence="default">
        {styles}
      </style>
      <section className="card" aria-labelledby="verify-files-title">
        <div className="card-header">
          <div>
            <h2 id="verify-files-title">The pack to check</h2>
            <p>The files are read here, in this browser. Nothing is uploaded: this page sends no request while it verifies.</p>
          </div>
        </div>
        <div className="card-body">
          <div
            className="verify-drop"
            data-testid="verify-drop"
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = "copy";
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            data-dragging={dragging ? "true" : undefined}
          >
            <label htmlFor={ids.pack} className="verify-drop-label">
              Evidence pack (ZIP)
            </label>
            <span className="field-hint" id={`${ids.pack}-hint`}>
              Drop the pack here (with a trusted keys file, if you have one), or choose it.
            </span>
            <input
              id={ids.pack}
              type="file"
              accept=".zip,application/zip"
              aria-describedby={`${ids.pack}-hint`}
              onChange={(e) => choosePack(e.target.files?.[0])}
            />
            {pack && (
              <span data-testid="verify-chosen-pack" className="verify-wrap">
                Chosen: <strong>{pack.name}</strong> <span className="muted">({formatBytes(pack.size)})</span>
              </span>
            )}
            
          </div>

          <div className="form-row verify-options">
            <div className="field">
              <label htmlFor={ids.keys}>Trusted keys (optional)</label>
              <input
                ref={keysInput}
                id={ids.keys}
                type="file"
                accept=".json,application/json"
                aria-describedby={[`${ids.keys}-hint`, keysError && `${ids.keys}-error`].filter(Boolean).join(" ")}
                aria-invalid={keysError ? true : undefined}
                onChange={(e) => void chooseKeys(e.target.files?.[0])}
              />
              <span className="field-hint" id={`${ids.keys}-hint`}>
                Log keys obtained out of band: the operator&apos;s published <code>keys.json</code> or a pack&apos;s you already trust. Every key of the pack must be one of them.
              </span>
              {keys && (
                <span className="field-hint" data-testid="verify-chosen-keys">
                  Using {keys.keys.keys.length} trusted key{keys.keys.keys.length === 1 ? "" : "s"} from <strong>{keys.name}</strong>.{" "}
                  <button type="button" className="btn btn-secondary btn-sm" onClick={() => clear("keys")}>
                    Remove<span className="visually-hidden"> the trusted keys</span>
                  </button>
                </span>
              )}
              {keysError && (
                <span className="field-error" id={`${ids.keys}-error`}>
                  {keysError}
                </span>
              )}
            </div>
            <div className="field">
              <label htmlFor={ids.previous}>Previous pack of the same scope (optional)</label>
              <input
                ref={previousInput}
                id={ids.previous}
                type="file"
                accept=".zip,application/zip"
                aria-describedby={`${ids.previous}-hint`}
                onChange={(e) => change({ previous: e.target.files?.[0] ?? null })}
              />
              <span className="field-hint" id={`${ids.previous}-hint`}>
                Its checkpoints must be provably extended by this pack&apos;s: no record between them deleted or rewritten.
              </span>
              {previous && (
                <span className="field-hint" data-testid="verify-chosen-previous">
                  Using <strong>{previous.name}</strong>.{" "}
                  <button type="button" className="btn btn-secondary btn-sm" onClick={() => clear("previous")}>
                    Remove<span className="visually-hidden"> the previous pack</span>
                  </button>
                </span>
              )}
            </div>
          </div>

          <div className="form-actions">
            <button type="button" className="btn" disabled={!pack || running} onClick={() => pack && verify({ pack, keys, previous })}>
              {running ? "Verifying…" : run.state === "idle" ? "Verify" : "Verify again"}
            </button>
            <span className="field-hint">The check runs as soon as a pack is chosen, and again when the keys or the previous pack change.</span>
          </div>

          {running && (
            <div className="pack-progress verify-progress" data-testid="verify-progress">
              <span>{phaseText[run.phase]}</span>
              <progress
                max={1}
                value={fraction ?? undefined}
                aria-label={`Verifying ${run.pack.name}`}
                aria-valuetext={run.phase === "records" || run.phase === "finish" ? `${count(run.records)} records checked` : phaseText[run.phase]}
              />
              <span className="field-hint">
                {run.phase === "records" || run.phase === "finish"
                  ? `${count(run.records)} records checked, ${formatBytes(run.done)} of ${formatBytes(run.total)} of records.jsonl read`
                  : run.phase === "hash"
                    ? `${formatBytes(run.done)} of ${formatBytes(run.total)}`
                    : `${run.pack.name}, ${formatBytes(run.pack.size)}`}
              </span>
            </div>
          )}
        </div>
      </section>

      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>

      <div ref={resultRef} tabIndex={-1} className="verify-results">
        {run.state === "failed" && (
          <div className="notice notice-error" data-testid="verify-failed">
            <p>The verification could not run: {run.message}</p>
          </div>
        )}
        {run.state === "done" && <Report result={run} />}
      </div>
    </>
  );
}
