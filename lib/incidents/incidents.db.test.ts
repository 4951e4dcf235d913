// NIS2 incidents against a real database (SQLite, or PostgreSQL when DATABASE_URL says
// so) and a real ledger: every change checked, recorded first and applied whole;
// reports frozen, hashed and tied to their report_submission record; deadlines moving
// with what was submitted; evidence links that keep their ledger references.
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { findEvidenceCandidates, linkEvidence, unlinkEvidence } from "@/lib/incidents/evidence";
import { incidentOverview } from "@/lib/incidents/incident-overview";
import { applyIncidentChange, type LedgerAppend } from "@/lib/incidents/incident-state";
import { getIncidentView } from "@/lib/incidents/incident-view";
import { incidentEventSchema, incidentInputSchema, reportSubmissionSchema, significanceInputSchema } from "@/lib/incidents/inputs";
import { createIncident, updateIncident } from "@/lib/incidents/manage-incident";
import { updateMemberStateRules } from "@/lib/incidents/member-state-rules";
import { recordAuthorityEvent } from "@/lib/incidents/record-authority-event";
import { recordSignificance } from "@/lib/incidents/record-significance";
import { reportDocument } from "@/lib/incidents/report-pdf";
import { submitReport } from "@/lib/incidents/submit-report";
import { openLedgerStore } from "@/lib/ledger";
import { stateHash } from "@/lib/ledger/admin-change";
import { generateSigningKey } from "@/lib/ledger/keys";
import { LogWriter } from "@/lib/ledger/log-writer";
import { parseEnvelope, sha256Hex } from "@/lib/ledger/record";
import type { LedgerStore } from "@/lib/ledger/store";
import { verifyLedger } from "@/lib/ledger/verify";
import { seedDemoPlant } from "@/lib/seed/demo-plant";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";

let t: TestDatabase;
let store: LedgerStore;
let writer: LogWriter;
let record: LedgerAppend;
let ciso: SessionUser;
let augsburgId: string;
let linzId: string;

const HOUR = 3600_000;
const at = (iso: string) => new Date(iso);
// Aware Monday 2 Mar 2026 10:00 CET (09:00 UTC); "now" is Thursday 5 Mar, 12:00 UTC.
const now = at("2026-03-05T12:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  store = openLedgerStore({ provider: t.provider, url: t.url });
  writer = await LogWriter.open({ store, key: generateSigningKey(), log: { id: "app-incidents", name: "app", writer: "app" }, checkpointEvery: 1000, checkpointSeconds: 3600 });
  record = (input) => writer.append(input);
  await seedDemoPlant({ db: t.db, record, now: at("2026-02-01T12:00:00Z") });
  const user = await t.db.user.findUniqueOrThrow({ where: { email: "ciso@nordwerk.example" } });
  ciso = { id: user.id, email: user.email, name: user.name, role: user.role };
  augsburgId = (await t.db.plant.findUniqueOrThrow({ where: { slug: "augsburg" } })).id;
  // A plant of its own keeps the overview's numbers to this file's incidents.
  linzId = (await t.db.plant.create({ data: { slug: "linz", name: "Linz Test Plant", operator: "Test", city: "Linz", memberState: "AT", timeZone: "Europe/Vienna", entityCategory: "ESSENTIAL" } })).id;
});
afterAll(async () => {
  await writer?.close();
  await store?.close();
  await t?.drop();
});

function incidentInput(overrides: Record<string, unknown> = {}) {
  return incidentInputSchema.parse(rawIncident(overrides));
}

function rawIncident(overrides: Record<string, unknown> = {}) {
  return {
    title: "Copilot token used from an unknown host",
    description: "Test incident.",
    plantIds: [augsburgId],
    severity: "HIGH",
    suspectedMalicious: true,
    crossBorderImpact: false,
    occurredAt: "2026-03-02T07:00:00Z",
    detectedAt: "2026-03-02T08:00:00Z",
    awareAt: "2026-03-02T09:00:00Z",
    entityCategory: "IMPORTANT",
    trustServiceProvider: false,
    memberState: "DE",
    competentAuthority: "BSI",
    csirt: "CERT-Bund",
    ...overrides,
  };
}

