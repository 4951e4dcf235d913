// What the records explorer knows of one ledger record: the fields people filter and
// sort by, read from its signed envelope. Pure, so the projection can be checked
// without a database; lib/records/record-index.ts writes the rows.

export interface IndexRow {
  recordId: string;
  logId: string;
  seq: number;
  kind: string;
  at: string;
  plant: string | null;
  zone: string | null;
  workstation: string | null;
  device: string | null;
  operator: string | null;
  assurance: string | null;
  actor: string | null;
  destination: string | null;
  conduit: string | null;
  model: string | null;
  outcome: string | null;
  code: string | null;
  level: string | null;
  labels: string;
  callRecordId: string | null;
  leafHash: string;
  summary: string;
  result: string | null;
  durationMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

/** What a result record adds to its call's row. */
export type CallResult = Pick<IndexRow, "result" | "durationMs" | "inputTokens" | "outputTokens">;

export interface ProjectedRecord {
  row: IndexRow;
  labels: string[];
  /** The provider API path an ai_call or ai_call_denied names; only the traffic rollups keep it. */
  endpoint: string | null;
  /** For an ai_call_result: the call it completes and what it adds. */
  completes: { callRecordId: string; result: CallResult } | null;
}

/** Names people know things by, where the envelope holds an id (incident references). */
export interface ProjectionNames {
  incidentReference(id: string): string | undefined;
}

type Body = Record<string, unknown>;
type Context = { plant?: string | null; zone?: string | null; workstation?: string | null; device?: string | null; operator?: { id?: string | null; assurance?: string } };

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const short = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

export function projectRecord(options: {
  record: { id: string; logId: string; seq: number; kind: string; at: string; envelope: string; leafHash: string };
  names: ProjectionNames;
}): ProjectedRecord {
  const { record, names } = options;
  const body = envelopeBody(record.envelope);
  const row: IndexRow = {
    recordId: record.id,
    logId: record.logId,
    seq: record.seq,
    kind: record.kind,
    at: record.at,
    plant: null,
    zone: null,
    workstation: null,
    device: null,
    operator: null,
    assurance: null,
    actor: null,
    destination: null,
    conduit: null,
    model: null,
    outcome: null,
    code: null,
    level: null,
    labels: "",
    callRecordId: null,
    leafHash: record.leafHash,
    summary: "(unreadable envelope)",
    result: null,
    durationMs: null,
    inputTokens: null,
    outputTokens: null,
  };
  if (!body) return { row, labels: [], endpoint: null, completes: null };

  const context = (body.context ?? null) as Context | null;
  if (context) {
    row.plant = str(context.plant);
    row.zone = str(context.zone);
    row.workstation = str(context.workstation);
    row.device = str(context.device);
    row.operator = str(context.operator?.id);
    row.assurance = str(context.operator?.assurance);
  }
  row.actor = str((body.actor as { email?: unknown } | undefined)?.email);
  row.destination = str(body.destination);
  row.conduit = str(body.conduit);
  row.model = str(body.model);
  const classification = (body.classification ?? null) as { level?: unknown; labels?: Record<string, number> } | null;
  const labels = classification?.labels ? Object.keys(classification.labels).sort() : [];
  row.level = str(classification?.level);
  row.labels = labels.join(" ");
  row.callRecordId = str(body.callRecordId);

  let completes: ProjectedRecord["completes"] = null;
  switch (record.kind) {
    case "ai_call":
      row.outcome = str(body.outcome);
      break;
    case "ai_call_denied":
      row.outcome = "refused";
      row.code = str(body.code);
      break;
    case "ai_call_result": {
      row.outcome = str(body.outcome);
      const usage = (body.usage ?? {}) as { inputTokens?: unknown; outputTokens?: unknown };
      const result: CallResult = { result: row.outcome, durationMs: num(body.durationMs), inputTokens: num(usage.inputTokens), outputTokens: num(usage.outputTokens) };
      Object.assign(row, result);
      if (row.callRecordId) completes = { callRecordId: row.callRecordId, result };
      break;
    }
    case "oversight_decision": {
      row.outcome = str(body.decision);
      row.device = str(body.device);
      const operator = (body.operator ?? {}) as { id?: unknown; assurance?: unknown };
      row.operator = str(operator.id);
      row.assurance = str(operator.assurance);
      break;
    }
  }
  row.summary = summarize({ kind: record.kind, body, names });
  return { row, labels, endpoint: str(body.endpoint), completes };
}

// The index trusts the text the ledger wrote (verification checks it, not the index),
// so a plain parse suffices: the full envelope check would double the cost of indexing.
function envelopeBody(text: string): Body | null {
  try {
    const envelope = JSON.parse(text) as { body?: unknown } | null;
    return envelope && typeof envelope.body === "object" && envelope.body !== null && !Array.isArray(envelope.body) ? (envelope.body as Body) : null;
  } catch {
    return null;
  }
}

/** The endpoint a stored call's envelope names, for a later result's rollup (RecordIndex does not keep it). */
export function recordEndpoint(envelope: string): string | null {
  return str(envelopeBody(envelope)?.endpoint);
}

const noNames: ProjectionNames = { incidentReference: () => undefined };

/** The summary of a stored record, from its envelope text. */
export function summarizeRecord(options: { kind: string; envelope: string; names?: ProjectionNames }): string {
  const body = envelopeBody(options.envelope);
  return body ? summarize({ kind: options.kind, body, names: options.names ?? noNames }) : "(unreadable envelope)";
}

/** One line that says what a record is about, written for people. */
export function summarize(options: { kind: string; body: Body; names: ProjectionNames }): string {
  const { kind, body, names } = options;
  const actor = str((body.actor as { email?: unknown } | undefined)?.email) ?? "?";
  const device = str((body.context as Context | undefined)?.device) ?? str(body.device) ?? "unknown device";
  const incident = (id: unknown) => (typeof id === "string" ? (names.incidentReference(id) ?? short(id)) : "?");
  switch (kind) {
    case "admin_change": {
      const entity = body.entity as { type: string; id: string };
      const id = entity.type === "Incident" ? incident(entity.id) : short(entity.id);
      return `${actor}: ${String(body.summary || body.action)} · ${String(body.action)} ${entity.type} ${id}`;
    }
    case "ai_call": {
      const level = (body.classification as { level?: string } | undefined)?.level;
      return `${device} to ${String(body.destination)}, ${String(body.model ?? body.endpoint)}: ${String(body.outcome)}${level ? `, ${level}` : ""}`;
    }
    case "ai_call_denied":
      return `${device} to ${String(body.destination ?? "unknown destination")}: refused, ${String(body.code)}`;
    case "ai_call_result": {
      const status = (body.response as { status?: unknown } | undefined)?.status;
      const why = status !== null && status !== undefined ? `status ${String(status)}` : body.error ? String(body.error) : "no answer";
      return `${String(body.outcome)} (${why}) for call ${short(String(body.callRecordId))}`;
    }
    case "oversight_decision":
      return `${String(body.decision)} output of call ${short(String(body.callRecordId))}`;
    case "report_submission":
      return `${actor} submitted ${String(body.stage)} for incident ${incident(body.incidentId)}`;
    case "evidence_pack_generated":
      return body.outcome === "ready"
        ? `${actor} generated evidence pack "${String(body.name)}" (${Number(body.records).toLocaleString("en-GB")} records, SHA-256 ${String(body.sha256).slice(0, 12)}…)`
        : `${actor}'s evidence pack "${String(body.name)}" failed: ${String(body.error)}`;
    case "evidence_download":
      return `${actor} downloaded evidence pack ${String(body.packId)} (SHA-256 ${String(body.sha256).slice(0, 12)}…)`;
    case "records_export":
      return `${actor} exported records as ${String(body.format).toUpperCase()}${body.filter ? ` (${String(body.filter)})` : ""}`;
    default:
      return kind;
  }
}
