import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { encodeCursor, filterParams, parseRecordQuery } from "@/lib/records/record-filter";
import { projectRecord } from "@/lib/records/project-record";

const parse = (query: string, defaultTimeZone = "UTC") => parseRecordQuery({ params: new URLSearchParams(query), defaultTimeZone });

function refusal(query: string): { field: string; message: string } {
  try {
    parse(query);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("bad_request");
    return { field: (error as AppError).issues![0]!.path, message: (error as AppError).message };
  }
  throw new Error(`"${query}" was accepted`);
}

describe("parseRecordQuery", () => {
  it("reads every filter, empty values meaning any", () => {
    const query = parse("device=aug-wi-copilot&outcome=refused&level=RESTRICTED&label=secret&kind=ai_call&plant=&q=&sort=oldest");
    expect(query.filter).toEqual({ device: "aug-wi-copilot", outcome: "refused", level: "RESTRICTED", label: "secret", kind: "ai_call" });
    expect(query.sort).toBe("oldest");
    expect(query.after).toBeNull();
  });

  it("reads a wall time in the given zone, a date as its midnight, and an instant with its offset", () => {
    expect(parse("from=2026-07-01T08:00&tz=Europe/Berlin").filter.from).toBe("2026-07-01T06:00:00.000Z");
    expect(parse("from=2026-01-01", "Europe/Lisbon").filter.from).toBe("2026-01-01T00:00:00.000Z");
    expect(parse("to=2026-07-01T08:00:00%2B02:00").filter.to).toBe("2026-07-01T06:00:00.000Z");
  });

  it("takes 'all' plants as no plant filter (the plant selector's value)", () => {
    expect(parse("plant=all").filter.plant).toBeUndefined();
  });

  it("names the field of each malformed filter", () => {
    expect(refusal("devcie=x")).toMatchObject({ field: "devcie" });
    expect(refusal("from=2026-13-01T00:00")).toMatchObject({ field: "from" });
    expect(refusal("from=yesterday")).toMatchObject({ field: "from" });
    expect(refusal("from=2026-11-02T10:00&to=2026-11-02T09:00")).toMatchObject({ field: "to", message: "to: must be after from." });
    expect(refusal("tz=Europe/Atlantis")).toMatchObject({ field: "tz" });
    expect(refusal("level=SECRET")).toMatchObject({ field: "level" });
    expect(refusal("outcome=maybe")).toMatchObject({ field: "outcome" });
    expect(refusal("kind=ai_calls")).toMatchObject({ field: "kind" });
    expect(refusal("device=a&device=b")).toMatchObject({ field: "device" });
    expect(refusal("after=bm90IGEgY3Vyc29y")).toMatchObject({ field: "after" });
    expect(refusal(`operator=${"x".repeat(301)}`)).toMatchObject({ field: "operator" });
    expect(refusal(`q=${"x".repeat(10 * 1024 * 1024)}`)).toMatchObject({ field: "query" });
  });

  it("continues from a cursor it made, and round-trips a filter through its URL", () => {
    const after = encodeCursor({ at: "2026-11-02T06:00:00.000Z", recordId: "019a-id" });
    expect(parse(`after=${after}`).after).toEqual({ at: "2026-11-02T06:00:00.000Z", recordId: "019a-id" });
    const query = parse("conduit=aug-l3-to-openai-eu&from=2026-11-02T07:00&tz=Europe/Berlin&sort=oldest");
    expect(parse(filterParams({ filter: query.filter, sort: query.sort }).toString())).toMatchObject({ filter: query.filter, sort: query.sort });
  });
});

describe("projectRecord", () => {
  const record = (kind: string, body: unknown) => ({
    id: "r1",
    logId: "app-1",
    seq: 3,
    kind,
    at: "2026-11-02T06:00:00.000Z",
    envelope: JSON.stringify({ v: 1, log: "app-1", seq: 3, id: "r1", kind, at: "2026-11-02T06:00:00.000Z", prev: "0".repeat(64), key: "k", body }),
    leafHash: "f".repeat(64),
  });
  const names = { incidentReference: (id: string) => (id === "cmi-incident-1" ? "INC-2026-0007" : undefined) };

  it("names an incident by its reference, not its id", () => {
    const actor = { userId: "u1", email: "ciso@nordwerk.example", role: "CISO" };
    expect(projectRecord({ record: record("report_submission", { actor, incidentId: "cmi-incident-1", stage: "EARLY_WARNING" }), names }).row.summary).toBe(
      "ciso@nordwerk.example submitted EARLY_WARNING for incident INC-2026-0007",
    );
  });

  it("keeps an unreadable envelope searchable by its id and log", () => {
    const row = projectRecord({ record: { ...record("ai_call", {}), envelope: "{not json" }, names }).row;
    expect(row).toMatchObject({ recordId: "r1", logId: "app-1", summary: "(unreadable envelope)", device: null });
  });
});
