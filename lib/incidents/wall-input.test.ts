import { describe, expect, it } from "vitest";
import { instantFromWallInput, wallInputValue } from "@/lib/incidents/wall-input";

describe("datetime-local values in the plant's time zone", () => {
  it("reads a wall time as the instant it denotes there, across daylight saving", () => {
    expect(instantFromWallInput("2026-03-02T10:00", "Europe/Berlin")).toBe("2026-03-02T09:00:00.000Z");
    expect(instantFromWallInput("2026-07-02T10:00", "Europe/Berlin")).toBe("2026-07-02T08:00:00.000Z");
    expect(instantFromWallInput("2026-07-02T10:00", "Europe/Lisbon")).toBe("2026-07-02T09:00:00.000Z");
  });

  it("writes an instant as the wall time there", () => {
    expect(wallInputValue("2026-03-29T01:30:00Z", "Europe/Berlin")).toBe("2026-03-29T03:30");
    expect(wallInputValue(null, "Europe/Berlin")).toBe("");
  });

  it("refuses what is not a date and time", () => {
    for (const value of ["", "2026-03-02", "2026-13-02T10:00", "2026-03-02T24:00", "yesterday"]) expect(instantFromWallInput(value, "Europe/Berlin")).toBeNull();
  });
});
