// The control map's rules: each status follows from the pack's content as the rule says,
// the reasons name the numbers, and the map is plain data the bundle's index.html takes.
import { describe, expect, it } from "vitest";
import { controlSchema } from "@/lib/evidence/bundle/format";
import { controlMap, indexControls, pdfSections, type ControlStatus } from "@/lib/evidence/controls";
import type { PackContent } from "@/lib/evidence/pack-content";
import { samplePackContent } from "@/lib/evidence/pack-content.testing";

const control = (content: PackContent, id: string): ControlStatus => {
  const found = controlMap(content).find((c) => c.id === id);
  if (!found) throw new Error(`no control ${id}`);
  return found;
};

describe("the control map", () => {
  it("covers the eighteen controls, each with its own words, evidence and a status, as plain data", () => {
    const map = controlMap(samplePackContent());
    expect(map.map((c) => `${c.framework} ${c.id}`)).toEqual([
      "IEC 62443-3-3 SR 1.1",
      "IEC 62443-3-3 SR 1.2",
      "IEC 62443-3-3 SR 1.5",
      "IEC 62443-3-3 SR 2.8",
      "IEC 62443-3-3 SR 2.9",
      "IEC 62443-3-3 SR 2.10",
      "IEC 62443-3-3 SR 2.11",
      "IEC 62443-3-3 SR 2.12",
      "IEC 62443-3-3 SR 3.9",
      "IEC 62443-3-3 SR 5.2",
      "IEC 62443-3-3 SR 6.1",
      "IEC 62443-3-3 SR 6.2",
      "NIS2 Art. 21(2)(b)",
      "NIS2 Art. 21(2)(d)",
      "NIS2 Art. 21(2)(h)",
      "NIS2 Art. 21(2)(i)",
      "NIS2 Art. 21(2)(j)",
      "NIS2 Art. 23",
    ]);
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
    for (const c of map) {
      // One sentence of our own: a full stop at the end and nowhere before it.
      expect(c.asks).toMatch(/^[A-Z][^.]*\.$/);
      expect(c.reason.length).toBeGreaterThan(10);
      expect(c.evidenceFiles.length).toBeGreaterThan(0);
    }
  });

  it("judges the demo plant's three weeks as the rules say", () => {
    const statuses = Object.fromEntries(controlMap(samplePackContent()).map((c) => [c.id, c.status]));
    expect(statuses).toEqual({
      "SR 1.1": "partial", // the MES asserts its planners; copilot calls without an operator
      "SR 1.2": "partial", // six refusals without a valid token, and a shared token
      "SR 1.5": "met",
      "SR 2.8": "met",
      "SR 2.9": "partial", // free storage is not measured
      "SR 2.10": "met", // the vision conduit fails open, with a justification
      "SR 2.11": "partial", // clock synchronisation cannot be shown
      "SR 2.12": "partial", // fifteen oversight decisions by asserted operators
      "SR 3.9": "met",
      "SR 5.2": "partial", // the Gemini pilot flags instead of blocking
      "SR 6.1": "met",
      "SR 6.2": "met",
      "Art. 21(2)(b)": "partial", // INC-2026-002 is not assessed yet
      "Art. 21(2)(d)": "gap", // Google and Microsoft receive more than they are approved for
      "Art. 21(2)(h)": "met",
      "Art. 21(2)(i)": "met",
      "Art. 21(2)(j)": "partial",
      "Art. 23": "met",
    });
    const content = samplePackContent();
    expect(control(content, "SR 1.1").reason).toContain("226 calls of 645 that name an operator");
    expect(control(content, "SR 1.2").reason).toContain("99.9 % of 10,065 calls came with a valid device token; the other 6 were refused");
    expect(control(content, "SR 5.2").reason).toContain("152 calls above the conduit's data limit were forwarded and flagged rather than blocked (aug-l3-to-gemini-anomaly)");
  });

  it("names the pack's files: checkpoints of the logs in scope, consistency proofs where given, and PDF sections", () => {
    const content = samplePackContent();
    const plain = control(content, "SR 3.9");
    expect(plain.evidenceFiles).toEqual([
      "records.jsonl",
      "proofs.jsonl",
      ...content.logs.map((l) => `checkpoints/${l.logId}.note`),
      "keys.json",
      "manifest.json",
    ]);
    const withPrevious = controlMap(content, { consistencyLogs: ["edge-augsburg-9d7536e04873"] }).find((c) => c.id === "SR 3.9")!;
    expect(withPrevious.evidenceFiles).toContain("consistency/edge-augsburg-9d7536e04873.json");
    // A log without records in scope has no checkpoint in the pack.
    content.logs[0]!.records = 0;
    expect(control(content, "SR 2.8").evidenceFiles).not.toContain(`checkpoints/${content.logs[0]!.logId}.note`);
    const sections = new Set(Object.keys(pdfSections));
    for (const c of controlMap(content)) {
      for (const f of c.evidenceFiles.filter((f) => f.startsWith("evidence.pdf"))) expect(sections.has(f.replace("evidence.pdf#nameddest=", ""))).toBe(true);
    }
  });

  it("SR 1.2: met only when every call came with a valid device token from one place", () => {
    const content = samplePackContent();
    content.summary.identity.verifiedDevice = content.summary.identity.calls;
    content.summary.identity.deviceCoverage = 1;
    expect(control(content, "SR 1.2").status).toBe("partial"); // the shared token is still in scope
    content.anomalies = content.anomalies.filter((a) => a.kind !== "shared_device_token");
    expect(control(content, "SR 1.2")).toMatchObject({ status: "met", reason: "Every one of the 10,065 calls came from a device identified by its own token, used from one place." });
    content.summary.identity.verifiedDevice -= 1;
    content.summary.identity.deviceCoverage = content.summary.identity.verifiedDevice / content.summary.identity.calls;
    expect(control(content, "SR 1.2")).toMatchObject({ status: "partial", reason: expect.stringContaining("99.9 % of 10,065 calls") });
    content.summary.identity.calls = 0;
    expect(control(content, "SR 1.2").status).toBe("not_applicable");
  });

  it("SR 1.1: met when every call naming an operator carries a verified assertion and copilots always name one", () => {
    const content = samplePackContent();
    const identity = content.summary.identity;
    identity.operatorAsserted = 0;
    expect(control(content, "SR 1.1").status).toBe("partial"); // copilot calls without an operator remain
    for (const d of identity.byDevice) if (d.workload === "WORK_INSTRUCTION_COPILOT") d.operatorNone = 0;
    expect(control(content, "SR 1.1").status).toBe("met");
  });

  it("SR 1.5: a shared token still active is a gap; tokens that never expire are partial", () => {
    const content = samplePackContent();
    content.anomalies[0]!.tokenRevoked = false;
    expect(control(content, "SR 1.5")).toMatchObject({ status: "gap", reason: expect.stringContaining("aug-wi-copilot, cl_dev_HRWq_q…") });
    content.anomalies[0]!.tokenRevoked = true;
    content.inventory.devices[0]!.tokens.activeWithoutExpiry = 1;
    expect(control(content, "SR 1.5")).toMatchObject({ status: "partial", reason: expect.stringContaining(`1 active token never expire (${content.inventory.devices[0]!.slug})`) });
  });

  it("SR 2.8 and 3.9: met when every record in scope lies under a checkpoint; 3.9 a gap when verification found problems", () => {
    const content = samplePackContent();
    expect(control(content, "SR 2.8").status).toBe("met");
    const edge = content.logs.find((l) => l.logId.startsWith("edge-augsburg"))!;
    edge.covered = false;
    edge.checkpoint!.treeSize = 16_000;
    for (const id of ["SR 2.8", "SR 3.9"]) {
      expect(control(content, id)).toMatchObject({ status: "partial", reason: expect.stringContaining(`Records of log ${edge.logId} from sequence 16,000 on await a checkpoint`) });
    }
    edge.checkpoint = null;
    expect(control(content, "SR 2.8").reason).toContain(`Log ${edge.logId} has no signed checkpoint yet`);
    edge.lastVerification = { startedAt: "2026-12-07T19:12:02.248Z", ok: false, records: 16_754 };
    expect(control(content, "SR 3.9")).toMatchObject({ status: "gap", reason: `The latest ledger verification found problems in ${edge.logId}.` });
  });

  it("SR 2.9: a hole in a log's sequence numbers in a scope of everything is a gap", () => {
    const content = samplePackContent();
    content.logs[2]!.records -= 1;
    expect(control(content, "SR 2.9").status).toBe("gap");
    // With a plant filter a log's records in scope are not a run: no conclusion is drawn.
    content.scope.plants = ["augsburg"];
    expect(control(content, "SR 2.9").status).toBe("partial");
  });

  it("SR 2.10: a conduit that fails open without a justification is partial", () => {
    const content = samplePackContent();
    content.inventory.conduits.find((c) => c.failMode === "OPEN")!.justification = " ";
    expect(control(content, "SR 2.10")).toMatchObject({ status: "partial", reason: expect.stringContaining("aug-l2-to-vision-onprem fails open without a recorded justification") });
  });

  it("SR 5.2: forwarded calls the inventory does not account for are a gap; within limits and approved, met", () => {
    const content = samplePackContent();
    content.summary.flagged = 0;
    for (const c of content.inventory.conduits) c.calls.flagged = 0;
    content.inventory.conduits.find((c) => c.slug === "aug-l3-to-gemini-anomaly")!.reviewDueAt = null;
    expect(control(content, "SR 5.2")).toMatchObject({
      status: "met",
      reason: "Every forwarded call (9,803) passed an approved conduit within its data limit; 262 attempts were refused, 161 of them on paths no conduit authorises. 1 conduit review falls due within 30 days (aug-l2-to-azure-copilot).",
    });
    content.inventory.conduits.find((c) => c.calls.forwarded > 0)!.approvedAt = null;
    expect(control(content, "SR 5.2").status).toBe("partial");
    content.inventory.conduits.pop();
    expect(control(content, "SR 5.2")).toMatchObject({ status: "gap", reason: expect.stringMatching(/forwarded calls? went through no conduit of the inventory/) });
  });

  it("SR 5.2: a conduit whose periodic review has passed is partial, and named", () => {
    const content = samplePackContent();
    content.summary.flagged = 0;
    for (const c of content.inventory.conduits) c.calls.flagged = 0;
    expect(control(content, "SR 5.2")).toMatchObject({ status: "partial", reason: expect.stringContaining("The periodic review of aug-l3-to-gemini-anomaly is overdue.") });
    content.inventory.conduits.find((c) => c.slug === "aug-l3-to-gemini-anomaly")!.status = "RETIRED";
    expect(control(content, "SR 5.2").status).toBe("met");
  });

  it("SR 6.2: a shared-token or unidentified-caller anomaly linked to no incident is partial", () => {
    const content = samplePackContent();
    content.anomalies[0]!.incidents = [];
    expect(control(content, "SR 6.2").status).toBe("partial");
  });

  it("Art. 21(2)(d): data above the approved class is a gap; an overdue review or an unassessed link is partial; an expiring certificate is not", () => {
    const content = samplePackContent();
    expect(control(content, "Art. 21(2)(d)").reason).toContain("Google Cloud EMEA Limited receives CONFIDENTIAL data but is approved for INTERNAL at most.");
    content.suppliers.alerts = content.suppliers.alerts.filter((a) => a.kind !== "data_above_approved");
    expect(control(content, "Art. 21(2)(d)").status).toBe("partial");
    content.suppliers.alerts = content.suppliers.alerts.filter((a) => a.kind === "certification_expiring");
    expect(content.suppliers.alerts).toHaveLength(1);
    expect(control(content, "Art. 21(2)(d)").status).toBe("met");
    content.suppliers.suppliers = [];
    expect(control(content, "Art. 21(2)(d)").status).toBe("not_applicable");
  });

  it("Art. 23: a deadline missed (overdue, or met late) is a gap; nothing reportable is not applicable", () => {
    const content = samplePackContent();
    expect(control(content, "Art. 23")).toMatchObject({ status: "met", reason: "2 reports of 2 incidents were sent in time; none is overdue, 4 not yet due." });
    const warning = content.incidents[1]!.deadlines[0]!;
    Object.assign(warning, { status: "overdue", missed: true });
    expect(control(content, "Art. 23")).toMatchObject({ status: "gap", reason: "INC-2026-002: the early warning due 2026-12-08 14:05 UTC is overdue." });
    Object.assign(warning, { status: "met_late", submittedAt: "2026-12-08T16:00:00.000Z" });
    expect(control(content, "Art. 23").reason).toBe("INC-2026-002: the early warning due 2026-12-08 14:05 UTC was sent late, 2026-12-08 16:00 UTC.");
    for (const i of content.incidents) i.reportable = false;
    expect(control(content, "Art. 23")).toMatchObject({ status: "not_applicable", reason: "No incident in scope was assessed as significant: none owes reports." });
    content.incidents = [];
    expect(control(content, "Art. 23").status).toBe("not_applicable");
    expect(control(content, "Art. 21(2)(b)").status).toBe("not_applicable");
  });

  it("gives index.html the shape the bundle writer accepts", () => {
    for (const c of indexControls(controlMap(samplePackContent()))) expect(controlSchema.parse(c)).toEqual(c);
    expect(indexControls(controlMap(samplePackContent()))[0]).toMatchObject({ id: "IEC 62443-3-3 SR 1.1", status: "Partial" });
  });
});
