// The offline pack verifier: public (no sign-in: proxy.ts lets /verify through, and this
// page sits outside the signed-in (app) layout), and it sends nothing to the server. An
// auditor who trusts nothing this server says can still open it from a saved copy of the
// page or run the same check with npm run pack:verify.
import type { Metadata } from "next";
import { Brand } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { PackVerifier } from "@/components/verify/pack-verifier";

export const metadata: Metadata = { title: "Verify an evidence pack" };

export default function VerifyPage() {
  return (
    <div style={{ minHeight: "100vh", display: "flex", flexDirection: "column" }}>
      <header style={{ background: "var(--nav-bg)", padding: "12px 20px", display: "flex", alignItems: "center", justifyContent: "space-between", gap: 12, flexWrap: "wrap" }}>
        <Brand />
        <a href="/signin" style={{ color: "#dbe5ef", fontWeight: 500 }}>
          Sign in
        </a>
      </header>
      <main id="content" className="content" style={{ margin: "0 auto", maxWidth: 1100 }}>
        <PageHeader
          eyebrow="Evidence packs"
          title="Verify an evidence pack"
          description="Checks a pack offline, in this browser: the signed manifest and every file's SHA-256, every record's signature, hash and inclusion proof, every checkpoint, and, given the previous pack, that this one extends it. No sign-in, and nothing leaves this computer."
        />
        <PackVerifier />
        <section className="card" aria-labelledby="verify-how-title" style={{ marginTop: 20 }}>
          <div className="card-header">
            <div>
              <h2 id="verify-how-title">What this page checks, and what it leaves to other tools</h2>
            </div>
          </div>
          <ul className="card-body findings" style={{ margin: 0, paddingLeft: 36 }}>
            <li>
              <strong>Checked here:</strong> the DSSE signature on <code>manifest.json</code> and the SHA-256 and size of every file it lists (none missing, none added); each key&apos;s
              fingerprint in <code>keys.json</code>; each checkpoint&apos;s signature; every record&apos;s Ed25519 signature, leaf hash, order and inclusion proof; consistency proofs to
              the previous pack; that <code>evidence.pdf</code> is the file the manifest lists, its signature covers the whole file, and it carries the certificate{" "}
              <code>keys.json</code> names.
            </li>
            <li>
              <strong>Not checked here:</strong> the PDF&apos;s PAdES signature value. Check it with <code>pdfsig evidence.pdf</code> (read what it prints: &quot;Signature is Valid&quot;)
              or with <code>npm run pack:verify -- PACK.zip</code>, which checks everything this page does and that signature too.
            </li>
            <li>
              <strong>Whose keys:</strong> without a trusted keys file, the pack is checked against its own <code>keys.json</code>, which proves it unchanged since it was signed, not
              who signed it. Compare the manifest key&apos;s fingerprint with one obtained out of band (the pack&apos;s cover, the Records page, or the operator&apos;s{" "}
              <a href="/.well-known/conduit-ledger/keys.json">published keys</a>), or give that file as trusted keys.
            </li>
          </ul>
        </section>
      </main>
    </div>
  );
}
