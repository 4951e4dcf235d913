import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { LogWriter } from "@/lib/ledger/log-writer";
import { parseEnvelope } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { approveAssessment, createAssessment, returnAssessment, saveAnswers, submitAssessment } from "@/lib/suppliers/assessments";
import { indexPendingRecords } from "@/lib/records/record-index";
import { countCalls } from "@/lib/suppliers/call-volumes";
import { createCertification, readEvidenceFile } from "@/lib/suppliers/certifications";
import { maxEvidenceBytes } from "@/lib/suppliers/evidence-file";
import { supplierHistory } from "@/lib/suppliers/history";
import { createLink, deleteLink, updateLinkTerms } from "@/lib/suppliers/manage-links";
import { assignDestination, createSupplier, supplierInputSchema, updateSupplier } from "@/lib/suppliers/manage-suppliers";
import { loadSupplierOverview } from "@/lib/suppliers/overview";
import { findTemplate, templateQuestions, type Answers } from "@/lib/suppliers/questionnaire";
import { startRecordedDemo, type RecordedDemo } from "@/lib/testing/recorded-demo";
import type { TestDatabase } from "@/lib/testing/test-database";

let demo: RecordedDemo;
let t: TestDatabase;
let store: LedgerStore;
let writer: LogWriter;
let record: LogWriter["append"];
let compliance: SessionUser;
let admin: SessionUser;
const now = new Date();
const pdf = new Uint8Array(Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"));

beforeAll(async () => {
  demo = await startRecordedDemo({ logId: "app-suppliers", now });
  ({ database: t, store, writer, record } = demo);
  compliance = await demo.user("compliance@nordwerk.example");
  admin = await demo.user("admin@nordwerk.example");
});
afterAll(() => demo?.close());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "none",
    (e: unknown) => (e instanceof AppError ? `${e.code}: ${e.message}` : `unexpected: ${String(e)}`),
  );
const ledgerSize = async () => (await store.logHead(writer.logId)).size;
async function lastRecordBody() {
  const head = await store.logHead(writer.logId);
  const [row] = await store.readRecords({ logId: writer.logId, fromSeq: head.size - 1, limit: 1 });
  return parseEnvelope(row!.envelope)!.body as { entity: { type: string; id: string }; action: string; summary: string };
}
const supplierId = async (slug: string) => (await t.db.supplier.findUniqueOrThrow({ where: { slug } })).id;
const supplierInput = (name: string, kind: "AI_PROVIDER" | "CLOUD") => supplierInputSchema.parse({ name, kind, countries: ["se"], contacts: [{ name: "PSIRT", email: "PSIRT@Example.com" }] });

