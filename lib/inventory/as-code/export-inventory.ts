// The current inventory as an inventory file: applying the export changes nothing.
import { Document, isMap, isScalar, visit } from "yaml";
import type { Db } from "@/lib/db";
import type { InventoryFile } from "@/lib/inventory/as-code/format";
import { inventoryFileOf, readInventorySnapshot } from "@/lib/inventory/as-code/inventory-rows";

export type InventoryFileFormat = "yaml" | "json";

const yamlHeader = [
  " Conduit Ledger inventory: npm run inventory -- apply FILE --as EMAIL",
  " Format: docs/inventory.example.yaml. Keys and tokens are not part of this file.",
].join("\n");

// An absent optional field reads as null, so the export leaves nulls out.
const withoutNulls = (entry: object) => Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== null));

export function formatInventoryFile(options: { file: InventoryFile; format: InventoryFileFormat }): string {
  const { file, format } = options;
  if (format === "json") return `${JSON.stringify(file, null, 2)}\n`;
  const doc = new Document({
    version: file.version,
    plants: file.plants,
    zones: file.zones.map(withoutNulls),
    workstations: file.workstations.map(withoutNulls),
    devices: file.devices.map(withoutNulls),
    destinations: file.destinations.map(withoutNulls),
    conduits: file.conduits.map(withoutNulls),
    classificationRules: file.classificationRules.map(withoutNulls),
  });
  doc.commentBefore = yamlHeader;
  // A blank line before each section, as a person would write it.
  if (isMap(doc.contents)) for (const pair of doc.contents.items.slice(1)) if (isScalar(pair.key)) pair.key.spaceBefore = true;
  // Policy lists on one line: [predictive-maintenance, anomaly-triage].
  visit(doc, {
    Seq(_, seq) {
      if (seq.items.every(isScalar)) seq.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export async function exportInventory(options: { db: Db; format: InventoryFileFormat }): Promise<string> {
  const file = inventoryFileOf(await readInventorySnapshot({ db: options.db }));
  return formatInventoryFile({ file, format: options.format });
}
