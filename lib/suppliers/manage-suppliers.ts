// Suppliers and the AI destinations they serve. Every change is recorded in the audit
// ledger before it is applied (lib/ledger/admin-change.ts).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { Db, SupplierKind } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";
import { clampSummary } from "@/lib/suppliers/summary";

export const supplierKinds = ["AI_PROVIDER", "MODEL_HOST", "CLOUD", "SUB_PROCESSOR", "OT_VENDOR"] as const satisfies readonly SupplierKind[];

const contactSchema = z
  .object({
    name: z.string().trim().min(1, "Enter the contact's name.").max(120),
    role: z.string().trim().max(120).default(""),
    email: z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254),
  })
  .strict();

// Codes the ICU region data names, less its pseudo and grouping regions ("XX" is none).
// Zod runs this check even when the format check failed, and Intl throws on malformed
// codes: a malformed code passes here, as the format check has already refused it.
const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
const notCountries = new Set(["ZZ", "XA", "XB", "EZ", "UN", "QO"]);
function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return true;
  return !notCountries.has(code) && regionNames.of(code) !== undefined;
}

export const supplierInputSchema = z
  .object({
    name: z.string().trim().min(1, "Enter a name.").max(200),
    kind: z.enum(supplierKinds),
    countries: z
      .array(
        z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z]{2}$/, "Use two-letter country codes such as IE or DE.")
          .refine(isCountryCode, "Not a country code (ISO 3166-1); use codes such as IE or DE."),
      )
      .max(60)
      .default([]),
    regions: z.array(z.string().trim().min(1).max(100)).max(30).default([]),
    contacts: z.array(contactSchema).max(10).default([]),
    services: z.string().trim().max(2000).default(""),
  })
  .strict();

export type SupplierInput = z.infer<typeof supplierInputSchema>;

const storedList = z.array(z.string());
const storedContacts = z.array(contactSchema);

/** A supplier row with its JSON columns parsed. */
export function parseSupplier<S extends { countries: string; regions: string; contacts: string }>(supplier: S) {
  return {
    ...supplier,
    countries: storedList.parse(JSON.parse(supplier.countries)),
    regions: storedList.parse(JSON.parse(supplier.regions)),
    contacts: storedContacts.parse(JSON.parse(supplier.contacts)),
  };
}

export function supplierSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "supplier";
}

const columns = (input: SupplierInput) => ({
  name: input.name,
  kind: input.kind,
  countries: JSON.stringify([...new Set(input.countries)]),
  regions: JSON.stringify(input.regions),
  contacts: JSON.stringify(input.contacts),
  services: input.services,
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

export async function createSupplier(options: { db: Db; record: RecordFn; actor: SessionUser; input: SupplierInput }) {
  const { db, input } = options;
  const slug = supplierSlug(input.name);
  const taken = () => new AppError({ code: "conflict", message: `A supplier named like "${input.name}" already exists (${slug}).` });
  if (await db.supplier.findUnique({ where: { slug }, select: { id: true } })) throw taken();
  const id = randomUUID();
  const data = { id, slug, ...columns(input) };
  await recordAdminChange({ ...options, entity: { type: "Supplier", id }, action: "create", before: null, after: data, summary: `supplier ${input.name} added (${input.kind})` });
  try {
    return await db.supplier.create({ data, select: { id: true, slug: true, name: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

const auditedSupplier = { id: true, slug: true, name: true, kind: true, countries: true, regions: true, contacts: true, services: true } as const;

export async function updateSupplier(options: { db: Db; record: RecordFn; actor: SessionUser; supplierId: string; input: SupplierInput }) {
  const { db, supplierId, input } = options;
  const before = await db.supplier.findUnique({ where: { id: supplierId }, select: auditedSupplier });
  if (!before) throw new AppError({ code: "not_found", message: "No such supplier." });
  // The slug stays: it is the supplier's address in the app and in links to it.
  const after = { ...before, ...columns(input) };
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
  await recordAdminChange({ ...options, entity: { type: "Supplier", id: supplierId }, action: "update", before, after, summary: `supplier ${input.name}: ${changed.join(", ") || "no change"}` });
  return db.supplier.update({ where: { id: supplierId }, data: columns(input), select: { id: true, slug: true, name: true } });
}

/** Makes the supplier the one that operates an AI destination: its conduits' data now reaches this supplier's chain. */
export async function assignDestination(options: { db: Db; record: RecordFn; actor: SessionUser; supplierId: string; destinationId: string }) {
  const { db, supplierId, destinationId } = options;
  const [supplier, destination] = await Promise.all([
    db.supplier.findUnique({ where: { id: supplierId }, select: { id: true, name: true } }),
    db.aiDestination.findUnique({ where: { id: destinationId }, select: { id: true, slug: true, supplierId: true, supplier: { select: { name: true } } } }),
  ]);
  if (!supplier) throw new AppError({ code: "not_found", message: "No such supplier." });
  if (!destination) throw new AppError({ code: "not_found", message: "No such AI destination." });
  if (destination.supplierId === supplierId) return { destinationId, supplierId };
  const summary = `destination ${destination.slug} now operated by ${supplier.name}${destination.supplier ? ` (was ${destination.supplier.name})` : ""}`;
  await recordAdminChange({
    ...options,
    entity: { type: "AiDestination", id: destinationId },
    action: "update",
    before: { id: destinationId, supplierId: destination.supplierId },
    after: { id: destinationId, supplierId },
    summary: clampSummary(summary),
  });
  await db.aiDestination.update({ where: { id: destinationId }, data: { supplierId } });
  return { destinationId, supplierId };
}
