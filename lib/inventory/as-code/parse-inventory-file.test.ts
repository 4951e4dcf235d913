import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { formatInventoryFile } from "@/lib/inventory/as-code/export-inventory";
import { InventoryFileError, parseInventoryFile, type FileProblem } from "@/lib/inventory/as-code/parse-inventory-file";

// A small valid inventory; tests change one thing and look for the problem it causes.
const base = `version: 1
plants:
  - slug: augsburg
    name: Augsburg Gearbox Plant
    operator: Nordwerk Antriebstechnik GmbH
    city: Augsburg
    memberState: DE
    timeZone: Europe/Berlin
    entityCategory: IMPORTANT
zones:
  - slug: aug-l3
    name: Augsburg L3 operations
    kind: OT
    purdueLevel: L3
    slTarget: 2
    plant: augsburg
  - slug: ext-openai
    name: OpenAI
    kind: EXTERNAL_AI
    purdueLevel: EXTERNAL
    slTarget: 2
workstations:
  - plant: augsburg
    hostname: aug-hist-an01
    name: Historian analytics node
    zone: aug-l3
devices:
  - slug: aug-pdm
    name: Spindle wear forecaster
    workload: PREDICTIVE_MAINTENANCE
    application: MaintainIQ 4.2
    defaultPurpose: predictive-maintenance
    zone: aug-l3
    workstation: aug-hist-an01
destinations:
  - slug: openai-eu
    name: OpenAI (EU)
    provider: OPENAI_COMPATIBLE
    baseUrl: https://eu.api.openai.com/v1
    zone: ext-openai
conduits:
  - slug: aug-l3-to-openai
    name: Augsburg operations to OpenAI
    sourceZone: aug-l3
    destination: openai-eu
    validFrom: 2026-01-15
    maxDataClass: CONFIDENTIAL
    overLimitAction: REDACT
    slTarget: 2
`;

/** The line of `base` (1-based) that contains `text`. */
const lineOf = (text: string, source = base) => source.split("\n").findIndex((l) => l.includes(text)) + 1;

function problems(text: string, source = "inventory.yaml"): FileProblem[] {
  try {
    parseInventoryFile({ text, source });
  } catch (error) {
    if (error instanceof InventoryFileError) return error.problems;
    throw error;
  }
  throw new Error("the file was accepted");
}

