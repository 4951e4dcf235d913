// The demo plant: a realistic, fictional manufacturer with two plants in two EU Member
// States, seeded on the first start of an empty database so that a newcomer finds
// zones, conduits, devices and AI destinations to look at, and NIS2 incidents whose
// steps are recorded in the ledger through `record`. Demo users get random passwords;
// none is compiled into the product. With `demoProvider`, the AI destinations point at
// the built-in demo provider and hold provider keys for it (set as an administrator
// sets them), so the devices' calls get answers; the calls themselves are seeded by
// proxy/demo/traffic.ts, which lib/ may not import.
import type { Db, Role } from "@/lib/db";
import { roles } from "@/lib/auth/roles";
import { randomBytes } from "node:crypto";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { setProviderKey } from "@/lib/destinations/provider-key";
import type { LedgerAppend } from "@/lib/incidents/incident-state";
import type { ProviderKeyCipher } from "@/lib/secrets/provider-keys";
import { seedDemoIncidents } from "@/lib/seed/demo-incidents";
import { seedDemoSuppliers } from "@/lib/seed/demo-suppliers";

export interface DemoLogin {
  role: Role;
  email: string;
  name: string;
  password: string;
}

const demoUsers: Record<Role, { email: string; name: string }> = {
  ADMIN: { email: "admin@nordwerk.example", name: "Jana Weber" },
  COMPLIANCE_OFFICER: { email: "compliance@nordwerk.example", name: "Miguel Santos" },
  CISO: { email: "ciso@nordwerk.example", name: "Katrin Hoffmann" },
  AUDITOR: { email: "auditor@nordwerk.example", name: "Pieter de Vries" },
  // A shift lead at the Augsburg hall 2 terminal, where the work-instruction copilot runs.
  OPERATOR: { email: "operator@nordwerk.example", name: "Lukas Brandt" },
};

const day = 24 * 60 * 60 * 1000;
// Some sixty inserts in one transaction: Prisma's defaults (2 s to start, 5 s to finish) are too short on a busy machine.
const seedTransaction = { maxWait: 30_000, timeout: 60_000 };

/** True when the database holds neither plants nor users: the only state the seed writes into. */
export async function isEmptyDatabase(options: { db: Db }): Promise<boolean> {
  const [plants, users] = await Promise.all([options.db.plant.count(), options.db.user.count()]);
  return plants === 0 && users === 0;
}

/**
 * Where each demo destination finds the demo provider, below its URL: under its own slug
 * (the provider takes the format from the path's end), plus the version segment its SDK
 * expects in an OpenAI-compatible base URL.
 */
export const demoProviderPaths: Record<string, string> = {
  "openai-eu": "/openai-eu/v1",
  anthropic: "/anthropic",
  "azure-openai-weu": "/azure-openai-weu",
  "google-gemini": "/google-gemini",
  "vision-onprem": "/vision-onprem",
};

export interface DemoProviderSetup {
  /** The demo provider's URL (config.demo.providerUrl), no trailing slash. */
  url: string;
  cipher: ProviderKeyCipher;
}

