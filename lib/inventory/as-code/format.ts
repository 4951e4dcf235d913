// The inventory file ("inventory as code"): plants, zones, workstations, devices, AI
// destinations, conduits and each plant's own classification rules as one reviewable
// document (docs/inventory.example.yaml).
// Entities are named by their stable slugs (workstations by plant and hostname), never
// by database ids, and every reference resolves inside the file, so a file can be
// checked without a database. Secrets never go into it: provider keys and device tokens
// are set in the application, where they are stored encrypted or hashed.
import { isIP } from "node:net";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { compileCustomRules } from "@/proxy/classify/custom-rules";
import {
  ConduitStatus,
  DataClass,
  DeviceStatus,
  EntityCategory,
  FailMode,
  OverLimitAction,
  ProviderKind,
  PurdueLevel,
  Workload,
  ZoneKind,
} from "@/lib/db";

// Slugs appear in URLs (/api/proxy/<destination>/...) and in ledger records.
const slug = z
  .string()
  .max(100)
  .regex(/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/, "must be a slug: lowercase letters, digits and . _ - (like augsburg-l3-operations)");
const hostname = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, "must be a host name (letters, digits, . and -)");
const name = z.string().min(1, "must not be empty").max(200);
const shortText = z.string().max(200);
const longText = z.string().max(2000);
const securityLevel = z.number().int().min(1, "IEC 62443 security levels are 1 to 4").max(4, "IEC 62443 security levels are 1 to 4");

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
// An instant: a date means midnight UTC; a date-time needs Z or an offset, so no reader
// has to guess which plant's clock it was written in. Normalised to ISO 8601 UTC.
const instant = z
  .string()
  .refine(
    (s) => isoDate.safeParse(s).success || isoDateTime.safeParse(s).success,
    "must be an ISO 8601 date (2026-01-31) or date-time with Z or an offset (2026-01-31T06:00:00Z)",
  )
  .transform((s) => new Date(s).toISOString());

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone like Europe/Berlin");

// Proxy policy lists: an empty list means "any".
const policyList = z
  .array(z.string().min(1).max(200))
  .refine((items) => new Set(items).size === items.length, "lists each value once")
  .default([]);

// Credentials in a URL would put a secret into the file.
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .refine((u) => {
    const url = new URL(u);
    return !url.username && !url.password && !url.search;
  }, "must not carry credentials or a query string: secrets never go into the inventory file");

const plant = z.strictObject({
  slug,
  name,
  operator: name,
  city: shortText,
  memberState: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code like DE"),
  timeZone,
  entityCategory: z.enum(EntityCategory),
});

const zone = z.strictObject({
  slug,
  name,
  description: longText.default(""),
  kind: z.enum(ZoneKind),
  purdueLevel: z.enum(PurdueLevel),
  slTarget: securityLevel,
  slAchieved: securityLevel.nullable().default(null),
  // Omitted for EXTERNAL_AI zones, which belong to no plant.
  plant: slug.nullable().default(null),
});

const workstation = z.strictObject({
  plant: slug,
  hostname,
  name,
  ipAddress: z
    .string()
    .refine((ip) => isIP(ip) !== 0, "must be an IPv4 or IPv6 address")
    .nullable()
    .default(null),
  description: longText.default(""),
  zone: slug,
});

const device = z.strictObject({
  slug,
  name,
  workload: z.enum(Workload),
  application: name,
  vendor: shortText.default(""),
  defaultPurpose: z.string().min(1, "must not be empty").max(200),
  mayAssertOperator: z.boolean().default(false),
  status: z.enum(DeviceStatus).default("ACTIVE"),
  // The device's plant is its zone's plant.
  zone: slug,
  // Host name of a workstation in the same plant.
  workstation: hostname.nullable().default(null),
});

const destination = z.strictObject({
  slug,
  name,
  provider: z.enum(ProviderKind),
  baseUrl,
  region: shortText.default(""),
  zone: slug,
  // Slug of a supplier in the supplier chain (kept in the application, not in this file).
  supplier: slug.nullable().default(null),
});

