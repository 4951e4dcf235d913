import { describe, expect, it } from "vitest";
import { policyDiff, widenedFields, type ConduitPolicy } from "@/lib/conduits/conduit-policy";

const base: ConduitPolicy = {
  name: "Augsburg operations to OpenAI",
  justification: "",
  allowedPurposes: ["predictive-maintenance"],
  allowedModels: ["gpt-4.1-mini"],
  allowedEndpoints: [],
  maxDataClass: "INTERNAL",
  overLimitAction: "REDACT",
  failMode: "CLOSED",
  validFrom: "2026-01-01T00:00:00.000Z",
  validUntil: "2027-01-01T00:00:00.000Z",
  reviewDueAt: null,
};
const widened = (change: Partial<ConduitPolicy>) => widenedFields({ before: base, after: { ...base, ...change } });

describe("widenedFields", () => {
  it("counts adding to a list, or emptying it (any), as widening; removing as narrowing", () => {
    expect(widened({ allowedModels: ["gpt-4.1-mini", "gpt-4.1"] })).toEqual(["allowedModels"]);
    expect(widened({ allowedPurposes: [] })).toEqual(["allowedPurposes"]);
    expect(widened({ allowedModels: [] , allowedPurposes: ["predictive-maintenance"] })).toEqual(["allowedModels"]);
    expect(widened({ allowedEndpoints: ["chat.completions"] })).toEqual([]);
    expect(widened({ allowedModels: ["gpt-4.1"] })).toEqual(["allowedModels"]);
  });

  it("orders data classes, over-limit actions and fail modes by what they let through", () => {
    expect(widened({ maxDataClass: "CONFIDENTIAL" })).toEqual(["maxDataClass"]);
    expect(widened({ maxDataClass: "PUBLIC" })).toEqual([]);
    expect(widened({ overLimitAction: "FLAG" })).toEqual(["overLimitAction"]);
    expect(widened({ overLimitAction: "BLOCK" })).toEqual([]);
    expect(widened({ failMode: "OPEN" })).toEqual(["failMode"]);
  });

  it("counts a longer or open-ended validity as widening, a review date as neither", () => {
    expect(widened({ validUntil: "2027-06-01T00:00:00.000Z" })).toEqual(["validUntil"]);
    expect(widened({ validUntil: null })).toEqual(["validUntil"]);
    expect(widened({ validUntil: "2026-06-01T00:00:00.000Z" })).toEqual([]);
    expect(widened({ validFrom: "2025-12-01T00:00:00.000Z" })).toEqual(["validFrom"]);
    expect(widened({ reviewDueAt: "2026-03-01T00:00:00.000Z", name: "Renamed" })).toEqual([]);
  });

  it("narrows nothing when the old list already allowed anything", () => {
    expect(widenedFields({ before: { ...base, allowedEndpoints: [] }, after: { ...base, allowedEndpoints: ["embeddings"] } })).toEqual([]);
  });
});

describe("policyDiff", () => {
  it("lists exactly the fields that differ, with both values", () => {
    expect(policyDiff({ before: base, after: { ...base, maxDataClass: "PUBLIC", allowedModels: [] } })).toEqual([
      { field: "allowedModels", before: ["gpt-4.1-mini"], after: [] },
      { field: "maxDataClass", before: "INTERNAL", after: "PUBLIC" },
    ]);
  });
});
