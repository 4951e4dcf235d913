import { describe, expect, it } from "vitest";
import { incidentEventSchema, memberStateRulesSchema, reportSubmissionSchema, significanceInputSchema } from "@/lib/incidents/inputs";
import { stageFieldsSchema, stageSpecs } from "@/lib/incidents/report-content";

const paths = (result: { error?: { issues: { path: PropertyKey[] }[] } }) => result.error?.issues.map((i) => i.path.join(".")) ?? [];

describe("report submissions", () => {
  it("name every missing field of the stage together with the rest of the request", () => {
    const result = reportSubmissionSchema.safeParse({ stage: "FINAL", submittedAt: "2026-03-04T09:00:00+01:00", channel: " ", recipient: "BSI", fields: { severity: "HIGH" } });
    expect(paths(result).sort()).toEqual(["channel", "fields.crossBorderImpact", "fields.description", "fields.mitigationApplied", "fields.mitigationOngoing", "fields.rootCause"]);
    expect(result.error?.issues.find((i) => i.path.join(".") === "fields.description")?.message).toBe('Fill in "Detailed description".');
  });

  it("read an instant with its offset as the UTC instant it is", () => {
    const fields = { statusUpdate: "All tokens rotated." };
    const parsed = reportSubmissionSchema.parse({ stage: "INTERMEDIATE", submittedAt: "2026-03-04T10:00:00+01:00", channel: "E-mail", recipient: "BSI", fields });
    expect(parsed.submittedAt.toISOString()).toBe("2026-03-04T09:00:00.000Z");
    expect(reportSubmissionSchema.safeParse({ stage: "INTERMEDIATE", submittedAt: "2026-03-04 10:00", channel: "E-mail", recipient: "BSI", fields }).success).toBe(false);
  });

  it("refuse fields a stage does not ask for and an unknown stage", () => {
    expect(paths(stageFieldsSchema("INTERMEDIATE").safeParse({ statusUpdate: "x", rootCause: "y" }))).toEqual([""]);
    expect(paths(reportSubmissionSchema.safeParse({ stage: "SUMMARY", submittedAt: "2026-03-04T09:00:00Z", channel: "E-mail", recipient: "BSI", fields: {} }))).toEqual(["stage"]);
  });

  it("ask at each stage what NIS2 Art. 23(4) asks", () => {
    const keys = (stage: keyof typeof stageSpecs) => stageSpecs[stage].fields.map((f) => f.key);
    expect(keys("EARLY_WARNING")).toEqual(expect.arrayContaining(["suspectedMalicious", "crossBorderImpact"]));
    expect(keys("NOTIFICATION")).toEqual(expect.arrayContaining(["earlyWarningUpdate", "severity", "impact", "indicatorsOfCompromise"]));
    expect(keys("FINAL")).toEqual(expect.arrayContaining(["description", "severity", "rootCause", "mitigationApplied", "mitigationOngoing", "crossBorderImpact"]));
  });
});

describe("other inputs", () => {
  it("want a due date with a request for an intermediate report, not with a reply", () => {
    const base = { at: "2026-03-03T09:00:00Z", source: "CERT-Bund", summary: "Status please." };
    expect(paths(incidentEventSchema.safeParse({ ...base, kind: "INTERMEDIATE_REPORT_REQUEST" }))).toEqual(["dueAt"]);
    expect(incidentEventSchema.parse({ ...base, kind: "CSIRT_REPLY" }).dueAt).toBeNull();
  });

  it("take public holidays only as real calendar dates", () => {
    const rules = (holidays: string[]) => memberStateRulesSchema.safeParse({ competentAuthority: "", csirt: "", nextWorkingDayRoll: true, holidays });
    expect(rules(["2026-12-25", "2028-02-29"]).success).toBe(true);
    expect(paths(rules(["2026-02-30", "25.12.2026", "2026-13-01"]))).toEqual(["holidays.0", "holidays.1", "holidays.2"]);
  });

  it("want the conclusion's reasoning and refuse negative amounts", () => {
    const answer = { applies: false, reasoning: "No." };
    const result = significanceInputSchema.safeParse({
      plannedMaintenance: answer,
      financialLoss: { directLossEur: -5, annualTurnoverEur: null, reasoning: "r" },
      tradeSecretsExfiltrated: answer,
      deathCaused: answer,
      considerableHealthDamage: answer,
      maliciousUnauthorisedAccess: answer,
      rootCause: null,
      earlierIncidents: [],
      significant: true,
      reasoning: " ",
    });
    expect(paths(result).sort()).toEqual(["financialLoss.directLossEur", "reasoning"]);
  });
});
