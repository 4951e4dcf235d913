// VERIFY.md of the pack: how an auditor checks it with the product's CLI, and with
// standard tools alone (unzip, jq, sha256sum, openssl 3, python3, pdfsig), so that
// neither the server nor our code has to be trusted. The commands are tested by hand
// against a generated pack; the facts at the top are this pack's.
import { bundlePaths, manifestPayloadType, type PackInfo } from "@/lib/evidence/bundle/format";

export interface VerifyMdLog {
  logId: string;
  name: string;
  origin: string;
  treeSize: number | null;
  root: string | null;
  fingerprints: string[];
  /** Size of the previous pack's checkpoint this pack proves it extends. */
  extendsSize: number | null;
}

export function renderVerifyMd(options: { pack: PackInfo; manifestKey: { logId: string; keyId: string }; logs: readonly VerifyMdLog[]; records: number; pdfCertificateFingerprint: string | null; previousPackId: string | null }): string {
  const { pack } = options;
  const logs = options.logs
    .map(
      (l) =>
        `| ${l.name} (\`${l.logId}\`) | ${l.treeSize ?? "none"} | ${l.root ? `\`${l.root}\`` : ""} | ${l.fingerprints.map((f) => `\`${f}\``).join("<br>")} | ${l.extendsSize === null ? "" : `from size ${l.extendsSize}`} |`,
    )
    .join("\n");
  return `# Verifying evidence pack "${pack.name}"

Pack \`${pack.id}\`, generated ${pack.generatedAt} by ${pack.generatedBy}, ${options.records} records.
Nothing here asks you to trust the server that generated it: every check below needs
only this pack and the ledger's public keys, which you should compare with fingerprints
obtained from the operator out of band.

| Log | Checkpoint size | Root (hex) | Key fingerprints (SHA-256 of the public key) | Consistency proof |
| --- | --- | --- | --- | --- |
${logs}

- \`${bundlePaths.manifest}\` is signed by key \`${options.manifestKey.keyId}\` of log \`${options.manifestKey.logId}\`.
- PDF signing certificate, SHA-256 of its DER: ${options.pdfCertificateFingerprint ? `\`${options.pdfCertificateFingerprint}\`` : "none given"}.
${options.previousPackId ? `- It extends the previous pack \`${options.previousPackId}\` of the same scope (\`consistency/\`).\n` : ""}
## What is in the pack

