import { describe, expect, it } from "vitest";
import { UnidentifiedCallers } from "@/proxy/unidentified-callers";

describe("UnidentifiedCallers", () => {
  it("records an address's refusals up to its budget, then says when to retry", () => {
    const callers = new UnidentifiedCallers({ recordsPerWindow: 3, windowMs: 60_000 });
    const admit = (address: string | null, now: number) => callers.admit({ address, now });
    expect([admit("10.0.0.9", 0), admit("10.0.0.9", 1000), admit("10.0.0.9", 2000)]).toEqual(Array(3).fill({ recorded: true }));
    expect(admit("10.0.0.9", 15_000)).toEqual({ recorded: false, retryAfterSeconds: 45 });
    // Another address has its own budget, and a new window a new one.
    expect(admit("10.0.0.10", 15_000)).toEqual({ recorded: true });
    expect(admit("10.0.0.9", 60_000)).toEqual({ recorded: true });
    expect(admit(null, 0)).toEqual({ recorded: true });
  });

  it("keeps its memory bounded however many addresses it sees", () => {
    const callers = new UnidentifiedCallers({ recordsPerWindow: 1, windowMs: 60_000, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) callers.admit({ address: `10.1.${i >> 8}.${i & 255}`, now: i });
    expect((callers as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
    expect(callers.admit({ address: "10.1.3.231", now: 1000 })).toEqual({ recorded: false, retryAfterSeconds: 60 });
  });
});