describe("suppliers and their chain", () => {
  let provider: { id: string; slug: string };
  let hyperscaler: { id: string; slug: string };

  it("adds suppliers, recorded in the ledger first; a second one with the same name is refused", async () => {
    provider = await createSupplier({ db: t.db, record, actor: compliance, input: supplierInput("Fjord AI AB", "AI_PROVIDER") });
    expect(provider.slug).toBe("fjord-ai-ab");
    expect(await lastRecordBody()).toMatchObject({ entity: { type: "Supplier", id: provider.id }, action: "create" });
    const stored = await t.db.supplier.findUniqueOrThrow({ where: { id: provider.id } });
    expect(JSON.parse(stored.countries)).toEqual(["SE"]);
    expect(JSON.parse(stored.contacts)).toEqual([{ name: "PSIRT", role: "", email: "psirt@example.com" }]);
    hyperscaler = await createSupplier({ db: t.db, record, actor: compliance, input: supplierInput("Northcloud Hyperscale", "CLOUD") });

    const size = await ledgerSize();
    expect(await failure(createSupplier({ db: t.db, record, actor: compliance, input: supplierInput("Fjord AI AB!", "CLOUD") }))).toMatch(/^conflict: A supplier named like/);
    expect(await ledgerSize()).toBe(size);

    await updateSupplier({ db: t.db, record, actor: compliance, supplierId: provider.id, input: { ...supplierInput("Fjord AI AB", "AI_PROVIDER"), services: "Chat API" } });
    expect((await lastRecordBody()).summary).toBe("supplier Fjord AI AB: services");
  });

  it("links a hyperscaler as sub-processor with its terms and assigns a destination", async () => {
    const link = await createLink({ db: t.db, record, actor: compliance, input: { fromId: provider.id, toId: hyperscaler.id, dataShared: "Prompts", contractRef: "DPA 7", breachNotificationHours: 24, trainingOnCustomerData: "NO", retention: "0 days", dataLocation: "SE" } });
    expect(link).toMatchObject({ fromId: provider.id, toId: hyperscaler.id, breachNotificationHours: 24 });
    expect((await lastRecordBody()).summary).toBe("Northcloud Hyperscale added as sub-processor of Fjord AI AB");
    await createLink({ db: t.db, record, actor: compliance, input: { fromId: null, toId: provider.id, dataShared: "", contractRef: "MSA 1", breachNotificationHours: null, trainingOnCustomerData: null, retention: "", dataLocation: "" } });

    const duplicate = await failure(createLink({ db: t.db, record, actor: compliance, input: { fromId: provider.id, toId: hyperscaler.id, dataShared: "", contractRef: "", breachNotificationHours: null, trainingOnCustomerData: null, retention: "", dataLocation: "" } }));
    expect(duplicate).toBe("conflict: Fjord AI AB already passes data to Northcloud Hyperscale; change the terms of that link instead.");

    await updateLinkTerms({ db: t.db, record, actor: compliance, linkId: link.id, input: { dataShared: "Prompts and completions", contractRef: "DPA 7", breachNotificationHours: 12, trainingOnCustomerData: "NO", retention: "0 days", dataLocation: "SE" } });
    expect((await lastRecordBody()).summary).toBe("link Fjord AI AB → Northcloud Hyperscale: dataShared, breachNotificationHours");

    const anthropicDestination = await t.db.aiDestination.findUniqueOrThrow({ where: { slug: "anthropic" } });
    await assignDestination({ db: t.db, record, actor: compliance, supplierId: provider.id, destinationId: anthropicDestination.id });
    expect((await lastRecordBody()).summary).toBe("destination anthropic now operated by Fjord AI AB (was Anthropic Ireland, Limited)");
    expect((await t.db.aiDestination.findUniqueOrThrow({ where: { slug: "anthropic" } })).supplierId).toBe(provider.id);
  });

  it("refuses a link that closes a cycle, naming it, and saves nothing", async () => {
    const before = { links: await t.db.supplierLink.count(), records: await ledgerSize() };
    const terms = { dataShared: "", contractRef: "", breachNotificationHours: null, trainingOnCustomerData: null, retention: "", dataLocation: "" };
    expect(await failure(createLink({ db: t.db, record, actor: compliance, input: { ...terms, fromId: hyperscaler.id, toId: provider.id } }))).toBe(
      "conflict: The supplier chain cannot contain a cycle, and this link would close one: Northcloud Hyperscale → Fjord AI AB → Northcloud Hyperscale.",
    );
    expect(await failure(createLink({ db: t.db, record, actor: compliance, input: { ...terms, fromId: provider.id, toId: provider.id } }))).toMatch(/Fjord AI AB → Fjord AI AB\.$/);
    expect({ links: await t.db.supplierLink.count(), records: await ledgerSize() }).toEqual(before);
  });

  it("removes a link, recorded", async () => {
    const extra = await createLink({ db: t.db, record, actor: compliance, input: { fromId: hyperscaler.id, toId: await supplierId("aws-emea"), dataShared: "", contractRef: "", breachNotificationHours: null, trainingOnCustomerData: null, retention: "", dataLocation: "" } });
    await deleteLink({ db: t.db, record, actor: compliance, linkId: extra.id });
    expect(await lastRecordBody()).toMatchObject({ action: "delete", summary: "Amazon Web Services EMEA SARL removed as sub-processor of Northcloud Hyperscale" });
    expect(await t.db.supplierLink.findUnique({ where: { id: extra.id } })).toBeNull();
  });
});

