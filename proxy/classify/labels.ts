// The built-in labels and the level each one implies. The keys go into signed audit
// records: renaming one breaks the comparability of old and new records.
import type { DataClass } from "@/proxy/classify/types";

export const builtInLabels = [
  "secret",
  "personal_data",
  "network_identifier",
  "part_number_drawing",
  "ot_asset_tag",
  "recipe_procedure",
  "process_parameter",
  "product_imagery",
] as const;

export type BuiltInLabel = (typeof builtInLabels)[number];

export const labelLevels: Record<BuiltInLabel, DataClass> = {
  // A credential grants access to a system: one leak compromises a zone.
  secret: "RESTRICTED",
  // Recipes and step-by-step procedures are the plant's process know-how; the seeded
  // CONFIDENTIAL cloud conduit promises that "no raw recipes leave the plant".
  recipe_procedure: "RESTRICTED",
  // Camera frames of products and defects show unreleased designs, cannot be redacted
  // in part, and the plant keeps them on site (the vision conduit is the RESTRICTED one).
  product_imagery: "RESTRICTED",
  // GDPR personal data: names, contact data, badge ids, bank accounts.
  personal_data: "CONFIDENTIAL",
  // Addresses and internal host names map the OT network for an attacker (IEC 62443 zone internals).
  network_identifier: "CONFIDENTIAL",
  // Set points, limits and tolerances are process know-how, but analytics conduits rated
  // CONFIDENTIAL must be able to carry them.
  process_parameter: "CONFIDENTIAL",
  // Tags and PLC addresses are everyday maintenance vocabulary: they name equipment and
  // grant no access, so copilot conduits rated INTERNAL can carry them.
  ot_asset_tag: "INTERNAL",
  // Part and drawing numbers are shared with suppliers and customers daily; the number
  // identifies a design without disclosing it.
  part_number_drawing: "INTERNAL",
};

export function isBuiltInLabel(label: string): label is BuiltInLabel {
  return Object.hasOwn(labelLevels, label);
}
