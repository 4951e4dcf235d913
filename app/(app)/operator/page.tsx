import type { Metadata } from "next";
import { Card } from "@/components/card";
import { OperatorAssertion } from "@/components/operators/operator-assertion";
import { PageHeader } from "@/components/page-header";
import { requirePageUser } from "@/lib/auth/session";
import { loadConfig } from "@/lib/config";
import { operatorAssertionHeader } from "@/proxy/operator";

export const metadata: Metadata = { title: "Operator assertion" };

// An operator's start page: the one thing their role is for, vouching for themself at a
// plant application so that its AI calls are recorded with them as the verified operator.
export default async function OperatorPage() {
  await requirePageUser({ permission: "operator:assert" });
  const minutes = Math.round(loadConfig().proxy.operatorAssertionMaxAgeSeconds / 60);
  return (
    <>
      <PageHeader
        eyebrow="Plant applications"
        title="Operator assertion"
        description="A short-lived, signed statement that you are the person operating a plant application. The inspection proxy records you as the verified operator of the AI calls the application makes with it."
      />
      <Card id="assertion" title="Your assertion" description={`Valid for ${minutes} minutes from when you get it. It names you: do not pass it on.`}>
        <OperatorAssertion />
      </Card>
      <Card id="how" title="How to use it">
        <div className="card-body">
          <ol style={{ margin: 0, paddingLeft: 20, display: "grid", gap: 6 }}>
            <li>Get an assertion here when you sit down at the plant application, and again when it runs out: it lasts {minutes} minutes, so that a terminal left behind does not keep vouching for you.</li>
            <li>
              Paste it where the application asks for your operator assertion. The application sends it with each AI call as the header{" "}
              <code>{operatorAssertionHeader}</code>.
            </li>
            <li>When it has expired, the proxy no longer records you as verified: get a new one. Whoever takes over the terminal gets their own.</li>
          </ol>
        </div>
      </Card>
    </>
  );
}
