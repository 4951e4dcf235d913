// Wall-clock arithmetic in a plant's time zone, with Intl only (Node's full ICU).
// Hour deadlines run on the UTC time line; month and day deadlines run on the local
// calendar of the Member State's legal time (Reg. 1182/71), so they need these.
import { AppError } from "@/lib/errors";

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        timeZoneName: "short",
      });
    } catch {
      throw new AppError({ code: "validation_failed", message: `"${timeZone}" is not a known IANA time zone.` });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function assertInstant(at: Date, name: string): void {
  if (Number.isNaN(at.getTime())) throw new AppError({ code: "validation_failed", message: `${name} is not a valid date.` });
}

function localParts(at: Date, timeZone: string): { wall: WallTime; zoneName: string } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const wall = {
    year: Number(part("year")),
    month: Number(part("month")),
    day: Number(part("day")),
    hour: Number(part("hour")),
    minute: Number(part("minute")),
    second: Number(part("second")),
    millisecond: at.getUTCMilliseconds(),
  };
  return { wall, zoneName: part("timeZoneName") };
}

export function toWallTime(options: { at: Date; timeZone: string }): WallTime {
  return localParts(options.at, options.timeZone).wall;
}

function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallAsUtc(toWallTime({ at: new Date(instant), timeZone })) - instant;
}

/**
 * The instant a local wall time denotes. A time repeated when clocks go back is read
 * as its first occurrence (the earlier, stricter deadline). A time skipped when
 * clocks go forward is read with the offset in force before the change (02:30 on the
 * spring-forward night in Berlin is 03:30 CEST), as RFC 5545 and Temporal's
 * "compatible" mode do. EU zones change at most once within two days, which the
 * one-day look either side relies on.
 */
export function fromWallTime(options: { wall: WallTime; timeZone: string }): Date {
  const asUtc = wallAsUtc(options.wall);
  const offsetBefore = offsetAt(asUtc - DAY_MS, options.timeZone);
  const offsetAfter = offsetAt(asUtc + DAY_MS, options.timeZone);
  const candidates = [asUtc - offsetBefore, asUtc - offsetAfter].filter((instant) => offsetAt(instant, options.timeZone) === asUtc - instant);
  if (candidates.length === 0) return new Date(asUtc - offsetBefore);
  return new Date(Math.min(...candidates));
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Calendar months on a wall time: the same date `months` later; where that date does
 * not exist, the last day of that month (31 Jan -> 28 or 29 Feb). 28 Feb + 1 month
 * is 28 Mar, not 31 Mar: the rule keeps the date, it does not track month ends.
 */
export function addMonthsToWallTime(options: { wall: WallTime; months: number }): WallTime {
  if (!Number.isInteger(options.months)) {
    throw new AppError({ code: "validation_failed", message: "A number of months must be a whole number." });
  }
  const monthIndex = options.wall.month - 1 + options.months;
  const year = options.wall.year + Math.floor(monthIndex / 12);
  const month = (((monthIndex % 12) + 12) % 12) + 1;
  return { ...options.wall, year, month, day: Math.min(options.wall.day, daysInMonth(year, month)) };
}

/** The same clock time `days` calendar days later. */
export function addDaysToWallTime(options: { wall: WallTime; days: number }): WallTime {
  const date = new Date(Date.UTC(options.wall.year, options.wall.month - 1, options.wall.day + options.days));
  return { ...options.wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Calendar months counted in the plant's local calendar, never in UTC and never as 30 days. */
export function addCalendarMonths(options: { from: Date; months: number; timeZone: string }): Date {
  assertInstant(options.from, "The start of the month period");
  const wall = addMonthsToWallTime({ wall: toWallTime({ at: options.from, timeZone: options.timeZone }), months: options.months });
  return fromWallTime({ wall, timeZone: options.timeZone });
}

function pad(value: number, length = 2): string {
  return String(value).padStart(length, "0");
}

/** The wall time's date as YYYY-MM-DD, the form holiday lists use. */
export function isoDateOf(options: { wall: WallTime }): string {
  const { wall } = options;
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(options: { wall: WallTime }): number {
  const { wall } = options;
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
}

/**
 * A deadline for display: local time with the zone's abbreviation, and the UTC
 * instant beside it. Seconds are cut, so the shown minute is never after the instant.
 */
export function formatDeadline(options: { at: Date; timeZone: string }): { local: string; utc: string } {
  assertInstant(options.at, "The instant to format");
  const { wall, zoneName } = localParts(options.at, options.timeZone);
  const utc = options.at.toISOString();
  return {
    local: `${isoDateOf({ wall })} ${pad(wall.hour)}:${pad(wall.minute)} ${zoneName}`,
    utc: `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`,
  };
}
