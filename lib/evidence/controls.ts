// The control map of an evidence pack: for each IEC 62443-3-3 system requirement and
// NIS2 provision that AI traffic across a conduit touches, what it asks (in our own
// words: the standards' wording is not ours to ship), which files of the pack evidence
// it, and how far the pack's content shows it met. Pure: judged from PackContent alone,
// so the PDF's table and the bundle's index.html say the same.
//
// A status is "met" when the pack shows what the control asks for the scope, "partial"
// when it shows part of it or shows it with exceptions, "gap" when it shows the control
// failed, and "not_applicable" when the scope holds nothing the control is about. Each
// comes with a reason naming the numbers behind it.
import type { PackConduit, PackContent } from "@/lib/evidence/pack-content";

export type ControlFramework = "IEC 62443-3-3" | "NIS2";
export type ControlStatusName = "met" | "partial" | "gap" | "not_applicable";

export interface ControlStatus {
  /** "SR 1.1", "Art. 21(2)(b)": unique within its framework. */
  id: string;
  framework: ControlFramework;
  title: string;
  /** What it asks, in one sentence of our own. */
  asks: string;
  /** Paths in the pack, a PDF section as a named destination ("evidence.pdf#nameddest=summary"). */
  evidenceFiles: string[];
  status: ControlStatusName;
  reason: string;
}

export const controlStatusLabels: Record<ControlStatusName, string> = {
  met: "Met",
  partial: "Partial",
  gap: "Gap",
  not_applicable: "Not applicable",
};

/** The PDF's sections, each a named destination (and bookmark) of evidence.pdf. */
export const pdfSections = {
  cover: "Cover",
  summary: "Summary",
  inventory: "Conduit inventory",
  suppliers: "AI supplier chain",
  incidents: "Incidents and NIS2 deadlines",
  anomalies: "Anomalies",
  controls: "Control map",
  appendix: "Record appendix",
  checkpoints: "Checkpoints",
  verify: "How to verify",
} as const;
export type PdfSection = keyof typeof pdfSections;

const pdf = (section: PdfSection) => `evidence.pdf#nameddest=${section}`;

/** What the pack holds besides the content: the logs with a checkpoint note, and those with a consistency proof. */
interface PackFiles {
  checkpoints: string[];
  consistency: string[];
}

type Evidence = "records" | "proofs" | "checkpoints" | "consistency" | "keys" | "manifest" | "verify" | PdfSection;

function evidenceFiles(options: { evidence: Evidence[]; files: PackFiles }): string[] {
  return options.evidence.flatMap((e) => {
    switch (e) {
      case "records":
        return ["records.jsonl"];
      case "proofs":
        return ["proofs.jsonl"];
      case "keys":
        return ["keys.json"];
      case "manifest":
        return ["manifest.json"];
      case "verify":
        return ["VERIFY.md"];
      case "checkpoints":
        return options.files.checkpoints.map((logId) => `checkpoints/${logId}.note`);
      case "consistency":
        return options.files.consistency.map((logId) => `consistency/${logId}.json`);
      default:
        return [pdf(e)];
    }
  });
}

type Verdict = { status: ControlStatusName; reason: string };

interface ControlDefinition {
  id: string;
  framework: ControlFramework;
  title: string;
  asks: string;
  evidence: Evidence[];
  assess(content: PackContent): Verdict;
}

const count = (n: number) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;
const percent = (share: number) => `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
const listed = (items: string[], max = 4) => (items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`);
const met = (reason: string): Verdict => ({ status: "met", reason });
const partial = (reasons: string[]): Verdict => ({ status: "partial", reason: reasons.join(" ") });
const gap = (reasons: string[]): Verdict => ({ status: "gap", reason: reasons.join(" ") });
const notApplicable = (reason: string): Verdict => ({ status: "not_applicable", reason });

/** Workloads a person works with directly: their calls should name the operator. */
const personWorkloads = new Set(["WORK_INSTRUCTION_COPILOT"]);

function uncoveredLogs(content: PackContent) {
  return content.logs.filter((l) => l.records > 0 && !l.covered);
}

