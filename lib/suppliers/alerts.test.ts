import { describe, expect, it } from "vitest";
import { supplierAlerts, type AlertInput } from "@/lib/suppliers/alerts";

const now = new Date("2026-11-26T10:00:00Z");
const days = (n: number) => new Date(now.getTime() + n * 24 * 60 * 60 * 1000);
const base: AlertInput = {
  now,
  suppliers: [
    { id: "openai", name: "OpenAI" },
    { id: "microsoft", name: "Microsoft" },
    { id: "aws", name: "AWS" },
  ],
  certifications: [],
  approvals: new Map(),
  receivedLevels: new Map(),
  chains: [],
};

describe("supplierAlerts", () => {
  it("flags certifications expiring within 60 days and expired ones, counting only the latest of a scheme", () => {
    const alerts = supplierAlerts({
      ...base,
      certifications: [
        { supplierId: "openai", scheme: "SOC2_TYPE_2", title: "", expiresAt: days(40) },
        { supplierId: "openai", scheme: "ISO_27001", title: "", expiresAt: days(61) },
        { supplierId: "microsoft", scheme: "ISO_27001", title: "", expiresAt: days(-3) },
        // Renewed: the expired certificate no longer counts.
        { supplierId: "aws", scheme: "BSI_C5", title: "", expiresAt: days(-30) },
        { supplierId: "aws", scheme: "BSI_C5", title: "", expiresAt: days(300) },
      ],
    });
    expect(alerts.map((a) => [a.kind, a.supplierId])).toEqual([
      ["certification_expiring", "openai"],
      ["certification_expired", "microsoft"],
    ]);
    expect(alerts[0]!.message).toBe("OpenAI: SOC 2 Type II expires in 40 days (2027-01-05).");
  });

  it("flags an overdue reassessment and data above the approved level", () => {
    const alerts = supplierAlerts({
      ...base,
      approvals: new Map([
        ["openai", { nextReviewAt: days(100), approvedDataClass: "CONFIDENTIAL" as const }],
        ["microsoft", { nextReviewAt: days(-1), approvedDataClass: "INTERNAL" as const }],
      ]),
      receivedLevels: new Map([
        ["openai", "CONFIDENTIAL" as const],
        ["microsoft", "CONFIDENTIAL" as const],
      ]),
    });
    expect(alerts.map((a) => [a.kind, a.supplierId, a.severity])).toEqual([
      ["reassessment_overdue", "microsoft", "danger"],
      ["data_above_approved", "microsoft", "danger"],
    ]);
    expect(alerts[1]!.message).toBe("Microsoft receives CONFIDENTIAL data but is approved for INTERNAL at most.");
  });

  it("flags a chain with a supplier that has no approved assessment, naming it", () => {
    const alerts = supplierAlerts({
      ...base,
      approvals: new Map([["openai", { nextReviewAt: days(100), approvedDataClass: "CONFIDENTIAL" as const }]]),
      chains: [
        { rootId: "openai", members: ["openai", "microsoft", "aws"] },
        { rootId: "microsoft", members: ["microsoft"] },
      ],
    });
    expect(alerts.map((a) => a.message)).toEqual([
      "Chain of OpenAI: Microsoft, AWS have no approved assessment.",
      "Chain of Microsoft: Microsoft has no approved assessment.",
    ]);
  });

  it("is quiet when everything is in order", () => {
    expect(
      supplierAlerts({
        ...base,
        certifications: [{ supplierId: "openai", scheme: "ISO_27001", title: "", expiresAt: days(200) }],
        approvals: new Map([["openai", { nextReviewAt: days(100), approvedDataClass: "RESTRICTED" as const }]]),
        receivedLevels: new Map([["openai", "RESTRICTED" as const]]),
        chains: [{ rootId: "openai", members: ["openai"] }],
      }),
    ).toEqual([]);
  });
});
