// Operator assertions issued by this application: a signed-in person gets a short-lived
// Ed25519-signed JWT naming them, which a plant application sends along with its AI
// calls (header x-conduit-operator-assertion), so the proxy records the operator as
// verified. The signing key lives under <data>/keys/ beside the ledger keys; its public
// half is registered as the issuer "conduit-ledger", which every proxy instance reads.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { SessionUser } from "@/lib/auth/session";
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { loadOrCreateSigningKey } from "@/lib/ledger/keys";
import { isOperatorId, operatorAssertionAudience } from "@/proxy/operator";

export const appIssuerSlug = "conduit-ledger";

export async function issueOperatorAssertion(options: { db: Db; config: Config; user: SessionUser; now?: Date }) {
  const { db, config, user } = options;
  const key = loadOrCreateSigningKey({ keysDir: config.ledger.keysDir, logName: "operator-assertions" });
  const publicKeySpki = key.spki.toString("base64");
  if (!isOperatorId(user.email)) {
    throw new AppError({ code: "validation_failed", message: `The e-mail address of this account cannot name an operator in a proxy record; ask an administrator to change it.` });
  }
  // The issuer row follows the key file; a revocation stays until an administrator lifts
  // it: asking for an assertion must not re-enable a revoked issuer.
  const issuer = await db.operatorAssertionIssuer.findUnique({ where: { slug: appIssuerSlug } });
  if (issuer?.revokedAt) {
    throw new AppError({ code: "conflict", message: "Operator assertions from this application have been revoked; an administrator must re-enable them." });
  }
  if (issuer?.publicKeySpki !== publicKeySpki) {
    await db.operatorAssertionIssuer.upsert({
      where: { slug: appIssuerSlug },
      create: { slug: appIssuerSlug, name: "Conduit Ledger (signed-in users)", publicKeySpki },
      update: { publicKeySpki },
    });
  }
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = now + config.proxy.operatorAssertionMaxAgeSeconds;
  const assertion = await new SignJWT({ name: user.name })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
    .setIssuer(appIssuerSlug)
    .setSubject(user.email)
    .setAudience(operatorAssertionAudience)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { assertion, operator: `${user.email}@${appIssuerSlug}`, expiresAt: new Date(expiresAt * 1000).toISOString(), header: "x-conduit-operator-assertion" };
}
