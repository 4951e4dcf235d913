"use client";
// A deadline's time left and status, kept live by the browser's clock: a page left open
// turns "due within 6 h" and "overdue" when it happens. The first render uses the
// server's time, so server and browser render the same markup.
import { useSyncExternalStore } from "react";
import type { DeadlineStatus } from "@/lib/incidents/deadlines";
import { statusAt, timeLeft } from "@/lib/incidents/time-left";

export const deadlineStatusLabels: Record<DeadlineStatus, string> = {
  upcoming: "Upcoming",
  due_soon: "Due within 6 h",
  overdue: "Overdue",
  met: "Met",
  met_late: "Met late",
};

export const deadlineStatusTones: Record<DeadlineStatus, string> = {
  upcoming: "neutral",
  due_soon: "warn",
  overdue: "danger",
  met: "ok",
  met_late: "warn",
};

// One ticking clock for every countdown on the page.
let clockNow = Date.now();
const listeners = new Set<() => void>();
let ticker: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  clockNow = Date.now();
  ticker ??= setInterval(() => {
    clockNow = Date.now();
    listeners.forEach((l) => l());
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  };
}

function useNow(serverNow: string): Date {
  return new Date(useSyncExternalStore(subscribe, () => clockNow, () => Date.parse(serverNow)));
}

export function DeadlineStatusBadge(props: { dueAt: string | null; submitted: boolean; status: DeadlineStatus; serverNow: string }) {
  const now = useNow(props.serverNow);
  const status = statusAt({ dueAt: props.dueAt ? new Date(props.dueAt) : null, submitted: props.submitted, status: props.status, now });
  return (
    <span className={`badge badge-${deadlineStatusTones[status]}`} data-testid="deadline-status">
      {deadlineStatusLabels[status]}
    </span>
  );
}

export function TimeLeft(props: { dueAt: string | null; submitted: boolean; serverNow: string }) {
  const now = useNow(props.serverNow);
  if (props.submitted) return <span className="time-left muted">Submitted</span>;
  if (!props.dueAt) return <span className="time-left muted">Date open</span>;
  const text = timeLeft({ dueAt: new Date(props.dueAt), now });
  return (
    <span className={`time-left${text.endsWith("overdue") ? " overdue" : ""}`} data-testid="time-left">
      {text}
    </span>
  );
}
