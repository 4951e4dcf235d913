import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/route";

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
