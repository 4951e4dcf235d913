// Keeps the conduit anomalies current in the application: detection runs once a minute
// in the background (one run at a time per process), started by the first page that
// shows anomalies. Pages never wait for it; they show the last run's findings.
import type { Db } from "@/lib/db";
import { detectAnomalies } from "@/lib/conduits/detect-anomalies";
import { logger } from "@/lib/logger";
import { catchUpRecordIndex } from "@/lib/records/record-index";

const everyMs = 60_000;
const globalForWatch = globalThis as unknown as { conduitAnomalyWatch?: { running: Promise<void> | null; timer: NodeJS.Timeout } };

export function watchAnomalies(options: { db: Db }): void {
  if (globalForWatch.conduitAnomalyWatch) return;
  const state: { running: Promise<void> | null; timer: NodeJS.Timeout } = { running: null, timer: setInterval(() => run(), everyMs) };
  state.timer.unref();
  globalForWatch.conduitAnomalyWatch = state;
  const run = () => {
    // The rollups it reads are kept by the records index: bring that up to date first.
    state.running ??= catchUpRecordIndex({ db: options.db, budgetMs: 10_000 })
      .then(() => detectAnomalies({ db: options.db, now: new Date() }))
      .then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error }, "conduit anomaly detection failed"),
      )
      .finally(() => {
        state.running = null;
      });
  };
  run();
}
