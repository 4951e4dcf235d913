import { describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { apiRoute, readJsonBody } from "@/lib/http/route";

// A signed-in administrator, so that the requests below reach the same-origin check.
vi.mock("@/lib/auth/session", () => ({
  requireApiUser: async () => ({ id: "u1", email: "admin@test.example", name: "Admin", role: "ADMIN" }),
}));

function jsonRequest(body: BodyInit, headers: Record<string, string> = {}) {
  return new Request("http://localhost/api/x", {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    duplex: "half",
  } as RequestInit);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "none";
  } catch (error) {
    return error instanceof AppError ? error.code : "not an AppError";
  }
}

describe("readJsonBody", () => {
  it("parses a JSON body within the limit", async () => {
    expect(await readJsonBody(jsonRequest('{"a":1}'), 100)).toEqual({ a: 1 });
  });

  it("refuses a body whose declared length is over the limit", async () => {
    expect(await codeOf(readJsonBody(jsonRequest("{}", { "content-length": "5000" }), 100))).toBe("payload_too_large");
  });

  it("refuses an oversized streamed body that declares no length", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64));
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    expect(await codeOf(readJsonBody(jsonRequest(stream), 100))).toBe("payload_too_large");
  });

  it("refuses invalid JSON and other media types", async () => {
    expect(await codeOf(readJsonBody(jsonRequest("{oops"), 100))).toBe("bad_request");
    const form = new Request("http://localhost/api/x", { method: "POST", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(await codeOf(readJsonBody(form, 100))).toBe("unsupported_media_type");
  });
});

describe("apiRoute same-origin check", () => {
  const route = apiRoute({ permission: "users:write", handle: async () => ({ done: true }) });
  const context = { params: Promise.resolve({}) };
  const post = (origin?: string) =>
    route(new Request("http://localhost:3000/api/x", { method: "POST", headers: { host: "localhost:3000", ...(origin ? { origin } : {}) } }), context);

  it("accepts a write from this app's origin, and one without Origin (not a browser)", async () => {
    expect((await post("http://localhost:3000")).status).toBe(200);
    expect((await post()).status).toBe(200);
  });

  it("refuses another origin, Origin: null and any unparsable Origin as cross-site (403, not 500)", async () => {
    for (const origin of ["https://attacker.example", "null", "not a url", "http://", "file://"]) {
      const res = await post(origin);
      expect(res.status, origin).toBe(403);
      expect((await res.json()).error, origin).toEqual({ code: "forbidden", message: "Cross-site requests are not accepted." });
    }
  });
});
