// The demo plant's AI supplier chain, so the supplier pages have something to show on
// the first start: contracts and sub-processor links with their terms (Microsoft as the
// hyperscaler behind OpenAI, AWS behind Anthropic), certifications with evidence files,
// and assessments in every state. It also raises each kind of alert: a certificate
// expiring soon, an overdue reassessment, Microsoft receiving data above its approval
// through OpenAI's chain, and AWS unassessed in Anthropic's chain. Google, approved for
// INTERNAL data, receives more through the Gemini pilot's flagging conduit once the demo
// traffic is seeded.
//
// The seed runs before the ledger exists, so the seeded approvals have no sign-off
// record; approvals made in the app do.
import { createHash } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { CertificationScheme, Db } from "@/lib/db";
import { certificationLabel } from "@/lib/suppliers/labels";
import { findTemplate, templateQuestions, type Answers } from "@/lib/suppliers/questionnaire";
import { nextReviewDate, rateRisk, scoreAnswers, type ExposureSummary } from "@/lib/suppliers/scoring";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const day = 24 * 60 * 60 * 1000;

/** A one-page PDF that says plainly it stands in for a real certificate. */
async function demoCertificatePdf(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText("Demo evidence - not a real certificate", { x: 60, y: 760, size: 18, font });
  page.drawText(text, { x: 60, y: 720, size: 12, font });
  return new Uint8Array(await doc.save());
}

