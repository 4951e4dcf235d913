import { describe, expect, it } from "vitest";
import { answeredModelAllowed, authorizeCall, type ConduitRule } from "@/proxy/authorize";

const now = Date.parse("2026-12-08T10:00:00Z");
const day = 86_400_000;

function conduit(fields: Partial<ConduitRule> & { slug: string }): ConduitRule {
  return {
    id: fields.slug,
    status: "ACTIVE",
    validFrom: now - 30 * day,
    validUntil: null,
    allowedPurposes: [],
    allowedModels: [],
    allowedEndpoints: [],
    maxDataClass: "INTERNAL",
    overLimitAction: "BLOCK",
    failMode: "CLOSED",
    ...fields,
  };
}

const call = { purpose: "maintenance-copilot", model: "gpt-4o", endpoint: "chat.completions", now };
const authorize = (conduits: ConduitRule[]) => authorizeCall({ conduits, call, zone: "cell-3", destination: "openai-eu" });

describe("authorizeCall", () => {
  it("refuses with no conduit at all", () => {
    expect(authorize([])).toMatchObject({ ok: false, code: "conduit_not_authorized", conduit: null });
  });

  it("names the conduit in force and its failed rule, not an expired conduit beside it that would allow the call", () => {
    const inForce = conduit({ slug: "copilot-2026", allowedModels: ["gpt-4o-mini"] });
    const expired = conduit({ slug: "copilot-2025", validFrom: now - 400 * day, validUntil: now - 30 * day });
    for (const conduits of [
      [inForce, expired],
      [expired, inForce],
    ]) {
      const result = authorize(conduits);
      expect(result).toMatchObject({ ok: false, code: "model_not_allowed", conduit: { slug: "copilot-2026" } });
      expect(result.ok || result.message).toBe('Conduit copilot-2026 does not allow the model "gpt-4o".');
    }
  });

  it("names the suspended one when none is in force, and says expired when the call's own conduit has expired", () => {
    expect(authorize([conduit({ slug: "copilot", status: "SUSPENDED" })])).toMatchObject({ ok: false, code: "conduit_suspended", conduit: { slug: "copilot" } });
    const expired = conduit({ slug: "copilot-2025", validUntil: now - day });
    const otherPurpose = conduit({ slug: "quality-2025", validUntil: now - day, allowedPurposes: ["quality-analytics"] });
    expect(authorize([otherPurpose, expired])).toMatchObject({ ok: false, code: "conduit_expired", conduit: { slug: "copilot-2025" } });
    // One in force for another purpose is not the call's conduit: its own expired one is.
    const inForceOtherPurpose = conduit({ slug: "quality-2026", allowedPurposes: ["quality-analytics"] });
    expect(authorize([inForceOtherPurpose, expired])).toMatchObject({ ok: false, code: "conduit_expired", conduit: { slug: "copilot-2025" } });
  });

  it("among conduits in force names the one that came closest", () => {
    const wrongPurpose = conduit({ slug: "a-quality", allowedPurposes: ["quality-analytics"] });
    const wrongModel = conduit({ slug: "b-copilot", allowedModels: ["gpt-4o-mini"] });
    expect(authorize([wrongPurpose, wrongModel])).toMatchObject({ ok: false, code: "model_not_allowed", conduit: { slug: "b-copilot" } });
  });

  it("passes on a conduit in force that allows the call, the one allowing the most data first", () => {
    const internal = conduit({ slug: "a-internal" });
    const confidential = conduit({ slug: "b-confidential", maxDataClass: "CONFIDENTIAL", allowedModels: ["gpt-4o*"] });
    expect(authorize([internal, confidential])).toMatchObject({ ok: true, conduit: { slug: "b-confidential" } });
  });
});

describe("answeredModelAllowed", () => {
  const allowed = (allowedModels: string[], requested: string | null, answered: string) => answeredModelAllowed({ conduit: conduit({ slug: "c", allowedModels }), requested, answered });

  it("takes a model the conduit lists, or the dated snapshot the requested alias resolved to", () => {
    expect(allowed(["gpt-4o"], "gpt-4o", "gpt-4o")).toBe(true);
    expect(allowed(["gpt-4o"], "gpt-4o", "gpt-4o-2024-08-06")).toBe(true);
    expect(allowed(["claude-sonnet-4-5"], "claude-sonnet-4-5", "claude-sonnet-4-5-20250929")).toBe(true);
    expect(allowed(["gemini-1.5-flash"], "models/gemini-1.5-flash", "gemini-1.5-flash-002")).toBe(true);
    expect(allowed(["claude-*"], "claude-haiku-4-5", "claude-opus-4-1")).toBe(true);
    expect(allowed([], "gpt-4o", "anything")).toBe(true);
  });

  it("flags another model, or another family behind an allowed prefix", () => {
    expect(allowed(["gpt-4o-mini"], "gpt-4o-mini", "gpt-4o")).toBe(false);
    expect(allowed(["gpt-4o"], "gpt-4o", "gpt-4o-mini")).toBe(false);
    expect(allowed(["gpt-4o"], "gpt-4o", "gpt-4o-mini-2024-07-18")).toBe(false);
    expect(allowed(["gpt-4.1-mini"], "gpt-4.1-mini", "o3")).toBe(false);
  });
});