describe("certifications", () => {
  const input = { scheme: "ISO_27001" as const, title: "", issuer: "Cert Body", reference: "C-1", scope: "API", issuedAt: new Date("2026-01-10T00:00:00Z"), expiresAt: new Date("2029-01-09T00:00:00Z") };

  it("stores the evidence file with its SHA-256, in one write with the certification", async () => {
    const id = await supplierId("fjord-ai-ab");
    const created = await createCertification({ db: t.db, record, actor: compliance, supplierId: id, input, file: { fileName: "iso.pdf", declaredType: "application/pdf", content: pdf } });
    expect(created.evidence).toEqual({ fileName: "iso.pdf", size: pdf.byteLength, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await lastRecordBody()).summary).toBe(`ISO/IEC 27001 of Fjord AI AB valid until 2029-01-09, evidence iso.pdf sha256 ${created.evidence.sha256}`);
    const file = await readEvidenceFile({ db: t.db, certificationId: created.id });
    expect(Buffer.from(file.content).equals(Buffer.from(pdf))).toBe(true);
    expect(file.mediaType).toBe("application/pdf");
  });

  it("refuses a wrong file type, a file too large and a certificate that expires before it was issued, saving nothing", async () => {
    const id = await supplierId("fjord-ai-ab");
    const before = { certifications: await t.db.certification.count(), files: await t.db.evidenceFile.count(), records: await ledgerSize() };
    const attempt = (over: Partial<typeof input>, content: Uint8Array<ArrayBuffer>, declaredType = "application/pdf") =>
      failure(createCertification({ db: t.db, record, actor: compliance, supplierId: id, input: { ...input, ...over }, file: { fileName: "x", declaredType, content } }));

    expect(await attempt({}, new Uint8Array(Buffer.from("MZ\x90\x00 executable")))).toMatch(/^unsupported_media_type: Evidence must be a PDF, PNG, JPEG file/);
    const big = new Uint8Array(maxEvidenceBytes + 1);
    big.set(pdf);
    expect(await attempt({}, big)).toBe("payload_too_large: The evidence file is larger than 5 MiB.");
    expect(await attempt({ expiresAt: new Date("2025-12-31T00:00:00Z") }, pdf)).toBe("validation_failed: The certificate expires on or before the day it was issued; check both dates.");
    expect(await attempt({ expiresAt: input.issuedAt }, pdf)).toMatch(/^validation_failed/);
    expect({ certifications: await t.db.certification.count(), files: await t.db.evidenceFile.count(), records: await ledgerSize() }).toEqual(before);
  });
});

