// A supplier's exposure: which conduits send data to it, directly (it owns their AI
// destination) or down a chain (it is a sub-processor of the owner, or of theirs), from
// which plants, at which classification levels, and how many calls the ledger
// recorded. Pure: the caller loads the graph and the call volumes.
import type { ConduitState } from "@/lib/inventory/conduit-state";
import type { CallVolume } from "@/lib/suppliers/call-volumes";
import { upstreamPaths, type ChainEdge } from "@/lib/suppliers/chain";
import { dataClassRank, highestDataClass, type DataClassName, type ExposureSummary } from "@/lib/suppliers/scoring";

export interface GraphConduit {
  id: string;
  slug: string;
  name: string;
  maxDataClass: DataClassName;
  state: ConduitState;
  zone: string;
  plant: { slug: string; name: string } | null;
}

export interface GraphDestination {
  id: string;
  slug: string;
  name: string;
  supplierId: string | null;
  conduits: GraphConduit[];
}

export interface ExposedConduit {
  conduit: GraphConduit;
  destination: { slug: string; name: string };
  /** Suppliers from the destination's owner down to this supplier (one entry when direct). */
  via: string[];
  calls: number;
  callsByLevel: Partial<Record<DataClassName, number>>;
}

export interface SupplierExposure {
  conduits: ExposedConduit[];
  plants: { slug: string; name: string }[];
  /** Levels conduits allow or calls carried, lowest first. */
  levels: DataClassName[];
  /** The highest level that reaches the supplier now: conduits in force, and calls that were not redacted. */
  receivedLevel: DataClassName | null;
  calls: number;
  summary: ExposureSummary;
}

export function supplierExposure(options: {
  supplierId: string;
  links: readonly ChainEdge[];
  destinations: readonly GraphDestination[];
  volumes: readonly CallVolume[];
  plantNames: ReadonlyMap<string, string>;
}): SupplierExposure {
  const paths = upstreamPaths({ supplierId: options.supplierId, links: options.links });
  const conduits: ExposedConduit[] = [];
  const received: DataClassName[] = [];
  const levels = new Set<DataClassName>();
  const plants = new Map<string, string>();

  for (const destination of options.destinations) {
    const via = destination.supplierId ? paths.get(destination.supplierId) : undefined;
    if (!via) continue;
    for (const conduit of destination.conduits) {
      const volumes = options.volumes.filter((v) => v.destination === destination.slug && v.conduit === conduit.slug);
      const callsByLevel: Partial<Record<DataClassName, number>> = {};
      for (const v of volumes) {
        callsByLevel[v.level] = (callsByLevel[v.level] ?? 0) + v.calls;
        levels.add(v.level);
        // A redacted call left the plant at no more than the conduit's limit.
        if (v.outcome !== "redacted") received.push(v.level);
        if (v.plant) plants.set(v.plant, options.plantNames.get(v.plant) ?? v.plant);
      }
      const calls = volumes.reduce((n, v) => n + v.calls, 0);
      levels.add(conduit.maxDataClass);
      if (conduit.state === "in_force") {
        received.push(conduit.maxDataClass);
        if (conduit.plant) plants.set(conduit.plant.slug, conduit.plant.name);
      }
      conduits.push({ conduit, destination: { slug: destination.slug, name: destination.name }, via, calls, callsByLevel });
    }
  }

  const receivedLevel = highestDataClass(received);
  const calls = conduits.reduce((n, c) => n + c.calls, 0);
  return {
    conduits,
    plants: [...plants].map(([slug, name]) => ({ slug, name })).sort((a, b) => a.name.localeCompare(b.name)),
    levels: [...levels].sort((a, b) => dataClassRank(a) - dataClassRank(b)),
    receivedLevel,
    calls,
    summary: { highestDataClass: receivedLevel, plants: plants.size, conduits: conduits.filter((c) => c.conduit.state === "in_force").length, calls },
  };
}
