// What the incident forms offer: the plants, the Member States and their reporting rules.
import type { Db } from "@/lib/db";
import { listReportingRules } from "@/lib/incidents/member-state-rules";
import { memberStateCodes, memberStates } from "@/lib/incidents/member-states";

export async function incidentFormOptions(options: { db: Db }) {
  const [plants, rules] = await Promise.all([
    options.db.plant.findMany({ select: { id: true, name: true, memberState: true, timeZone: true, entityCategory: true }, orderBy: { name: "asc" } }),
    listReportingRules({ db: options.db }),
  ]);
  return {
    plants,
    rules: rules.map((r) => ({ memberState: r.memberState, competentAuthority: r.competentAuthority, csirt: r.csirt })),
    memberStates: memberStateCodes.map((code) => ({ code, name: memberStates[code].name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