function uncoveredText(content: PackContent): string[] {
  return uncoveredLogs(content).map((l) =>
    l.checkpoint
      ? `Records of log ${l.logId} from sequence ${count(l.checkpoint.treeSize)} on await a checkpoint (their own signatures vouch for them until one is written).`
      : `Log ${l.logId} has no signed checkpoint yet; its records rest on their own signatures.`,
  );
}

const definitions: ControlDefinition[] = [
  {
    id: "SR 1.1",
    framework: "IEC 62443-3-3",
    title: "Identifying and authenticating people",
    asks: "Every person who acts through the system is known individually and proves who they are before acting.",
    evidence: ["records", "summary"],
    assess(content) {
      const { identity, oversight, ledgerActivity } = content.summary;
      if (identity.calls === 0 && oversight.decisions === 0 && ledgerActivity.adminChanges === 0) return notApplicable("No AI calls, operator decisions or administrative changes in scope.");
      const naming = identity.operatorVerified + identity.operatorAsserted;
      const unnamed = identity.byDevice.filter((d) => d.workload !== null && personWorkloads.has(d.workload) && d.operatorNone > 0);
      const problems: string[] = [];
      if (identity.operatorAsserted > 0) problems.push(`${plural(identity.operatorAsserted, "call")} of ${count(naming)} that name an operator carry only an id the device asserts, not a signed assertion the proxy verified.`);
      if (unnamed.length > 0) {
        const calls = unnamed.reduce((n, d) => n + d.operatorNone, 0);
        problems.push(`${plural(calls, "call")} of person-facing copilots (${listed(unnamed.map((d) => d.device))}) name no operator.`);
      }
      if (problems.length > 0) return partial(problems);
      return met(
        `${naming === 0 ? "No call in scope names an operator" : `All ${plural(naming, "call")} that name an operator carry a signed assertion the proxy verified`}; the ${plural(ledgerActivity.adminChanges, "administrative change")} in the time range each name the signed-in person who made it.`,
      );
    },
  },
  {
    id: "SR 1.2",
    framework: "IEC 62443-3-3",
    title: "Identifying and authenticating devices and software",
    asks: "Each software process and device that calls through a conduit is known individually and proves its identity with its own credential.",
    evidence: ["records", "summary", "inventory", "anomalies"],
    assess(content) {
      const { identity } = content.summary;
      if (identity.calls === 0) return notApplicable("No AI calls in scope.");
      const problems: string[] = [];
      if (identity.deviceCoverage !== null && identity.verifiedDevice < identity.calls) {
        problems.push(`${percent(identity.deviceCoverage)} of ${plural(identity.calls, "call")} came with a valid device token; the other ${count(identity.calls - identity.verifiedDevice)} were refused without one.`);
      }
      const shared = content.anomalies.filter((a) => a.kind === "shared_device_token");
      if (shared.length > 0) problems.push(`A device token was used from several addresses (${listed(shared.map((a) => a.device?.slug ?? a.tokenPrefix ?? "unknown device"))}), so its calls do not identify one device.`);
      if (problems.length > 0) return partial(problems);
      return met(`Every one of the ${plural(identity.calls, "call")} came from a device identified by its own token, used from one place.`);
    },
  },
  {
    id: "SR 1.5",
    framework: "IEC 62443-3-3",
    title: "Managing authenticators",
    asks: "Keys, tokens and passwords are issued, replaced, withdrawn and protected under control for as long as they exist.",
    evidence: ["records", "inventory", "anomalies"],
    assess(content) {
      const devices = content.inventory.devices;
      if (devices.length === 0) return notApplicable("No devices in scope.");
      const tokens = devices.reduce((t, d) => ({ active: t.active + d.tokens.active, revoked: t.revoked + d.tokens.revoked, expired: t.expired + d.tokens.expired, open: t.open + d.tokens.activeWithoutExpiry }), { active: 0, revoked: 0, expired: 0, open: 0 });
      const stillShared = content.anomalies.filter((a) => a.kind === "shared_device_token" && a.tokenRevoked === false);
      if (stillShared.length > 0) return gap([`A token used from several addresses is still active (${listed(stillShared.map((a) => `${a.device?.slug ?? "?"}, ${a.tokenPrefix ?? "?"}…`))}).`]);
      const changes = `${plural(content.summary.ledgerActivity.credentialChanges, "token change")} in the time range are in the ledger.`;
      if (tokens.open > 0) {
        const without = devices.filter((d) => d.tokens.activeWithoutExpiry > 0).map((d) => d.slug);
        return partial([`${plural(tokens.open, "active token")} never expire (${listed(without)}).`, changes]);
      }
      return met(`Devices in scope hold ${plural(tokens.active, "active token")}, each with an expiry date; ${count(tokens.revoked)} revoked, ${count(tokens.expired)} expired. ${changes}`);
    },
  },
  {
    id: "SR 2.8",
    framework: "IEC 62443-3-3",
    title: "Audit records of security events",
    asks: "Security-relevant events, such as access decisions, refusals and configuration changes, each leave an audit record.",
    evidence: ["records", "proofs", "checkpoints", "appendix"],
    assess(content) {
      const { records, refused } = content.summary;
      if (records === 0) return notApplicable("No records in scope.");
      const uncovered = uncoveredText(content);
      if (uncovered.length > 0) return partial(uncovered);
      return met(`All ${plural(records, "record")} in scope, ${count(refused)} refusals among them, are signed, chained and lie under a signed checkpoint of their log.`);
    },
  },
  {
    id: "SR 2.9",
    framework: "IEC 62443-3-3",
    title: "Audit storage",
    asks: "There is room to keep the audit records, and someone is warned before that room runs out.",
    evidence: ["checkpoints", "anomalies"],
    assess(content) {
      if (content.summary.records === 0) return notApplicable("No records in scope.");
      const beyond = content.anomalies.filter((a) => a.kind === "unidentified_caller").reduce((n, a) => n + a.count, 0);
      // Without a plant or conduit filter a log's records in scope are a run of sequence numbers; a hole would show.
      const whole = content.scope.plants.length === 0 && content.scope.conduits.length === 0;
      const holes = content.logs.filter((l) => l.firstSeq !== null && l.lastSeq !== null && l.lastSeq - l.firstSeq + 1 !== l.records);
      if (whole && holes.length > 0) return gap([`Sequence numbers are missing from the records in scope of ${listed(holes.map((l) => l.logId))}.`]);
      return partial([
        whole ? `The ${plural(content.summary.records, "record")} in scope follow one another in each log without a gap in sequence numbers.` : `The pack holds ${plural(content.summary.records, "record")} of ${plural(content.logs.length, "log")}.`,
        beyond > 0 ? `${plural(beyond, "attempt")} without a valid token beyond the per-address budget were counted, not recorded, so junk callers cannot fill the ledger.` : "Attempts without a valid token are recorded only up to a per-address budget, so junk callers cannot fill the ledger.",
        "Free storage and a warning before it runs out are not measured in this pack.",
      ]);
    },
  },
  {
    id: "SR 2.10",
    framework: "IEC 62443-3-3",
    title: "Responding when auditing fails",
    asks: "When audit records cannot be written, the system reacts in a defined way, such as raising an alarm or refusing to carry on.",
    evidence: ["inventory", "records"],
    assess(content) {
      const conduits = content.inventory.conduits;
      if (conduits.length === 0) return notApplicable("No conduits in scope.");
      const closed = conduits.filter((c) => c.failMode === "CLOSED");
      const open = conduits.filter((c) => c.failMode === "OPEN");
      const undocumented = open.filter((c) => c.justification.trim() === "");
      const unavailable = content.summary.refusalsByCode.find((r) => r.key === "ledger_unavailable")?.count ?? 0;
      const refusals = unavailable > 0 ? ` ${plural(unavailable, "call was", "calls were")} refused because the ledger could not write.` : "";
      if (undocumented.length > 0) return partial([`${listed(undocumented.map((c) => c.slug))} ${undocumented.length === 1 ? "fails" : "fail"} open without a recorded justification.${refusals}`]);
      return met(
        `${plural(closed.length, "conduit")} fail closed (a call is refused when its record cannot be written first)${open.length > 0 ? `; ${listed(open.map((c) => c.slug))} ${open.length === 1 ? "fails" : "fail"} open by a documented decision, spooling records to disk until the ledger takes them` : ""}.${refusals}`,
      );
    },
  },
  {
    id: "SR 2.11",
    framework: "IEC 62443-3-3",
    title: "Time stamps",
    asks: "Audit records carry times taken from a clock that is kept in step with a common reference.",
    evidence: ["records", "checkpoints"],
    assess(content) {
      if (content.summary.records === 0) return notApplicable("No records in scope.");
      return partial([
        "Each record carries the UTC time of the writer that signed it, and each checkpoint signs its own time.",
        "The pack cannot show that the writers' clocks were synchronised to a reference.",
      ]);
    },
  },
  {
    id: "SR 2.12",
    framework: "IEC 62443-3-3",
    title: "Non-repudiation",
    asks: "An action can later be attributed to the person who took it, firmly enough that they cannot credibly deny it.",
    evidence: ["records", "keys", "summary"],
    assess(content) {
      const { oversight, ledgerActivity } = content.summary;
      if (oversight.decisions === 0 && ledgerActivity.adminChanges === 0) return notApplicable("No operator decisions or administrative changes in scope.");
      const weak = oversight.operatorAsserted + oversight.operatorNone;
      if (weak > 0) return partial([`${plural(weak, "oversight decision")} of ${count(oversight.decisions)} ${weak === 1 ? "names" : "name"} no operator verified by signature (${count(oversight.operatorAsserted)} asserted by the device, ${count(oversight.operatorNone)} none).`]);
      return met(`Each of the ${plural(oversight.decisions, "oversight decision")} names an operator verified by signature, each administrative change its signed-in author, and every record is signed with its log's key.`);
    },
  },
  {
    id: "SR 3.9",
    framework: "IEC 62443-3-3",
    title: "Protecting audit information",
    asks: "Audit records are shielded from being read, altered or removed by anyone without the right to.",
    evidence: ["records", "proofs", "checkpoints", "consistency", "keys", "manifest"],
    assess(content) {
      if (content.summary.records === 0) return notApplicable("No records in scope.");
      const failed = content.logs.filter((l) => l.lastVerification && !l.lastVerification.ok);
      if (failed.length > 0) return gap([`The latest ledger verification found problems in ${listed(failed.map((l) => l.logId))}.`]);
      const uncovered = uncoveredText(content);
      if (uncovered.length > 0) return partial(uncovered);
      return met("Records are hash-chained and signed; signed checkpoints commit to every one of them, each has an inclusion proof, and the signed manifest covers every file, so any change to a byte is detected offline.");
    },
  },
  {
    id: "SR 5.2",
    framework: "IEC 62443-3-3",
    title: "Zone boundary protection",
    asks: "Traffic crossing a zone boundary is watched and controlled, and whatever is not expressly allowed is refused.",
    evidence: ["inventory", "summary", "records"],
    assess(content) {
      const { summary } = content;
      const conduits = content.inventory.conduits;
      if (summary.calls === 0 && conduits.length === 0) return notApplicable("No conduits and no AI calls in scope.");
      // A forwarded call the listed conduits do not account for went through a path the inventory does not show.
      const unlisted = summary.forwarded - conduits.reduce((n, c) => n + c.calls.forwarded, 0);
      if (unlisted > 0) return gap([`${plural(unlisted, "forwarded call")} went through no conduit of the inventory.`]);
      const flaggedBy = conduits.filter((c) => c.calls.flagged > 0);
      const unapproved = conduits.filter((c) => c.calls.forwarded > 0 && c.approvedAt === null);
      const problems: string[] = [];
      const { overdue, dueSoon } = conduitReviews({ conduits, asOf: content.asOf });
      if (overdue.length > 0) problems.push(`The periodic review of ${listed(overdue.map((c) => c.slug))} ${overdue.length === 1 ? "is" : "are"} overdue.`);
      if (summary.flagged > 0) problems.push(`${plural(summary.flagged, "call")} above the conduit's data limit ${summary.flagged === 1 ? "was" : "were"} forwarded and flagged rather than blocked (${listed(flaggedBy.map((c) => c.slug))}).`);
      if (unapproved.length > 0) problems.push(`${listed(unapproved.map((c) => c.slug))} carried calls without a recorded approval.`);
      const denied = `${plural(summary.refused, "attempt")} ${summary.refused === 1 ? "was" : "were"} refused, ${count(summary.unauthorisedFlows.attempts)} of them on paths no conduit authorises.`;
      const soon = dueSoon.length > 0 ? ` ${plural(dueSoon.length, "conduit review")} ${dueSoon.length === 1 ? "falls" : "fall"} due within ${reviewWarningDays} days (${listed(dueSoon.map((c) => c.slug))}).` : "";
      if (problems.length > 0) return partial([...problems, denied + soon]);
      return met(`Every forwarded call (${count(summary.forwarded)}) passed an approved conduit within its data limit; ${denied}${soon}`);
    },
  },
  {
    id: "SR 6.1",
    framework: "IEC 62443-3-3",
    title: "Read access to audit records",
    asks: "Authorised people and tools can read the audit records without being able to change them.",
    evidence: ["records", "keys", "verify"],
    assess(content) {
      const auditors = content.access.usersByRole.find((r) => r.key === "AUDITOR")?.count ?? 0;
      const reads = `${plural(content.summary.ledgerActivity.exports, "export")} of records and ${plural(content.summary.ledgerActivity.packDownloads, "download")} of packs in the time range are themselves recorded.`;
      if (auditors === 0) return partial(["No account holds the read-only auditor role.", reads]);
      return met(`${plural(auditors, "account")} ${auditors === 1 ? "holds" : "hold"} the read-only auditor role; ${reads} This pack is checked without access to the server.`);
    },
  },
  {
    id: "SR 6.2",
    framework: "IEC 62443-3-3",
    title: "Continuous monitoring",
    asks: "The boundary is watched without interruption, so that attacks and misuse are noticed while they happen.",
    evidence: ["anomalies", "summary", "records"],
    assess(content) {
      if (content.summary.calls === 0 && content.anomalies.length === 0) return notApplicable("No AI calls and no anomalies in scope.");
      const serious = content.anomalies.filter((a) => a.kind === "shared_device_token" || a.kind === "unidentified_caller");
      const unfollowed = serious.filter((a) => a.incidents.length === 0);
      const seen = `The proxy inspected every one of the ${plural(content.summary.calls, "call")} in scope and raised ${plural(content.anomalies.length, "anomaly", "anomalies")}.`;
      if (unfollowed.length > 0) return partial([seen, `${plural(unfollowed.length, "shared-token or unidentified-caller anomaly", "shared-token or unidentified-caller anomalies")} ${unfollowed.length === 1 ? "is" : "are"} linked to no incident.`]);
      return met(`${seen}${serious.length > 0 ? " Each shared-token and unidentified-caller anomaly is linked to an incident." : ""}`);
    },
  },
  {
    id: "Art. 21(2)(b)",
    framework: "NIS2",
    title: "Incident handling",
    asks: "The entity has a working way to detect, assess, contain and learn from incidents.",
    evidence: ["incidents", "anomalies"],
    assess(content) {
      const incidents = content.incidents;
      if (incidents.length === 0) return notApplicable(`No incident in scope; ${plural(content.anomalies.length, "anomaly", "anomalies")} in scope.`);
      const unassessed = incidents.filter((i) => i.significance === null);
      const problems = incidents.filter((i) => i.deadlineProblem !== null);
      const reasons: string[] = [];
      if (unassessed.length > 0) reasons.push(`${listed(unassessed.map((i) => i.reference))} ${unassessed.length === 1 ? "has" : "have"} no significance assessment.`);
      for (const i of problems) reasons.push(`${i.reference}: ${i.deadlineProblem}`);
      if (reasons.length > 0) return partial(reasons);
      const contained = incidents.filter((i) => i.containedAt !== null).length;
      return met(`${plural(incidents.length, "incident")} in scope ${incidents.length === 1 ? "was" : "were"} detected, assessed for significance and tracked; ${count(contained)} contained, ${count(incidents.reduce((n, i) => n + i.evidence.length, 0))} pieces of evidence linked.`);
    },
  },
  {
    id: "Art. 21(2)(d)",
    framework: "NIS2",
    title: "Supply-chain security",
    asks: "The security of relationships with suppliers and service providers, down to what they do with the entity's data, is managed and assessed.",
    evidence: ["suppliers"],
    assess(content) {
      const { suppliers, alerts } = content.suppliers;
      if (suppliers.length === 0) return notApplicable("No supplier receives data through the conduits in scope.");
      const above = alerts.filter((a) => a.kind === "data_above_approved");
      if (above.length > 0) return gap(above.map((a) => a.message));
      const weak = alerts.filter((a) => a.kind === "reassessment_overdue" || a.kind === "unassessed_link" || a.kind === "certification_expired");
      if (weak.length > 0) return partial(weak.map((a) => a.message));
      return met(`All ${plural(suppliers.length, "supplier")} in the chains of the conduits in scope hold an approved assessment in force that covers the data they receive.`);
    },
  },
  {
    id: "Art. 21(2)(h)",
    framework: "NIS2",
    title: "Cryptography",
    asks: "Cryptography and encryption are used by policy wherever they protect data and systems.",
    evidence: ["keys", "manifest", "checkpoints", "inventory"],
    assess(content) {
      const plain = content.inventory.conduits.filter((c) => c.destination.transport === "plain");
      const base = "Records are signed (Ed25519) and chained (SHA-256), checkpoints and the manifest are signed, and provider keys are kept encrypted (AES-256-GCM).";
      if (plain.length > 0) return partial([base, `Calls to ${listed([...new Set(plain.map((c) => c.destination.slug))])} travel without TLS.`]);
      return met(`${base} Every destination in scope is reached over TLS or on the proxy's own host.`);
    },
  },
  {
    id: "Art. 21(2)(i)",
    framework: "NIS2",
    title: "People, access control and assets",
    asks: "Staff security, control over who may reach what, and an up-to-date inventory of the assets involved.",
    evidence: ["inventory", "records"],
    assess(content) {
      const { devices, conduits } = content.inventory;
      if (devices.length === 0 && conduits.length === 0) return notApplicable("No devices and no conduits in scope.");
      const unapproved = conduits.filter((c) => c.approvedAt === null);
      const roles = content.access.usersByRole.map((r) => `${count(r.count)} ${r.key.toLowerCase().replace(/_/g, " ")}`).join(", ");
      if (unapproved.length > 0) return partial([`${listed(unapproved.map((c) => c.slug))} ${unapproved.length === 1 ? "has" : "have"} no recorded approval.`, `Accounts by role: ${roles}.`]);
      return met(`The inventory lists ${plural(devices.length, "device")} with identities of their own and ${plural(conduits.length, "conduit")}, each approved by a named person; access follows roles (${roles}).`);
    },
  },
  {
    id: "Art. 21(2)(j)",
    framework: "NIS2",
    title: "Strong authentication and protected communication",
    asks: "Sign-in with more than one factor, or continuous authentication, where it matters, and communication channels that are protected.",
    evidence: ["inventory", "records", "summary"],
    assess(content) {
      const plain = content.inventory.conduits.filter((c) => c.destination.transport === "plain");
      const { identity } = content.summary;
      const reasons = ["The pack holds no evidence of multi-factor sign-in to the application."];
      if (identity.operatorVerified > 0) reasons.push(`${plural(identity.operatorVerified, "call")} carry a short-lived operator assertion signed for the person at the terminal.`);
      reasons.push(plain.length > 0 ? `Calls to ${listed([...new Set(plain.map((c) => c.destination.slug))])} travel without TLS.` : "Every destination in scope is reached over TLS or on the proxy's own host.");
      return partial(reasons);
    },
  },
  {
    id: "Art. 23",
    framework: "NIS2",
    title: "Reporting significant incidents",
    asks: "A significant incident is reported in stages: an early warning within 24 hours of awareness, a notification within 72 hours, and a final report within a month of the notification.",
    evidence: ["incidents", "records"],
    assess(content) {
      const reportable = content.incidents.filter((i) => i.reportable);
      if (reportable.length === 0) return notApplicable(content.incidents.length === 0 ? "No incident in scope." : "No incident in scope was assessed as significant: none owes reports.");
      const missed = reportable.flatMap((i) => i.deadlines.filter((d) => d.missed).map((d) => `${i.reference}: the ${stageName(d.stage)} ${d.status === "overdue" ? `due ${shortInstant(d.dueAt)} is overdue` : `due ${shortInstant(d.dueAt)} was sent late, ${shortInstant(d.submittedAt)}`}.`));
      if (missed.length > 0) return gap(missed);
      const unknown = reportable.filter((i) => i.deadlineProblem !== null);
      if (unknown.length > 0) return partial(unknown.map((i) => `${i.reference}: deadlines could not be computed (${i.deadlineProblem}).`));
      const deadlines = reportable.flatMap((i) => i.deadlines);
      const sent = deadlines.filter((d) => d.status === "met").length;
      const open = deadlines.length - sent;
      return met(`${plural(sent, "report")} of ${plural(reportable.length, "incident")} ${sent === 1 ? "was" : "were"} sent in time; none is overdue${open > 0 ? `, ${count(open)} not yet due` : ""}.`);
    },
  },
];

