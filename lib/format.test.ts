import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, humanize } from "@/lib/format";

describe("formatting", () => {
  it("shows an instant in the plant's time zone and names the zone", () => {
    const instant = new Date("2026-03-29T01:30:00Z"); // after the EU switch to summer time
    expect(formatDateTime({ date: instant, timeZone: "Europe/Berlin" })).toBe("29 Mar 2026, 03:30 CEST");
    expect(formatDateTime({ date: instant, timeZone: "Europe/Lisbon" })).toMatch(/^29 Mar 2026, 02:30 (WEST|GMT\+1)$/);
    expect(formatDateTime({ date: instant, timeZone: "UTC" })).toBe("29 Mar 2026, 01:30 UTC");
  });

  it("formats dates in the plant's calendar, which may differ from UTC's", () => {
    expect(formatDate({ date: new Date("2026-12-31T23:30:00Z"), timeZone: "Europe/Berlin" })).toBe("1 Jan 2027");
  });

  it("turns enum values into words", () => {
    expect(humanize("WORK_INSTRUCTION_COPILOT")).toBe("Work instruction copilot");
  });
});
