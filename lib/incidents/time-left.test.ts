import { describe, expect, it } from "vitest";
import { statusAt, timeLeft } from "@/lib/incidents/time-left";

const now = new Date("2026-03-02T09:00:00Z");
const after = (ms: number) => new Date(now.getTime() + ms);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe("timeLeft", () => {
  it("counts down in days, hours, minutes and seconds as the deadline nears", () => {
    expect(timeLeft({ dueAt: after(2 * 24 * HOUR + 4 * HOUR + 59 * MIN), now })).toBe("in 2 d 4 h");
    expect(timeLeft({ dueAt: after(23 * HOUR + 5 * MIN + 30_000), now })).toBe("in 23 h 5 min");
    expect(timeLeft({ dueAt: after(59 * MIN + 12_000), now })).toBe("in 59 min 12 s");
    expect(timeLeft({ dueAt: now, now })).toBe("in 0 min 0 s");
  });

  it("says how long a deadline is overdue", () => {
    expect(timeLeft({ dueAt: after(-(3 * HOUR + 2 * MIN)), now })).toBe("3 h 2 min overdue");
    expect(timeLeft({ dueAt: after(-1000), now })).toBe("0 min 1 s overdue");
  });
});

describe("statusAt", () => {
  it("runs an open deadline on the clock: upcoming, due within 6 h from 6 h before, overdue once past", () => {
    const dueAt = after(6 * HOUR);
    expect(statusAt({ dueAt, submitted: false, status: "upcoming", now: after(-1) })).toBe("upcoming");
    expect(statusAt({ dueAt, submitted: false, status: "upcoming", now })).toBe("due_soon");
    expect(statusAt({ dueAt, submitted: false, status: "upcoming", now: dueAt })).toBe("due_soon");
    expect(statusAt({ dueAt, submitted: false, status: "due_soon", now: after(6 * HOUR + 1) })).toBe("overdue");
  });

  it("keeps the status of a submitted report and of a deadline without a date", () => {
    expect(statusAt({ dueAt: now, submitted: true, status: "met_late", now: after(HOUR) })).toBe("met_late");
    expect(statusAt({ dueAt: null, submitted: false, status: "upcoming", now })).toBe("upcoming");
  });
});