const stageNames: Record<string, string> = { EARLY_WARNING: "early warning", NOTIFICATION: "notification", INTERMEDIATE: "intermediate report", PROGRESS: "progress report", FINAL: "final report" };
const stageName = (stage: string) => stageNames[stage] ?? stage;
const shortInstant = (at: string | null) => (at ? `${at.slice(0, 16).replace("T", " ")} UTC` : "(not set)");

/** Every control the map covers, in the order it is printed. */
export const controlIds = definitions.map((d) => ({ id: d.id, framework: d.framework }));

/**
 * The control map of a pack: each control with its evidence files and its status.
 * `consistencyLogs` names the logs the pack carries a consistency proof for (there is
 * one only when a previous pack of the same scope exists).
 */
export function controlMap(content: PackContent, options: { consistencyLogs?: string[] } = {}): ControlStatus[] {
  const files: PackFiles = { checkpoints: content.logs.filter((l) => l.records > 0).map((l) => l.logId), consistency: [...(options.consistencyLogs ?? [])].sort() };
  return definitions.map((d) => {
    const verdict = d.assess(content);
    return { id: d.id, framework: d.framework, title: d.title, asks: d.asks, evidenceFiles: evidenceFiles({ evidence: d.evidence, files }), status: verdict.status, reason: verdict.reason };
  });
}

/**
 * The map as the bundle's index.html takes it (lib/evidence/bundle/format.ts, Control):
 * the framework in the id, the status as a word. Its schema holds no reason; the PDF does.
 */
export function indexControls(statuses: readonly ControlStatus[]): { id: string; title: string; asks: string; evidenceFiles: string[]; status: string }[] {
  return statuses.map((c) => ({ id: `${c.framework} ${c.id}`, title: c.title, asks: c.asks, evidenceFiles: c.evidenceFiles, status: controlStatusLabels[c.status] }));
}

const reviewWarningDays = 30;

/** Conduits still in use whose periodic review has passed, or falls due within reviewWarningDays. */
export function conduitReviews(options: { conduits: PackConduit[]; asOf: string }) {
  const asOf = Date.parse(options.asOf);
  const live = options.conduits.filter((c) => c.status !== "RETIRED" && c.reviewDueAt !== null);
  return {
    overdue: live.filter((c) => Date.parse(c.reviewDueAt!) <= asOf),
    dueSoon: live.filter((c) => Date.parse(c.reviewDueAt!) > asOf && Date.parse(c.reviewDueAt!) - asOf < reviewWarningDays * 86_400_000),
  };
}
