// Well-formed AI call records for ledger and explorer tests: a call, its result and a
// refusal, with the context the proxy writes.
import { uuidv7 } from "@/lib/ledger/log-writer";

const hash = (c: string) => c.repeat(64);

export interface CallFixture {
  device: string;
  plant?: string;
  zone?: string;
  workstation?: string | null;
  operator?: { id: string | null; assurance: "verified" | "asserted" | "none" };
  conduit?: string;
  destination?: string;
  model?: string;
  outcome?: "allowed" | "redacted" | "flagged";
  level?: "PUBLIC" | "INTERNAL" | "CONFIDENTIAL" | "RESTRICTED";
  labels?: Record<string, number>;
  at: number;
}

function context(f: CallFixture) {
  return {
    plant: f.plant ?? "augsburg",
    zone: f.zone ?? "augsburg-l3-operations",
    workstation: f.workstation === undefined ? "aug-hist-an01" : f.workstation,
    device: f.device,
    credential: "cred-1",
    application: "MaintainIQ 4.2",
    operator: f.operator ?? { id: null, assurance: "none" as const },
    purpose: "predictive-maintenance",
    sourceAddress: "10.30.4.21",
  };
}

/** An ai_call record with a chosen id (uuidv7 of its time) and its ai_call_result. */
export function callWithResult(f: CallFixture) {
  const id = uuidv7(f.at);
  const call = {
    id,
    kind: "ai_call" as const,
    body: {
      outcome: f.outcome ?? "allowed",
      context: context(f),
      conduit: f.conduit ?? "aug-l3-to-openai-eu",
      destination: f.destination ?? "openai-eu",
      provider: "OPENAI_COMPATIBLE",
      endpoint: "chat.completions",
      model: f.model ?? "gpt-4.1-mini",
      stream: false,
      classification: { level: f.level ?? "INTERNAL", labels: f.labels ?? {} },
      request: { sha256: hash("a"), bytes: 900 },
      forwarded: { sha256: hash("a"), bytes: 900 },
      flags: [],
    },
  };
  const result = {
    kind: "ai_call_result" as const,
    body: {
      callRecordId: id,
      outcome: "completed" as const,
      response: { sha256: hash("b"), bytes: 400, status: 200 },
      model: f.model ?? "gpt-4.1-mini",
      usage: { inputTokens: 120, outputTokens: 48 },
      finishReason: "stop",
      responseId: "chatcmpl-1",
      ttfbMs: 180,
      durationMs: 412.5,
      error: null,
    },
  };
  return { id, call, result };
}

export function refusal(f: CallFixture & { code: string }) {
  return {
    kind: "ai_call_denied" as const,
    body: {
      code: f.code,
      context: context(f),
      conduit: null,
      destination: f.destination ?? "openai-eu",
      endpoint: "chat.completions",
      model: f.model ?? "gpt-4.1-mini",
      classification: null,
      request: { sha256: hash("c"), bytes: 700 },
    },
  };
}
