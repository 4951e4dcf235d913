// The records explorer's filter, as it travels in a URL: /records?device=aug-wi-copilot&
// outcome=refused&from=2026-11-02T06:00&tz=Europe/Berlin. The page, the API and the
// export read the same parameters, so a filtered view is shareable and its export holds
// exactly the rows on screen. A parameter that is not understood is refused, naming it,
// rather than ignored: an auditor must never get a wider export than the one asked for.
import { AppError } from "@/lib/errors";
import { instantFromWallInput } from "@/lib/incidents/wall-input";
import { recordKinds } from "@/lib/ledger/record";

export const dataClasses = ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"] as const;
export const recordOutcomes = [
  "allowed",
  "redacted",
  "flagged",
  "refused",
  "completed",
  "failed",
  "timed_out",
  "client_aborted",
  "accepted",
  "edited",
  "rejected",
  "escalated",
] as const;

/** Filters that match one index column exactly, in the order the explorer shows them. */
export const exactFields = ["plant", "zone", "workstation", "device", "operator", "destination", "conduit", "model", "outcome", "level", "label", "kind", "log"] as const;
export type ExactField = (typeof exactFields)[number];

export interface RecordFilter extends Partial<Record<ExactField, string>> {
  /** Inclusive start and exclusive end, as ISO 8601 UTC instants. */
  from?: string;
  to?: string;
  /** A record id or a leaf hash. */
  q?: string;
}

export type RecordSort = "newest" | "oldest";

export interface RecordQuery {
  filter: RecordFilter;
  sort: RecordSort;
  /** Keyset cursor: the last row of the previous page. */
  after: { at: string; recordId: string } | null;
  /** The zone that from/to were given in (echoed in the form). */
  timeZone: string;
}

/** Parameters that shape the view, not the rows. */
const viewParams = new Set(["columns"]);
const maxQueryLength = 4096;
const maxValueLength = 300;

export function badRequest(field: string, message: string): AppError {
  return new AppError({ code: "bad_request", message: `${field}: ${message}`, issues: [{ path: field, message }] });
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An instant from a datetime-local value (or a date) in `timeZone`, or from a full ISO 8601 instant with its offset; a 400 naming `field` otherwise. */
export function parseInstant(options: { field: string; value: string; timeZone: string }): string {
  const { field, value, timeZone } = options;
  if (/(?:Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const date = new Date(value);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(date.getTime())) return date.toISOString();
  } else {
    const local = instantFromWallInput(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : value, timeZone);
    if (local) return local;
  }
  throw badRequest(field, `"${value.slice(0, 40)}" is not a date and time (use 2026-11-02T06:00, read in the time zone tz, or an ISO 8601 instant with an offset).`);
}

function cursor(value: string): RecordQuery["after"] {
  const text = Buffer.from(value, "base64url").toString("utf8");
  const [at, recordId, ...rest] = text.split("|");
  if (!at || !recordId || rest.length > 0 || Number.isNaN(Date.parse(at))) throw badRequest("after", "is not a page cursor this explorer made.");
  return { at, recordId };
}

export function encodeCursor(row: { at: string; recordId: string }): string {
  return Buffer.from(`${row.at}|${row.recordId}`, "utf8").toString("base64url");
}

/**
 * Reads a filter from URL parameters. Empty values mean "any". Throws a 400 AppError
 * naming the parameter for an unknown parameter, a repeated one, a malformed value, a
 * time zone that does not exist, or an end before the start.
 */
export function parseRecordQuery(options: { params: URLSearchParams; defaultTimeZone: string }): RecordQuery {
  const { params } = options;
  if (params.toString().length > maxQueryLength) throw badRequest("query", `is longer than ${maxQueryLength} characters.`);
  const allowed = new Set<string>([...exactFields, "from", "to", "tz", "q", "sort", "after", ...viewParams]);
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (!allowed.has(key)) throw badRequest(key, `is not a filter; filters are ${[...allowed].filter((k) => !viewParams.has(k)).join(", ")}.`);
    if (seen.has(key)) throw badRequest(key, "is given more than once.");
    seen.add(key);
    if (value.length > maxValueLength) throw badRequest(key, `is longer than ${maxValueLength} characters.`);
  }
  const value = (key: string) => params.get(key)?.trim() || undefined;

  const timeZone = value("tz") ?? options.defaultTimeZone;
  if (!isTimeZone(timeZone)) throw badRequest("tz", `"${timeZone}" is not an IANA time zone (for example Europe/Berlin or UTC).`);

  const filter: RecordFilter = {};
  for (const field of exactFields) {
    const v = value(field);
    if (v !== undefined) filter[field] = v;
  }
  if (filter.plant === "all") delete filter.plant;
  if (filter.kind && !(recordKinds as string[]).includes(filter.kind)) throw badRequest("kind", `must be one of ${recordKinds.join(", ")}.`);
  if (filter.level && !(dataClasses as readonly string[]).includes(filter.level)) throw badRequest("level", `must be one of ${dataClasses.join(", ")}.`);
  if (filter.outcome && !(recordOutcomes as readonly string[]).includes(filter.outcome)) throw badRequest("outcome", `must be one of ${recordOutcomes.join(", ")}.`);
  const from = value("from");
  const to = value("to");
  if (from) filter.from = parseInstant({ field: "from", value: from, timeZone });
  if (to) filter.to = parseInstant({ field: "to", value: to, timeZone });
  if (filter.from && filter.to && filter.to <= filter.from) throw badRequest("to", "must be after from.");
  const q = value("q");
  if (q) filter.q = /^[0-9a-fA-F]{64}$/.test(q) ? q.toLowerCase() : q;

  const sort = value("sort") ?? "newest";
  if (sort !== "newest" && sort !== "oldest") throw badRequest("sort", "must be newest or oldest.");
  const after = value("after");
  return { filter, sort, after: after ? cursor(after) : null, timeZone };
}

/** The URL parameters of a filter, the inverse of parseRecordQuery for from/to given as instants. */
export function filterParams(options: { filter: RecordFilter; sort?: RecordSort }): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of exactFields) {
    const v = options.filter[field];
    if (v) params.set(field, v);
  }
  if (options.filter.from) params.set("from", options.filter.from);
  if (options.filter.to) params.set("to", options.filter.to);
  if (options.filter.q) params.set("q", options.filter.q);
  if (options.sort && options.sort !== "newest") params.set("sort", options.sort);
  return params;
}
