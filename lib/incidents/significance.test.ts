import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assessSignificance, type EarlierIncident, type SignificanceAnswers } from "@/lib/incidents/significance";

const berlin = "Europe/Berlin";
const at = (iso: string) => new Date(iso);
const no = (reasoning: string) => ({ applies: false, reasoning });
const yes = (reasoning: string) => ({ applies: true, reasoning });

// This incident: 31 Aug 2026 10:00 CEST, so the recurrence window opens 28 Feb 2026 10:00 CET.
function answersWith(overrides: Partial<SignificanceAnswers> = {}): SignificanceAnswers {
  return {
    plannedMaintenance: no("Unplanned: the historian stopped during production."),
    financialLoss: { directLossEur: 40_000, annualTurnoverEur: 80_000_000, reasoning: "Two shifts of lost output on line 3." },
    tradeSecretsExfiltrated: no("Egress logs show no transfer from the recipe server."),
    deathCaused: no("No safety function was affected."),
    considerableHealthDamage: no("No safety function was affected."),
    maliciousUnauthorisedAccess: no("A disk failure; no access was involved."),
    recurrence: { occurredAt: at("2026-08-31T08:00:00Z"), rootCause: "Expired TLS certificate", earlierIncidents: [] },
    ...overrides,
  };
}

const assess = (overrides: Partial<SignificanceAnswers> = {}) => assessSignificance({ answers: answersWith(overrides), timeZone: berlin });

function earlier(overrides: Partial<EarlierIncident> = {}): EarlierIncident {
  return { reference: "INC-2026-014", occurredAt: at("2026-04-10T08:00:00Z"), rootCause: "Expired TLS certificate", directLossEur: 400_000, ...overrides };
}

function withRecurrence(options: { lossEur: number; earlierIncidents: EarlierIncident[]; rootCause?: string | null }): Partial<SignificanceAnswers> {
  return {
    financialLoss: { directLossEur: options.lossEur, annualTurnoverEur: null, reasoning: "Estimated by the plant controller." },
    recurrence: {
      occurredAt: at("2026-08-31T08:00:00Z"),
      rootCause: options.rootCause === undefined ? "Expired TLS certificate" : options.rootCause,
      earlierIncidents: options.earlierIncidents,
    },
  };
}

const recurring = (overrides: Partial<SignificanceAnswers>) => assess(overrides).findings.find((f) => f.criterion === "recurring");

describe("assessSignificance", () => {
  it("finds nothing significant when no criterion is met, and says the entity may still judge otherwise", () => {
    const result = assess();
    expect(result.verdict).toBe("not_significant");
    expect(result.findings.map((f) => [f.criterion, f.met])).toEqual([
      ["financial_loss", false],
      ["trade_secrets", false],
      ["death", false],
      ["health_damage", false],
      ["malicious_access", false],
      ["recurring", false],
    ]);
    expect(result.summary).toContain("NIS2 Art. 23(3)");
    expect(result.findings[0]?.reasoning).toBe(
      "Direct loss of EUR 40,000 is not above the threshold EUR 500,000, the lower of EUR 500,000 and 5 % of the turnover of EUR 80,000,000. Two shifts of lost output on line 3.",
    );
    expect(result.findings[1]?.reasoning).toBe("Assessor: no. Egress logs show no transfer from the recipe server.");
  });

  it.each([
    [500_000, null, false],
    [500_000.01, null, true],
    [200_000, 4_000_000, false], // 5 % of turnover is lower than the cap
    [200_001, 4_000_000, true],
    [500_000, 20_000_000, false], // 5 % is EUR 1,000,000: the cap is lower
    [500_001, 20_000_000, true],
  ])("tests a direct loss of EUR %d against the lower of EUR 500,000 and 5 %% of turnover %s", (directLossEur, annualTurnoverEur, met) => {
    const result = assess({ financialLoss: { directLossEur, annualTurnoverEur, reasoning: "Estimated by the plant controller." } });
    expect(result.findings.find((f) => f.criterion === "financial_loss")?.met).toBe(met);
    expect(result.verdict).toBe(met ? "significant" : "not_significant");
  });

  it("explains the threshold when turnover is unknown", () => {
    const result = assess({ financialLoss: { directLossEur: 600_000, annualTurnoverEur: null, reasoning: "Scrap of one batch." } });
    expect(result.findings[0]?.reasoning).toBe(
      "Direct loss of EUR 600,000 is above the threshold EUR 500,000 (turnover unknown, so the EUR 500,000 cap applies). Scrap of one batch.",
    );
    expect(result.summary).toBe("Significant: meets direct financial loss.");
  });

  it.each([
    ["tradeSecretsExfiltrated", "trade_secrets", "exfiltration of trade secrets"],
    ["deathCaused", "death", "death of a person"],
    ["considerableHealthDamage", "health_damage", "considerable damage to health"],
    ["maliciousUnauthorisedAccess", "malicious_access", "malicious unauthorised access"],
  ] as const)("makes the incident significant on %s alone, recording the assessor's reasoning", (field, criterion, name) => {
    const result = assess({ [field]: yes("  Confirmed by the forensic report.  ") });
    expect(result.verdict).toBe("significant");
    expect(result.findings.filter((f) => f.met)).toEqual([{ criterion, met: true, reasoning: "Assessor: yes. Confirmed by the forensic report." }]);
    expect(result.summary).toBe(`Significant: meets ${name}.`);
  });

  it("lists every criterion met", () => {
    const result = assess({ tradeSecretsExfiltrated: yes("Recipes copied."), maliciousUnauthorisedAccess: yes("Stolen VPN credential.") });
    expect(result.summary).toBe("Significant: meets exfiltration of trade secrets, malicious unauthorised access.");
  });

  it("treats planned maintenance as no incident, whatever else it caused", () => {
    const result = assess({
      plannedMaintenance: yes("Announced firmware update window on line 3."),
      financialLoss: { directLossEur: 900_000, annualTurnoverEur: null, reasoning: "Planned downtime." },
    });
    expect(result.verdict).toBe("not_an_incident");
    expect(result.summary).toBe("Planned maintenance, which is not an incident. Announced firmware update window on line 3.");
    expect(result.findings).toHaveLength(6);
  });
});

