// Between instants and the value of an HTML datetime-local input, which holds a wall
// time without a zone: the forms and filters take times in the plant's time zone.
import { fromWallTime, toWallTime } from "@/lib/incidents/local-time";

const pad = (n: number) => String(n).padStart(2, "0");

/** The datetime-local value for an instant, in the given zone; "" for none. */
export function wallInputValue(iso: string | null, timeZone: string): string {
  if (!iso) return "";
  const w = toWallTime({ at: new Date(iso), timeZone });
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** The instant a datetime-local value denotes in the given zone; null when empty or malformed. */
export function instantFromWallInput(value: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  return fromWallTime({ wall: { year, month, day, hour, minute, second, millisecond: 0 }, timeZone }).toISOString();
}