describe("assessments", () => {
  const template = findTemplate({ key: "ai-supplier", version: 1 })!;
  const evidence = [{ label: "DPA", url: "https://example.com/dpa" }];
  const complete: Answers = Object.fromEntries(templateQuestions(template).map((q) => [q.id, { choice: "yes", note: "", evidence: q.critical ? evidence : [] }]));
  let assessmentId: string;

  it("lets only the author draft, and refuses to submit until every question is answered with evidence where critical", async () => {
    const id = await supplierId("fjord-ai-ab");
    assessmentId = (await createAssessment({ db: t.db, record, actor: compliance, supplierId: id, templateKey: "ai-supplier" })).id;
    expect(await failure(createAssessment({ db: t.db, record, actor: admin, supplierId: id, templateKey: "ai-supplier" }))).toMatch(/^conflict: An assessment of Fjord AI AB is already open/);

    expect(await failure(saveAnswers({ db: t.db, record, actor: admin, assessmentId, answers: {} }))).toBe("forbidden: Only the author (compliance@nordwerk.example) works on this draft.");
    expect(await failure(saveAnswers({ db: t.db, record, actor: compliance, assessmentId, answers: { "no-such": { choice: "yes", note: "", evidence: [] } } }))).toBe("validation_failed: Some answers do not fit the questionnaire.");

    const partial = Object.fromEntries(Object.entries(complete).slice(0, 5));
    expect(await saveAnswers({ db: t.db, record, actor: compliance, assessmentId, answers: partial })).toEqual({ answered: 5, total: templateQuestions(template).length });
    expect(await failure(submitAssessment({ db: t.db, record, actor: compliance, assessmentId, now }))).toMatch(/^validation_failed: \d+ of \d+ questions are still unanswered\.$/);

    const noEvidence = { ...complete, "dh-location": { choice: "yes" as const, note: "", evidence: [] } };
    await saveAnswers({ db: t.db, record, actor: compliance, assessmentId, answers: noEvidence });
    expect(await failure(submitAssessment({ db: t.db, record, actor: compliance, assessmentId, now }))).toBe("validation_failed: Critical answers need an evidence link: dh-location.");
  });

  it("scores and rates on submission, weighing the exposure through the anthropic destination", async () => {
    await saveAnswers({ db: t.db, record, actor: compliance, assessmentId, answers: complete });
    expect(await submitAssessment({ db: t.db, record, actor: compliance, assessmentId, now })).toEqual({ score: 100, rating: "LOW" });
    const stored = await t.db.assessment.findUniqueOrThrow({ where: { id: assessmentId } });
    // The expired pilot conduit (CONFIDENTIAL) no longer sends data, so no level is received now.
    expect(JSON.parse(stored.ratingBasis!)).toMatchObject({ exposure: { highestDataClass: null, plants: 0, conduits: 0 }, impact: 0 });
    expect(await failure(saveAnswers({ db: t.db, record, actor: compliance, assessmentId, answers: complete }))).toMatch(/^conflict: This assessment is awaiting approval/);
  });

  it("refuses approval by its author and leaves it awaiting approval", async () => {
    const size = await ledgerSize();
    expect(await failure(approveAssessment({ db: t.db, record, actor: compliance, assessmentId, approvedDataClass: "CONFIDENTIAL", now }))).toBe(
      "forbidden: You wrote this assessment; another person must approve it (four-eyes principle).",
    );
    expect((await t.db.assessment.findUniqueOrThrow({ where: { id: assessmentId } })).status).toBe("SUBMITTED");
    expect(await ledgerSize()).toBe(size);
  });

  it("can be returned to the author with a note, and resubmitted", async () => {
    await returnAssessment({ db: t.db, record, actor: admin, assessmentId, note: "Attach the DPA for data location." });
    expect(await t.db.assessment.findUniqueOrThrow({ where: { id: assessmentId } })).toMatchObject({ status: "DRAFT", score: null, reviewNote: "Attach the DPA for data location." });
    await submitAssessment({ db: t.db, record, actor: compliance, assessmentId, now });
  });

  it("is signed off by another person in the ledger, with the next review set by the rating (24 months for low)", async () => {
    const result = await approveAssessment({ db: t.db, record, actor: admin, assessmentId, approvedDataClass: "CONFIDENTIAL", now });
    const stored = await t.db.assessment.findUniqueOrThrow({ where: { id: assessmentId } });
    expect(stored).toMatchObject({ status: "APPROVED", approverId: admin.id, approvedDataClass: "CONFIDENTIAL", signOffRecordId: result.signOffRecordId });
    const expected = new Date(now);
    expected.setUTCMonth(expected.getUTCMonth() + 24);
    expect(stored.nextReviewAt!.toISOString().slice(0, 7)).toBe(expected.toISOString().slice(0, 7));

    const signOff = await store.readRecordById(result.signOffRecordId!);
    const body = parseEnvelope(signOff!.envelope)!.body as { actor: { email: string }; entity: unknown; summary: string };
    expect(signOff!.kind).toBe("admin_change");
    expect(body.actor.email).toBe("admin@nordwerk.example");
    expect(body.entity).toEqual({ type: "Assessment", id: assessmentId });
    expect(body.summary).toMatch(/^sign-off: assessment of Fjord AI AB \(ai-supplier v1\) approved; score 100, rating LOW, approved for data up to CONFIDENTIAL, next review \d{4}-\d{2}-\d{2}; author compliance@nordwerk\.example$/);

    expect(await failure(approveAssessment({ db: t.db, record, actor: admin, assessmentId, approvedDataClass: "CONFIDENTIAL", now }))).toMatch(/^conflict: This assessment is approved/);
  });

  it("shows in the supplier's history from the ledger, newest first", async () => {
    const id = await supplierId("fjord-ai-ab");
    const history = await supplierHistory({ db: t.db, entityIds: [id, assessmentId], take: 50 });
    expect(history[0]!.summary).toContain("sign-off: assessment of Fjord AI AB");
    expect(history.at(-1)!.summary).toContain("supplier Fjord AI AB added");
    expect(history.every((h) => h.kind === "admin_change")).toBe(true);
  });
});