| File | What it is |
| --- | --- |
| \`manifest.json\` | A [DSSE](https://github.com/secure-systems-lab/dsse) envelope, payload type \`${manifestPayloadType}\`: the SHA-256 and size of every other file, signed (Ed25519) with the ledger key above. |
| \`keys.json\` | Every key of every log in the pack (base64 DER SubjectPublicKeyInfo; the key id and fingerprint are its SHA-256) and the PDF certificate. |
| \`records.jsonl\` | The records, one JSON object a line, ordered by log, then sequence number. \`envelope\` is the exact text that was signed and hashed. |
| \`proofs.jsonl\` | Line *i* is the RFC 9162 inclusion proof of line *i* of \`records.jsonl\` to its log's checkpoint (\`logIndex\`, \`treeSize\`, \`rootHash\`, \`hashes\` leaf to root, \`checkpoint\`). |
| \`checkpoints/<log>.note\` | Each log's signed tree head as a [C2SP checkpoint](https://c2sp.org/tlog-checkpoint) [signed note](https://c2sp.org/signed-note): origin, tree size, base64 root, a blank line, then \`— <key name> base64(4-byte key hash ‖ Ed25519 signature)\`. |
| \`consistency/<log>.json\` | When there is a previous pack of the same scope: the RFC 9162 consistency proof from its checkpoint (\`oldSize\`, \`oldRoot\`, \`oldCheckpoint\`) to this one's. |
| \`evidence.pdf\` | The report, signed as PAdES (\`ETSI.CAdES.detached\`). |
| \`index.html\` | The control map: each control and the files that evidence it. Open it in any browser. |

A record's leaf hash is SHA-256(0x00 ‖ envelope); a tree node is SHA-256(0x01 ‖ left ‖ right)
(RFC 6962). The ZIP itself is reproducible: the same pack generated again has the same SHA-256.

## 1. With the product's CLI

From a checkout of Conduit Ledger (no database or server needed):

\`\`\`sh
npm run pack:verify -- PACK.zip --trusted-keys KEYS.json [--previous PREVIOUS-PACK.zip]
\`\`\`

It checks everything in section 2, for every record, and exits 0 when the pack is valid,
1 naming each problem (file, log and record index, reason), 2 on bad usage.
\`KEYS.json\` is the key list you obtained out of band (the operator's
\`/.well-known/conduit-ledger/keys.json\`, or an earlier pack's \`keys.json\` you already trust);
without it the pack is checked against its own \`keys.json\`, which proves integrity but
not origin. The same check runs in a browser on the product's pack verification page,
which sends nothing to the server.

## 2. With standard tools alone

Needs \`unzip\`, \`jq\`, \`sha256sum\`, OpenSSL 3 (\`pkeyutl -rawin\`), \`python3\` and \`pdfsig\` (poppler-utils).

\`\`\`sh
unzip -q PACK.zip -d pack && cd pack
T=$(mktemp -d)   # scratch files go here, not into the pack
\`\`\`

### 2.1 The keys

\`\`\`sh
# Each key's fingerprint is the SHA-256 of its DER public key; compare with the operator's.
jq -r '.logs[] | .logId as $l | .keys[] | "\\($l) \\(.fingerprint) \\(.spki)"' keys.json |
  while read -r LOG FP SPKI; do echo "$LOG $FP $(echo "$SPKI" | base64 -d | sha256sum | cut -c1-64)"; done
\`\`\`

### 2.2 The manifest signature (DSSE)

DSSE signs PAE = \`DSSEv1 <len(type)> <type> <len(payload)> <payload>\`.

\`\`\`sh
KEYID=$(jq -r .manifestKey.keyId keys.json)
jq -r --arg k "$KEYID" '[.logs[].keys[] | select(.keyId == $k)][0].spki' keys.json | base64 -d |
  openssl pkey -pubin -inform DER -out "$T/manifest-key.pem"
jq -r .payload manifest.json | base64 -d > "$T/manifest.payload.json"
TYPE=$(jq -r .payloadType manifest.json)
{ printf 'DSSEv1 %d %s %d ' "\${#TYPE}" "$TYPE" "$(wc -c < "$T/manifest.payload.json" | tr -d ' ')"; cat "$T/manifest.payload.json"; } > "$T/manifest.pae"
jq -r '.signatures[0].sig' manifest.json | base64 -d > "$T/manifest.sig"
openssl pkeyutl -verify -pubin -inkey "$T/manifest-key.pem" -rawin -in "$T/manifest.pae" -sigfile "$T/manifest.sig"
# expect: Signature Verified Successfully
\`\`\`

### 2.3 Every file against the signed manifest

\`\`\`sh
jq -r '.files[] | "\\(.sha256)  \\(.path)"' "$T/manifest.payload.json" | sha256sum -c -
# and no file added: both lists must be equal
diff <(jq -r '.files[].path' "$T/manifest.payload.json") <(find . -type f ! -path ./manifest.json | sed 's|^\\./||' | LC_ALL=C sort)
\`\`\`

### 2.4 The checkpoint signatures (C2SP signed notes)

The signed text is everything before the blank line; the signature line carries a 4-byte key hash, then the Ed25519 signature.

\`\`\`sh
for NOTE in checkpoints/*.note; do
  LOG=$(basename "$NOTE" .note)
  head -n -2 "$NOTE" > "$T/note.txt"
  tail -n 1 "$NOTE" | cut -d' ' -f3 | base64 -d > "$T/note.sig.raw"
  HASH=$(head -c 4 "$T/note.sig.raw" | od -An -tx1 | tr -d ' \\n')
  tail -c 64 "$T/note.sig.raw" > "$T/note.sig"
  jq -r --arg l "$LOG" --arg h "$HASH" '.logs[] | select(.logId == $l) | .keys[] | select(.noteKeyHash == $h) | .spki' keys.json |
    base64 -d | openssl pkey -pubin -inform DER -out "$T/log.pem"
  echo "$NOTE"; openssl pkeyutl -verify -pubin -inkey "$T/log.pem" -rawin -in "$T/note.txt" -sigfile "$T/note.sig"
done
\`\`\`

### 2.5 A record's signature

The CLI checks every record; by hand, pick a line \`N\`:

\`\`\`sh
N=1
sed -n "\${N}p" records.jsonl | jq -j .envelope > "$T/record.txt"
sed -n "\${N}p" records.jsonl | jq -r .signature | base64 -d > "$T/record.sig"
KEY=$(sed -n "\${N}p" records.jsonl | jq -r .keyId)
jq -r --arg k "$KEY" '[.logs[].keys[] | select(.keyId == $k)][0].spki' keys.json | base64 -d |
  openssl pkey -pubin -inform DER -out "$T/record-key.pem"
openssl pkeyutl -verify -pubin -inkey "$T/record-key.pem" -rawin -in "$T/record.txt" -sigfile "$T/record.sig"
\`\`\`

### 2.6 Every leaf hash and inclusion proof, and the consistency proofs

Python's standard library, RFC 9162 §2.1.3.2 and §2.1.4.2:

\`\`\`sh
python3 - <<'PY'
import base64, glob, hashlib, json, os
H = lambda *p: hashlib.sha256(b"".join(p)).digest()
def inclusion(leaf, i, size, path, root):
    if i >= size: return False
    fn, sn, r = i, size - 1, leaf
    for p in path:
        if sn == 0: return False
        if fn % 2 == 1 or fn == sn:
            r = H(b"\\x01", p, r)
            while fn % 2 == 0 and fn != 0: fn, sn = fn // 2, sn // 2
        else:
            r = H(b"\\x01", r, p)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and r == root
def consistency(m, n, old, new, proof):
    if m == n: return not proof and old == new
    if m == 0 or m > n or not proof: return False
    if m & (m - 1) == 0: proof = [old] + proof
    fn, sn = m - 1, n - 1
    while fn % 2 == 1: fn, sn = fn // 2, sn // 2
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0: return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = H(b"\\x01", c, fr), H(b"\\x01", c, sr)
            while fn % 2 == 0 and fn != 0: fn, sn = fn // 2, sn // 2
        else:
            sr = H(b"\\x01", sr, c)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and fr == old and sr == new
heads = {}
for f in glob.glob("checkpoints/*.note"):
    lines = open(f, encoding="utf-8").read().split("\\n")
    heads[f] = (int(lines[1]), base64.b64decode(lines[2]))
count = bad = 0
with open("records.jsonl", encoding="utf-8") as rf, open("proofs.jsonl", encoding="utf-8") as pf:
    for count, (rl, pl) in enumerate(zip(rf, pf), 1):
        r, p = json.loads(rl), json.loads(pl)
        leaf = H(b"\\x00", r["envelope"].encode("utf-8"))
        size, root = heads.get(p["checkpoint"], (0, b""))
        ok = (leaf.hex() == r["leafHash"] and (p["logId"], p["logIndex"]) == (r["logId"], r["seq"])
              and (p["treeSize"], p["rootHash"]) == (size, root.hex())
              and inclusion(leaf, r["seq"], size, [bytes.fromhex(h) for h in p["hashes"]], root))
        if not ok: bad += 1; print("FAILS: line", count, r["logId"], r["seq"])
print(count, "records,", bad, "failing")
for f in glob.glob("consistency/*.json"):
    c = json.load(open(f, encoding="utf-8"))
    size, root = heads["checkpoints/%s.note" % c["logId"]]
    ok = (c["newSize"], c["newRoot"]) == (size, root.hex()) and consistency(c["oldSize"], c["newSize"], bytes.fromhex(c["oldRoot"]), bytes.fromhex(c["newRoot"]), [bytes.fromhex(h) for h in c["hashes"]])
    print(f, "extends size", c["oldSize"], "OK" if ok else "FAILS")
PY
wc -l records.jsonl proofs.jsonl   # the two counts must be equal
\`\`\`

To tie a consistency proof to the previous pack, compare its \`oldSize\` and \`oldRoot\` with
that pack's \`checkpoints/<log>.note\` (the root there is base64: \`base64 -d | xxd -p -c 32\`),
after checking that note's signature as in 2.4.

### 2.7 The PDF signature

\`\`\`sh
pdfsig evidence.pdf
\`\`\`

pdfsig exits 0 even when a signature is invalid: read its output. Expect
\`Signature Validation: Signature is Valid.\` and \`Total document signed\`. A self-signed
certificate shows as not trusted; compare it with the one in \`keys.json\`:

\`\`\`sh
jq -r .pdfCertificate.pem keys.json | openssl x509 -outform DER | sha256sum
\`\`\`
`;
}
