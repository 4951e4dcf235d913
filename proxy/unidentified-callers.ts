// Refusals of callers the proxy cannot identify (no token, an unknown, revoked or expired
// one) are recorded one by one, as every refused attempt is, but only up to a budget per
// source address: the ledger cannot delete, so a loop of junk tokens would otherwise fill
// the edge box's disk with signed records. Beyond the budget an address is answered 429
// and its further attempts are counted in one anomaly (DeviceUsage), not lost.

/** The proxy's budget: refusals recorded one by one per source address and minute. */
export const unidentifiedRecordsPerMinute = 60;

export class UnidentifiedCallers {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(private readonly options: { recordsPerWindow: number; windowMs: number; maxAddresses?: number }) {}

  /** Counts one refusal from `address`; `recorded` while the address is within its budget. */
  admit(options: { address: string | null; now: number }): { recorded: true } | { recorded: false; retryAfterSeconds: number } {
    const { windowMs, recordsPerWindow } = this.options;
    const address = options.address ?? "unknown";
    let window = this.windows.get(address);
    if (!window || options.now - window.startedAt >= windowMs) {
      if (!window && this.windows.size >= (this.options.maxAddresses ?? 10_000)) this.forgetExpired(options.now);
      window = { startedAt: options.now, count: 0 };
      this.windows.set(address, window);
    }
    window.count++;
    if (window.count <= recordsPerWindow) return { recorded: true };
    return { recorded: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + windowMs - options.now) / 1000)) };
  }

  private forgetExpired(now: number): void {
    for (const [address, window] of this.windows) if (now - window.startedAt >= this.options.windowMs) this.windows.delete(address);
    // Still full: a spread of addresses this wide is an attack on the map itself; start over.
    if (this.windows.size >= (this.options.maxAddresses ?? 10_000)) this.windows.clear();
  }
}
