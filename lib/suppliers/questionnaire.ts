// Versioned questionnaire templates for supplier assessments. A published version is
// never edited: an assessment names the key and version it was answered against, so
// the questions behind an approved rating can always be shown as they were asked. A
// change of wording or weight is a new version appended here (questionnaire.test.ts
// pins the fingerprint of every published version).
//
// The questions paraphrase what NIS2 Art. 21(2)(d) and 21(3), the twelve functional
// areas of IEC 62443-2-4 and AI-specific practice ask of a supplier; they do not quote
// the standards.
import { z } from "zod";

export interface Question {
  id: string;
  text: string;
  /** Where the question comes from, e.g. "NIS2 Art. 21(3)" or "IEC 62443-2-4 SP.07". */
  reference: string;
  /** Relative weight in the score (1-3). */
  weight: number;
  /** A "no" here weakens the rating by itself, and a yes or partial answer needs evidence. */
  critical: boolean;
}

export interface QuestionnaireSection {
  id: string;
  title: string;
  questions: Question[];
}

export interface QuestionnaireTemplate {
  key: string;
  version: number;
  title: string;
  description: string;
  sections: QuestionnaireSection[];
}

export const answerChoices = ["yes", "partial", "no", "na"] as const;
export type AnswerChoice = (typeof answerChoices)[number];

export const answerChoiceLabels: Record<AnswerChoice, string> = {
  yes: "Yes",
  partial: "Partly",
  no: "No",
  na: "Not applicable",
};

const evidenceLinkSchema = z
  .object({
    label: z.string().trim().max(200).default(""),
    // An external document (trust centre, report, contract) or a page of this app.
    url: z
      .string()
      .trim()
      .max(2000)
      .refine((u) => /^https?:\/\/[^\s]+$/i.test(u) || /^\/[^\s/][^\s]*$/.test(u), "Give an http(s) URL or a path of this app."),
  })
  .strict();

export const answerSchema = z
  .object({
    choice: z.enum(answerChoices),
    note: z.string().trim().max(2000).default(""),
    evidence: z.array(evidenceLinkSchema).max(20).default([]),
  })
  .strict();

export const answersSchema = z.record(z.string().regex(/^[a-z0-9-]+$/).max(40), answerSchema);

export type Answer = z.infer<typeof answerSchema>;
export type Answers = z.infer<typeof answersSchema>;

const q = (id: string, reference: string, weight: number, text: string, critical = false): Question => ({ id, text, reference, weight, critical });

