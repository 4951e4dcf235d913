// How long until a deadline, and its status at a given moment, for the live countdowns
// in the browser. The same rules as the engine's statusOf (deadlines.ts), applied to
// the browser's clock so a page left open turns "due within 6 h" and "overdue" on time.
import { DUE_SOON_MS, type DeadlineStatus } from "@/lib/incidents/deadlines";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "in 2 d 4 h", "in 23 h 5 min", "in 59 min 12 s"; past the deadline, "3 h 2 min overdue". */
export function timeLeft(options: { dueAt: Date; now: Date }): string {
  const ms = options.dueAt.getTime() - options.now.getTime();
  const span = Math.abs(ms);
  let text: string;
  if (span >= DAY) text = `${Math.floor(span / DAY)} d ${Math.floor((span % DAY) / HOUR)} h`;
  else if (span >= HOUR) text = `${Math.floor(span / HOUR)} h ${Math.floor((span % HOUR) / MINUTE)} min`;
  else text = `${Math.floor(span / MINUTE)} min ${Math.floor((span % MINUTE) / 1000)} s`;
  return ms >= 0 ? `in ${text}` : `${text} overdue`;
}

/** The status now: a submitted report keeps its met / met late; an open one runs on the clock. */
export function statusAt(options: { dueAt: Date | null; submitted: boolean; status: DeadlineStatus; now: Date }): DeadlineStatus {
  if (options.submitted || !options.dueAt) return options.status;
  const remaining = options.dueAt.getTime() - options.now.getTime();
  if (remaining < 0) return "overdue";
  return remaining <= DUE_SOON_MS ? "due_soon" : "upcoming";
}
