import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertNoCycle, chainMembers, findCycle, resolveChain, upstreamPaths, type ChainEdge } from "@/lib/suppliers/chain";

const edge = (fromId: string | null, toId: string, extra: Record<string, unknown> = {}) => ({ fromId, toId, ...extra });
const names = new Map([
  ["openai", "OpenAI"],
  ["microsoft", "Microsoft"],
  ["akamai", "Akamai"],
  ["snowflake", "Snowflake"],
]);

describe("findCycle", () => {
  it("finds none in a chain, a tree or a diamond", () => {
    expect(findCycle({ links: [] })).toBeNull();
    expect(findCycle({ links: [edge("a", "b"), edge("b", "c")] })).toBeNull();
    expect(findCycle({ links: [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")] })).toBeNull();
  });

  it("finds a self-link, a two-cycle and a longer cycle, as the path around it", () => {
    expect(findCycle({ links: [edge("a", "a")] })).toEqual(["a", "a"]);
    expect(findCycle({ links: [edge("a", "b"), edge("b", "a")] })).toEqual(["a", "b", "a"]);
    expect(findCycle({ links: [edge("x", "a"), edge("a", "b"), edge("b", "c"), edge("c", "a")] })).toEqual(["a", "b", "c", "a"]);
  });

  it("ignores direct contracts, which are not edges between suppliers", () => {
    expect(findCycle({ links: [edge(null, "a"), edge("a", "b"), edge(null, "b")] })).toBeNull();
  });
});

describe("assertNoCycle", () => {
  it("names the suppliers along the cycle in a conflict error", () => {
    const links: ChainEdge[] = [edge("openai", "microsoft"), edge("microsoft", "akamai"), edge("akamai", "openai")];
    let error: unknown;
    try {
      assertNoCycle({ links, names });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("conflict");
    expect((error as AppError).message).toContain("OpenAI → Microsoft → Akamai → OpenAI");
  });

  it("reads the cycle from the supplier of the new link", () => {
    const links: ChainEdge[] = [edge("openai", "microsoft"), edge("microsoft", "akamai"), edge("akamai", "openai")];
    expect(() => assertNoCycle({ links, names, from: "akamai" })).toThrow("Akamai → OpenAI → Microsoft → Akamai.");
  });

  it("accepts an acyclic graph", () => {
    expect(() => assertNoCycle({ links: [edge("openai", "microsoft"), edge("snowflake", "microsoft")], names })).not.toThrow();
  });
});

describe("resolveChain", () => {
  const links = [
    edge(null, "openai", { contractRef: "DPA" }),
    edge("openai", "microsoft", { contractRef: "OpenAI sub-processor list" }),
    edge("openai", "snowflake", {}),
    edge("snowflake", "microsoft", {}),
    edge("microsoft", "akamai", {}),
    edge("other", "openai", {}),
  ];

  it("builds the tree below the root with the link each supplier was reached through", () => {
    const tree = resolveChain({ rootId: "openai", links });
    expect(tree.link).toMatchObject({ contractRef: "DPA" });
    expect(tree.children.map((c) => [c.supplierId, c.depth])).toEqual([
      ["microsoft", 1],
      ["snowflake", 1],
    ]);
    expect(tree.children[0]!.link).toMatchObject({ contractRef: "OpenAI sub-processor list" });
    expect(tree.children[0]!.children.map((c) => c.supplierId)).toEqual(["akamai"]);
  });

  it("lists a shared sub-processor under each supplier but expands it once", () => {
    const tree = resolveChain({ rootId: "openai", links });
    const viaSnowflake = tree.children[1]!.children[0]!;
    expect(viaSnowflake).toMatchObject({ supplierId: "microsoft", repeated: true, depth: 2, children: [] });
    expect(chainMembers(tree)).toEqual(["openai", "microsoft", "akamai", "snowflake"]);
  });

  it("has no link for a root without a recorded contract, and ends on a cycle", () => {
    const tree = resolveChain({ rootId: "a", links: [edge("a", "b"), edge("b", "a")] });
    expect(tree.link).toBeNull();
    expect(tree.children[0]!.children[0]).toMatchObject({ supplierId: "a", repeated: true });
  });
});

describe("upstreamPaths", () => {
  it("finds every supplier whose data reaches a sub-processor, with a shortest path", () => {
    const links = [edge("openai", "microsoft"), edge("openai", "snowflake"), edge("snowflake", "microsoft"), edge("microsoft", "akamai"), edge(null, "openai")];
    const paths = upstreamPaths({ supplierId: "akamai", links });
    expect(Object.fromEntries(paths)).toEqual({
      akamai: ["akamai"],
      microsoft: ["microsoft", "akamai"],
      openai: ["openai", "microsoft", "akamai"],
      snowflake: ["snowflake", "microsoft", "akamai"],
    });
    expect([...upstreamPaths({ supplierId: "openai", links }).keys()]).toEqual(["openai"]);
  });
});