const conduit = z.strictObject({
  slug,
  name,
  justification: longText.default(""),
  status: z.enum(ConduitStatus).default("ACTIVE"),
  sourceZone: slug,
  destination: slug,
  validFrom: instant,
  validUntil: instant.nullable().default(null),
  // When people next confirm the conduit is still needed.
  reviewDue: instant.nullable().default(null),
  allowedPurposes: policyList,
  allowedModels: policyList,
  allowedEndpoints: policyList,
  maxDataClass: z.enum(DataClass),
  overLimitAction: z.enum(OverLimitAction),
  failMode: z.enum(FailMode).default("CLOSED"),
  slTarget: securityLevel,
});

// A plant's own pattern (a regular expression) or dictionary (terms matched as whole
// words), under a label of its own or a built-in one; what the proxy counts and levels
// beside the built-in detectors. Compiled in checkInventoryFile, so a rule that would not
// compile is refused with its path.
const classificationRule = z
  .strictObject({
    plant: slug,
    label: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be snake_case: lowercase letters, digits and _, starting with a letter, at most 64 characters"),
    level: z.enum(DataClass),
    pattern: z.string().min(1).max(2000).nullable().default(null),
    flags: z.string().regex(/^[imsuv]*$/, 'may only contain the flags "i", "m", "s", "u" and "v"').default(""),
    terms: z.array(z.string().trim().min(1, "must not be empty").max(200)).max(10_000).default([]),
    description: longText.default(""),
  })
  .refine((rule) => (rule.pattern === null) !== (rule.terms.length === 0), "needs either a pattern or terms, not both");

export const inventoryFileVersion = 1;

export const inventoryFileSchema = z.strictObject({
  version: z.literal(inventoryFileVersion, {
    error: (issue) => (issue.input === undefined ? "is required" : `must be ${inventoryFileVersion}, the version of this format`),
  }),
  plants: z.array(plant).default([]),
  zones: z.array(zone).default([]),
  workstations: z.array(workstation).default([]),
  devices: z.array(device).default([]),
  destinations: z.array(destination).default([]),
  conduits: z.array(conduit).default([]),
  classificationRules: z.array(classificationRule).default([]),
});

/** A parsed inventory file: defaults filled in, instants as ISO 8601 UTC text. */
export type InventoryFile = z.output<typeof inventoryFileSchema>;
export type PlantEntry = InventoryFile["plants"][number];
export type ZoneEntry = InventoryFile["zones"][number];
export type WorkstationEntry = InventoryFile["workstations"][number];
export type DeviceEntry = InventoryFile["devices"][number];
export type DestinationEntry = InventoryFile["destinations"][number];
export type ConduitEntry = InventoryFile["conduits"][number];
export type ClassificationRuleEntry = InventoryFile["classificationRules"][number];

/** A workstation's identity: host names are unique within a plant. */
export const workstationKey = (entry: { plant: string; hostname: string }) => `${entry.plant}/${entry.hostname}`;

/** A classification rule's identity: labels are unique within a plant. */
export const classificationRuleKey = (entry: { plant: string; label: string }) => `${entry.plant}/${entry.label}`;

export interface EntryProblem {
  path: (string | number)[];
  message: string;
}

/**
 * What the schema cannot see entry by entry: duplicate identities, references that do
 * not resolve inside the file, and zones, workstations and devices that disagree about
 * their plant.
 */
