import { describe, expect, it } from "vitest";
import { supplierInputSchema } from "@/lib/suppliers/manage-suppliers";

const withCountries = (countries: string[]) => supplierInputSchema.safeParse({ name: "OptiScan", kind: "OT_VENDOR", countries });

describe("supplier countries", () => {
  it("takes ISO 3166-1 codes in any case", () => {
    expect(withCountries(["de", " IE ", "us", "XK"]).data?.countries).toEqual(["DE", "IE", "US", "XK"]);
  });

  it("refuses codes that name no country, saying which entry", () => {
    const result = withCountries(["DE", "XX", "ZZ", "usa"]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["countries.1", "Not a country code (ISO 3166-1); use codes such as IE or DE."],
      ["countries.2", "Not a country code (ISO 3166-1); use codes such as IE or DE."],
      ["countries.3", "Use two-letter country codes such as IE or DE."],
    ]);
  });
});
