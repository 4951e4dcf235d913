// What a conduit allows, and whether a change allows more (IEC 62443-3-3 SR 5.2). A
// change that widens any limit waits for a second person's approval; one that only
// narrows takes effect at once, because refusing more can never leak data.
import { z } from "zod";
import type { Conduit, DataClass, FailMode, OverLimitAction } from "@/lib/db";

export interface ConduitPolicy {
  name: string;
  justification: string;
  allowedPurposes: string[];
  allowedModels: string[];
  allowedEndpoints: string[];
  maxDataClass: DataClass;
  overLimitAction: OverLimitAction;
  failMode: FailMode;
  validFrom: string;
  validUntil: string | null;
  reviewDueAt: string | null;
}

const dataClassRank: Record<DataClass, number> = { PUBLIC: 0, INTERNAL: 1, CONFIDENTIAL: 2, RESTRICTED: 3 };
// Beyond its data limit a conduit blocks, redacts (the rest is sent) or flags (all is sent).
const actionRank: Record<OverLimitAction, number> = { BLOCK: 0, REDACT: 1, FLAG: 2 };

export const policyFieldLabels: Record<keyof ConduitPolicy, string> = {
  name: "Name",
  justification: "Justification",
  allowedPurposes: "Purposes",
  allowedModels: "Models",
  allowedEndpoints: "Endpoints",
  maxDataClass: "Maximum data class",
  overLimitAction: "Beyond the limit",
  failMode: "Fail mode",
  validFrom: "Valid from",
  validUntil: "Valid until",
  reviewDueAt: "Review due",
};

const parseList = (json: string): string[] => z.array(z.string()).catch([]).parse(JSON.parse(json));

export function policyOf(conduit: Conduit): ConduitPolicy {
  return {
    name: conduit.name,
    justification: conduit.justification,
    allowedPurposes: parseList(conduit.allowedPurposes),
    allowedModels: parseList(conduit.allowedModels),
    allowedEndpoints: parseList(conduit.allowedEndpoints),
    maxDataClass: conduit.maxDataClass,
    overLimitAction: conduit.overLimitAction,
    failMode: conduit.failMode,
    validFrom: conduit.validFrom.toISOString(),
    validUntil: conduit.validUntil?.toISOString() ?? null,
    reviewDueAt: conduit.reviewDueAt?.toISOString() ?? null,
  };
}

/** The columns a policy writes. */
export function policyColumns(policy: ConduitPolicy) {
  return {
    name: policy.name,
    justification: policy.justification,
    allowedPurposes: JSON.stringify(policy.allowedPurposes),
    allowedModels: JSON.stringify(policy.allowedModels),
    allowedEndpoints: JSON.stringify(policy.allowedEndpoints),
    maxDataClass: policy.maxDataClass,
    overLimitAction: policy.overLimitAction,
    failMode: policy.failMode,
    validFrom: new Date(policy.validFrom),
    validUntil: policy.validUntil === null ? null : new Date(policy.validUntil),
    reviewDueAt: policy.reviewDueAt === null ? null : new Date(policy.reviewDueAt),
  };
}

/** An empty list allows anything: emptying a list, or adding to one, allows more. */
function listWidens(before: string[], after: string[]): boolean {
  if (before.length === 0) return false;
  return after.length === 0 || after.some((item) => !before.includes(item));
}

const later = (a: string | null, b: string | null) => (a === null ? b !== null : b !== null && a > b);

/** The fields in which `after` allows more than `before`. */
export function widenedFields(options: { before: ConduitPolicy; after: ConduitPolicy }): (keyof ConduitPolicy)[] {
  const { before, after } = options;
  const widened: (keyof ConduitPolicy)[] = [];
  for (const field of ["allowedPurposes", "allowedModels", "allowedEndpoints"] as const) {
    if (listWidens(before[field], after[field])) widened.push(field);
  }
  if (dataClassRank[after.maxDataClass] > dataClassRank[before.maxDataClass]) widened.push("maxDataClass");
  if (actionRank[after.overLimitAction] > actionRank[before.overLimitAction]) widened.push("overLimitAction");
  if (before.failMode === "CLOSED" && after.failMode === "OPEN") widened.push("failMode");
  if (after.validFrom < before.validFrom) widened.push("validFrom");
  if (later(after.validUntil, before.validUntil)) widened.push("validUntil");
  return widened;
}

export interface FieldChange {
  field: keyof ConduitPolicy;
  before: unknown;
  after: unknown;
}

/** Each field that differs, with both values (conduits hold no secrets, so the ledger may carry them). */
export function policyDiff(options: { before: ConduitPolicy; after: ConduitPolicy }): FieldChange[] {
  const { before, after } = options;
  return (Object.keys(policyFieldLabels) as (keyof ConduitPolicy)[])
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

/** A policy value as people read it: a list comma-separated, an empty list "any", no date "none". */
export function showPolicyValue(value: unknown): string {
  return value === null || value === undefined ? "none" : Array.isArray(value) ? (value.length ? value.join(", ") : "any") : String(value);
}
