// Demo NIS2 incidents, so the incidents screen shows a real case on the first start:
// one in Augsburg with the early warning and the notification submitted and the final
// report pending, and a fresh one in Aveiro awaiting its early warning. Written through
// the incident functions, at times relative to the seed, so every step is checked and
// recorded in the ledger like a user's.
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import type { LedgerAppend } from "@/lib/incidents/incident-state";
import { linkEvidence } from "@/lib/incidents/evidence";
import { createIncident } from "@/lib/incidents/manage-incident";
import { recordAuthorityEvent } from "@/lib/incidents/record-authority-event";
import { recordSignificance } from "@/lib/incidents/record-significance";
import { submitReport } from "@/lib/incidents/submit-report";

const hour = 60 * 60 * 1000;
const minute = 60 * 1000;

const notSo = (reasoning: string) => ({ applies: false, reasoning });

export async function seedDemoIncidents(options: { db: Db; record: LedgerAppend; ciso: SessionUser; now: Date }): Promise<void> {
  const { db, record, ciso: actor, now } = options;
  const before = (ms: number) => new Date(now.getTime() - ms);
  const [augsburg, aveiro] = await Promise.all([
    db.plant.findUniqueOrThrow({ where: { slug: "augsburg" } }),
    db.plant.findUniqueOrThrow({ where: { slug: "aveiro" } }),
  ]);
  const bsi = { competentAuthority: "Bundesamt für Sicherheit in der Informationstechnik (BSI)", csirt: "CERT-Bund (BSI)" };
  const cncs = { competentAuthority: "Centro Nacional de Cibersegurança (CNCS)", csirt: "CERT.PT (CNCS)" };
  await db.memberStateRules.createMany({
    data: [
      { memberState: "DE", ...bsi },
      { memberState: "PT", ...cncs },
    ],
  });

  // --- Augsburg: notification sent early, final report pending -------------------------
  const awareAt = before(140 * hour);
  const token = await createIncident({
    db,
    record,
    actor,
    now: before(137 * hour),
    input: {
      title: "Copilot device token used from outside the shop floor",
      description:
        "The device token of the work-instruction copilot on the shift lead terminal in hall 2 was used from a notebook in the office network. The calls reached Azure OpenAI through the copilot conduit with work instructions for line 3 as context.",
      plantIds: [augsburg.id],
      severity: "HIGH",
      suspectedMalicious: true,
      crossBorderImpact: false,
      occurredAt: before(146 * hour),
      detectedAt: before(144 * hour),
      awareAt,
      containedAt: before(138 * hour),
      handlingEndedAt: null,
      closedAt: null,
      entityCategory: "IMPORTANT",
      trustServiceProvider: false,
      memberState: "DE",
      ...bsi,
    },
  });
  await recordSignificance({
    db,
    record,
    actor,
    incidentId: token.id,
    now: before(137 * hour - 10 * minute),
    input: {
      plannedMaintenance: notSo("Nobody had planned work on the terminal or the conduit."),
      financialLoss: { directLossEur: 18_000, annualTurnoverEur: 310_000_000, reasoning: "Forensics and withdrawn work instructions; no production loss so far." },
      tradeSecretsExfiltrated: notSo("The prompts held work instructions, no drawings or recipes; the classification flagged nothing confidential."),
      deathCaused: notSo("No effect on machine control."),
      considerableHealthDamage: notSo("No effect on machine control."),
      maliciousUnauthorisedAccess: { applies: true, reasoning: "The token was used from a host that is not the terminal, outside working hours, by someone who is not a shift lead: suspected malicious access to the OT boundary." },
      rootCause: "Device token copied from the terminal",
      earlierIncidents: [],
      significant: true,
      reasoning: "Suspected malicious access across the L2 boundary; severe disruption of line 3 was possible had the instructions been followed.",
    },
  });
  await submitReport({
    db,
    record,
    actor,
    incidentId: token.id,
    now: before(130 * hour),
    input: {
      stage: "EARLY_WARNING",
      submittedAt: before(131 * hour),
      channel: "BSI reporting portal",
      recipient: bsi.competentAuthority,
      fields: {
        summary: "Device token of an AI copilot in an OT zone used from an unauthorised host; the token is revoked.",
        suspectedMalicious: true,
        maliciousDetails: "Use from an office notebook outside working hours.",
        crossBorderImpact: false,
        crossBorderDetails: "",
        assistanceRequested: "",
      },
    },
  });
  await recordAuthorityEvent({
    db,
    record,
    actor,
    incidentId: token.id,
    now: before(120 * hour),
    input: { kind: "CSIRT_REPLY", at: before(121 * hour), dueAt: null, source: bsi.csirt, summary: "Acknowledged the early warning and asked for the notebook's indicators of compromise in the notification." },
  });
  await submitReport({
    db,
    record,
    actor,
    incidentId: token.id,
    now: before(87 * hour),
    input: {
      stage: "NOTIFICATION",
      submittedAt: before(88 * hour),
      channel: "BSI reporting portal",
      recipient: bsi.competentAuthority,
      fields: {
        earlyWarningUpdate: "The notebook belongs to a contractor; its account was used with the copied token between 06:10 and 07:40.",
        severity: "HIGH",
        impact: "412 calls through the copilot conduit; 37 work instructions for line 3 withdrawn and re-issued. No production stop.",
        suspectedMalicious: true,
        crossBorderImpact: false,
        indicatorsOfCompromise: "Host NB-CTR-0457, 10.40.12.57; token prefix cl_dev_7Q2.",
      },
    },
  });
  const [copilotConduit, microsoft] = await Promise.all([
    db.conduit.findUniqueOrThrow({ where: { slug: "aug-l2-to-azure-copilot" } }),
    db.supplier.findUniqueOrThrow({ where: { slug: "microsoft-ireland" } }),
  ]);
  await linkEvidence({ db, record, actor, incidentId: token.id, now: before(86 * hour), input: { kind: "CONDUIT", targetId: copilotConduit.id, note: "The conduit the token's calls went through." } });
  await linkEvidence({ db, record, actor, incidentId: token.id, now: before(86 * hour), input: { kind: "SUPPLIER", targetId: microsoft.id, note: "Azure OpenAI received the calls; asked for its logs of the window." } });

  // --- Aveiro: fresh, the early warning is due -------------------------------------------
  const ransomware = await createIncident({
    db,
    record,
    actor,
    now: before(4 * hour),
    input: {
      title: "Ransomware on the maintenance office workstation",
      description: "Files on the maintenance office workstation were encrypted; the host is isolated. The maintenance copilot ran on it.",
      plantIds: [aveiro.id],
      severity: "HIGH",
      suspectedMalicious: true,
      crossBorderImpact: false,
      occurredAt: before(11 * hour),
      detectedAt: before(9 * hour),
      awareAt: before(5 * hour),
      containedAt: null,
      handlingEndedAt: null,
      closedAt: null,
      entityCategory: "IMPORTANT",
      trustServiceProvider: false,
      memberState: "PT",
      ...cncs,
    },
  });
  const maintenanceConduit = await db.conduit.findUniqueOrThrow({ where: { slug: "avr-l3-to-azure-copilot" } });
  await linkEvidence({ db, record, actor, incidentId: ransomware.id, now: before(3 * hour), input: { kind: "CONDUIT", targetId: maintenanceConduit.id, note: "Suspended until the workstation is rebuilt." } });
}
