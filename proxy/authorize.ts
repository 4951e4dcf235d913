// Conduit enforcement (IEC 62443-3-3 SR 5.1, 5.2): deny by default. A call passes only on
// an active conduit, valid now, from the device's zone to the destination, that allows
// the call's purpose, model and endpoint. A refusal names the first rule that failed on
// the conduit that came closest, so the OT engineer knows what to change.
import type { DataClass } from "@/proxy/classify";
import type { ProxyErrorCode } from "@/proxy/errors";

export interface ConduitRule {
  id: string;
  slug: string;
  status: "ACTIVE" | "SUSPENDED" | "RETIRED";
  validFrom: number;
  validUntil: number | null;
  allowedPurposes: string[];
  allowedModels: string[];
  allowedEndpoints: string[];
  maxDataClass: DataClass;
  overLimitAction: "BLOCK" | "REDACT" | "FLAG";
  failMode: "CLOSED" | "OPEN";
}

export type Authorization =
  | { ok: true; conduit: ConduitRule }
  | { ok: false; code: ProxyErrorCode; message: string; conduit: ConduitRule | null };

/** An empty list allows anything; `*` in a model pattern matches any run of characters. */
function allows(list: string[], value: string | null): boolean {
  if (list.length === 0) return true;
  if (value === null) return false;
  return list.some((pattern) =>
    pattern.includes("*") ? new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`).test(value) : pattern === value,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Checked in this order, and a conduit that fails later got closer: first what a conduit
// is for (purpose, endpoint, model), then whether it is usable now, so a call its own
// conduit would cover hears "expired" rather than another conduit's "wrong purpose".
const checks: { code: ProxyErrorCode; passes: (c: ConduitRule, call: CallFacts) => boolean; message: (c: ConduitRule, call: CallFacts) => string }[] = [
  { code: "purpose_not_allowed", passes: (c, call) => allows(c.allowedPurposes, call.purpose), message: (c, call) => `Conduit ${c.slug} does not allow the purpose "${call.purpose ?? "(none)"}".` },
  { code: "endpoint_not_allowed", passes: (c, call) => allows(c.allowedEndpoints, call.endpoint), message: (c, call) => `Conduit ${c.slug} does not allow the endpoint "${call.endpoint}".` },
  { code: "model_not_allowed", passes: (c, call) => allows(c.allowedModels, call.model), message: (c, call) => `Conduit ${c.slug} does not allow the model "${call.model ?? "(none)"}".` },
  { code: "conduit_suspended", passes: (c) => c.status === "ACTIVE", message: (c) => `Conduit ${c.slug} is ${c.status.toLowerCase()}.` },
  { code: "conduit_not_yet_valid", passes: (c, call) => c.validFrom <= call.now, message: (c) => `Conduit ${c.slug} is valid from ${new Date(c.validFrom).toISOString()}.` },
  { code: "conduit_expired", passes: (c, call) => c.validUntil === null || call.now < c.validUntil, message: (c) => `Conduit ${c.slug} expired on ${new Date(c.validUntil!).toISOString()}.` },
];

interface CallFacts {
  purpose: string | null;
  model: string | null;
  endpoint: string;
  now: number;
}

export function authorizeCall(options: { conduits: ConduitRule[]; call: CallFacts; zone: string; destination: string }): Authorization {
  const { conduits, call } = options;
  if (conduits.length === 0) {
    return { ok: false, code: "conduit_not_authorized", message: `No conduit authorises AI calls from zone ${options.zone} to ${options.destination}.`, conduit: null };
  }
  let closest: { conduit: ConduitRule; failedAt: number } | null = null;
  const passing: ConduitRule[] = [];
  for (const conduit of conduits) {
    const failedAt = checks.findIndex((check) => !check.passes(conduit, call));
    if (failedAt < 0) passing.push(conduit);
    else if (!closest || failedAt > closest.failedAt) closest = { conduit, failedAt };
  }
  if (passing.length > 0) {
    // Several may pass: take the one that allows the most data, then the first by slug, so
    // the choice is the same on every instance.
    passing.sort((a, b) => dataClassRank[b.maxDataClass] - dataClassRank[a.maxDataClass] || a.slug.localeCompare(b.slug));
    return { ok: true, conduit: passing[0]! };
  }
  const check = checks[closest!.failedAt]!;
  return { ok: false, code: check.code, message: check.message(closest!.conduit, call), conduit: closest!.conduit };
}

const dataClassRank: Record<DataClass, number> = { PUBLIC: 0, INTERNAL: 1, CONFIDENTIAL: 2, RESTRICTED: 3 };
