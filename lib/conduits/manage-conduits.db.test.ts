// Conduit changes on a real database: suspending and narrowing apply at once, widening
// waits for a second person, every change is in the ledger first, and two people acting
// on the same conduit at once cannot overwrite each other or half-save a change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { policyOf } from "@/lib/conduits/conduit-policy";
import { decideConduitChange, editConduit, editConduitInput, proposeConduit, proposeConduitInput, resumeConduit, suspendConduit, withdrawConduitChange } from "@/lib/conduits/manage-conduits";
import { acknowledgeAnomaly, acknowledgeBlockedFlow } from "@/lib/conduits/review-findings";
import type { Conduit } from "@/lib/db";
import { startAdminLedger, type AdminLedger } from "@/lib/testing/admin-ledger";
import { seedDemoPlantForTest } from "@/lib/testing/demo-seed";

let ledger: AdminLedger;
let officer: SessionUser;
let admin: SessionUser;
let auditor: SessionUser;
const now = new Date("2026-12-08T09:00:00.000Z");

beforeAll(async () => {
  ledger = await startAdminLedger({ logId: "conduit-ops-test" });
  await seedDemoPlantForTest({ database: ledger.t });
  const user = async (email: string): Promise<SessionUser> => {
    const u = await ledger.t.db.user.findUniqueOrThrow({ where: { email } });
    return { id: u.id, email: u.email, name: u.name, role: u.role };
  };
  officer = await user("compliance@nordwerk.example");
  admin = await user("admin@nordwerk.example");
  auditor = await user("auditor@nordwerk.example");
});
afterAll(async () => ledger?.close());

const conduit = (slug: string) => ledger.t.db.conduit.findUniqueOrThrow({ where: { slug } });
const acting = (actor: SessionUser) => ({ db: ledger.t.db, record: ledger.record, actor, now });
const adminChanges = async () => (await ledger.store.readRecords({ logId: "conduit-ops-test", fromSeq: 0, limit: 10_000 })).filter((r) => r.kind === "admin_change").map((r) => JSON.parse(r.envelope).body as { summary: string; entity: { type: string } });
const policyInput = (c: Conduit, change: Partial<ReturnType<typeof policyOf>> = {}) => ({ ...policyOf(c), ...change });
const error = (promise: Promise<unknown>) => promise.then(() => null, (e: Error & { code?: string; issues?: unknown }) => ({ code: e.code, message: e.message, issues: e.issues }));

describe("suspending and resuming", () => {
  it("suspends at once with the reason in the ledger, and refuses a second person acting on the page they opened before", async () => {
    const before = await conduit("aug-l3-to-openai-eu");
    const suspended = await suspendConduit({ ...acting(officer), slug: before.slug, input: { reason: "Incident INC-7: historian compromised", expectedUpdatedAt: before.updatedAt.toISOString() } });
    expect(suspended.status).toBe("SUSPENDED");
    expect(suspended.statusReason).toBe("Incident INC-7: historian compromised");
    expect((await adminChanges()).at(-1)?.summary).toBe("suspended conduit aug-l3-to-openai-eu: Incident INC-7: historian compromised");

    const stale = await error(resumeConduit({ ...acting(admin), slug: before.slug, input: { reason: "all clear", expectedUpdatedAt: before.updatedAt.toISOString() } }));
    expect(stale?.code).toBe("conflict");
    expect((await conduit(before.slug)).status).toBe("SUSPENDED");

    const resumed = await resumeConduit({ ...acting(admin), slug: before.slug, input: { reason: "Historian rebuilt", expectedUpdatedAt: suspended.updatedAt.toISOString() } });
    expect(resumed.status).toBe("ACTIVE");
  });

  it("does not let the auditor suspend", async () => {
    const c = await conduit("aug-l2-to-azure-copilot");
    expect((await error(suspendConduit({ ...acting(auditor), slug: c.slug, input: { reason: "test", expectedUpdatedAt: c.updatedAt.toISOString() } })))?.code).toBe("forbidden");
  });
});