describe("recurring incidents", () => {
  it("counts earlier incidents with the same root cause in six months that together exceed the loss threshold", () => {
    const result = assess(withRecurrence({ lossEur: 150_000, earlierIncidents: [earlier({ rootCause: "  expired tls CERTIFICATE " })] }));
    expect(result.verdict).toBe("significant");
    expect(result.findings.find((f) => f.criterion === "financial_loss")?.met).toBe(false);
    expect(result.findings.find((f) => f.criterion === "recurring")).toEqual({
      criterion: "recurring",
      met: true,
      reasoning:
        '2 incidents with the root cause "Expired TLS certificate" within 6 months (this one and INC-2026-014); together a direct loss of EUR 550,000, above the threshold EUR 500,000 (turnover unknown, so the EUR 500,000 cap applies).',
    });
  });

  it("is not met when the losses together only reach the threshold", () => {
    expect(recurring(withRecurrence({ lossEur: 100_000, earlierIncidents: [earlier()] }))?.met).toBe(false);
    expect(recurring(withRecurrence({ lossEur: 100_000, earlierIncidents: [earlier()] }))?.reasoning).toContain("EUR 500,000, not above");
  });

  it("opens the six-month window at the same local clock time, end-of-month rule included", () => {
    // 31 Aug 10:00 CEST - 6 months = 28 Feb 10:00 CET = 09:00 UTC; 182 days would be 2 Mar.
    expect(recurring(withRecurrence({ lossEur: 150_000, earlierIncidents: [earlier({ occurredAt: at("2026-02-28T09:00:00Z") })] }))?.met).toBe(true);
    expect(recurring(withRecurrence({ lossEur: 150_000, earlierIncidents: [earlier({ occurredAt: at("2026-02-28T08:59:59.999Z") })] }))?.met).toBe(false);
  });

  it("ignores incidents with another root cause and incidents after this one", () => {
    const other = earlier({ reference: "INC-2026-015", rootCause: "Phishing" });
    const later = earlier({ reference: "INC-2026-031", occurredAt: at("2026-09-02T08:00:00Z") });
    const finding = recurring(withRecurrence({ lossEur: 150_000, earlierIncidents: [other, later] }));
    expect(finding).toEqual({
      criterion: "recurring",
      met: false,
      reasoning: 'No earlier incident with the root cause "Expired TLS certificate" in the 6 months before this one.',
    });
  });

  it("cannot be met before a root cause is recorded", () => {
    expect(recurring(withRecurrence({ lossEur: 150_000, earlierIncidents: [earlier()], rootCause: null }))).toEqual({
      criterion: "recurring",
      met: false,
      reasoning: "No apparent root cause recorded yet, so no earlier incident can share it.",
    });
  });
});

describe("bad input", () => {
  function issuesOf(overrides: Partial<SignificanceAnswers>): Array<{ path: string; message: string }> {
    try {
      assess(overrides);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("validation_failed");
      return (error as AppError).issues ?? [];
    }
    throw new Error("expected a validation error");
  }

  it("requires the reasoning behind every answer", () => {
    expect(issuesOf({ deathCaused: no("   "), financialLoss: { directLossEur: 0, annualTurnoverEur: null, reasoning: "" } })).toEqual([
      { path: "financialLoss.reasoning", message: "Record the reasoning behind the answer on the direct financial loss." },
      { path: "deathCaused.reasoning", message: "Record the reasoning behind the answer on death of a person." },
    ]);
  });

  it("rejects negative or non-numeric losses, a non-positive turnover and invalid dates", () => {
    const paths = issuesOf({
      financialLoss: { directLossEur: -1, annualTurnoverEur: 0, reasoning: "Estimate." },
      recurrence: {
        occurredAt: new Date("yesterday"),
        rootCause: "Phishing",
        earlierIncidents: [earlier({ directLossEur: Number.NaN, occurredAt: new Date(Number.NaN) })],
      },
    }).map((i) => i.path);
    expect(paths).toEqual([
      "financialLoss.directLossEur",
      "recurrence.earlierIncidents.0.directLossEur",
      "financialLoss.annualTurnoverEur",
      "recurrence.occurredAt",
      "recurrence.earlierIncidents.0.occurredAt",
    ]);
  });

  it("rejects an unknown time zone", () => {
    expect(() => assessSignificance({ answers: answersWith(), timeZone: "Mitteleuropa" })).toThrow(/not a known IANA time zone/);
  });
});
