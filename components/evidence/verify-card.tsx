// How an auditor checks a pack without trusting this server: the product's CLI, the
// offline browser verifier, and standard tools alone.
import { Card } from "@/components/card";

export function VerifyCard() {
  return (
    <Card id="verify" title="How to verify" description="A pack proves itself: none of these checks asks this server anything. VERIFY.md inside each pack says the same in more detail.">
      <ol className="card-body verify-steps">
        <li>
          <strong>The download.</strong> Compare its SHA-256 with the one in the list above (and in the ledger record of the download):
          <pre>
            <code>sha256sum PACK.zip</code>
          </pre>
        </li>
        <li>
          <strong>Everything, offline, with this product&apos;s command line:</strong> the manifest and its DSSE signature, every record&apos;s signature, every inclusion proof, every
          checkpoint, the PDF&apos;s signature. It exits non-zero and names the file, record and reason of anything that fails.
          <pre>
            <code>npm run pack:verify -- PACK.zip [--trusted-keys keys.json] [--previous OLD.zip]</code>
          </pre>
          <span className="field-hint">
            <code>--trusted-keys</code>: the log keys you obtained out of band (compare their fingerprints with the pack&apos;s cover and the Records page). <code>--previous</code>: the
            last pack of the same scope, to prove by consistency proofs that this one extends it and no record in between was deleted or rewritten.
          </span>
        </li>
        <li>
          <strong>In a browser, offline:</strong> <a href="/verify">the pack verifier</a> needs no sign-in and sends nothing to the server: drop a pack on it and read the result.
        </li>
        <li>
          <strong>The PDF alone,</strong> with poppler&apos;s <code>pdfsig</code>. Read what it prints (&quot;Signature is Valid&quot;): it exits 0 on a digest mismatch too.
          <pre>
            <code>pdfsig evidence.pdf</code>
          </pre>
        </li>
      </ol>
    </Card>
  );
}
