import { describe, expect, it } from "vitest";
import { conduitState } from "@/lib/inventory/conduit-state";

const now = new Date("2026-11-26T10:00:00Z");
const from = new Date("2026-01-01T00:00:00Z");

describe("conduitState", () => {
  it("is in force only while active and inside its validity window", () => {
    expect(conduitState({ status: "ACTIVE", validFrom: from, validUntil: null, now })).toBe("in_force");
    expect(conduitState({ status: "ACTIVE", validFrom: from, validUntil: new Date("2026-11-26T10:00:01Z"), now })).toBe("in_force");
  });

  it("expires at the instant validUntil is reached", () => {
    expect(conduitState({ status: "ACTIVE", validFrom: from, validUntil: now, now })).toBe("expired");
  });

  it("is not yet valid before validFrom, and suspension or retirement override dates", () => {
    expect(conduitState({ status: "ACTIVE", validFrom: new Date("2026-12-01T00:00:00Z"), validUntil: null, now })).toBe("not_yet_valid");
    expect(conduitState({ status: "SUSPENDED", validFrom: from, validUntil: null, now })).toBe("suspended");
    expect(conduitState({ status: "RETIRED", validFrom: from, validUntil: new Date("2020-01-01"), now })).toBe("retired");
  });
});