describe("exposure and alerts", () => {
  const call = (o: { destination: string; conduit: string; plant: string; level: string; outcome: string }) => ({
    kind: "ai_call",
    body: {
      outcome: o.outcome,
      context: { plant: o.plant, zone: "z", workstation: null, device: "d", credential: null, application: null, operator: { id: null, assurance: "none" }, purpose: null, sourceAddress: null },
      conduit: o.conduit,
      destination: o.destination,
      provider: "OPENAI_COMPATIBLE",
      endpoint: "chat.completions",
      model: null,
      stream: false,
      classification: { level: o.level, labels: {} },
      request: { sha256: "a".repeat(64), bytes: 1 },
      forwarded: { sha256: "a".repeat(64), bytes: 1 },
      flags: [],
    },
  });

  it("counts ai_call records per destination, conduit, plant, level and outcome within the window", async () => {
    const openAiAug = { destination: "openai-eu", conduit: "aug-l3-to-openai-eu", plant: "augsburg" };
    await Promise.all([
      ...Array.from({ length: 3 }, () => record(call({ ...openAiAug, level: "INTERNAL", outcome: "allowed" }))),
      record(call({ ...openAiAug, level: "RESTRICTED", outcome: "flagged" })),
      record(call({ destination: "azure-openai-weu", conduit: "avr-l3-to-azure-copilot", plant: "aveiro", level: "PUBLIC", outcome: "allowed" })),
    ]);
    await indexPendingRecords({ db: t.db });
    const until = new Date(Date.now() + 60_000);
    const volumes = await countCalls({ db: t.db, since: new Date(Date.now() - 60 * 60_000), until });
    expect(volumes.sort((a, b) => b.calls - a.calls || a.level.localeCompare(b.level))).toEqual([
      { ...openAiAug, level: "INTERNAL", outcome: "allowed", calls: 3 },
      { destination: "azure-openai-weu", conduit: "avr-l3-to-azure-copilot", plant: "aveiro", level: "PUBLIC", outcome: "allowed", calls: 1 },
      { ...openAiAug, level: "RESTRICTED", outcome: "flagged", calls: 1 },
    ]);
    // Counted by the hour: a window that starts after this hour has none of them.
    const nextHour = new Date(Math.floor(until.getTime() / 3_600_000 + 1) * 3_600_000);
    expect(await countCalls({ db: t.db, since: nextHour, until: new Date(nextHour.getTime() + 1000) })).toEqual([]);
  });

  it("gives each supplier its plants, conduits, levels and calls, down the chain, and raises the demo alerts", async () => {
    const overview = await loadSupplierOverview({ db: t.db, now: new Date(Date.now() + 1000) });
    const microsoft = overview.exposures.get(await supplierId("microsoft-ireland"))!;
    expect(microsoft.plants.map((p) => p.slug)).toEqual(["augsburg", "aveiro"]);
    expect(microsoft.conduits.find((c) => c.conduit.slug === "aug-l3-to-openai-eu")).toMatchObject({ via: [await supplierId("openai-ireland"), await supplierId("microsoft-ireland")], calls: 4, callsByLevel: { INTERNAL: 3, RESTRICTED: 1 } });
    // A flagged call forwarded RESTRICTED data beyond the conduit's limit.
    expect(microsoft.receivedLevel).toBe("RESTRICTED");

    const kinds = overview.alerts.map((a) => `${a.kind}: ${a.message}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^certification_expiring: OpenAI Ireland Ltd: SOC 2 Type II expires in 4[45] days/),
        expect.stringMatching(/^reassessment_overdue: Microsoft Ireland Operations Ltd: reassessment was due on/),
        "data_above_approved: Microsoft Ireland Operations Ltd receives RESTRICTED data but is approved for INTERNAL at most.",
        "data_above_approved: OpenAI Ireland Ltd receives RESTRICTED data but is approved for CONFIDENTIAL at most.",
      ]),
    );
    // AWS was Anthropic's sub-processor; the anthropic destination now belongs to Fjord AI, whose chain is assessed
    // except for its hyperscaler.
    expect(kinds).toContain("unassessed_link: Chain of Fjord AI AB: Northcloud Hyperscale has no approved assessment.");
  });

  it("leaves a ledger that verifies", async () => {
    await writer.checkpoint();
    const report = await verifyLedger({ store });
    expect(report.ok).toBe(true);
  });
});
