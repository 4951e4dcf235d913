// Conduit enforcement (IEC 62443-3-3 SR 5.1, 5.2): deny by default. A call passes only on
// an active conduit, valid now, from the device's zone to the destination, that allows
// the call's purpose, model and endpoint. A refusal names the first rule that failed on
// the conduit that came closest, so the OT engineer knows what to change: of the conduits
// for the call's purpose, one in force before an expired or suspended one beside it.
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

// A provider resolves an alias to a dated or numbered snapshot of it: gpt-4o answers as
// gpt-4o-2024-08-06, claude-sonnet-4-5 as claude-sonnet-4-5-20250929, gemini-1.5-flash as
// gemini-1.5-flash-002.
const snapshotSuffix = /^-(?:\d{4}-\d{2}-\d{2}|\d{3,8})$/;

/**
 * Whether the model a provider answered with is one the conduit allows: by the conduit's
 * own list, or as the snapshot the requested (and so allowed) model resolved to.
 */
export function answeredModelAllowed(options: { conduit: ConduitRule; requested: string | null; answered: string }): boolean {
  const answered = options.answered.replace(/^models\//, "");
  if (allows(options.conduit.allowedModels, answered)) return true;
  const requested = options.requested?.replace(/^models\//, "") ?? null;
  return requested !== null && (answered === requested || (answered.startsWith(requested) && snapshotSuffix.test(answered.slice(requested.length))));
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

/** Where the checks of whether a conduit is usable now begin. */
const inForceFrom = checks.findIndex((check) => check.code === "conduit_suspended");

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
  let closest: { conduit: ConduitRule; rank: number[] } | null = null;
  const passing: ConduitRule[] = [];
  for (const conduit of conduits) {
    const failedAt = checks.findIndex((check) => !check.passes(conduit, call));
    if (failedAt < 0) {
      passing.push(conduit);
      continue;
    }
    // A conduit for another purpose is not the call's. Of those for its purpose, an expired
    // or suspended one beside one in force is history: the refusal is about the one in
    // force ("model not allowed"), not the old one's "expired".
    const forPurpose = failedAt > 0; // the purpose check, the first, passed
    const inForce = checks.slice(inForceFrom).every((check) => check.passes(conduit, call));
    const rank = [forPurpose ? 1 : 0, inForce ? 1 : 0, failedAt];
    if (!closest || outranks(rank, closest.rank)) closest = { conduit, rank };
  }
  if (passing.length > 0) {
    // Several may pass: take the one that allows the most data, then the first by slug, so
    // the choice is the same on every instance.
    passing.sort((a, b) => dataClassRank[b.maxDataClass] - dataClassRank[a.maxDataClass] || a.slug.localeCompare(b.slug));
    return { ok: true, conduit: passing[0]! };
  }
  const check = checks[closest!.rank[2]!]!;
  return { ok: false, code: check.code, message: check.message(closest!.conduit, call), conduit: closest!.conduit };
}

function outranks(a: number[], b: number[]): boolean {
  const i = a.findIndex((value, index) => value !== b[index]);
  return i >= 0 && a[i]! > b[i]!;
}

const dataClassRank: Record<DataClass, number> = { PUBLIC: 0, INTERNAL: 1, CONFIDENTIAL: 2, RESTRICTED: 3 };