describe("editing limits", () => {
  it("applies a narrowing change at once and records each field before and after", async () => {
    const c = await conduit("aug-l3-to-openai-eu");
    const outcome = await editConduit({ ...acting(officer), slug: c.slug, input: { reason: "embeddings no longer used", expectedUpdatedAt: c.updatedAt.toISOString(), policy: policyInput(c, { allowedEndpoints: ["chat.completions"], maxDataClass: "INTERNAL" }) } });
    expect(outcome.applied).toBe(true);
    const after = policyOf(await conduit(c.slug));
    expect(after.allowedEndpoints).toEqual(["chat.completions"]);
    expect(after.maxDataClass).toBe("INTERNAL");
    expect((await adminChanges()).at(-1)?.summary).toContain("Endpoints: chat.completions, embeddings → chat.completions; Maximum data class: CONFIDENTIAL → INTERNAL");
  });

  it("holds a widening change for a second person; the proposer cannot approve it, another person can", async () => {
    const c = await conduit("aug-l3-to-openai-eu");
    const outcome = await editConduit({ ...acting(officer), slug: c.slug, input: { reason: "model upgrade", expectedUpdatedAt: c.updatedAt.toISOString(), policy: policyInput(c, { allowedModels: ["gpt-4.1-mini", "gpt-4.1"], allowedEndpoints: ["chat.completions"] }) } });
    expect(outcome).toMatchObject({ applied: false, widened: ["Models"] });
    if (outcome.applied) throw new Error("unreachable");
    expect(policyOf(await conduit(c.slug)).allowedModels).toEqual(["gpt-4.1-mini", "text-embedding-3-small"]);

    const second = await error(editConduit({ ...acting(admin), slug: c.slug, input: { reason: "also", expectedUpdatedAt: c.updatedAt.toISOString(), policy: policyInput(c, { failMode: "OPEN" }) } }));
    expect(second?.message).toMatch(/already waits for approval/);

    const own = await error(decideConduitChange({ ...acting(officer), changeId: outcome.changeId, input: { decision: "approve", note: "" } }));
    expect(own).toMatchObject({ code: "forbidden", message: expect.stringMatching(/four-eyes/) });

    const approved = await decideConduitChange({ ...acting(admin), changeId: outcome.changeId, input: { decision: "approve", note: "checked the DPA" } });
    expect(policyOf(approved as Conduit).allowedModels).toEqual(["gpt-4.1-mini", "gpt-4.1"]);
    expect((approved as Conduit).approvedById).toBe(admin.id);
    const again = await error(decideConduitChange({ ...acting(admin), changeId: outcome.changeId, input: { decision: "approve", note: "" } }));
    expect(again?.code).toBe("conflict");
  });

  it("refuses to approve a change whose conduit moved on since it was proposed", async () => {
    const c = await conduit("aug-l2-to-azure-copilot");
    const outcome = await editConduit({ ...acting(officer), slug: c.slug, input: { reason: "fail open during maintenance", expectedUpdatedAt: c.updatedAt.toISOString(), policy: policyInput(c, { failMode: "OPEN" }) } });
    if (outcome.applied) throw new Error("a fail-open change must wait");
    await editConduit({ ...acting(admin), slug: c.slug, input: { reason: "review moved", expectedUpdatedAt: c.updatedAt.toISOString(), policy: policyInput(c, { reviewDueAt: "2027-03-01T00:00:00.000Z" }) } });
    const stale = await error(decideConduitChange({ ...acting(admin), changeId: outcome.changeId, input: { decision: "approve", note: "" } }));
    expect(stale?.message).toMatch(/changed after this was proposed/);
    expect((await conduit(c.slug)).failMode).toBe("CLOSED");
    await withdrawConduitChange({ ...acting(officer), changeId: outcome.changeId });
    expect((await ledger.t.db.conduitChange.findUniqueOrThrow({ where: { id: outcome.changeId } })).status).toBe("WITHDRAWN");
  });

  it("lets only one of two people editing the same conduit at once save, and saves nothing of the other", async () => {
    const c = await conduit("aug-l2-to-vision-onprem");
    const input = (reason: string, maxDataClass: "CONFIDENTIAL" | "INTERNAL") => ({ reason, expectedUpdatedAt: c.updatedAt.toISOString(), policy: policyInput(c, { maxDataClass }) });
    const results = await Promise.allSettled([
      editConduit({ ...acting(officer), slug: c.slug, input: input("first", "CONFIDENTIAL") }),
      editConduit({ ...acting(admin), slug: c.slug, input: input("second", "INTERNAL") }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(["conflict"]);
    expect(["CONFIDENTIAL", "INTERNAL"]).toContain((await conduit(c.slug)).maxDataClass);
  });

  it("refuses a renewal that ends before it starts, naming the field", () => {
    const parsed = editConduitInput.safeParse({
      reason: "renewal",
      expectedUpdatedAt: now.toISOString(),
      policy: { name: "x", justification: "", allowedPurposes: [], allowedModels: [], allowedEndpoints: [], maxDataClass: "INTERNAL", overLimitAction: "BLOCK", failMode: "CLOSED", validFrom: "2027-01-01T00:00:00Z", validUntil: "2026-12-31T00:00:00Z", reviewDueAt: null },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["policy.validUntil", "The validity must end after it starts."]]);
  });
});

describe("proposing a conduit", () => {
  const proposal = async (change: object = {}) => {
    const template = await conduit("aug-l3-to-openai-eu");
    return proposeConduitInput.parse({
      slug: "aug-l3-to-anthropic-pdm",
      sourceZone: "augsburg-l3-operations",
      destination: "anthropic",
      slTarget: 2,
      reason: "Refused flow of the spindle forecaster",
      policy: policyInput(template, { name: "Augsburg operations to Anthropic", allowedModels: ["claude-sonnet-4-5"], allowedEndpoints: ["messages"] }),
      flowKey: "augsburg-l3-operations aug-pdm-spindle anthropic claude-sonnet-4-5",
      ...change,
    });
  };

  it("waits for approval, then exists as an approved, active conduit", async () => {
    const zone = await ledger.t.db.zone.findUniqueOrThrow({ where: { slug: "augsburg-l3-operations" } });
    expect(zone.kind).not.toBe("EXTERNAL_AI");
    const change = await proposeConduit({ ...acting(officer), input: await proposal() });
    expect(await ledger.t.db.conduit.findUnique({ where: { slug: "aug-l3-to-anthropic-pdm" } })).toBeNull();
    const taken = await error(proposeConduit({ ...acting(admin), input: await proposal() }));
    expect(taken?.issues).toEqual([{ path: "slug", message: "The name aug-l3-to-anthropic-pdm is already used by a proposal waiting for approval." }]);

    const created = (await decideConduitChange({ ...acting(admin), changeId: change.id, input: { decision: "approve", note: "" } })) as Conduit;
    expect(created).toMatchObject({ slug: "aug-l3-to-anthropic-pdm", status: "ACTIVE", approvedById: admin.id });
    const types = (await adminChanges()).slice(-2).map((r) => r.entity.type);
    expect(types).toEqual(["ConduitChange", "Conduit"]);
  });

  it("refuses a conduit that would duplicate another, and one from a provider's zone", async () => {
    const duplicate = await error(proposeConduit({ ...acting(officer), input: await proposal({ slug: "aug-l3-to-anthropic-pdm-2" }) }));
    expect(duplicate?.issues).toEqual([{ path: "policy.allowedPurposes", message: "Conduit aug-l3-to-anthropic-pdm already allows this flow with the same purposes, models and endpoints." }]);
    const external = await error(proposeConduit({ ...acting(officer), input: await proposal({ slug: "from-cloud", sourceZone: "ext-anthropic" }) }));
    expect(external?.issues).toEqual([{ path: "sourceZone", message: "A conduit leaves a plant zone; this is a provider's zone." }]);
    expect(await ledger.t.db.conduitChange.count({ where: { slug: { in: ["aug-l3-to-anthropic-pdm-2", "from-cloud"] } } })).toBe(0);
  });
});

describe("refused flows", () => {
  it("keeps a flow blocked with a note, recorded", async () => {
    await acknowledgeBlockedFlow({ ...acting(officer), input: { flowKey: "augsburg-l2-supervisory aug-wi-copilot openai-eu gpt-4o", note: "Copilot stays on Azure" } });
    expect((await ledger.t.db.flowReview.findMany()).map((f) => f.note)).toEqual(["Copilot stays on Azure"]);
    expect((await adminChanges()).at(-1)?.summary).toBe("kept flow augsburg-l2-supervisory aug-wi-copilot openai-eu gpt-4o blocked: Copilot stays on Azure");
  });
});

describe("anomalies", () => {
  it("are acknowledged with a note or an incident that exists, recorded; an unknown incident is refused beside its field", async () => {
    const anomaly = await ledger.t.db.anomaly.create({
      data: { kind: "volume_spike", subject: "aug-l3-to-openai-eu volume_spike 2026-12-07T14", conduit: "aug-l3-to-openai-eu", reason: "41 calls", firstSeenAt: now, lastSeenAt: now },
    });
    const unknown = await error(acknowledgeAnomaly({ ...acting(officer), anomalyId: anomaly.id, input: { note: "", incidentReference: "INC-1999-999" } }));
    expect(unknown?.issues).toEqual([{ path: "incidentReference", message: "There is no incident INC-1999-999." }]);
    expect(await error(acknowledgeAnomaly({ ...acting(officer), anomalyId: anomaly.id, input: { note: "", incidentReference: null } }))).toMatchObject({ issues: [{ path: "note" }] });
    expect((await ledger.t.db.anomaly.findUniqueOrThrow({ where: { id: anomaly.id } })).status).toBe("open");

    const incident = await ledger.t.db.incident.findFirstOrThrow({ select: { id: true, reference: true } });
    const acknowledged = await acknowledgeAnomaly({ ...acting(officer), anomalyId: anomaly.id, input: { note: "Year-end report run", incidentReference: incident.reference } });
    expect(acknowledged).toMatchObject({ status: "acknowledged", note: "Year-end report run", incidentId: incident.id, acknowledgedById: officer.id });
    expect((await adminChanges()).at(-1)?.summary).toBe(`acknowledged anomaly volume_spike on aug-l3-to-openai-eu (incident ${incident.reference}): Year-end report run`);
    expect((await error(acknowledgeAnomaly({ ...acting(auditor), anomalyId: anomaly.id, input: { note: "x", incidentReference: null } })))?.code).toBe("forbidden");
  });
});