const earlyWarningFields = { summary: "Token misuse.", suspectedMalicious: true, crossBorderImpact: false };
const notificationFields = { earlyWarningUpdate: "Contractor notebook.", severity: "HIGH", impact: "412 calls.", suspectedMalicious: true, crossBorderImpact: false };
const finalFields = { description: "All of it.", severity: "MEDIUM", rootCause: "Copied token.", mitigationApplied: "Token revoked.", mitigationOngoing: "None.", crossBorderImpact: false };

function submission(stage: string, submittedAt: string, fields: Record<string, unknown>) {
  return reportSubmissionSchema.parse({ stage, submittedAt, channel: "BSI reporting portal", recipient: "BSI", fields });
}

async function problemOf(promise: Promise<unknown>): Promise<{ code: string; message: string; paths: string[] }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message, paths: (error.issues ?? []).map((i) => i.path) };
    throw error;
  }
  return { code: "none", message: "", paths: [] };
}

async function lastRecord() {
  const head = await store.logHead(writer.logId);
  const [row] = await store.readRecords({ logId: writer.logId, fromSeq: head.size - 1, limit: 1 });
  return { row: row!, body: parseEnvelope(row!.envelope)!.body as Record<string, unknown> };
}

const deadline = async (incidentId: string, stage: string, when = now) =>
  (await getIncidentView({ db: t.db, incidentId, now: when })).deadlines.find((d) => d.stage === stage);

