// Who is behind a call (IEC 62443-3-3 SR 1.1; EU AI Act Art. 14). A short-lived operator
// assertion, an Ed25519-signed JWT from a registered issuer (this app for a signed-in
// operator, or a system such as an MES with its own key), makes the operator `verified`.
// A device explicitly allowed to may name the operator itself: `asserted`. Otherwise
// the record says `none`.
import type { KeyObject } from "node:crypto";
import { decodeJwt, jwtVerify } from "jose";
import { ProxyError } from "@/proxy/errors";

export const operatorAssertionAudience = "conduit-ledger-proxy";
export const operatorAssertionHeader = "x-conduit-operator-assertion";
export const operatorIdHeader = "x-conduit-operator";

export interface OperatorIdentity {
  id: string | null;
  assurance: "verified" | "asserted" | "none";
}

// What an operator id may hold: everything an e-mail address may (the app's assertions
// name the signed-in user by address), and ":" for ids such as "mes:4711". The recorded id
// adds "@<issuer>" to an asserted subject, and records take ids up to 300 characters.
const operatorIdPattern = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@:-]{1,254}$/;
const maxRecordedIdLength = 300;

/** True when `value` can name an operator (in x-conduit-operator or as an assertion's subject). */
export function isOperatorId(value: string): boolean {
  return operatorIdPattern.test(value);
}

/** Verifies assertions and remembers each verified one until it expires, so a busy operator costs one signature check. */
export class OperatorResolver {
  private readonly verified = new Map<string, { id: string; expiresAt: number }>();

  constructor(private readonly options: { maxAgeSeconds: number; maxCached?: number }) {}

  async resolve(options: { headers: Headers; issuers: Map<string, KeyObject>; mayAssertOperator: boolean; now: number }): Promise<OperatorIdentity> {
    const assertion = options.headers.get(operatorAssertionHeader)?.trim();
    if (assertion) return { id: await this.verify({ assertion, issuers: options.issuers, now: options.now }), assurance: "verified" };
    const claimed = options.headers.get(operatorIdHeader)?.trim();
    if (!claimed) return { id: null, assurance: "none" };
    if (!options.mayAssertOperator) {
      throw new ProxyError({ code: "operator_not_assertable", message: `This device may not name operators itself; send a signed ${operatorAssertionHeader} instead.` });
    }
    if (!isOperatorId(claimed)) throw new ProxyError({ code: "malformed_request", message: `${operatorIdHeader} must be 1 to 254 characters that an e-mail address may hold, or ":".` });
    return { id: claimed, assurance: "asserted" };
  }

  private async verify(options: { assertion: string; issuers: Map<string, KeyObject>; now: number }): Promise<string> {
    const cached = this.verified.get(options.assertion);
    if (cached && cached.expiresAt > options.now) return cached.id;
    const invalid = (why: string) => new ProxyError({ code: "invalid_operator_assertion", message: `The operator assertion is not valid: ${why}.` });
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(options.assertion).iss;
    } catch {
      throw invalid("it is not a JWT");
    }
    const key = issuer ? options.issuers.get(issuer) : undefined;
    if (!key) throw invalid(`issuer "${issuer ?? ""}" is not registered`);
    let payload;
    try {
      ({ payload } = await jwtVerify(options.assertion, key, {
        algorithms: ["EdDSA"],
        audience: operatorAssertionAudience,
        issuer,
        maxTokenAge: `${this.options.maxAgeSeconds}s`,
        requiredClaims: ["sub", "exp", "iat"],
        currentDate: new Date(options.now),
      }));
    } catch (error) {
      throw invalid((error as { code?: string }).code === "ERR_JWT_EXPIRED" ? "it has expired" : "its signature or claims do not check out");
    }
    if (!payload.sub || !isOperatorId(payload.sub)) throw invalid("its subject is not an operator id");
    const id = `${payload.sub}@${issuer}`;
    if (id.length > maxRecordedIdLength) throw invalid(`its subject and issuer are longer than ${maxRecordedIdLength} characters`);
    if (this.verified.size >= (this.options.maxCached ?? 10_000)) this.verified.clear();
    this.verified.set(options.assertion, { id, expiresAt: payload.exp! * 1000 });
    return id;
  }
}
