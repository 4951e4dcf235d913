import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import {
  addCalendarMonths,
  addDaysToWallTime,
  formatDeadline,
  fromWallTime,
  isoDateOf,
  toWallTime,
  weekdayOf,
} from "@/lib/incidents/local-time";

const berlin = "Europe/Berlin";
const lisbon = "Europe/Lisbon";
const utc = (iso: string) => new Date(iso);
const monthLater = (iso: string, timeZone = berlin, months = 1) => addCalendarMonths({ from: utc(iso), months, timeZone }).toISOString();

describe("addCalendarMonths: the end-of-month rule", () => {
  it.each([
    ["31 Jan -> 28 Feb", "2026-01-31T09:00:00.000Z", "2026-02-28T09:00:00.000Z"],
    ["31 Jan 2028 -> 29 Feb 2028 (leap year)", "2028-01-31T09:00:00.000Z", "2028-02-29T09:00:00.000Z"],
    ["30 Aug -> 30 Sep", "2026-08-30T08:00:00.000Z", "2026-09-30T08:00:00.000Z"],
    ["31 Aug -> 30 Sep", "2026-08-31T08:00:00.000Z", "2026-09-30T08:00:00.000Z"],
    ["31 Dec -> 31 Jan of the next year", "2026-12-31T09:00:00.000Z", "2027-01-31T09:00:00.000Z"],
    ["28 Feb -> 28 Mar, not the end of March", "2026-02-28T09:00:00.000Z", "2026-03-28T09:00:00.000Z"],
    ["29 Feb 2028 -> 29 Mar 2028 (already summer time)", "2028-02-29T09:00:00.000Z", "2028-03-29T08:00:00.000Z"],
  ])("%s at the same local clock time", (_case, from, expected) => {
    expect(monthLater(from)).toBe(expected);
  });

  it("counts 29 Feb 2028 + 12 months as 28 Feb 2029", () => {
    expect(monthLater("2028-02-29T09:00:00.000Z", berlin, 12)).toBe("2029-02-28T09:00:00.000Z");
  });

  it("counts backwards with the same rule", () => {
    expect(monthLater("2026-03-31T08:00:00.000Z", berlin, -1)).toBe("2026-02-28T09:00:00.000Z");
  });

  it("counts in the plant's local calendar, not in UTC", () => {
    // 1 Mar 00:30 CET is still 28 Feb in UTC: a UTC month would give 28 Mar 23:30 UTC.
    expect(monthLater("2026-02-28T23:30:00.000Z")).toBe("2026-03-31T22:30:00.000Z");
    // 31 May 01:00 CEST is 30 May in UTC: the local 31st clamps to 30 Jun.
    expect(monthLater("2026-05-30T23:00:00.000Z")).toBe("2026-06-29T23:00:00.000Z");
  });

  it("keeps the local clock time across daylight-saving changes, so the UTC hour moves", () => {
    expect(monthLater("2026-03-15T08:00:00.000Z")).toBe("2026-04-15T07:00:00.000Z"); // 09:00 CET -> 09:00 CEST
    expect(monthLater("2026-10-10T07:00:00.000Z")).toBe("2026-11-10T08:00:00.000Z"); // 09:00 CEST -> 09:00 CET
    expect(monthLater("2026-03-15T09:00:00.000Z", lisbon)).toBe("2026-04-15T08:00:00.000Z"); // 09:00 WET -> 09:00 WEST
    expect(monthLater("2026-10-10T08:00:00.000Z", lisbon)).toBe("2026-11-10T09:00:00.000Z"); // 09:00 WEST -> 09:00 WET
  });

  it("reads a clock time skipped by the spring-forward change with the offset before it", () => {
    // 28 Mar 2027 02:30 does not exist in Berlin (02:00 CET -> 03:00 CEST): 03:30 CEST.
    expect(monthLater("2027-02-28T01:30:00.000Z")).toBe("2027-03-28T01:30:00.000Z");
    expect(formatDeadline({ at: utc("2027-03-28T01:30:00.000Z"), timeZone: berlin }).local).toBe("2027-03-28 03:30 CEST");
    // Lisbon skips 01:00-02:00 WET: 01:30 becomes 02:30 WEST.
    expect(monthLater("2027-02-28T01:30:00.000Z", lisbon)).toBe("2027-03-28T01:30:00.000Z");
  });

  it("reads a clock time repeated by the fall-back change as its first, earlier occurrence", () => {
    // 25 Oct 2026 02:30 happens twice in Berlin: 00:30 UTC (CEST) and 01:30 UTC (CET).
    expect(monthLater("2026-09-25T00:30:00.000Z")).toBe("2026-10-25T00:30:00.000Z");
    // Lisbon repeats 01:00-02:00: 01:30 WEST (00:30 UTC), not 01:30 WET (01:30 UTC).
    expect(monthLater("2026-09-25T00:30:00.000Z", lisbon)).toBe("2026-10-25T00:30:00.000Z");
  });

  it("keeps seconds and milliseconds", () => {
    expect(monthLater("2026-01-31T09:17:42.123Z")).toBe("2026-02-28T09:17:42.123Z");
  });

  it("rejects a fractional month count, an unknown time zone and an invalid date", () => {
    expect(() => addCalendarMonths({ from: utc("2026-01-31T09:00:00Z"), months: 1.5, timeZone: berlin })).toThrow(AppError);
    expect(() => addCalendarMonths({ from: utc("2026-01-31T09:00:00Z"), months: 1, timeZone: "Europe/Atlantis" })).toThrow(
      /not a known IANA time zone/,
    );
    expect(() => addCalendarMonths({ from: new Date("not a date"), months: 1, timeZone: berlin })).toThrow(/not a valid date/);
    try {
      addCalendarMonths({ from: utc("2026-01-31T09:00:00Z"), months: 1.5, timeZone: berlin });
    } catch (error) {
      expect((error as AppError).code).toBe("validation_failed");
    }
  });
});

