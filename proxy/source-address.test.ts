import { describe, expect, it } from "vitest";
import { forwardedClient } from "@/proxy/source-address";

describe("forwardedClient", () => {
  it("takes the address the trusted proxy appended, not one the client wrote before it", () => {
    expect(forwardedClient("10.20.30.40")).toBe("10.20.30.40");
    expect(forwardedClient("10.9.9.9, 192.0.2.7")).toBe("192.0.2.7");
    expect(forwardedClient(["10.9.9.9", "192.0.2.7"])).toBe("192.0.2.7");
  });

  it("is null when there is no address", () => {
    expect(forwardedClient(undefined)).toBeNull();
    expect(forwardedClient(null)).toBeNull();
    expect(forwardedClient("")).toBeNull();
    expect(forwardedClient("10.0.0.1, ")).toBeNull();
  });
});
