// What an evidence pack covers, as a compliance officer or a scheduled job asks for it:
// a period in a plant's time zone, the plants and conduits (none named: all), optionally
// an incident, and a name and purpose for the people who read it. Checked against the
// inventory, so a mistyped slug is a 400 naming the field, never a pack of nothing.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { canonicalJson } from "@/lib/ledger/record";
import { badRequest, isTimeZone, parseInstant } from "@/lib/records/record-filter";

export interface PackScope {
  /** Inclusive start and exclusive end, ISO 8601 UTC instants. */
  from: string;
  to: string;
  /** The zone the period was given in, and the PDF shows times in. */
  timeZone: string;
  /** Plant slugs; empty: every plant. */
  plants: string[];
  /** Conduit slugs; empty: every conduit. */
  conduits: string[];
  /** An incident's reference (INC-2026-001): its linked records join the pack. */
  incident: string | null;
}

export interface PackRequest {
  name: string;
  purpose: string;
  scope: PackScope;
}

const slug = z.string().trim().min(1).max(200);
const requestSchema = z.object({
  name: z.string().trim().min(1, "give the pack a name").max(200),
  purpose: z.string().trim().min(1, "say what the pack is for (for example: supervisory review Q3 2026)").max(500),
  from: z.string().trim().min(1, "the period needs a start"),
  to: z.string().trim().min(1, "the period needs an end"),
  timeZone: z.string().trim().min(1).default("UTC"),
  plants: z.array(slug).max(100).default([]),
  conduits: z.array(slug).max(500).default([]),
  incident: z.string().trim().max(40).nullish(),
});

/** Reads and checks a pack request (the form's JSON or the CLI's options); a 400 naming the field when it cannot be made. */
export async function parsePackRequest(options: { db: Db; input: unknown }): Promise<PackRequest> {
  const parsed = requestSchema.safeParse(options.input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(issue.path.join(".") || "request", issue.message);
  }
  const input = parsed.data;
  if (!isTimeZone(input.timeZone)) throw badRequest("timeZone", `"${input.timeZone}" is not an IANA time zone (for example Europe/Berlin).`);
  const from = parseInstant({ field: "from", value: input.from, timeZone: input.timeZone });
  const to = parseInstant({ field: "to", value: input.to, timeZone: input.timeZone });
  if (to <= from) throw badRequest("to", "the period must end after it starts.");

  const plants = [...new Set(input.plants)].sort();
  const conduits = [...new Set(input.conduits)].sort();
  const [knownPlants, knownConduits, incident] = await Promise.all([
    options.db.plant.findMany({ where: { slug: { in: plants } }, select: { slug: true } }),
    options.db.conduit.findMany({ where: { slug: { in: conduits } }, select: { slug: true } }),
    input.incident ? options.db.incident.findFirst({ where: { reference: input.incident }, select: { reference: true } }) : null,
  ]);
  const unknown = (asked: string[], known: { slug: string }[]) => asked.filter((s) => !known.some((k) => k.slug === s));
  if (unknown(plants, knownPlants).length > 0) throw badRequest("plants", `no plant ${unknown(plants, knownPlants).join(", ")}.`);
  if (unknown(conduits, knownConduits).length > 0) throw badRequest("conduits", `no conduit ${unknown(conduits, knownConduits).join(", ")}.`);
  if (input.incident && !incident) throw badRequest("incident", `no incident ${input.incident}.`);
  return { name: input.name, purpose: input.purpose, scope: { from, to, timeZone: input.timeZone, plants, conduits, incident: incident?.reference ?? null } };
}

/**
 * What packs of one chain share: the plants, conduits and incident, not the period. The
 * Q4 pack of Augsburg proves, by consistency proofs from the Q3 pack's checkpoints, that
 * every log only grew in between: a record of Q3 deleted or rewritten since is caught.
 */
export function scopeKey(scope: PackScope): string {
  const { plants, conduits, incident } = scope;
  return createHash("sha256").update(canonicalJson({ conduits, incident, plants })).digest("hex");
}