describe("parseInventoryFile", () => {
  it("accepts a valid file, fills in defaults and normalises dates to ISO 8601 UTC", () => {
    const file = parseInventoryFile({ text: base, source: "inventory.yaml" });
    expect(file.zones[1]).toMatchObject({ plant: null, slAchieved: null, description: "" });
    expect(file.devices[0]).toMatchObject({ mayAssertOperator: false, status: "ACTIVE", vendor: "" });
    expect(file.conduits[0]).toMatchObject({
      validFrom: "2026-01-15T00:00:00.000Z",
      validUntil: null,
      failMode: "CLOSED",
      status: "ACTIVE",
      allowedPurposes: [],
    });
  });

  it("accepts the documented example, and reads back what it writes in YAML and JSON", () => {
    const text = fs.readFileSync("docs/inventory.example.yaml", "utf8");
    const file = parseInventoryFile({ text, source: "docs/inventory.example.yaml" });
    expect(file.zones.map((z) => z.purdueLevel)).toEqual(expect.arrayContaining(["L1", "L2", "L3", "L3_5", "L4", "EXTERNAL"]));
    for (const format of ["yaml", "json"] as const) {
      expect(parseInventoryFile({ text: formatInventoryFile({ file, format }), source: `export.${format}` })).toEqual(file);
    }
  });

  it("names the line and column of a YAML syntax error and of a duplicate key", () => {
    expect(problems("version: 1\nzones: [\n  {slug: a\nplants: []\n")[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    const duplicate = base.replace("    kind: OT\n", "    kind: OT\n    kind: DMZ\n");
    expect(problems(duplicate)).toEqual([expect.objectContaining({ line: lineOf("kind: DMZ", duplicate), message: expect.stringMatching(/unique/) })]);
  });

  it("refuses a zone removed while a conduit still leaves it, naming the conduit's field and line", () => {
    const text = base.replace("  - slug: aug-l3\n    name: Augsburg L3 operations\n    kind: OT\n    purdueLevel: L3\n    slTarget: 2\n    plant: augsburg\n", "");
    expect(problems(text)).toContainEqual({ path: "conduits[0].sourceZone", line: lineOf("sourceZone: aug-l3", text), column: 17, message: 'no zone "aug-l3" in this file (add it under zones)' });
  });

  it("refuses a bad enum value, naming its path and line", () => {
    const text = base.replace("maxDataClass: CONFIDENTIAL", "maxDataClass: SECRET");
    expect(problems(text)).toEqual([
      {
        path: "conduits[0].maxDataClass",
        line: lineOf("maxDataClass"),
        column: 19,
        message: expect.stringContaining('"PUBLIC"|"INTERNAL"|"CONFIDENTIAL"|"RESTRICTED"'),
      },
    ]);
  });

  it("refuses unknown keys at the key's own line, and names secrets as such", () => {
    const text = base
      .replace("    zone: aug-l3\n    workstation:", "    zone: aug-l3\n    colour: blue\n    workstation:")
      .replace("    zone: ext-openai\n", "    zone: ext-openai\n    apiKey: sk-live-123\n")
      .replace("version: 1\n", "version: 1\nowner: ot-team\n");
    const found = problems(text);
    expect(found.map((p) => [p.path, p.line, p.column])).toEqual([
      ["owner", 2, 1],
      ["devices[0].colour", lineOf("colour", text), 5],
      ["destinations[0].apiKey", lineOf("apiKey", text), 5],
    ]);
    expect(found[1]?.message).toBe('unknown key "colour" (the format is documented in docs/inventory.example.yaml)');
    expect(found[2]?.message).toMatch(/^secrets never go into the inventory file/);
    // The secret itself is not repeated in the error.
    expect(JSON.stringify(found)).not.toContain("sk-live-123");
  });

  it("refuses credentials and query strings in a destination's base URL", () => {
    for (const url of ["https://user:pw@eu.api.openai.com/v1", "https://eu.api.openai.com/v1?api-key=abc", "ftp://eu.api.openai.com"]) {
      expect(problems(base.replace("https://eu.api.openai.com/v1", url)).map((p) => p.path)).toEqual(["destinations[0].baseUrl"]);
    }
  });

  it("points a missing required field at its entry", () => {
    const text = base.replace("    overLimitAction: REDACT\n", "");
    expect(problems(text)).toEqual([{ path: "conduits[0].overLimitAction", line: lineOf("- slug: aug-l3-to-openai"), column: 5, message: "is required" }]);
  });

  it("refuses impossible dates, date-times without an offset, and a validity that ends before it starts", () => {
    expect(problems(base.replace("validFrom: 2026-01-15", "validFrom: 2026-02-30"))[0]?.path).toBe("conduits[0].validFrom");
    expect(problems(base.replace("validFrom: 2026-01-15", "validFrom: 2026-01-15T06:00:00"))[0]?.path).toBe("conduits[0].validFrom");
    const ends = base.replace("    validFrom: 2026-01-15\n", "    validFrom: 2026-01-15T06:00:00+01:00\n    validUntil: 2026-01-15\n");
    expect(problems(ends)).toEqual([{ path: "conduits[0].validUntil", line: lineOf("validUntil", ends), column: 17, message: "must be after validFrom" }]);
  });

  it("refuses references that do not resolve inside the file", () => {
    const text = base
      .replace("destination: openai-eu", "destination: openai-us")
      .replace("workstation: aug-hist-an01", "workstation: aug-hist-an02")
      .replace("  - plant: augsburg\n    hostname", "  - plant: aveiro\n    hostname");
    expect(problems(text).map((p) => [p.path, p.message])).toEqual([
      ["workstations[0].plant", 'no plant "aveiro" in this file (add it under plants)'],
      ["workstations[0].zone", 'zone "aug-l3" is not in plant "aveiro"'],
      ["devices[0].workstation", 'no workstation "aug-hist-an02" in plant "augsburg" in this file (add it under workstations)'],
      ["conduits[0].destination", 'no destination "openai-us" in this file (add it under destinations)'],
    ]);
  });

  it("refuses duplicate slugs and a host name used twice in one plant", () => {
    const text = base
      .replace("workstations:\n", "  - slug: aug-l3\n    name: Again\n    kind: OT\n    purdueLevel: L2\n    slTarget: 2\n    plant: augsburg\nworkstations:\n")
      .replace("workstations:\n", "workstations:\n  - plant: augsburg\n    hostname: aug-hist-an01\n    name: Twin\n    zone: aug-l3\n");
    expect(problems(text).map((p) => [p.path, p.message])).toEqual([
      ["zones[2].slug", '"aug-l3" is already used by zones[0]'],
      ["workstations[1].hostname", '"augsburg/aug-hist-an01" is already used by workstations[0]'],
    ]);
  });

  it("takes a plant's classification rules, compiled as the proxy compiles them, and refuses broken ones at their path", () => {
    const rules = `classificationRules:
  - plant: augsburg
    label: customer_name
    level: CONFIDENTIAL
    terms: [Bosch Rexroth, ZF Friedrichshafen]
  - plant: augsburg
    label: alloy_recipe
    level: RESTRICTED
    pattern: 'AlSi\\d+Cu\\d'
    flags: i
`;
    const parsed = parseInventoryFile({ text: base + rules, source: "inventory.yaml" });
    expect(parsed.classificationRules).toEqual([
      { plant: "augsburg", label: "customer_name", level: "CONFIDENTIAL", pattern: null, flags: "", terms: ["Bosch Rexroth", "ZF Friedrichshafen"], description: "" },
      { plant: "augsburg", label: "alloy_recipe", level: "RESTRICTED", pattern: "AlSi\\d+Cu\\d", flags: "i", terms: [], description: "" },
    ]);

    const both = (base + rules).replace("label: customer_name", "label: customer_name\n    pattern: Kunde");
    expect(problems(both).map((p) => [p.path, p.message])).toEqual([["classificationRules[0]", "needs either a pattern or terms, not both"]]);
    const broken = (base + rules)
      .replace("pattern: 'AlSi\\d+Cu\\d'", "pattern: 'AlSi(\\d+'")
      .concat("  - plant: aveiro\n    label: alloy_recipe\n    level: INTERNAL\n    terms: [AlSi9Cu3]\n")
      .concat("  - plant: augsburg\n    label: customer_name\n    level: INTERNAL\n    terms: [Schaeffler]\n");
    expect(problems(broken).map((p) => [p.path, p.message])).toEqual([
      ["classificationRules[1].pattern", expect.stringMatching(/^pattern is not a valid regular expression \(.+\)$/)],
      ["classificationRules[2].plant", 'no plant "aveiro" in this file (add it under plants)'],
      ["classificationRules[3].label", '"augsburg/customer_name" is already used by classificationRules[0]'],
      ["classificationRules[3].level", 'label "customer_name" already has the level CONFIDENTIAL; one label has one level'],
    ]);
  });

  it("keeps external AI zones out of plants, at level EXTERNAL, and plant zones in a plant", () => {
    const external = base.replace("    purdueLevel: EXTERNAL\n", "    purdueLevel: L4\n    plant: augsburg\n");
    expect(problems(external).map((p) => [p.path, p.message])).toEqual([
      ["zones[1].purdueLevel", "EXTERNAL_AI zones, and only they, are at purdueLevel EXTERNAL"],
      ["zones[1].plant", "an EXTERNAL_AI zone belongs to no plant"],
    ]);
    const dmz = base.replace("workstations:\n", "  - slug: aug-dmz\n    name: DMZ\n    kind: DMZ\n    purdueLevel: L3_5\n    slTarget: 3\nworkstations:\n");
    expect(problems(dmz).map((p) => [p.path, p.message])).toEqual([["zones[2].plant", "a zone of kind DMZ needs its plant"]]);
  });

  it("names line and column in JSON files too", () => {
    const json = JSON.stringify({ version: 1, zones: [{ slug: "z", name: "Z", kind: "OT", purdueLevel: "L9", slTarget: 2, plant: "p" }] }, null, 2);
    expect(problems(json, "inventory.json")).toEqual([
      { path: "zones[0].purdueLevel", line: lineOf('"purdueLevel"', json), column: 22, message: expect.stringMatching(/^Invalid option/) },
    ]);
  });

  it("says what is wrong with an empty file or a file of another format version", () => {
    expect(problems("")).toEqual([{ path: "", line: null, column: null, message: "the file is empty" }]);
    expect(problems("version: 2\n")).toEqual([{ path: "version", line: 1, column: 10, message: "must be 1, the version of this format" }]);
    expect(problems("plants: []\n")[0]).toMatchObject({ path: "version", message: "is required" });
  });

  it("lists every problem in one message, as file:line:column: path: problem", () => {
    try {
      parseInventoryFile({ text: base.replace("slTarget: 2\n    plant", "slTarget: 7\n    plant"), source: "plant.yaml" });
      expect.unreachable();
    } catch (error) {
      expect((error as InventoryFileError).code).toBe("validation_failed");
      expect((error as Error).message).toBe(
        `plant.yaml is not a valid inventory file (1 problem):\n  plant.yaml:${lineOf("slTarget: 2")}:15: zones[0].slTarget: IEC 62443 security levels are 1 to 4`,
      );
    }
  });
});
