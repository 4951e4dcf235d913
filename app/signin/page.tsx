import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Brand } from "@/components/icons";
import { SignInForm } from "@/components/signin/sign-in-form";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await props.searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : undefined;
  return (
    <div className="signin-page">
      <aside className="signin-aside">
        <Brand />
        <div>
          <h1>Every AI call out of your plant, identified, authorised and on the record.</h1>
          <p>Conduit Ledger sits on the conduit between your OT zones and AI providers and turns that traffic into evidence for IEC 62443 and NIS2.</p>
          <ul>
            <li>Device, operator, zone and conduit on every call</li>
            <li>Signed, hash-chained audit records with Merkle proofs</li>
            <li>NIS2 incident deadlines, reports and the AI supplier chain</li>
          </ul>
        </div>
        <p style={{ fontSize: 12 }}>Access is logged. Use only the account issued to you.</p>
      </aside>
      <main className="signin-main">
        <SignInForm callbackUrl={callbackUrl} initialError={error} />
      </main>
    </div>
  );
}
