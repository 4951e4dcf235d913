// index.html of the pack: one static page, readable offline straight from the unzipped
// folder (no script, no external resource), that maps each control to the files of the
// pack that evidence it, and lists the pack's files and ledger keys.
import type { Control, ManifestFile, PackInfo } from "@/lib/evidence/bundle/format";

export interface IndexLog {
  logId: string;
  name: string;
  treeSize: number | null;
  keys: { keyId: string; fingerprint: string }[];
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function link(target: string): string {
  // Paths in the pack are plain relative paths; a fragment ("evidence.pdf#page=4") stays as it is.
  return `<a href="${escape(target)}">${escape(target)}</a>`;
}

function scopeText(value: unknown): string {
  if (Array.isArray(value)) return value.map(scopeText).join(", ");
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function renderIndexHtml(options: { pack: PackInfo; controls: readonly Control[]; files: readonly ManifestFile[]; logs: readonly IndexLog[] }): string {
  const { pack } = options;
  const scope = Object.entries(pack.scope)
    .map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(scopeText(v))}</dd>`)
    .join("\n");
  const controls = options.controls
    .map(
      (c) =>
        `<tr><th scope="row">${escape(c.id)}</th><td><strong>${escape(c.title)}</strong><br>${escape(c.asks)}</td><td>${c.evidenceFiles.map(link).join("<br>") || "none"}</td><td>${escape(c.status)}</td></tr>`,
    )
    .join("\n");
  const files = options.files.map((f) => `<tr><td>${link(f.path)}</td><td class="n">${f.size.toString().replace(/\B(?=(\d{3})+$)/g, ",")}</td><td><code>${f.sha256}</code></td></tr>`).join("\n");
  const logs = options.logs
    .flatMap((l) => l.keys.map((k) => `<tr><td>${escape(l.name)}<br><code>${escape(l.logId)}</code></td><td class="n">${l.treeSize ?? "none"}</td><td><code>${k.fingerprint}</code></td></tr>`))
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(pack.name)}: evidence pack</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
th, td { border: 1px solid #ccc; padding: .4rem .6rem; text-align: left; vertical-align: top; }
thead th { background: #f2f2f2; }
td.n { text-align: right; white-space: nowrap; }
code { font-size: 12px; word-break: break-all; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
@media print { a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>${escape(pack.name)}</h1>
<p>${escape(pack.purpose)}</p>
<dl>
<dt>Pack</dt><dd><code>${escape(pack.id)}</code></dd>
<dt>Generated</dt><dd>${escape(pack.generatedAt)} by ${escape(pack.generatedBy)}</dd>
${scope}
</dl>
<p>This page only points to the evidence. What makes it evidence is checked as <a href="VERIFY.md">VERIFY.md</a> describes: the signed manifest, the record signatures, the inclusion proofs to the signed checkpoints, and the PDF signature.</p>

<h2>Control map</h2>
<table>
<thead><tr><th scope="col">Control</th><th scope="col">What it asks</th><th scope="col">Evidence in this pack</th><th scope="col">Status</th></tr></thead>
<tbody>
${controls}
</tbody>
</table>

<h2>Ledger keys</h2>
<p>Compare each fingerprint (SHA-256 of the public key) with one obtained from the operator out of band.</p>
<table>
<thead><tr><th scope="col">Log</th><th scope="col">Checkpoint size</th><th scope="col">Key fingerprint</th></tr></thead>
<tbody>
${logs}
</tbody>
</table>

<h2>Files</h2>
<p>SHA-256 of each file; <a href="manifest.json">manifest.json</a> holds them signed (with this page's own).</p>
<table>
<thead><tr><th scope="col">File</th><th scope="col">Bytes</th><th scope="col">SHA-256</th></tr></thead>
<tbody>
${files}
</tbody>
</table>
</body>
</html>
`;
}