export async function seedDemoPlant(options: { db: Db; record: LedgerAppend; now?: Date; demoProvider?: DemoProviderSetup }): Promise<DemoLogin[]> {
  const now = options.now ?? new Date();
  const { demoProvider } = options;
  const baseUrl = (slug: string, real: string) => (demoProvider ? `${demoProvider.url}${demoProviderPaths[slug]}` : real);
  const logins: DemoLogin[] = roles.map((role) => ({ role, ...demoUsers[role], password: generatePassword() }));
  const hashes = await Promise.all(logins.map((l) => hashPassword(l.password)));

  await options.db.$transaction(async (tx) => {
    for (const [i, login] of logins.entries()) {
      await tx.user.create({
        data: { email: login.email, name: login.name, role: login.role, passwordHash: hashes[i] ?? null },
      });
    }

    // --- Plants -------------------------------------------------------------------
    const augsburg = await tx.plant.create({
      data: {
        slug: "augsburg",
        name: "Augsburg Gearbox Plant",
        operator: "Nordwerk Antriebstechnik GmbH",
        city: "Augsburg",
        memberState: "DE",
        timeZone: "Europe/Berlin",
        entityCategory: "IMPORTANT",
      },
    });
    const aveiro = await tx.plant.create({
      data: {
        slug: "aveiro",
        name: "Aveiro Casting Plant",
        operator: "Nordwerk Fundição Portugal, Lda.",
        city: "Aveiro",
        memberState: "PT",
        timeZone: "Europe/Lisbon",
        entityCategory: "IMPORTANT",
      },
    });

    // --- Zones (Purdue L1-L4, industrial DMZ) per plant -----------------------------
    const zone = (data: Parameters<typeof tx.zone.create>[0]["data"]) => tx.zone.create({ data });
    const plantZones = async (plant: { id: string; slug: string }, label: string) => ({
      l1: await zone({ slug: `${plant.slug}-l1-control`, name: `${label} L1 basic control`, description: "PLCs and safety controllers of the production lines.", kind: "OT", purdueLevel: "L1", slTarget: 3, slAchieved: 2, plantId: plant.id }),
      l2: await zone({ slug: `${plant.slug}-l2-supervisory`, name: `${label} L2 supervisory`, description: "HMIs, SCADA, line cameras and shop-floor terminals.", kind: "OT", purdueLevel: "L2", slTarget: 3, slAchieved: 2, plantId: plant.id }),
      l3: await zone({ slug: `${plant.slug}-l3-operations`, name: `${label} L3 operations`, description: "MES, historian and maintenance engineering.", kind: "OT", purdueLevel: "L3", slTarget: 2, slAchieved: 2, plantId: plant.id }),
      dmz: await zone({ slug: `${plant.slug}-dmz`, name: `${label} industrial DMZ`, description: "Brokers, patch and remote-access jump hosts between OT and IT.", kind: "DMZ", purdueLevel: "L3_5", slTarget: 3, slAchieved: 3, plantId: plant.id }),
      l4: await zone({ slug: `${plant.slug}-l4-enterprise`, name: `${label} L4 enterprise IT`, description: "ERP, office IT and planning.", kind: "ENTERPRISE", purdueLevel: "L4", slTarget: 2, slAchieved: null, plantId: plant.id }),
    });
    const za = await plantZones(augsburg, "Augsburg");
    const zv = await plantZones(aveiro, "Aveiro");

    // --- External AI zones and the on-premises vision service -----------------------
    const extOpenAi = await zone({ slug: "ext-openai-eu", name: "OpenAI (EU data residency)", description: "External AI provider zone.", kind: "EXTERNAL_AI", purdueLevel: "EXTERNAL", slTarget: 2 });
    const extAnthropic = await zone({ slug: "ext-anthropic", name: "Anthropic API", description: "External AI provider zone.", kind: "EXTERNAL_AI", purdueLevel: "EXTERNAL", slTarget: 2 });
    const extAzure = await zone({ slug: "ext-azure-weu", name: "Azure OpenAI West Europe", description: "External AI provider zone (Microsoft tenant of Nordwerk).", kind: "EXTERNAL_AI", purdueLevel: "EXTERNAL", slTarget: 2 });
    const extGemini = await zone({ slug: "ext-google-gemini", name: "Google Gemini API (EU)", description: "External AI provider zone (pilot).", kind: "EXTERNAL_AI", purdueLevel: "EXTERNAL", slTarget: 2 });

    // --- Suppliers (their chain, certifications and assessments: lib/seed/demo-suppliers.ts)
    const supplier = (data: Parameters<typeof tx.supplier.create>[0]["data"]) => tx.supplier.create({ data });
    const openAi = await supplier({ slug: "openai-ireland", name: "OpenAI Ireland Ltd", kind: "AI_PROVIDER", countries: JSON.stringify(["IE", "US"]), services: "Chat completions, embeddings" });
    const anthropic = await supplier({ slug: "anthropic-ireland", name: "Anthropic Ireland, Limited", kind: "AI_PROVIDER", countries: JSON.stringify(["IE", "US"]), services: "Messages API" });
    const microsoft = await supplier({ slug: "microsoft-ireland", name: "Microsoft Ireland Operations Ltd", kind: "CLOUD", countries: JSON.stringify(["NL", "IE"]), services: "Azure OpenAI Service, Azure hosting" });
    const google = await supplier({ slug: "google-cloud-emea", name: "Google Cloud EMEA Limited", kind: "AI_PROVIDER", countries: JSON.stringify(["IE", "DE", "NL"]), services: "Gemini API (pilot)" });
    const visionVendor = await supplier({ slug: "optiscan-vision", name: "OptiScan Vision Systems GmbH", kind: "OT_VENDOR", countries: JSON.stringify(["DE"]), services: "On-premises defect-detection model and line cameras" });

    // --- AI destinations ------------------------------------------------------------
    const destination = (data: Parameters<typeof tx.aiDestination.create>[0]["data"]) => tx.aiDestination.create({ data });
    const dOpenAi = await destination({ slug: "openai-eu", name: "OpenAI (EU)", provider: "OPENAI_COMPATIBLE", baseUrl: baseUrl("openai-eu", "https://eu.api.openai.com/v1"), region: "EU", zoneId: extOpenAi.id, supplierId: openAi.id });
    const dAnthropic = await destination({ slug: "anthropic", name: "Anthropic Claude", provider: "ANTHROPIC", baseUrl: baseUrl("anthropic", "https://api.anthropic.com"), region: "US", zoneId: extAnthropic.id, supplierId: anthropic.id });
    const dAzure = await destination({ slug: "azure-openai-weu", name: "Azure OpenAI West Europe", provider: "AZURE_OPENAI", baseUrl: baseUrl("azure-openai-weu", "https://nordwerk-weu.openai.azure.com"), region: "West Europe", zoneId: extAzure.id, supplierId: microsoft.id });
    const dGemini = await destination({ slug: "google-gemini", name: "Google Gemini API (EU)", provider: "GEMINI", baseUrl: baseUrl("google-gemini", "https://generativelanguage.googleapis.com"), region: "EU", zoneId: extGemini.id, supplierId: google.id });
    const dVision = await destination({ slug: "vision-onprem", name: "OptiScan defect model (on-premises)", provider: "GENERIC_INFERENCE", baseUrl: baseUrl("vision-onprem", "http://optiscan-infer.aug.nordwerk.internal:8080"), region: "Augsburg L3", zoneId: za.l3.id, supplierId: visionVendor.id });

    // --- Workstations and devices for the five AI workloads --------------------------
    const ws = (data: Parameters<typeof tx.workstation.create>[0]["data"]) => tx.workstation.create({ data });
    const wsHistorian = await ws({ name: "Historian analytics node", hostname: "aug-hist-an01", ipAddress: "10.30.4.21", plantId: augsburg.id, zoneId: za.l3.id, description: "Runs the spindle-wear and telemetry models next to the historian." });
    const wsCamera = await ws({ name: "Line 3 inspection station", hostname: "aug-qi-l3-cam01", ipAddress: "10.20.3.51", plantId: augsburg.id, zoneId: za.l2.id, description: "Camera PC at the end-of-line gear inspection." });
    const wsShift = await ws({ name: "Shift lead terminal, hall 2", hostname: "aug-hmi-h2-07", ipAddress: "10.20.2.17", plantId: augsburg.id, zoneId: za.l2.id, description: "Shared HMI terminal used by shift leads." });
    const wsMes = await ws({ name: "MES application server", hostname: "aug-mes-app01", ipAddress: "10.30.1.10", plantId: augsburg.id, zoneId: za.l3.id, description: "Production scheduling and order release." });
    const wsFurnace = await ws({ name: "Furnace monitoring PC", hostname: "avr-fur-mon02", ipAddress: "10.130.2.32", plantId: aveiro.id, zoneId: zv.l2.id, description: "Melt furnace telemetry and alarms." });
    const wsCasting = await ws({ name: "Casting inspection station", hostname: "avr-qi-cast01", ipAddress: "10.130.2.55", plantId: aveiro.id, zoneId: zv.l2.id, description: "X-ray and surface camera for castings." });
    const wsMaint = await ws({ name: "Maintenance office workstation", hostname: "avr-mnt-ws04", ipAddress: "10.130.3.44", plantId: aveiro.id, zoneId: zv.l3.id, description: "Maintenance planners and work-instruction authoring." });

    const device = (data: Parameters<typeof tx.device.create>[0]["data"]) => tx.device.create({ data });
    await device({ slug: "aug-pdm-spindle", name: "Spindle wear forecaster", workload: "PREDICTIVE_MAINTENANCE", application: "MaintainIQ 4.2", vendor: "Nordwerk Digital", defaultPurpose: "predictive-maintenance", plantId: augsburg.id, zoneId: za.l3.id, workstationId: wsHistorian.id });
    await device({ slug: "aug-anomaly-telemetry", name: "Telemetry anomaly triage", workload: "ANOMALY_DETECTION", application: "HistorianWatch 2.8", vendor: "Nordwerk Digital", defaultPurpose: "anomaly-triage", plantId: augsburg.id, zoneId: za.l3.id, workstationId: wsHistorian.id });
    await device({ slug: "aug-qi-camera-l3", name: "Gear surface inspection camera", workload: "QUALITY_INSPECTION", application: "OptiScan Inspect 7", vendor: "OptiScan Vision Systems", defaultPurpose: "quality-inspection", plantId: augsburg.id, zoneId: za.l2.id, workstationId: wsCamera.id });
    await device({ slug: "aug-wi-copilot", name: "Work-instruction copilot", workload: "WORK_INSTRUCTION_COPILOT", application: "ShopFloor Assist 1.6", vendor: "Nordwerk Digital", defaultPurpose: "work-instructions", plantId: augsburg.id, zoneId: za.l2.id, workstationId: wsShift.id });
    await device({ slug: "aug-mes-scheduler", name: "MES scheduling assistant", workload: "SCHEDULING", application: "MES Planner 11", vendor: "Nordwerk Digital", defaultPurpose: "production-scheduling", mayAssertOperator: true, plantId: augsburg.id, zoneId: za.l3.id, workstationId: wsMes.id });
    await device({ slug: "avr-pdm-furnace", name: "Furnace refractory wear model", workload: "PREDICTIVE_MAINTENANCE", application: "MaintainIQ 4.2", vendor: "Nordwerk Digital", defaultPurpose: "predictive-maintenance", plantId: aveiro.id, zoneId: zv.l2.id, workstationId: wsFurnace.id });
    await device({ slug: "avr-qi-casting", name: "Casting porosity inspection", workload: "QUALITY_INSPECTION", application: "OptiScan Inspect 7", vendor: "OptiScan Vision Systems", defaultPurpose: "quality-inspection", plantId: aveiro.id, zoneId: zv.l2.id, workstationId: wsCasting.id });
    await device({ slug: "avr-wi-copilot", name: "Maintenance instruction copilot", workload: "WORK_INSTRUCTION_COPILOT", application: "ShopFloor Assist 1.6", vendor: "Nordwerk Digital", defaultPurpose: "work-instructions", plantId: aveiro.id, zoneId: zv.l3.id, workstationId: wsMaint.id });

    // --- Conduits: the authorised zone-to-destination paths; one has expired ----------
    const [admin, compliance] = await Promise.all([
      tx.user.findUniqueOrThrow({ where: { email: demoUsers.ADMIN.email } }),
      tx.user.findUniqueOrThrow({ where: { email: demoUsers.COMPLIANCE_OFFICER.email } }),
    ]);
    // Set up when they became valid, months before the demo's traffic: their baselines learn from its first weeks.
    const conduit = (data: Parameters<typeof tx.conduit.create>[0]["data"]) => tx.conduit.create({ data: { createdAt: data.validFrom, ...data } });
    const list = (items: string[]) => JSON.stringify(items);
    const approved = { approvedById: compliance.id, approvedAt: new Date(now.getTime() - 120 * day) };
    await conduit({ slug: "aug-l3-to-openai-eu", reviewDueAt: new Date(now.getTime() + 60 * day), name: "Augsburg operations to OpenAI (EU)", justification: "Maintenance analytics summarise historian trends; no raw recipes leave the plant.", validFrom: new Date(now.getTime() - 120 * day), validUntil: new Date(now.getTime() + 245 * day), allowedPurposes: list(["predictive-maintenance", "anomaly-triage"]), allowedModels: list(["gpt-4.1-mini", "text-embedding-3-small"]), allowedEndpoints: list(["chat.completions", "embeddings"]), maxDataClass: "CONFIDENTIAL", overLimitAction: "REDACT", slTarget: 2, sourceZoneId: za.l3.id, destinationId: dOpenAi.id, ...approved });
    await conduit({ slug: "aug-l2-to-azure-copilot", reviewDueAt: new Date(now.getTime() + 9 * day), name: "Augsburg shop floor copilot to Azure OpenAI", justification: "Drafts work instructions for shift leads; operator identity required.", validFrom: new Date(now.getTime() - 90 * day), validUntil: new Date(now.getTime() + 275 * day), allowedPurposes: list(["work-instructions"]), allowedModels: list(["gpt-4o"]), allowedEndpoints: list(["chat.completions"]), maxDataClass: "INTERNAL", overLimitAction: "REDACT", slTarget: 3, sourceZoneId: za.l2.id, destinationId: dAzure.id, ...approved });
    await conduit({ slug: "aug-l2-to-vision-onprem", reviewDueAt: new Date(now.getTime() + 150 * day), name: "Augsburg line cameras to on-premises vision model", justification: "Product images stay on site; the model runs in L3.", validFrom: new Date(now.getTime() - 200 * day), validUntil: null, allowedPurposes: list(["quality-inspection"]), allowedModels: list([]), allowedEndpoints: list(["inference"]), maxDataClass: "RESTRICTED", overLimitAction: "FLAG", failMode: "OPEN", slTarget: 3, sourceZoneId: za.l2.id, destinationId: dVision.id, ...approved });
    // A pilot that flags rather than blocks: calls above INTERNAL go through and are flagged for review.
    await conduit({ slug: "aug-l3-to-gemini-anomaly", reviewDueAt: new Date(now.getTime() - 4 * day), name: "Augsburg telemetry triage to Gemini (pilot)", justification: "Second opinion on historian alarms during a three-month pilot; over-limit calls are flagged for the weekly review, not blocked.", validFrom: new Date(now.getTime() - 45 * day), validUntil: new Date(now.getTime() + 45 * day), allowedPurposes: list(["anomaly-triage"]), allowedModels: list(["gemini-2.5-flash*"]), allowedEndpoints: list(["generateContent", "streamGenerateContent"]), maxDataClass: "INTERNAL", overLimitAction: "FLAG", slTarget: 2, sourceZoneId: za.l3.id, destinationId: dGemini.id, ...approved });
    await conduit({ slug: "aug-l3-to-anthropic-scheduling", name: "Augsburg MES scheduling to Anthropic (pilot)", justification: "Six-month pilot of schedule explanations; ended, awaiting reassessment.", validFrom: new Date(now.getTime() - 196 * day), validUntil: new Date(now.getTime() - 12 * day), allowedPurposes: list(["production-scheduling"]), allowedModels: list(["claude-sonnet-4-5"]), allowedEndpoints: list(["messages"]), maxDataClass: "CONFIDENTIAL", overLimitAction: "BLOCK", slTarget: 2, sourceZoneId: za.l3.id, destinationId: dAnthropic.id, approvedById: admin.id, approvedAt: new Date(now.getTime() - 196 * day) });

    // --- Augsburg's own classification rules, beside the built-in labels (as in docs/inventory.example.yaml)
    await tx.classificationRule.create({ data: { plantId: augsburg.id, label: "customer_name", level: "CONFIDENTIAL", terms: list(["ZF Friedrichshafen", "Schaeffler", "Bosch Rexroth"]), description: "Key accounts named in quality reports and 8D reports." } });
    await tx.classificationRule.create({ data: { plantId: augsburg.id, label: "alloy_recipe", level: "RESTRICTED", pattern: "\\bAlSi\\d{1,2}(?:Cu\\d|Mg)\\b", flags: "i", description: "Casting alloy designations, which reveal the melt recipe." } });
    await conduit({ slug: "avr-l3-to-azure-copilot", reviewDueAt: new Date(now.getTime() + 45 * day), name: "Aveiro maintenance copilot to Azure OpenAI", justification: "Maintenance instructions in Portuguese and English.", validFrom: new Date(now.getTime() - 60 * day), validUntil: new Date(now.getTime() + 305 * day), allowedPurposes: list(["work-instructions"]), allowedModels: list(["gpt-4o", "gpt-4.1-mini"]), allowedEndpoints: list(["chat.completions"]), maxDataClass: "INTERNAL", overLimitAction: "REDACT", slTarget: 2, sourceZoneId: zv.l3.id, destinationId: dAzure.id, ...approved });
    await conduit({ slug: "avr-l2-to-openai-eu-pdm", reviewDueAt: new Date(now.getTime() + 80 * day), name: "Aveiro furnace analytics to OpenAI (EU)", justification: "Refractory wear summaries from furnace telemetry.", validFrom: new Date(now.getTime() - 30 * day), validUntil: new Date(now.getTime() + 335 * day), allowedPurposes: list(["predictive-maintenance"]), allowedModels: list(["gpt-4.1-mini"]), allowedEndpoints: list(["chat.completions"]), maxDataClass: "CONFIDENTIAL", overLimitAction: "BLOCK", slTarget: 3, sourceZoneId: zv.l2.id, destinationId: dOpenAi.id, ...approved });
    // The casting camera has no conduit yet: the proxy denies it until one is approved.

    await seedDemoSuppliers({ tx, now, author: compliance, approver: admin, suppliers: { openAi, anthropic, microsoft, google, visionVendor } });
  }, seedTransaction);

  if (demoProvider) {
    const admin = await options.db.user.findUniqueOrThrow({ where: { email: demoUsers.ADMIN.email }, select: { id: true, email: true, name: true, role: true } });
    // Any key does for the demo provider; each destination gets its own, as with real providers.
    for (const destination of Object.keys(demoProviderPaths)) {
      const apiKey = `demo-${destination}-${randomBytes(18).toString("base64url")}`;
      await setProviderKey({ db: options.db, record: options.record, actor: admin, cipher: demoProvider.cipher, destination, input: { apiKey } });
    }
  }

  const ciso = await options.db.user.findUniqueOrThrow({ where: { email: demoUsers.CISO.email }, select: { id: true, email: true, name: true, role: true } });
  await seedDemoIncidents({ db: options.db, record: options.record, ciso, now });
  return logins;
}

/** The text written to <data>/demo-logins.txt (owner-only) and printed once. */
export function formatDemoLogins(logins: DemoLogin[]): string {
  const width = Math.max(...logins.map((l) => l.email.length));
  const lines = logins.map((l) => `  ${l.role.padEnd(18)}  ${l.email.padEnd(width)}  ${l.password}`);
  return ["Demo sign-ins (role, e-mail, password):", ...lines].join("\n") + "\n";
}
