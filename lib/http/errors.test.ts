import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, errorStatus } from "@/lib/errors";
import { errorResponse } from "@/lib/http/errors";

describe("errorResponse", () => {
  it("maps each application error code to its HTTP status with a structured body", async () => {
    for (const code of Object.keys(errorStatus) as (keyof typeof errorStatus)[]) {
      const res = errorResponse(new AppError({ code, message: `about ${code}` }));
      expect(res.status).toBe(errorStatus[code]);
      expect(await res.json()).toEqual({ error: { code, message: `about ${code}` } });
    }
  });

  it("turns validation errors into 422 with the failing fields", async () => {
    const result = z.object({ email: z.string().email() }).safeParse({ email: "nope" });
    const res = errorResponse(result.error);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.issues[0].path).toBe("email");
  });

  it("hides the internals of unexpected errors behind a bare 500", async () => {
    const res = errorResponse(new Error("connect ECONNREFUSED postgresql://admin:hunter2@db"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("ECONNREFUSED");
    expect(JSON.parse(text).error.code).toBe("internal");
  });
});
