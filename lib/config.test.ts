import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, databaseProviderOf, parseConfig } from "@/lib/config";

describe("parseConfig", () => {
  it("defaults to an embedded SQLite database under the data folder on 127.0.0.1:3000", () => {
    const config = parseConfig({});
    expect(config.database.provider).toBe("sqlite");
    expect(config.database.url).toBe(`file:${path.resolve("data", "conduit-ledger.db")}`);
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe("http://127.0.0.1:3000");
    expect(config.secretsDir).toBe(path.resolve("data", "secrets"));
    expect(config.signInLimits).toEqual({ maxFailuresPerAccount: 5, maxFailuresPerAddress: 20, windowSeconds: 900 });
  });

  it("selects PostgreSQL for a postgresql:// URL and honours host, port and data folder", () => {
    const config = parseConfig({
      DATABASE_URL: "postgresql://u:p@db.local:5432/ledger",
      HOST: "0.0.0.0",
      PORT: "8080",
      CONDUIT_DATA_DIR: "/srv/conduit",
    });
    expect(config.database).toEqual({ provider: "postgresql", url: "postgresql://u:p@db.local:5432/ledger" });
    // Listening on all interfaces: links and sign-in redirects still need a reachable host.
    expect(config.publicUrl).toBe("http://127.0.0.1:8080");
    expect(parseConfig({ HOST: "::1", NEXTAUTH_URL: "https://ledger.plant.example" }).publicUrl).toBe("https://ledger.plant.example");
    expect(parseConfig({ HOST: "::1" }).publicUrl).toBe("http://[::1]:3000");
    expect(config.dataDir).toBe("/srv/conduit");
  });

  it("names every invalid setting in one error", () => {
    expect(() => parseConfig({ PORT: "99999", DATABASE_URL: "mysql://x", NEXTAUTH_SECRET: "short" })).toThrowError(
      /PORT.*DATABASE_URL.*NEXTAUTH_SECRET|DATABASE_URL.*PORT/s,
    );
    expect(() => parseConfig({ PORT: "abc" })).toThrow(ConfigError);
    expect(() => parseConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });

  it("runs the demo provider under the app's own port, reachable from this machine, and seeds 10,000 demo calls", () => {
    expect(parseConfig({}).demo).toEqual({ provider: "auto", providerUrl: "http://127.0.0.1:3000/_demo-provider", trafficCalls: 10_000 });
    // Behind a public URL the proxy still calls it on this machine.
    const behind = parseConfig({ HOST: "0.0.0.0", PORT: "8080", NEXTAUTH_URL: "https://ledger.plant.example", DEMO_PROVIDER: "off", DEMO_TRAFFIC_CALLS: "0" });
    expect(behind.demo).toEqual({ provider: "off", providerUrl: "http://127.0.0.1:8080/_demo-provider", trafficCalls: 0 });
    expect(parseConfig({ HOST: "::1" }).demo.providerUrl).toBe("http://[::1]:3000/_demo-provider");
    expect(() => parseConfig({ DEMO_PROVIDER: "on" })).toThrow(/DEMO_PROVIDER/);
    expect(() => parseConfig({ DEMO_TRAFFIC_CALLS: "-1" })).toThrow(/DEMO_TRAFFIC_CALLS/);
  });

  it("maps URLs to providers and refuses others", () => {
    expect(databaseProviderOf("file:./x.db")).toBe("sqlite");
    expect(databaseProviderOf("postgres://h/db")).toBe("postgresql");
    expect(() => databaseProviderOf("mysql://h/db")).toThrow(ConfigError);
  });
});
