// The supplier chain as a directed graph: an edge from a supplier to each of its
// sub-processors. Links without a `from` are our own contracts with direct suppliers;
// they carry terms but are not edges between suppliers. Pure functions, so the rules
// (no cycles, who handles whose data) are tested without a database.
import { AppError } from "@/lib/errors";

export interface ChainEdge {
  fromId: string | null;
  toId: string;
}

function adjacency(links: readonly ChainEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const link of links) {
    if (link.fromId === null) continue;
    const list = next.get(link.fromId) ?? [];
    list.push(link.toId);
    next.set(link.fromId, list);
  }
  return next;
}

/**
 * A cycle in the graph, as the ids along it with the first repeated at the end
 * (A, B, A), or null when there is none.
 */
export function findCycle(options: { links: readonly ChainEdge[] }): string[] | null {
  const next = adjacency(options.links);
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];

  const visit = (id: string): string[] | null => {
    state.set(id, "open");
    path.push(id);
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === "open") return [...path.slice(path.indexOf(to)), to];
      if (!state.has(to)) {
        const cycle = visit(to);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(id, "done");
    return null;
  };

  for (const id of next.keys()) {
    if (state.has(id)) continue;
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * Refuses a set of links that contains a cycle, naming the suppliers along it, read from
 * `from` (the supplier of the link being added) when it is on the cycle.
 */
export function assertNoCycle(options: { links: readonly ChainEdge[]; names: ReadonlyMap<string, string>; from?: string }): void {
  const found = findCycle({ links: options.links });
  if (!found) return;
  const ring = found.slice(0, -1);
  const start = options.from === undefined ? -1 : ring.indexOf(options.from);
  const cycle = start < 0 ? found : [...ring.slice(start), ...ring.slice(0, start), ring[start]!];
  const named = cycle.map((id) => options.names.get(id) ?? id).join(" → ");
  throw new AppError({
    code: "conflict",
    message: `The supplier chain cannot contain a cycle, and this link would close one: ${named}.`,
  });
}

export interface ChainNode<L> {
  supplierId: string;
  /** The link this supplier was reached through (the direct contract for the root, if any). */
  link: L | null;
  depth: number;
  /** Already listed higher up in this tree (two suppliers share a sub-processor): not expanded again. */
  repeated: boolean;
  children: ChainNode<L>[];
}

/**
 * Everyone who handles the data a supplier receives: the supplier, its sub-processors,
 * theirs, and so on, as a tree. A shared sub-processor appears under each supplier that
 * uses it, expanded only the first time.
 */
export function resolveChain<L extends ChainEdge>(options: { rootId: string; links: readonly L[] }): ChainNode<L> {
  const direct = options.links.find((l) => l.fromId === null && l.toId === options.rootId) ?? null;
  const children = new Map<string, L[]>();
  for (const link of options.links) {
    if (link.fromId === null) continue;
    children.set(link.fromId, [...(children.get(link.fromId) ?? []), link]);
  }
  // A supplier met again (a shared sub-processor, or a cycle that the database refused
  // but a tree walk must survive anyway) is listed but not expanded a second time.
  const seen = new Set<string>();
  const build = (supplierId: string, link: L | null, depth: number): ChainNode<L> => {
    const repeated = seen.has(supplierId);
    seen.add(supplierId);
    const node: ChainNode<L> = { supplierId, link, depth, repeated, children: [] };
    if (!repeated) node.children = (children.get(supplierId) ?? []).map((child) => build(child.toId, child, depth + 1));
    return node;
  };
  return build(options.rootId, direct, 0);
}

/** The suppliers in a chain tree, each once, in the order they first appear. */
export function chainMembers<L>(tree: ChainNode<L>): string[] {
  const members: string[] = [];
  const walk = (node: ChainNode<L>) => {
    if (!members.includes(node.supplierId)) members.push(node.supplierId);
    node.children.forEach(walk);
  };
  walk(tree);
  return members;
}

/**
 * The suppliers whose data reaches `supplierId` (itself included), each with one
 * shortest path from it down to `supplierId`.
 */
export function upstreamPaths(options: { supplierId: string; links: readonly ChainEdge[] }): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const link of options.links) {
    if (link.fromId === null) continue;
    parents.set(link.toId, [...(parents.get(link.toId) ?? []), link.fromId]);
  }
  const paths = new Map<string, string[]>([[options.supplierId, [options.supplierId]]]);
  const queue = [options.supplierId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const parent of parents.get(id) ?? []) {
      if (paths.has(parent)) continue;
      paths.set(parent, [parent, ...paths.get(id)!]);
      queue.push(parent);
    }
  }
  return paths;
}
