import { describe, expect, it } from "vitest";
import { maskUrlCredentials } from "@/lib/logger";

describe("maskUrlCredentials", () => {
  it("masks passwords in connection strings and keeps the rest readable", () => {
    expect(maskUrlCredentials("connect ECONNREFUSED postgresql://admin:hunter2@db:5432/x")).toBe(
      "connect ECONNREFUSED postgresql://admin:***@db:5432/x",
    );
    expect(maskUrlCredentials("see https://example.org/path and postgres://u:p%40ss@h/db")).toBe(
      "see https://example.org/path and postgres://u:***@h/db",
    );
  });
});
