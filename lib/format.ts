// Display formats. Instants are shown in the plant's time zone with the zone named,
// so nobody has to guess which clock a deadline or expiry refers to.
export function formatDate(options: { date: Date; timeZone: string }): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: options.timeZone }).format(options.date);
}

export function formatDateTime(options: { date: Date; timeZone: string }): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: options.timeZone,
    timeZoneName: "short",
  }).format(options.date);
}

export const purdueLabels: Record<string, string> = {
  L0: "L0 process",
  L1: "L1 basic control",
  L2: "L2 supervisory",
  L3: "L3 operations",
  L3_5: "L3.5 industrial DMZ",
  L4: "L4 enterprise",
  EXTERNAL: "External",
};

export const providerLabels: Record<string, string> = {
  OPENAI_COMPATIBLE: "OpenAI-compatible",
  ANTHROPIC: "Anthropic",
  AZURE_OPENAI: "Azure OpenAI",
  GEMINI: "Google Gemini",
  GENERIC_INFERENCE: "Generic inference",
};

export const zoneKindLabels: Record<string, string> = {
  OT: "OT",
  DMZ: "DMZ",
  ENTERPRISE: "Enterprise IT",
  EXTERNAL_AI: "External AI",
};

export const recordKindLabels: Record<string, string> = {
  ai_call: "AI call",
  ai_call_result: "AI call result",
  ai_call_denied: "AI call denied",
  oversight_decision: "Oversight decision",
  admin_change: "Admin change",
  report_submission: "Report submission",
  evidence_pack_generated: "Evidence pack",
  evidence_download: "Evidence download",
  records_export: "Records export",
};

export function humanize(value: string): string {
  const lower = value.replace(/_/g, " ").toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}
