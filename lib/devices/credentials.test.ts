import { describe, expect, it } from "vitest";
import { credentialState, generateDeviceToken, hashDeviceToken, sharedAddresses, tokenDisplayPrefix } from "@/lib/devices/credentials";

describe("device tokens", () => {
  it("are 256 random bits behind a recognisable prefix, shown by a short prefix and stored as SHA-256", () => {
    const token = generateDeviceToken();
    expect(token).toMatch(/^cl_dev_[A-Za-z0-9_-]{43}$/);
    expect(generateDeviceToken()).not.toBe(token);
    expect(tokenDisplayPrefix(token)).toBe(token.slice(0, 13));
    expect(hashDeviceToken("cl_dev_x")).toBe("d6bb46bd23d2f2d7ac70e3971c6bf2e158f46bc21627a2d7b9b5a36912416d6e");
  });
});

describe("credentialState", () => {
  const now = new Date("2026-11-26T10:00:00Z");
  it("is revoked before anything else, expired from the expiry instant on, else active", () => {
    expect(credentialState({ revokedAt: now, expiresAt: new Date(now.getTime() - 1), now })).toBe("revoked");
    expect(credentialState({ revokedAt: null, expiresAt: now, now })).toBe("expired");
    expect(credentialState({ revokedAt: null, expiresAt: new Date(now.getTime() + 1), now })).toBe("active");
    expect(credentialState({ revokedAt: null, expiresAt: null, now })).toBe("active");
  });
});

describe("sharedAddresses", () => {
  it("reads the proxy's detail and tolerates detail it did not write", () => {
    expect(sharedAddresses(JSON.stringify({ addresses: ["10.0.0.1", "10.0.0.2"] }))).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(sharedAddresses("{}")).toEqual([]);
    expect(sharedAddresses('{"addresses": "10.0.0.1"}')).toEqual([]);
    expect(sharedAddresses("not json")).toEqual([]);
  });
});