const aiSupplierV1: QuestionnaireTemplate = {
  key: "ai-supplier",
  version: 1,
  title: "AI supplier security assessment",
  description:
    "Supply-chain security of an AI provider, model host, cloud or OT service provider and its sub-processors: NIS2 Art. 21(2)(d) and 21(3), the IEC 62443-2-4 functional areas, and data handling and training practices of AI services.",
  sections: [
    {
      id: "supply-chain",
      title: "Supply-chain security",
      questions: [
        q("sc-contract", "NIS2 Art. 21(2)(d)", 2, "The contract states the supplier's security obligations for the service and names a security contact."),
        q("sc-development", "NIS2 Art. 21(3)", 2, "The supplier can show how it develops and tests its products securely and controls their quality."),
        q("sc-vulnerabilities", "NIS2 Art. 21(3)", 2, "The supplier tells us about known vulnerabilities of the service it provides and how it fixes them."),
        q("sc-flow-down", "NIS2 Art. 21(2)(d)", 2, "The supplier passes its security obligations on to its own sub-processors."),
      ],
    },
    {
      id: "data-handling",
      title: "Data handling",
      questions: [
        q("dh-location", "NIS2 Art. 21(2)(d)", 3, "Our data is processed and stored only in the countries and regions recorded for this supplier, and the contract says so.", true),
        q("dh-retention", "AI practice", 2, "How long prompts, outputs and files are kept is defined, limited and can be shortened for us."),
        q("dh-segregation", "AI practice", 2, "Our data is kept apart from other customers' data, including in caches and logs."),
      ],
    },
    {
      id: "training",
      title: "Training practices",
      questions: [
        q("tr-no-training", "AI practice", 3, "Our prompts and outputs are not used to train or improve models, or an opt-out applies and is in effect.", true),
        q("tr-human-review", "AI practice", 2, "Any human review of our content (for example abuse monitoring) is disclosed and can be limited or switched off."),
      ],
    },
    {
      id: "incidents",
      title: "Incident response and breach notification",
      questions: [
        q("ir-notification", "NIS2 Art. 23", 3, "The supplier must tell us about incidents affecting our data or service fast enough for our 24-hour early warning.", true),
        q("ir-process", "NIS2 Art. 21(2)(b)", 2, "The supplier has a practised incident-response process and a contact reachable around the clock."),
      ],
    },
    {
      id: "continuity",
      title: "Business continuity",
      questions: [
        q("bc-recovery", "NIS2 Art. 21(2)(c)", 2, "Availability targets, backups and disaster recovery of the service are documented and tested."),
        q("bc-exit", "NIS2 Art. 21(2)(c)", 1, "At the end of the contract our data can be exported and is then deleted."),
      ],
    },
    {
      id: "vulnerability-handling",
      title: "Vulnerability handling",
      questions: [
        q("vh-disclosure", "NIS2 Art. 21(2)(e)", 2, "The supplier runs a coordinated vulnerability disclosure process and fixes findings within defined times."),
        q("vh-model", "AI practice", 2, "Weaknesses specific to AI services (prompt injection, leakage between tenants) are tested for and addressed."),
      ],
    },
    {
      id: "cryptography",
      title: "Cryptography",
      questions: [
        q("cr-encryption", "NIS2 Art. 21(2)(h)", 3, "Data is encrypted in transit with current TLS and at rest.", true),
        q("cr-keys", "NIS2 Art. 21(2)(h)", 1, "Key management is documented, including customer-managed keys where offered."),
      ],
    },
    {
      id: "sub-processors",
      title: "Sub-processor transparency",
      questions: [
        q("sp-list", "NIS2 Art. 21(2)(d)", 2, "The supplier publishes all sub-processors with their locations and announces changes early enough for us to object."),
        q("sp-equivalent", "NIS2 Art. 21(2)(d)", 2, "Sub-processors that handle our data are bound by terms at least as strict as ours."),
      ],
    },
    {
      id: "incident-history",
      title: "Incident history",
      questions: [q("ih-disclosed", "NIS2 Art. 21(3)", 2, "Significant security incidents of the last three years were disclosed, and what was done about them is documented.")],
    },
    {
      id: "service-provider",
      title: "Service-provider capabilities (IEC 62443-2-4)",
      questions: [
        q("sp01-staffing", "IEC 62443-2-4 SP.01", 1, "People who work on our systems or data are vetted, trained in security and known to us."),
        q("sp02-assurance", "IEC 62443-2-4 SP.02", 2, "The supplier can demonstrate the security of what it delivers (tests, reviews, certifications)."),
        q("sp03-architecture", "IEC 62443-2-4 SP.03", 2, "The solution fits our zones and conduits and keeps its attack surface small."),
        q("sp04-wireless", "IEC 62443-2-4 SP.04", 1, "Wireless connections the solution uses are secured."),
        q("sp05-sis", "IEC 62443-2-4 SP.05", 1, "The solution cannot weaken safety instrumented functions."),
        q("sp06-configuration", "IEC 62443-2-4 SP.06", 1, "Configuration changes are controlled, documented and traceable."),
        q("sp07-remote-access", "IEC 62443-2-4 SP.07", 2, "Any remote access by the supplier is approved, individually authenticated and logged."),
        q("sp08-events", "IEC 62443-2-4 SP.08", 2, "Security events of the service are logged and can be made available to us."),
        q("sp09-accounts", "IEC 62443-2-4 SP.09", 1, "Accounts are personal, least-privileged and removed when no longer needed."),
        q("sp10-malware", "IEC 62443-2-4 SP.10", 1, "What the supplier delivers or connects is protected against malware."),
        q("sp11-patching", "IEC 62443-2-4 SP.11", 1, "Security patches are qualified and delivered within agreed times."),
        q("sp12-backup", "IEC 62443-2-4 SP.12", 1, "Backup and restore of the solution's data and configuration are provided and tested."),
      ],
    },
  ],
};

/** Every published version, oldest first. Append; never edit or remove. */
export const questionnaireTemplates: readonly QuestionnaireTemplate[] = [aiSupplierV1];

export function findTemplate(options: { key: string; version: number }): QuestionnaireTemplate | undefined {
  return questionnaireTemplates.find((t) => t.key === options.key && t.version === options.version);
}

/** The newest version of each template key: what a new assessment is answered against. */
export function currentTemplates(): QuestionnaireTemplate[] {
  const latest = new Map<string, QuestionnaireTemplate>();
  for (const t of questionnaireTemplates) if ((latest.get(t.key)?.version ?? 0) < t.version) latest.set(t.key, t);
  return [...latest.values()];
}

export function templateQuestions(template: QuestionnaireTemplate): Question[] {
  return template.sections.flatMap((s) => s.questions);
}
