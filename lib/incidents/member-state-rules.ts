// Per Member State: where incident reports go (competent authority, CSIRT) and whether
// day and month deadlines roll to the next working day under national law (off by
// default; hour deadlines never roll). New incidents take the authority and CSIRT
// from here; the roll applies to every incident reported under that Member State.
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { MemberStateRulesInput } from "@/lib/incidents/inputs";
import { memberStates, type MemberState } from "@/lib/incidents/member-states";
import { recordAdminChange, type RecordFn } from "@/lib/ledger/admin-change";

export interface ReportingRulesView {
  memberState: MemberState;
  name: string;
  competentAuthority: string;
  csirt: string;
  nextWorkingDayRoll: boolean;
  holidays: string[];
  /** Whether a plant of this installation is in this Member State. */
  hasPlants: boolean;
}

const holidaysSchema = z.array(z.string());

/** The Member States with plants or with rules recorded, plants' first. */
export async function listReportingRules(options: { db: Db }): Promise<ReportingRulesView[]> {
  const [rows, plants] = await Promise.all([options.db.memberStateRules.findMany(), options.db.plant.findMany({ select: { memberState: true } })]);
  const withPlants = new Set(plants.map((p) => p.memberState));
  const codes = [...new Set([...withPlants, ...rows.map((r) => r.memberState)])].filter((code): code is MemberState => code in memberStates);
  return codes
    .map((code) => {
      const row = rows.find((r) => r.memberState === code);
      return {
        memberState: code,
        name: memberStates[code].name,
        competentAuthority: row?.competentAuthority ?? "",
        csirt: row?.csirt ?? "",
        nextWorkingDayRoll: row?.nextWorkingDayRoll ?? false,
        holidays: row ? holidaysSchema.parse(JSON.parse(row.holidays)) : [],
        hasPlants: withPlants.has(code),
      };
    })
    .sort((a, b) => Number(b.hasPlants) - Number(a.hasPlants) || a.name.localeCompare(b.name));
}

export async function updateMemberStateRules(options: { db: Db; record: RecordFn; actor: SessionUser; memberState: string; input: MemberStateRulesInput }) {
  const { db, input } = options;
  if (!(options.memberState in memberStates)) {
    throw new AppError({ code: "not_found", message: `${options.memberState} is not an EU Member State code.` });
  }
  const code = options.memberState;
  const existing = await db.memberStateRules.findUnique({ where: { memberState: code } });
  const holidays = [...new Set(input.holidays)].sort();
  const before = existing && { memberState: code, competentAuthority: existing.competentAuthority, csirt: existing.csirt, nextWorkingDayRoll: existing.nextWorkingDayRoll, holidays: existing.holidays };
  const after = { memberState: code, competentAuthority: input.competentAuthority, csirt: input.csirt, nextWorkingDayRoll: input.nextWorkingDayRoll, holidays: JSON.stringify(holidays) };
  await recordAdminChange({
    ...options,
    entity: { type: "MemberStateRules", id: code },
    action: existing ? "update" : "create",
    before,
    after,
    summary: `reporting rules for ${code}: next-working-day roll ${input.nextWorkingDayRoll ? "on" : "off"}, ${holidays.length} holidays`,
  });
  const { memberState, ...data } = after;
  return db.memberStateRules.upsert({ where: { memberState }, create: after, update: data });
}