export function checkInventoryFile(file: InventoryFile): EntryProblem[] {
  const problems: EntryProblem[] = [];

  const index = <E>(section: keyof InventoryFile, entries: E[], keyOf: (e: E) => string, field: string) => {
    const first = new Map<string, number>();
    entries.forEach((entry, i) => {
      const key = keyOf(entry);
      const seen = first.get(key);
      if (seen === undefined) first.set(key, i);
      else problems.push({ path: [section, i, field], message: `"${key}" is already used by ${section}[${seen}]` });
    });
    return new Map([...first].map(([key, i]) => [key, entries[i]!]));
  };
  const plants = index("plants", file.plants, (p) => p.slug, "slug");
  const zones = index("zones", file.zones, (e) => e.slug, "slug");
  const workstations = index("workstations", file.workstations, workstationKey, "hostname");
  index("devices", file.devices, (d) => d.slug, "slug");
  const destinations = index("destinations", file.destinations, (d) => d.slug, "slug");
  index("conduits", file.conduits, (c) => c.slug, "slug");
  index("classificationRules", file.classificationRules, classificationRuleKey, "label");

  const missing = (path: EntryProblem["path"], what: string, key: string, section: string) =>
    problems.push({ path, message: `no ${what} "${key}" in this file (add it under ${section})` });

  file.zones.forEach((entry, i) => {
    const external = entry.kind === "EXTERNAL_AI";
    if (external && entry.plant !== null) problems.push({ path: ["zones", i, "plant"], message: "an EXTERNAL_AI zone belongs to no plant" });
    if (!external && entry.plant === null) problems.push({ path: ["zones", i, "plant"], message: `a zone of kind ${entry.kind} needs its plant` });
    if (entry.plant !== null && !plants.has(entry.plant)) missing(["zones", i, "plant"], "plant", entry.plant, "plants");
    if (external !== (entry.purdueLevel === "EXTERNAL")) {
      problems.push({ path: ["zones", i, "purdueLevel"], message: "EXTERNAL_AI zones, and only they, are at purdueLevel EXTERNAL" });
    }
  });

  file.workstations.forEach((entry, i) => {
    if (!plants.has(entry.plant)) missing(["workstations", i, "plant"], "plant", entry.plant, "plants");
    const itsZone = zones.get(entry.zone);
    if (!itsZone) missing(["workstations", i, "zone"], "zone", entry.zone, "zones");
    else if (itsZone.plant !== entry.plant) problems.push({ path: ["workstations", i, "zone"], message: `zone "${entry.zone}" is not in plant "${entry.plant}"` });
  });

  file.devices.forEach((entry, i) => {
    const itsZone = zones.get(entry.zone);
    if (!itsZone) {
      missing(["devices", i, "zone"], "zone", entry.zone, "zones");
    } else if (itsZone.plant === null) {
      problems.push({ path: ["devices", i, "zone"], message: `zone "${entry.zone}" belongs to no plant; devices sit in a plant's zone` });
    } else if (entry.workstation !== null && !workstations.has(workstationKey({ plant: itsZone.plant, hostname: entry.workstation }))) {
      problems.push({ path: ["devices", i, "workstation"], message: `no workstation "${entry.workstation}" in plant "${itsZone.plant}" in this file (add it under workstations)` });
    }
  });

  file.destinations.forEach((entry, i) => {
    if (!zones.has(entry.zone)) missing(["destinations", i, "zone"], "zone", entry.zone, "zones");
  });

  file.conduits.forEach((entry, i) => {
    if (!zones.has(entry.sourceZone)) missing(["conduits", i, "sourceZone"], "zone", entry.sourceZone, "zones");
    if (!destinations.has(entry.destination)) missing(["conduits", i, "destination"], "destination", entry.destination, "destinations");
    // ISO 8601 UTC text of equal length compares like the instants it names.
    if (entry.validUntil !== null && entry.validUntil <= entry.validFrom) problems.push({ path: ["conduits", i, "validUntil"], message: "must be after validFrom" });
  });

  file.classificationRules.forEach((entry, i) => {
    if (!plants.has(entry.plant)) missing(["classificationRules", i, "plant"], "plant", entry.plant, "plants");
  });
  problems.push(...classificationRuleProblems(file.classificationRules));

  return problems;
}

/** Each plant's rules compiled as the proxy compiles them: bad patterns, and one label with two levels. */
function classificationRuleProblems(entries: ClassificationRuleEntry[]): EntryProblem[] {
  const byPlant = new Map<string, number[]>();
  entries.forEach((entry, i) => byPlant.set(entry.plant, [...(byPlant.get(entry.plant) ?? []), i]));
  return [...byPlant.values()].flatMap((indexes) => {
    const rules = indexes.map((i) => {
      const { label, level, pattern, flags, terms } = entries[i]!;
      return pattern === null ? { label, level, terms } : { label, level, pattern, flags };
    });
    try {
      compileCustomRules({ rules });
      return [];
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Issue paths name the rule by its place among the plant's rules: customRules.<k>.<field>.
      return (error.issues ?? []).map((issue) => {
        const [, k, field] = /^customRules\.(\d+)\.?(\w*)/.exec(issue.path) ?? [];
        const index = indexes[Number(k)] ?? indexes[0]!;
        return { path: ["classificationRules", index, ...(field ? [field] : [])], message: issue.message.replace(/^Custom rule \d+ \([^)]*\): /, "") };
      });
    }
  });
}
