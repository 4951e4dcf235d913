import { describe, expect, it } from "vitest";
import type { CallVolume } from "@/lib/suppliers/call-volumes";
import { supplierExposure, type GraphConduit, type GraphDestination } from "@/lib/suppliers/exposure";

const augsburg = { slug: "augsburg", name: "Augsburg" };
const aveiro = { slug: "aveiro", name: "Aveiro" };
const conduit = (slug: string, overrides: Partial<GraphConduit> = {}): GraphConduit => ({
  id: slug,
  slug,
  name: slug,
  maxDataClass: "INTERNAL",
  state: "in_force",
  zone: "L3",
  plant: augsburg,
  ...overrides,
});
const destinations: GraphDestination[] = [
  { id: "d1", slug: "openai-eu", name: "OpenAI EU", supplierId: "openai", conduits: [conduit("aug-openai", { maxDataClass: "CONFIDENTIAL" }), conduit("avr-openai", { plant: aveiro, state: "expired", maxDataClass: "RESTRICTED" })] },
  { id: "d2", slug: "azure", name: "Azure", supplierId: "microsoft", conduits: [conduit("aug-azure")] },
  { id: "d3", slug: "vision", name: "Vision", supplierId: null, conduits: [conduit("aug-vision", { maxDataClass: "RESTRICTED" })] },
];
const links = [{ fromId: "openai", toId: "microsoft" }, { fromId: null, toId: "openai" }];
const volumes: CallVolume[] = [
  { destination: "openai-eu", conduit: "aug-openai", plant: "augsburg", level: "INTERNAL", outcome: "allowed", calls: 40 },
  { destination: "openai-eu", conduit: "aug-openai", plant: "augsburg", level: "RESTRICTED", outcome: "redacted", calls: 2 },
  { destination: "azure", conduit: "aug-azure", plant: "augsburg", level: "PUBLIC", outcome: "allowed", calls: 7 },
];
const plantNames = new Map([
  ["augsburg", "Augsburg"],
  ["aveiro", "Aveiro"],
]);

describe("supplierExposure", () => {
  it("counts a supplier's own conduits with their calls per level", () => {
    const e = supplierExposure({ supplierId: "openai", links, destinations, volumes, plantNames });
    expect(e.conduits.map((c) => [c.conduit.slug, c.via, c.calls])).toEqual([
      ["aug-openai", ["openai"], 42],
      ["avr-openai", ["openai"], 0],
    ]);
    expect(e.conduits[0]!.callsByLevel).toEqual({ INTERNAL: 40, RESTRICTED: 2 });
    expect(e.calls).toBe(42);
  });

  it("takes the level received from conduits in force and calls that were not redacted", () => {
    const e = supplierExposure({ supplierId: "openai", links, destinations, volumes, plantNames });
    // The expired RESTRICTED conduit and the redacted RESTRICTED calls do not count as received.
    expect(e.receivedLevel).toBe("CONFIDENTIAL");
    expect(e.levels).toEqual(["INTERNAL", "CONFIDENTIAL", "RESTRICTED"]);
    expect(e.plants).toEqual([augsburg]);
    expect(e.summary).toEqual({ highestDataClass: "CONFIDENTIAL", plants: 1, conduits: 1, calls: 42 });
  });

  it("gives a sub-processor the exposure of every supplier above it, with the path", () => {
    const e = supplierExposure({ supplierId: "microsoft", links, destinations, volumes, plantNames });
    expect(e.conduits.map((c) => [c.conduit.slug, c.via])).toEqual([
      ["aug-openai", ["openai", "microsoft"]],
      ["avr-openai", ["openai", "microsoft"]],
      ["aug-azure", ["microsoft"]],
    ]);
    expect(e.receivedLevel).toBe("CONFIDENTIAL");
    expect(e.calls).toBe(49);
  });

  it("is empty for a supplier no conduit reaches", () => {
    const e = supplierExposure({ supplierId: "aws", links, destinations, volumes, plantNames });
    expect(e).toMatchObject({ conduits: [], plants: [], levels: [], receivedLevel: null, calls: 0 });
  });
});