describe("opening an incident", () => {
  it("records it in the ledger first, then stores it with its plants and a yearly reference", async () => {
    const { id, reference } = await createIncident({ db: t.db, record, actor: ciso, input: incidentInput(), now });
    expect(reference).toMatch(/^INC-2026-\d{3}$/);
    const stored = await t.db.incident.findUniqueOrThrow({ where: { id }, include: { plants: true } });
    expect(stored).toMatchObject({ status: "OPEN", severity: "HIGH", memberState: "DE", version: 0 });
    expect(stored.plants.map((p) => p.plantId)).toEqual([augsburgId]);
    const { body } = await lastRecord();
    expect(body).toMatchObject({ actor: { userId: ciso.id, role: "CISO" }, entity: { type: "Incident", id }, action: "create", before: null });
    expect(body.summary).toContain(reference);
  });

  it("refuses awareness before occurrence with a clear 422, saving and recording nothing", async () => {
    const before = { size: writer.size, incidents: await t.db.incident.count() };
    const problem = await problemOf(createIncident({ db: t.db, record, actor: ciso, input: incidentInput({ occurredAt: "2026-03-02T10:00:00Z", detectedAt: "2026-03-02T10:30:00Z" }), now }));
    expect(problem.code).toBe("validation_failed");
    expect(problem.paths).toContain("awareAt");
    expect(problem.message).toContain("Awareness at 2026-03-02 10:00 CET (2026-03-02 09:00 UTC) is before the incident occurred at 2026-03-02 11:00 CET");
    expect(writer.size).toBe(before.size);
    expect(await t.db.incident.count()).toBe(before.incidents);
  });

  it("names every problem at once: future instants, containment before detection, closing before handling ended", async () => {
    const problem = await problemOf(
      createIncident({ db: t.db, record, actor: ciso, input: incidentInput({ awareAt: "2026-03-06T09:00:00Z", containedAt: "2026-03-01T09:00:00Z", closedAt: "2026-03-04T09:00:00Z" }), now }),
    );
    expect(problem.code).toBe("validation_failed");
    expect(problem.paths).toEqual(expect.arrayContaining(["awareAt", "containedAt", "closedAt"]));
    expect(problem.message).toContain("in the future");
    expect(problem.message).toContain("record when handling ended first");
  });

  it("refuses an unknown plant and a body of the wrong shape", async () => {
    expect((await problemOf(createIncident({ db: t.db, record, actor: ciso, input: incidentInput({ plantIds: ["no-such-plant"] }), now }))).paths).toEqual(["plantIds"]);
    const parsed = incidentInputSchema.safeParse({ ...rawIncident(), awareAt: "yesterday", memberState: "XX", plantIds: [] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(["awareAt", "memberState", "plantIds"]);
  });
});

describe("reports", () => {
  let incidentId: string;
  beforeAll(async () => {
    incidentId = (await createIncident({ db: t.db, record, actor: ciso, input: incidentInput(), now })).id;
  });

  it("freezes the content, hashes it and ties it to a report_submission record written first", async () => {
    const report = await submitReport({ db: t.db, record, actor: ciso, incidentId, input: submission("EARLY_WARNING", "2026-03-02T20:00:00Z", earlyWarningFields), now });
    const stored = await t.db.incidentReport.findUniqueOrThrow({ where: { id: report.id } });
    expect(stored.contentHash).toBe(sha256Hex(stored.content));
    const content = JSON.parse(stored.content);
    expect(content.fields.find((f: { key: string }) => f.key === "suspectedMalicious")).toEqual({ key: "suspectedMalicious", label: "Unlawful or malicious action suspected", value: true });
    expect(content.submission).toMatchObject({ submittedAt: "2026-03-02T20:00:00.000Z", submittedBy: { email: ciso.email }, channel: "BSI reporting portal", recipient: "BSI" });
    const { row, body } = await lastRecord();
    expect(row.id).toBe(stored.ledgerRecordId);
    expect([stored.ledgerLogId, stored.ledgerSeq, stored.ledgerLeafHash]).toEqual([row.logId, row.seq, row.leafHash]);
    expect(body).toEqual({
      actor: { userId: ciso.id, email: ciso.email, role: "CISO" },
      incidentId,
      stage: "EARLY_WARNING",
      content: { sha256: stored.contentHash, bytes: Buffer.byteLength(stored.content) },
      channel: "BSI reporting portal",
      recipient: "BSI",
    });
    expect((await deadline(incidentId, "EARLY_WARNING"))?.status).toBe("met");
  });

  it("refuses a report submitted twice, in the future, before awareness or without its fields, recording nothing", async () => {
    const size = writer.size;
    const twice = await problemOf(submitReport({ db: t.db, record, actor: ciso, incidentId, input: submission("EARLY_WARNING", "2026-03-03T08:00:00Z", earlyWarningFields), now }));
    expect(twice).toMatchObject({ code: "validation_failed", message: "The early warning is submitted once per incident; it is already recorded." });
    const future = await problemOf(submitReport({ db: t.db, record, actor: ciso, incidentId, input: submission("NOTIFICATION", "2026-03-05T13:00:00Z", notificationFields), now }));
    expect(future.message).toContain("which is in the future");
    const early = await problemOf(submitReport({ db: t.db, record, actor: ciso, incidentId, input: submission("NOTIFICATION", "2026-03-02T08:30:00Z", notificationFields), now }));
    expect(early.message).toContain("before awareness");
    // The request schema names missing fields along with everything else; the function checks them again for direct callers.
    const shape = reportSubmissionSchema.safeParse({ stage: "NOTIFICATION", submittedAt: "2026-03-03T08:00:00Z", channel: "", recipient: "BSI", fields: { severity: "SEVERE" } });
    expect(shape.error?.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["channel", "fields.earlyWarningUpdate", "fields.severity", "fields.impact"]));
    const unchecked = { stage: "NOTIFICATION" as const, submittedAt: at("2026-03-03T08:00:00Z"), channel: "E-mail", recipient: "BSI", fields: { severity: "SEVERE" } };
    const empty = await problemOf(submitReport({ db: t.db, record, actor: ciso, incidentId, input: unchecked, now }));
    expect(empty.paths).toEqual(expect.arrayContaining(["fields.earlyWarningUpdate", "fields.severity", "fields.impact"]));
    expect(empty.message).toContain('Fill in "Update of the early warning".');
    const finalTooSoon = await problemOf(submitReport({ db: t.db, record, actor: ciso, incidentId, input: submission("FINAL", "2026-03-04T08:00:00Z", finalFields), now }));
    expect(finalTooSoon.message).toContain("comes before any incident notification");
    expect(writer.size).toBe(size);
    expect(await t.db.incidentReport.count({ where: { incidentId } })).toBe(1);
  });

  it("moves the final-report deadline to one month after a notification sent early", async () => {
    const provisional = await deadline(incidentId, "FINAL", at("2026-03-03T12:00:00Z"));
    // Provisionally one month after the 72 h due date, Thu 5 Mar 10:00 CET.
    expect(provisional).toMatchObject({ provisional: true, dueAt: { local: "2026-04-05 10:00 CEST", utc: "2026-04-05 08:00 UTC" } });
    await submitReport({ db: t.db, record, actor: ciso, incidentId, input: submission("NOTIFICATION", "2026-03-04T09:00:00Z", notificationFields), now });
    const moved = await deadline(incidentId, "FINAL");
    expect(moved).toMatchObject({ provisional: false, status: "upcoming", dueAt: { local: "2026-04-04 10:00 CEST", utc: "2026-04-04 08:00 UTC" } });
    expect((await deadline(incidentId, "NOTIFICATION"))?.status).toBe("met");
  });

  it("lets only one of two simultaneous submissions of the same stage through", async () => {
    const other = (await createIncident({ db: t.db, record, actor: ciso, input: incidentInput(), now })).id;
    const results = await Promise.allSettled(
      [0, 1].map(() => submitReport({ db: t.db, record, actor: ciso, incidentId: other, input: submission("EARLY_WARNING", "2026-03-02T20:00:00Z", earlyWarningFields), now })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(["conflict", "validation_failed"]).toContain((rejected.reason as AppError).code);
    expect(await t.db.incidentReport.count({ where: { incidentId: other } })).toBe(1);
  });

  it("applies nothing when the ledger cannot record the submission", async () => {
    const failing: LedgerAppend = async () => {
      throw new AppError({ code: "unavailable", message: "The audit ledger could not write the record." });
    };
    const problem = await problemOf(submitReport({ db: t.db, record: failing, actor: ciso, incidentId, input: submission("PROGRESS", "2026-03-05T10:00:00Z", { progress: "p", severity: "LOW", mitigationOngoing: "m" }), now }));
    expect(problem.code).toBe("unavailable");
    expect(await t.db.incidentReport.count({ where: { incidentId, stage: "PROGRESS" } })).toBe(0);
  });

  it("applies no change checked against a version of the incident that has moved on", async () => {
    const incident = await t.db.incident.findUniqueOrThrow({ where: { id: incidentId } });
    const write = () => t.db.incidentEvent.create({ data: { incidentId, kind: "CSIRT_REPLY", at: now, source: "x", summary: "x", recordedById: ciso.id, ledgerRecordId: "x" } });
    const problem = await problemOf(applyIncidentChange({ db: t.db, incidentId, version: incident.version - 1, write: () => write() }));
    expect(problem.code).toBe("conflict");
    expect(await t.db.incidentEvent.count({ where: { incidentId, source: "x" } })).toBe(0);
  });

  it("renders a submitted report as a PDF with its reference in the metadata", async () => {
    const report = await t.db.incidentReport.findFirstOrThrow({ where: { incidentId, stage: "NOTIFICATION" }, include: { incident: true } });
    const { filename, bytes } = await reportDocument({ db: t.db, incidentId, reportId: report.id });
    expect(filename).toBe(`${report.incident.reference}-notification.pdf`);
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe("%PDF-");
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getTitle()).toBe(`Incident notification: ${report.incident.reference}`);
    expect(pdf.getCreationDate()?.toISOString()).toBe("2026-03-04T09:00:00.000Z");
    expect((await problemOf(reportDocument({ db: t.db, incidentId: "other", reportId: report.id }))).code).toBe("not_found");
  });
});

describe("the month rule and Member State rules", () => {
  it("puts a final report due on 31 January's counterpart, the last day of February", async () => {
    const input = incidentInput({ occurredAt: "2026-01-28T07:00:00Z", detectedAt: "2026-01-28T08:00:00Z", awareAt: "2026-01-28T09:00:00Z" });
    const { id } = await createIncident({ db: t.db, record, actor: ciso, input, now });
    await submitReport({ db: t.db, record, actor: ciso, incidentId: id, input: submission("NOTIFICATION", "2026-01-31T09:00:00Z", notificationFields), now });
    expect((await deadline(id, "FINAL", at("2026-02-10T12:00:00Z")))?.dueAt).toMatchObject({ local: "2026-02-28 10:00 CET", utc: "2026-02-28 09:00 UTC" });
    // Still being handled when that date passed: a progress report was due then, the final report one month after handling ends.
    expect((await deadline(id, "PROGRESS"))).toMatchObject({ status: "overdue", dueAt: { local: "2026-02-28 10:00 CET" } });
    expect((await deadline(id, "FINAL"))).toMatchObject({ dueAt: null, provisional: true });
  });

  it("rolls month deadlines to the next working day only where the Member State's rules say so, recorded", async () => {
    // Notification Fri 6 Feb 2026 10:00 CET: one month later is Fri 6 Mar; make it a holiday, then Sat and Sun follow.
    const { id } = await createIncident({ db: t.db, record, actor: ciso, input: incidentInput({ occurredAt: "2026-02-03T07:00:00Z", detectedAt: "2026-02-03T08:00:00Z", awareAt: "2026-02-04T09:00:00Z" }), now });
    await submitReport({ db: t.db, record, actor: ciso, incidentId: id, input: submission("NOTIFICATION", "2026-02-06T09:00:00Z", notificationFields), now });
    expect((await deadline(id, "FINAL"))?.dueAt?.local).toBe("2026-03-06 10:00 CET");
    await updateMemberStateRules({ db: t.db, record, actor: ciso, memberState: "DE", input: { competentAuthority: "BSI", csirt: "CERT-Bund", nextWorkingDayRoll: true, holidays: ["2026-03-06"] } });
    expect((await lastRecord()).body).toMatchObject({ entity: { type: "MemberStateRules", id: "DE" }, action: "update" });
    expect((await deadline(id, "FINAL"))?.dueAt?.local).toBe("2026-03-09 10:00 CET");
    await updateMemberStateRules({ db: t.db, record, actor: ciso, memberState: "DE", input: { competentAuthority: "BSI", csirt: "CERT-Bund", nextWorkingDayRoll: false, holidays: [] } });
    expect((await problemOf(updateMemberStateRules({ db: t.db, record, actor: ciso, memberState: "XX", input: { competentAuthority: "", csirt: "", nextWorkingDayRoll: false, holidays: [] } }))).code).toBe("not_found");
  });
});

describe("CSIRT replies and intermediate reports", () => {
  it("adds a requested intermediate report to the deadlines and refuses one sent without a request", async () => {
    const { id } = await createIncident({ db: t.db, record, actor: ciso, input: incidentInput(), now });
    const unrequested = await problemOf(submitReport({ db: t.db, record, actor: ciso, incidentId: id, input: submission("INTERMEDIATE", "2026-03-04T09:00:00Z", { statusUpdate: "s" }), now }));
    expect(unrequested.message).toContain("answers no recorded request");

    const badDue = incidentEventSchema.parse({ kind: "INTERMEDIATE_REPORT_REQUEST", at: "2026-03-03T09:00:00Z", dueAt: "2026-03-03T08:00:00Z", source: "CERT-Bund", summary: "Status please." });
    expect((await problemOf(recordAuthorityEvent({ db: t.db, record, actor: ciso, incidentId: id, input: badDue, now }))).paths).toEqual(["intermediateRequests.0.dueAt"]);
    expect(incidentEventSchema.safeParse({ kind: "INTERMEDIATE_REPORT_REQUEST", at: "2026-03-03T09:00:00Z", dueAt: null, source: "CERT-Bund", summary: "s" }).error?.issues[0]?.path).toEqual(["dueAt"]);
    const futureReply = incidentEventSchema.parse({ kind: "CSIRT_REPLY", at: "2026-03-06T09:00:00Z", source: "CERT-Bund", summary: "Thanks." });
    expect((await problemOf(recordAuthorityEvent({ db: t.db, record, actor: ciso, incidentId: id, input: futureReply, now }))).message).toContain("CSIRT reply is recorded at 2026-03-06 10:00 CET (2026-03-06 09:00 UTC), which is in the future");
    const replyBeforeIncident = incidentEventSchema.parse({ kind: "CSIRT_REPLY", at: "2026-02-20T09:00:00Z", source: "CERT-Bund", summary: "Thanks." });
    const early = await problemOf(recordAuthorityEvent({ db: t.db, record, actor: ciso, incidentId: id, input: replyBeforeIncident, now }));
    expect(early.paths).toEqual(["at"]);
    expect(early.message).toMatch(/CSIRT reply is recorded at 2026-02-20 10:00 CET \(2026-02-20 09:00 UTC\), before the incident occurred at /);

    const request = incidentEventSchema.parse({ kind: "INTERMEDIATE_REPORT_REQUEST", at: "2026-03-03T09:00:00Z", dueAt: "2026-03-06T12:00:00Z", source: "CERT-Bund", summary: "Status of the token revocation, please." });
    const event = await recordAuthorityEvent({ db: t.db, record, actor: ciso, incidentId: id, input: request, now });
    const { body } = await lastRecord();
    expect(body).toMatchObject({ entity: { type: "IncidentEvent", id: event.id }, action: "create" });
    expect((await t.db.incidentEvent.findUniqueOrThrow({ where: { id: event.id } })).ledgerRecordId).toBe((await lastRecord()).row.id);
    expect(await deadline(id, "INTERMEDIATE")).toMatchObject({ status: "upcoming", dueAt: { utc: "2026-03-06 12:00 UTC" }, requestedAt: { utc: "2026-03-03 09:00 UTC" } });

    await submitReport({ db: t.db, record, actor: ciso, incidentId: id, input: submission("INTERMEDIATE", "2026-03-05T09:00:00Z", { statusUpdate: "Revoked." }), now });
    expect((await deadline(id, "INTERMEDIATE"))?.status).toBe("met");
    const reply = incidentEventSchema.parse({ kind: "CSIRT_REPLY", at: "2026-03-03T10:00:00Z", source: "CERT-Bund", summary: "Thanks." });
    await recordAuthorityEvent({ db: t.db, record, actor: ciso, incidentId: id, input: reply, now });
    const timeline = (await getIncidentView({ db: t.db, incidentId: id, now })).timeline.map((e) => e.title);
    expect(timeline.slice(0, 6)).toEqual([
      "Incident occurred",
      "Detected",
      "Became aware",
      // Requested at the instant the early warning fell due: what happened comes before what fell due.
      "Intermediate report requested by CERT-Bund, due 2026-03-06 13:00 CET (2026-03-06 12:00 UTC)",
      "Early warning due",
      "CSIRT reply from CERT-Bund",
    ]);
    expect(timeline).toContain("Intermediate report submitted");
  });
});

describe("handling milestones and closing", () => {
  it("changes the incident's facts through the ledger and keeps the reports consistent", async () => {
    const { id } = await createIncident({ db: t.db, record, actor: ciso, input: incidentInput(), now });
    await submitReport({ db: t.db, record, actor: ciso, incidentId: id, input: submission("EARLY_WARNING", "2026-03-02T12:00:00Z", earlyWarningFields), now });
    // Awareness moved after the early warning was sent: the report would predate it.
    const moved = await problemOf(updateIncident({ db: t.db, record, actor: ciso, incidentId: id, input: incidentInput({ awareAt: "2026-03-02T13:00:00Z" }), now }));
    expect(moved.message).toContain("before awareness");
    await updateIncident({ db: t.db, record, actor: ciso, incidentId: id, input: incidentInput({ containedAt: "2026-03-03T09:00:00Z", handlingEndedAt: "2026-03-04T09:00:00Z" }), now });
    const { body } = await lastRecord();
    expect(body.summary).toMatch(/containedAt, handlingEndedAt, status changed$/);
    expect(body.after).toBe(stateHash({ ...(await currentState(id)) }));
    expect((await t.db.incident.findUniqueOrThrow({ where: { id } })).status).toBe("HANDLING_ENDED");
    const closing = await problemOf(updateIncident({ db: t.db, record, actor: ciso, incidentId: id, input: incidentInput({ containedAt: "2026-03-03T09:00:00Z", handlingEndedAt: "2026-03-04T09:00:00Z", closedAt: "2026-03-05T09:00:00Z" }), now }));
    expect(closing.message).toContain("The final report is still owed");
  });
});

async function currentState(id: string) {
  const i = await t.db.incident.findUniqueOrThrow({ where: { id }, include: { plants: true } });
  return {
    id: i.id,
    reference: i.reference,
    title: i.title,
    description: i.description,
    plantIds: i.plants.map((p) => p.plantId).sort(),
    severity: i.severity,
    suspectedMalicious: i.suspectedMalicious,
    crossBorderImpact: i.crossBorderImpact,
    occurredAt: i.occurredAt,
    detectedAt: i.detectedAt,
    awareAt: i.awareAt,
    containedAt: i.containedAt,
    handlingEndedAt: i.handlingEndedAt,
    closedAt: i.closedAt,
    entityCategory: i.entityCategory,
    trustServiceProvider: i.trustServiceProvider,
    memberState: i.memberState,
    competentAuthority: i.competentAuthority,
    csirt: i.csirt,
    status: i.status,
  };
}

describe("significance", () => {
  const answers = (significant: boolean) =>
    significanceInputSchema.parse({
      plannedMaintenance: { applies: false, reasoning: "Not planned." },
      financialLoss: { directLossEur: 20_000, annualTurnoverEur: 300_000_000, reasoning: "Forensics." },
      tradeSecretsExfiltrated: { applies: false, reasoning: "No secrets in the prompts." },
      deathCaused: { applies: false, reasoning: "None." },
      considerableHealthDamage: { applies: false, reasoning: "None." },
      maliciousUnauthorisedAccess: { applies: significant, reasoning: significant ? "Token used by an outsider." : "A colleague's mistake." },
      rootCause: "Copied token",
      earlierIncidents: [],
      significant,
      reasoning: significant ? "Malicious access at the OT boundary." : "An operator error without effect.",
    });

  it("records the checklist's findings and the conclusion; a not-significant incident owes no reports", async () => {
    const { id } = await createIncident({ db: t.db, record, actor: ciso, input: incidentInput({ plantIds: [linzId], memberState: "AT" }), now });
    await recordSignificance({ db: t.db, record, actor: ciso, incidentId: id, input: answers(true), now });
    let view = await getIncidentView({ db: t.db, incidentId: id, now });
    expect(view.assessment).toMatchObject({ verdict: "significant", significant: true, summary: "Significant: meets malicious unauthorised access." });
    expect(view.assessment?.findings.find((f) => f.criterion === "financial_loss")?.reasoning).toContain("EUR 20,000 is not above the threshold EUR 500,000");
    expect(view.reportable).toBe(true);
    await recordSignificance({ db: t.db, record, actor: ciso, incidentId: id, input: answers(false), now: new Date(now.getTime() + 1000) });
    view = await getIncidentView({ db: t.db, incidentId: id, now });
    expect([view.reportable, view.assessmentCount, view.assessment?.verdict]).toEqual([false, 2, "not_significant"]);
    const overview = await incidentOverview({ db: t.db, now, plantId: linzId });
    expect(overview.open.find((r) => r.id === id)).toMatchObject({ reportable: false, nextDeadline: null, overdue: 0 });
    // Back to significant for the overview below.
    await recordSignificance({ db: t.db, record, actor: ciso, incidentId: id, input: answers(true), now: new Date(now.getTime() + 2000) });
  });
});

describe("evidence", () => {
  it("links a ledger record with its log, sequence and leaf hash, and a conduit with a hashed snapshot", async () => {
    const { id } = await createIncident({ db: t.db, record, actor: ciso, input: incidentInput(), now });
    const target = await t.db.auditRecord.findFirstOrThrow({ where: { kind: "report_submission" } });
    const link = await linkEvidence({ db: t.db, record, actor: ciso, incidentId: id, input: { kind: "LEDGER_RECORD", targetId: target.id, note: "The early warning of the related incident." }, now });
    const stored = await t.db.incidentEvidence.findUniqueOrThrow({ where: { id: link.id } });
    expect([stored.logId, stored.seq, stored.leafHash]).toEqual([target.logId, target.seq, target.leafHash]);
    expect(stored.snapshotHash).toBe(sha256Hex(stored.snapshot));
    expect(stored.ledgerRecordId).toBe((await lastRecord()).row.id);

    const conduit = await t.db.conduit.findUniqueOrThrow({ where: { slug: "aug-l2-to-azure-copilot" } });
    const conduitLink = await linkEvidence({ db: t.db, record, actor: ciso, incidentId: id, input: { kind: "CONDUIT", targetId: conduit.id, note: "" }, now });
    const snapshot = JSON.parse((await t.db.incidentEvidence.findUniqueOrThrow({ where: { id: conduitLink.id } })).snapshot);
    expect(snapshot).toMatchObject({ slug: conduit.slug, maxDataClass: conduit.maxDataClass, destination: { slug: "azure-openai-weu" } });

    expect((await problemOf(linkEvidence({ db: t.db, record, actor: ciso, incidentId: id, input: { kind: "CONDUIT", targetId: conduit.id, note: "" }, now }))).code).toBe("conflict");
    expect((await problemOf(linkEvidence({ db: t.db, record, actor: ciso, incidentId: id, input: { kind: "ANOMALY", targetId: "none", note: "" }, now }))).code).toBe("validation_failed");

    const candidates = await findEvidenceCandidates({ db: t.db, incidentId: id, kind: "LEDGER_RECORD", recordKind: "report_submission", from: new Date(0), to: new Date(Date.now() + HOUR) });
    expect(candidates.candidates.length).toBeGreaterThan(0);
    expect(candidates.candidates.every((c) => c.detail.startsWith("Report submission"))).toBe(true);
    expect(candidates.candidates.find((c) => c.id === target.id)?.linked).toBe(true);
    const none = await findEvidenceCandidates({ db: t.db, incidentId: id, kind: "LEDGER_RECORD", recordKind: "report_submission", from: new Date(0), to: new Date(1000) });
    expect(none.candidates).toEqual([]);

    await unlinkEvidence({ db: t.db, record, actor: ciso, incidentId: id, linkId: conduitLink.id });
    expect((await lastRecord()).body).toMatchObject({ entity: { type: "IncidentEvidence", id: conduitLink.id }, action: "delete", after: null });
    expect((await getIncidentView({ db: t.db, incidentId: id, now })).evidence.map((e) => e.kind)).toEqual(["LEDGER_RECORD"]);
  });
});

describe("overview", () => {
  it("sorts open incidents by their next deadline, counts overdue ones and the share sent on time", async () => {
    const inLinz = (overrides: Record<string, unknown>) => incidentInput({ plantIds: [linzId], memberState: "AT", ...overrides });
    // Aware 2 h ago: early warning due in 22 h.
    const fresh = await createIncident({ db: t.db, record, actor: ciso, input: inLinz({ occurredAt: null, detectedAt: "2026-03-05T09:00:00Z", awareAt: "2026-03-05T10:00:00Z" }), now });
    // Aware 30 h ago, nothing sent: early warning overdue.
    const late = await createIncident({ db: t.db, record, actor: ciso, input: inLinz({ occurredAt: null, detectedAt: "2026-03-04T05:00:00Z", awareAt: "2026-03-04T06:00:00Z" }), now });
    const overview = await incidentOverview({ db: t.db, now, plantId: linzId });
    const order = overview.open.map((r) => r.id);
    expect(order.indexOf(late.id)).toBeLessThan(order.indexOf(fresh.id));
    expect(overview.open.find((r) => r.id === late.id)).toMatchObject({ overdue: 1, nextDeadline: { stage: "EARLY_WARNING", status: "overdue" } });
    expect(overview.open.find((r) => r.id === fresh.id)).toMatchObject({ overdue: 0, nextDeadline: { stage: "EARLY_WARNING", status: "upcoming", dueAt: { utc: "2026-03-06 10:00 UTC" } } });
    // The significance test's incident (aware 2 Mar): early warning and notification overdue too.
    expect(overview.incidentsWithOverdue).toBe(2);
    expect(overview.overdueDeadlines).toBe(3);

    // One report sent late, one on time: 1 of 4 decided deadlines met.
    await submitReport({ db: t.db, record, actor: ciso, incidentId: late.id, input: submission("EARLY_WARNING", "2026-03-05T11:00:00Z", earlyWarningFields), now });
    await submitReport({ db: t.db, record, actor: ciso, incidentId: late.id, input: submission("NOTIFICATION", "2026-03-05T11:30:00Z", notificationFields), now });
    const after = await incidentOverview({ db: t.db, now, plantId: linzId });
    expect(after.onTime).toMatchObject({ met: 1, decided: 4 });
    expect(after.overdueDeadlines).toBe(2);
  });

  it("keeps the ledger of everything above verifiable", async () => {
    await writer.checkpoint();
    expect((await verifyLedger({ store })).ok).toBe(true);
  });
});