export async function seedDemoSuppliers(options: {
  tx: Tx;
  now: Date;
  author: { id: string };
  approver: { id: string };
  suppliers: { openAi: { id: string }; anthropic: { id: string }; microsoft: { id: string }; google: { id: string }; visionVendor: { id: string } };
}): Promise<void> {
  const { tx, now, author, approver } = options;
  const { openAi, anthropic, microsoft, google, visionVendor } = options.suppliers;
  const at = (days: number) => new Date(now.getTime() + days * day);

  const aws = await tx.supplier.create({
    data: {
      slug: "aws-emea",
      name: "Amazon Web Services EMEA SARL",
      kind: "CLOUD",
      countries: JSON.stringify(["US", "IE", "DE"]),
      regions: JSON.stringify(["us-east-1", "us-west-2"]),
      services: "Compute and storage hosting the Anthropic API",
    },
  });
  const contacts = (name: string, email: string) => JSON.stringify([{ name, role: "Security contact", email }]);
  await tx.supplier.update({ where: { id: openAi.id }, data: { regions: JSON.stringify(["EU data residency (Ireland, Netherlands)"]), contacts: contacts("OpenAI security", "security@openai.example") } });
  await tx.supplier.update({ where: { id: anthropic.id }, data: { regions: JSON.stringify(["United States"]), contacts: contacts("Anthropic security", "security@anthropic.example") } });
  await tx.supplier.update({ where: { id: microsoft.id }, data: { regions: JSON.stringify(["Azure West Europe (NL)", "Azure North Europe (IE)"]), contacts: contacts("Microsoft Security Response Center", "secure@microsoft.example") } });
  await tx.supplier.update({ where: { id: google.id }, data: { regions: JSON.stringify(["europe-west3 (Frankfurt)", "europe-west4 (Eemshaven)"]), contacts: contacts("Google Cloud security", "security@google.example") } });
  await tx.supplier.update({ where: { id: visionVendor.id }, data: { regions: JSON.stringify(["On premises, Augsburg L3"]), contacts: contacts("Dr. Lena Brandt", "psirt@optiscan.example") } });

  // --- Our contracts, and the sub-processors behind them --------------------------
  const link = (data: Parameters<Tx["supplierLink"]["create"]>[0]["data"]) => tx.supplierLink.create({ data });
  await link({ fromId: null, toId: openAi.id, dataShared: "Maintenance trend summaries and anomaly triage prompts, up to CONFIDENTIAL", contractRef: "MSA-2025-014 with DPA", breachNotificationHours: 48, trainingOnCustomerData: "NO", retention: "30 days for abuse monitoring, then deleted", dataLocation: "EU data residency (IE, NL)" });
  await link({ fromId: null, toId: anthropic.id, dataShared: "Scheduling explanations from MES orders (pilot)", contractRef: "Pilot agreement PA-2026-03", breachNotificationHours: 72, trainingOnCustomerData: "NO", retention: "30 days", dataLocation: "US" });
  await link({ fromId: null, toId: microsoft.id, dataShared: "Work-instruction drafts from the shop floor copilots, up to INTERNAL", contractRef: "Enterprise Agreement, Product Terms and DPA", breachNotificationHours: 72, trainingOnCustomerData: "NO", retention: "No prompt storage (abuse monitoring opted out)", dataLocation: "EU Data Boundary (NL, IE)" });
  await link({ fromId: null, toId: google.id, dataShared: "Historian alarm summaries for a second-opinion triage (pilot), up to INTERNAL", contractRef: "Pilot order GC-2026-11 under the Cloud Data Processing Addendum", breachNotificationHours: 72, trainingOnCustomerData: "NO", retention: "Not stored beyond the request (zero data retention for the pilot project)", dataLocation: "EU (DE, NL)" });
  await link({ fromId: null, toId: visionVendor.id, dataShared: "Remote support access to the on-premises inference server", contractRef: "Service contract SC-OPT-2024-7", breachNotificationHours: 24, trainingOnCustomerData: "OPT_OUT", retention: "Images stay on premises; support sessions logged for 1 year", dataLocation: "DE (on premises)" });
  await link({ fromId: openAi.id, toId: microsoft.id, dataShared: "Prompts and completions in transit and at rest (hosting, abuse monitoring)", contractRef: "OpenAI DPA, sub-processor list", breachNotificationHours: 48, trainingOnCustomerData: "NO", retention: "As OpenAI's retention", dataLocation: "EU (NL, IE)" });
  await link({ fromId: anthropic.id, toId: aws.id, dataShared: "Prompts and completions (hosting)", contractRef: "Anthropic sub-processor list", retention: "As Anthropic's retention", dataLocation: "US" });

  // --- Certifications with evidence files ----------------------------------------
  const certify = async (supplierId: string, scheme: CertificationScheme, issuer: string, issuedDays: number, expiresDays: number) => {
    const label = certificationLabel({ scheme, title: "" });
    const content = await demoCertificatePdf(`${label}, issued by ${issuer}`);
    await tx.certification.create({
      data: {
        scheme,
        issuer,
        scope: "Services used by Nordwerk (demo data)",
        issuedAt: at(issuedDays),
        expiresAt: at(expiresDays),
        supplier: { connect: { id: supplierId } },
        evidence: { create: { fileName: `${label.replace(/[^A-Za-z0-9]+/g, "-")}-demo.pdf`, mediaType: "application/pdf", size: content.byteLength, sha256: createHash("sha256").update(content).digest("hex"), content } },
      },
    });
  };
  await certify(openAi.id, "SOC2_TYPE_2", "Demo Assurance LLP", -320, 45);
  await certify(openAi.id, "ISO_27001", "Demo Certification GmbH", -200, 895);
  await certify(openAi.id, "ISO_42001", "Demo Certification GmbH", -100, 995);
  await certify(anthropic.id, "SOC2_TYPE_2", "Demo Assurance LLP", -90, 275);
  await certify(microsoft.id, "ISO_27001", "Demo Certification GmbH", -300, 795);
  await certify(microsoft.id, "BSI_C5", "Demo Audit AG", -150, 215);
  await certify(google.id, "ISO_27001", "Demo Certification GmbH", -150, 945);
  await certify(visionVendor.id, "IEC_62443_4_1", "Demo Industrial Cert GmbH", -500, 595);

  // --- Assessments -----------------------------------------------------------------
  const template = findTemplate({ key: "ai-supplier", version: 1 })!;
  const questions = templateQuestions(template);
  const evidence = [{ label: "Contract and DPA", url: "https://contracts.nordwerk.example/suppliers" }];
  const answersFor = (partial: string[], na: string[], count = questions.length): Answers =>
    Object.fromEntries(
      questions.slice(0, count).map((q) => [q.id, { choice: na.includes(q.id) ? "na" : partial.includes(q.id) ? "partial" : "yes", note: "", evidence: q.critical ? evidence : [] }]),
    );
  const approve = async (supplierId: string, answers: Answers, approvedDays: number, exposure: ExposureSummary, approvedDataClass: "INTERNAL" | "CONFIDENTIAL" | "RESTRICTED") => {
    const result = scoreAnswers({ template, answers });
    const risk = rateRisk({ score: result.score, failedCritical: result.failedCritical.length, exposure });
    const approvedAt = at(approvedDays);
    await tx.assessment.create({
      data: {
        supplierId,
        templateKey: template.key,
        templateVersion: template.version,
        status: "APPROVED",
        answers: JSON.stringify(answers),
        score: result.score,
        rating: risk.rating,
        ratingBasis: JSON.stringify({ exposure, impact: risk.impact, weakness: risk.weakness, reasons: risk.reasons, failedCritical: result.failedCritical }),
        approvedDataClass,
        authorId: author.id,
        createdAt: at(approvedDays - 10),
        submittedAt: at(approvedDays - 3),
        approverId: approver.id,
        approvedAt,
        nextReviewAt: nextReviewDate({ rating: risk.rating, approvedAt }),
      },
    });
  };
  await approve(openAi.id, answersFor(["dh-retention", "tr-human-review", "sp-equivalent"], ["sp04-wireless", "sp05-sis"]), -200, { highestDataClass: "CONFIDENTIAL", plants: 2, conduits: 2, calls: 0 }, "CONFIDENTIAL");
  // Approved for INTERNAL data when only the copilots used it; a year on it is overdue.
  await approve(microsoft.id, answersFor(["sp-list"], ["sp04-wireless", "sp05-sis"]), -400, { highestDataClass: "INTERNAL", plants: 2, conduits: 2, calls: 0 }, "INTERNAL");
  // Approved for INTERNAL data; the pilot's conduit flags calls above that instead of blocking them.
  await approve(google.id, answersFor(["dh-retention", "sp-list"], ["sp04-wireless", "sp05-sis"]), -50, { highestDataClass: "INTERNAL", plants: 1, conduits: 1, calls: 0 }, "INTERNAL");
  await approve(visionVendor.id, answersFor(["vh-model", "sp11-patching"], ["sp04-wireless"]), -100, { highestDataClass: "RESTRICTED", plants: 1, conduits: 1, calls: 0 }, "RESTRICTED");
  await tx.assessment.create({
    data: { supplierId: anthropic.id, templateKey: template.key, templateVersion: template.version, answers: JSON.stringify(answersFor([], [], 12)), authorId: author.id, createdAt: at(-6) },
  });
}
