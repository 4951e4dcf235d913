import { describe, expect, it } from "vitest";
import { AbortFlag, HeaderList, jsonAnswer, toResponse } from "@/proxy/answer";

describe("HeaderList", () => {
  it("reads as a web Headers does: any case, repeated names joined, sorted iteration, Set-Cookie apart", () => {
    const list = new HeaderList([
      ["Vary", "accept"],
      ["content-type", "application/json"],
      ["vary", "origin"],
      ["Set-Cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    const web = new Headers([
      ["Vary", "accept"],
      ["content-type", "application/json"],
      ["vary", "origin"],
      ["Set-Cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    for (const name of ["vary", "VARY", "content-type", "set-cookie", "missing"]) {
      expect(list.get(name)).toBe(web.get(name));
      expect(list.has(name)).toBe(web.has(name));
    }
    expect([...list]).toEqual([...web]);
    expect([...list.keys()]).toEqual([...web.keys()]);
    expect([...list.values()]).toEqual([...web.values()]);
    expect(list.getSetCookie()).toEqual(web.getSetCookie());
    const seen: string[] = [];
    list.forEach((value, name) => seen.push(`${name}=${value}`));
    expect(seen).toEqual([...web].map(([name, value]) => `${name}=${value}`));
  });

  it("keeps the pairs as added for a server to write, and set and delete replace every value of a name", () => {
    const list = new HeaderList({ "X-One": "1" });
    list.append("x-two", "a");
    list.append("X-Two", "b");
    expect(list.pairs()).toEqual([
      ["x-one", "1"],
      ["x-two", "a"],
      ["x-two", "b"],
    ]);
    list.set("x-two", "c");
    list.delete("X-ONE");
    expect(list.pairs()).toEqual([["x-two", "c"]]);
    expect(new HeaderList(list).pairs()).toEqual([["x-two", "c"]]);
    expect(new HeaderList(new Headers({ a: "1" })).get("a")).toBe("1");
  });

  it("becomes a Response's headers", async () => {
    const response = toResponse(jsonAnswer({ value: { ok: true }, status: 201, headers: { "x-conduit-record-id": "r-1" } }));
    expect(response.status).toBe(201);
    expect(response.headers.get("x-conduit-record-id")).toBe("r-1");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe("AbortFlag", () => {
  it("calls each listener once when it aborts, none removed or added after, and keeps the reason", () => {
    const flag = new AbortFlag();
    const calls: string[] = [];
    const removed = () => calls.push("removed");
    flag.addEventListener("abort", () => calls.push("first"));
    flag.addEventListener("abort", removed);
    flag.addEventListener("abort", () => calls.push("second"));
    flag.removeEventListener("abort", removed);
    expect(flag.aborted).toBe(false);
    const reason = Symbol("timed out");
    flag.abort(reason);
    flag.abort("again");
    flag.addEventListener("abort", () => calls.push("late"));
    expect(flag.aborted).toBe(true);
    expect(flag.reason).toBe(reason);
    expect(calls).toEqual(["first", "second"]);
  });
});
