// Device credential use, kept off the call path: last use per credential, a token seen
// from several source addresses (copied between machines, so no longer one device's
// identity), AI flows no conduit authorises, and an address that keeps calling without
// a valid token beyond what is recorded one by one (unidentified-callers.ts). Counted in
// memory and written in one go every few seconds.
import type { Db } from "@/lib/db";

export type AnomalyKind = "shared_device_token" | "unauthorised_flow" | "unidentified_caller" | "spool_in_use";

interface PendingAnomaly {
  kind: AnomalyKind;
  subject: string;
  reason?: string;
  deviceId: string | null;
  destinationId: string | null;
  detail: Record<string, unknown>;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export class DeviceUsage {
  private readonly lastUse = new Map<string, { at: Date; from: string | null }>();
  /** Per credential: source address -> last seen, within the window. */
  private readonly places = new Map<string, Map<string, number>>();
  private readonly anomalies = new Map<string, PendingAnomaly>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;

  constructor(private readonly options: { db: Db; flushMs?: number; sharedWindowMs?: number; onError?: (error: unknown) => void }) {
    this.timer = setInterval(() => void this.flush().catch((error) => options.onError?.(error)), options.flushMs ?? 5000);
    this.timer.unref();
  }

  /** Notes one authenticated call; true when the credential has been used from more than one address recently. */
  seen(options: { credentialId: string; deviceId: string; sourceAddress: string | null; now: number }): boolean {
    const at = new Date(options.now);
    this.lastUse.set(options.credentialId, { at, from: options.sourceAddress });
    const place = options.sourceAddress;
    if (!place) return false;
    let seen = this.places.get(options.credentialId);
    if (!seen) this.places.set(options.credentialId, (seen = new Map()));
    seen.set(place, options.now);
    const window = this.options.sharedWindowMs ?? 60 * 60 * 1000;
    if (seen.size > 1) for (const [p, t] of seen) if (options.now - t > window) seen.delete(p);
    if (seen.size <= 1) return false;
    this.note({ kind: "shared_device_token", subject: options.credentialId, deviceId: options.deviceId, destinationId: null, detail: { addresses: [...seen.keys()].sort() }, at });
    return true;
  }

  unauthorisedFlow(options: { deviceId: string; destinationId: string; code: string; now: number }): void {
    this.note({
      kind: "unauthorised_flow",
      subject: `${options.deviceId} ${options.destinationId}`,
      deviceId: options.deviceId,
      destinationId: options.destinationId,
      detail: { code: options.code },
      at: new Date(options.now),
    });
  }

  /** A refusal of a caller without a valid token that was over its address's budget, so not recorded on its own. */
  unidentifiedCaller(options: { sourceAddress: string | null; code: string; now: number }): void {
    this.note({ kind: "unidentified_caller", subject: options.sourceAddress ?? "unknown", deviceId: null, destinationId: null, detail: { code: options.code }, at: new Date(options.now) });
  }

  /**
   * Records waited in the local spool because the ledger could not write (fail-open
   * conduits): operators need to know the edge box ran on its disk. Written once the
   * database takes writes again, like every anomaly.
   */
  spoolInUse(options: { logId: string; records: number; now: number }): void {
    this.note({
      kind: "spool_in_use",
      subject: options.logId,
      deviceId: null,
      destinationId: null,
      detail: { records: options.records },
      reason: `The ledger log ${options.logId} could not write; ${options.records} record${options.records === 1 ? "" : "s"} of fail-open conduits waited in the proxy's local spool until it could.`,
      at: new Date(options.now),
    });
  }

  private note(options: { kind: AnomalyKind; subject: string; deviceId: string | null; destinationId: string | null; detail: Record<string, unknown>; reason?: string; at: Date }): void {
    const key = `${options.kind} ${options.subject}`;
    const pending = this.anomalies.get(key);
    if (pending) {
      pending.count++;
      pending.lastSeenAt = options.at;
      pending.detail = options.detail;
      if (options.reason) pending.reason = options.reason;
    } else {
      this.anomalies.set(key, { ...options, count: 1, firstSeenAt: options.at, lastSeenAt: options.at });
    }
  }

  /** Writes what was counted since the last flush. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const uses = [...this.lastUse];
    const anomalies = [...this.anomalies.values()];
    this.lastUse.clear();
    this.anomalies.clear();
    if (uses.length === 0 && anomalies.length === 0) return;
    const { db } = this.options;
    try {
      await this.writeNow({ db, uses, anomalies });
    } catch (error) {
      // The database is away (a restart): keep what was counted for the next flush, under
      // what was counted since.
      for (const [id, use] of uses) if (!this.lastUse.has(id)) this.lastUse.set(id, use);
      for (const a of anomalies) {
        const key = `${a.kind} ${a.subject}`;
        const later = this.anomalies.get(key);
        if (later) {
          later.count += a.count;
          later.firstSeenAt = a.firstSeenAt;
          later.reason ??= a.reason;
        } else {
          this.anomalies.set(key, a);
        }
      }
      throw error;
    }
  }

  private async writeNow(options: { db: Db; uses: [string, { at: Date; from: string | null }][]; anomalies: PendingAnomaly[] }): Promise<void> {
    const { db, uses, anomalies } = options;
    await db.$transaction([
      ...uses.map(([id, use]) => db.deviceCredential.updateMany({ where: { id }, data: { lastUsedAt: use.at, lastUsedFrom: use.from } })),
      ...anomalies.map((a) =>
        db.anomaly.upsert({
          where: { kind_subject: { kind: a.kind, subject: a.subject } },
          create: { kind: a.kind, subject: a.subject, deviceId: a.deviceId, destinationId: a.destinationId, detail: JSON.stringify(a.detail), reason: a.reason ?? "", count: a.count, firstSeenAt: a.firstSeenAt, lastSeenAt: a.lastSeenAt },
          update: { detail: JSON.stringify(a.detail), ...(a.reason ? { reason: a.reason } : {}), count: { increment: a.count }, lastSeenAt: a.lastSeenAt },
        }),
      ),
    ]);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