describe("wall times", () => {
  it("round-trips an instant through its local wall time", () => {
    const at = utc("2026-07-01T10:11:12.013Z");
    const wall = toWallTime({ at, timeZone: berlin });
    expect(wall).toEqual({ year: 2026, month: 7, day: 1, hour: 12, minute: 11, second: 12, millisecond: 13 });
    expect(fromWallTime({ wall, timeZone: berlin }).toISOString()).toBe(at.toISOString());
  });

  it("adds calendar days across a month and a year end", () => {
    const wall = toWallTime({ at: utc("2026-12-31T09:00:00Z"), timeZone: berlin });
    expect(isoDateOf({ wall: addDaysToWallTime({ wall, days: 1 }) })).toBe("2027-01-01");
    expect(isoDateOf({ wall: addDaysToWallTime({ wall, days: 60 }) })).toBe("2027-03-01");
  });

  it("names the local weekday, which can differ from the UTC one", () => {
    // Sunday 23:30 UTC is already Monday in Berlin.
    expect(weekdayOf({ wall: toWallTime({ at: utc("2026-03-01T23:30:00Z"), timeZone: berlin }) })).toBe(1);
    expect(weekdayOf({ wall: toWallTime({ at: utc("2026-03-01T23:30:00Z"), timeZone: "UTC" }) })).toBe(0);
  });
});

describe("formatDeadline", () => {
  it("shows plant time with its zone and the UTC instant beside it", () => {
    expect(formatDeadline({ at: utc("2026-03-29T01:15:00Z"), timeZone: berlin })).toEqual({
      local: "2026-03-29 03:15 CEST",
      utc: "2026-03-29 01:15 UTC",
    });
    expect(formatDeadline({ at: utc("2026-03-29T00:15:00Z"), timeZone: berlin }).local).toBe("2026-03-29 01:15 CET");
    expect(formatDeadline({ at: utc("2026-01-15T12:00:00Z"), timeZone: lisbon }).local).toBe("2026-01-15 12:00 WET");
    expect(formatDeadline({ at: utc("2026-07-15T12:00:00Z"), timeZone: lisbon }).local).toBe("2026-07-15 13:00 WEST");
  });

  it("shows the local date where it differs from the UTC date", () => {
    expect(formatDeadline({ at: utc("2026-12-31T23:30:00Z"), timeZone: berlin })).toEqual({
      local: "2027-01-01 00:30 CET",
      utc: "2026-12-31 23:30 UTC",
    });
  });

  it("cuts seconds, so the shown minute is never after the deadline", () => {
    expect(formatDeadline({ at: utc("2026-01-15T12:34:59.999Z"), timeZone: berlin })).toEqual({
      local: "2026-01-15 13:34 CET",
      utc: "2026-01-15 12:34 UTC",
    });
  });

  it("rejects an invalid instant and an unknown zone with a validation error", () => {
    expect(() => formatDeadline({ at: new Date(Number.NaN), timeZone: berlin })).toThrow(/not a valid date/);
    expect(() => formatDeadline({ at: utc("2026-01-15T12:00:00Z"), timeZone: "CEST" })).toThrow(/not a known IANA time zone/);
  });
});
