import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

// Each of these leaves the site once a browser has read it (tab and newline dropped,
// "\" read as "/"), or is a scheme or host outright.
const offSite = [
  "https://evil.example",
  "HTTPS://evil.example/x",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
  "\t//evil.example",
  " //evil.example",
  "/.//evil.example",
  "/./\t/evil.example",
  "javascript:alert(1)",
  "data:text/html,x",
];

// The same, percent-encoded in the value itself: harmless as a path, but a second
// decoding on the way must not be able to turn them into the above.
const encoded = ["/%09/evil.example", "/%0a/evil.example", "/%0D%0A/evil.example", "/%5Cevil.example", "/%5c%5cevil.example", "/%00/x", "/%7F/x"];

describe("safeCallbackUrl", () => {
  it("keeps same-site paths with their query and fragment", () => {
    expect(safeCallbackUrl("/incidents?x=1")).toBe("/incidents?x=1");
    expect(safeCallbackUrl(["/records"])).toBe("/records");
    expect(safeCallbackUrl("/incidents/abc/reports/new?stage=FINAL#top")).toBe("/incidents/abc/reports/new?stage=FINAL#top");
    expect(safeCallbackUrl("/records?q=a%2Fb%20c")).toBe("/records?q=a%2Fb%20c");
    expect(safeCallbackUrl("/")).toBe("/");
  });

  it("sends anything that could leave the site to / (each role's start page, app/page.tsx)", () => {
    for (const bad of [...offSite, ...encoded, "", "records", undefined, [], ["//evil.example", "/records"]]) {
      expect(safeCallbackUrl(bad), JSON.stringify(bad)).toBe("/");
    }
  });

  it("refuses the control characters a sign-in link carries percent-encoded in its query", () => {
    // Next.js hands the page the decoded query value: /signin?callbackUrl=/%09/evil.example gives "/\t/evil.example".
    for (const query of ["/%09/evil.example", "/%0A/evil.example", "/%5C/evil.example", "%2F%2Fevil.example", "/%09%2Fevil.example", "https%3A%2F%2Fevil.example"]) {
      const value = new URL(`http://localhost/signin?callbackUrl=${query}`).searchParams.get("callbackUrl") ?? undefined;
      expect(safeCallbackUrl(value), query).toBe("/");
    }
  });

  it("returns only values that stay on whatever origin they are resolved against", () => {
    const inputs = [...offSite, ...encoded, "/incidents?x=1", "/a/../b", "/a/./b?c=//d", "/%2F%2Fevil.example"];
    for (const input of inputs) {
      const result = safeCallbackUrl(input);
      expect(result.startsWith("/") && !result.startsWith("//"), input).toBe(true);
      expect(new URL(result, "https://app.example").origin, input).toBe("https://app.example");
    }
    expect(safeCallbackUrl("/a/../b")).toBe("/b");
  });
});
