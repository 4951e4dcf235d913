import { describe, expect, it } from "vitest";
import { ProviderRequestError } from "@/proxy/providers/errors";
import { parseJsonValue, repeatedMemberName } from "@/proxy/providers/request-body";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("repeatedMemberName", () => {
  it("finds a name repeated in one object, at any depth", () => {
    expect(repeatedMemberName(`{"messages":[],"model":"m","messages":[]}`)).toBe("messages");
    expect(repeatedMemberName(`{"messages":[{"role":"user","content":"a","content":"b"}]}`)).toBe("content");
    expect(repeatedMemberName(`[{"a":1},{"b":{"c":{"d":1,"d":2}}}]`)).toBe("d");
  });

  it("compares names decoded, so an escaped copy is still a copy", () => {
    expect(repeatedMemberName(`{"model":"a","mod\\u0065l":"b"}`)).toBe("model");
    expect(repeatedMemberName(`{"a\\"b":1,"a\\u0022b":2}`)).toBe('a"b');
  });

  it("accepts equal names in different objects and names that only look alike", () => {
    expect(repeatedMemberName(`{"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}]}`)).toBeNull();
    expect(repeatedMemberName(`{"a":"a","b":["a","a"],"A":1}`)).toBeNull();
    expect(repeatedMemberName(`{"text":"a \\\\\\" \\"quoted\\" , {\\"a\\":1,\\"a\\":2}","a":1}`)).toBeNull();
    expect(repeatedMemberName(`"just a string"`)).toBeNull();
    expect(repeatedMemberName(`{}`)).toBeNull();
  });
});

describe("parseJsonValue", () => {
  it("refuses a repeated member name as malformed JSON, naming it", () => {
    const error = (() => {
      try {
        parseJsonValue(bytes(`{"messages":[{"content":"secret"}],"messages":[{"content":"hello"}]}`));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).code).toBe("malformed_json");
    expect((error as ProviderRequestError).message).toContain('"messages" twice');
  });

  it("parses an ordinary body", () => {
    expect(parseJsonValue(bytes(`{"model":"m","messages":[{"role":"user","content":"a, \\"b\\""}]}`))).toEqual({ model: "m", messages: [{ role: "user", content: 'a, "b"' }] });
  });
});
