import type { Metadata } from "next";
import Link from "next/link";
import { Card, Stat } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { LogCheckpoints } from "@/components/records/log-checkpoints";
import { FilterChips, RecordFilters, type FilterValues } from "@/components/records/record-filters";
import { RecordsTable, type ExplorerRow } from "@/components/records/records-table";
import { VerifyLedgerButton } from "@/components/records/verify-ledger-button";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatDateTime, recordKindLabels } from "@/lib/format";
import { openAppLedger } from "@/lib/ledger";
import { ledgerStatus } from "@/lib/ledger/status";
import { listPlants, selectedPlant } from "@/lib/plants/selection";
import { exploreRecords, explorerPageSize, type ExplorerPage } from "@/lib/records/explore-records";
import { explorerOptions } from "@/lib/records/explorer-options";
import { exactFields } from "@/lib/records/record-filter";
import type { IndexRow } from "@/lib/records/project-record";
import { builtInLabels } from "@/proxy/classify/labels";

export const metadata: Metadata = { title: "Audit records" };

const formFields = [...exactFields, "from", "to", "tz", "q", "sort"] as const;

function explorerRow(row: IndexRow, timeZone: string): ExplorerRow {
  return {
    recordId: row.recordId,
    when: formatDateTime({ date: new Date(row.at), timeZone }),
    kind: row.kind,
    kindLabel: recordKindLabels[row.kind] ?? row.kind,
    summary: row.summary,
    plant: row.plant,
    zone: row.zone,
    workstation: row.workstation,
    device: row.device,
    operator: row.operator,
    assurance: row.assurance,
    destination: row.destination,
    conduit: row.conduit,
    model: row.model,
    outcome: row.outcome,
    code: row.code,
    level: row.level,
    labels: row.labels.replace(/_/g, " "),
    result: row.result,
    durationMs: row.durationMs,
    tokens: row.inputTokens === null && row.outputTokens === null ? null : `${row.inputTokens ?? "?"} / ${row.outputTokens ?? "?"}`,
    log: `${row.logId} #${row.seq}`,
  };
}

export default async function RecordsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser({ permission: "records:read" });
  const raw = await props.searchParams;
  const plants = await listPlants();
  // The URL's plant wins; without one the plant selector's choice applies, and is written
  // into the filter (and so into export links) so what is exported is what is shown.
  const fromSelector = raw.plant === undefined ? await selectedPlant(plants) : null;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw)) for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) params.append(key, v);
  if (fromSelector) params.set("plant", fromSelector.slug);
  const plantSlug = params.get("plant");
  const plant = plants.find((p) => p.slug === plantSlug) ?? null;
  const defaultTimeZone = plant?.timeZone ?? "UTC";
  const columns = params.get("columns");

  let page: ExplorerPage | null = null;
  let problem: string | null = null;
  try {
    page = await exploreRecords({ db: db(), params, defaultTimeZone });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "bad_request") throw error;
    problem = error.message;
  }
  const values: FilterValues = {};
  for (const field of formFields) {
    const v = params.get(field);
    if (v && v.length <= 300) values[field] = v;
  }
  values.tz ??= defaultTimeZone;
  const timeZone = page?.query.timeZone ?? defaultTimeZone;
  const [status, options] = await Promise.all([ledgerStatus({ store: (await openAppLedger()).store, db: db() }), explorerOptions({ db: db(), plant: plant?.slug ?? null })]);
  // The zone in use is offered even when it is no plant's (a shared link with tz=America/Chicago).
  const timeZones = [...new Set(["UTC", ...plants.map((p) => p.timeZone), timeZone])];

  // The filter as applied, for the export and the next page (the view's columns aside).
  const applied = new URLSearchParams(params);
  applied.delete("after");
  applied.delete("columns");
  const exportHref = (format: string) => `/api/records/export?${new URLSearchParams([...applied, ["format", format]])}`;
  const pageHref = (after: string | null) => {
    const next = new URLSearchParams(applied);
    if (after) next.set("after", after);
    if (columns) next.set("columns", columns);
    return `/records?${next}`;
  };
  const total = status.logs.reduce((n, l) => n + l.records, 0);
  const last = status.lastVerification;
  const rows = page?.rows.map((r) => explorerRow(r, timeZone)) ?? [];
  const sortLabel = page?.query.sort === "oldest" ? "oldest first" : "newest first";

  return (
    <>
      <PageHeader
        eyebrow="IEC 62443-3-3 SR 2.8, 2.12, 3.9"
        title="Audit records"
        description="Every AI call, refusal, oversight decision and administrative change, signed and chained in a Merkle log. Filter them, export what you filtered, open a record to check it in your browser."
      />
      <div className="stats">
        <Stat label="Records" value={total.toLocaleString("en-GB")} hint={`in ${status.logs.length} log${status.logs.length === 1 ? "" : "s"}`} />
        <Stat
          label="Last verification"
          value={last ? <span className={`badge ${last.ok ? "badge-ok" : "badge-danger"}`}>{last.ok ? "Passed" : `Failed: ${last.problems} problems`}</span> : "Never"}
          hint={last ? `${formatDateTime({ date: last.finishedAt, timeZone: "UTC" })}, ${last.records} records` : "run it below"}
        />
      </div>
      <Card
        id="records"
        title="Records"
        description={`Times in ${timeZone}, ${sortLabel}.${fromSelector ? ` Plant ${fromSelector.name} from the plant selector.` : ""}`}
        actions={
          page && (
            <div className="row-actions">
              <a className="btn btn-secondary btn-sm" href={exportHref("csv")} download>
                Export CSV
              </a>
              <a className="btn btn-secondary btn-sm" href={exportHref("jsonl")} download>
                Export JSON Lines
              </a>
            </div>
          )
        }
      >
        <RecordFilters values={values} options={options} builtInLabels={builtInLabels} timeZones={timeZones} columns={columns} />
        <FilterChips values={values} columns={columns} />
        {problem && (
          <p className="notice notice-error" role="alert" style={{ margin: "0 18px 12px" }}>
            This filter cannot be applied: {problem}
          </p>
        )}
        {page && page.behind > 0 && (
          <p className="notice notice-info" style={{ margin: "0 18px 12px" }}>
            {page.behind.toLocaleString("en-GB")} recent records are still being indexed; they appear here within moments.
          </p>
        )}
        {page && <RecordsTable rows={rows} caption="Records matching the filter" />}
        {page && rows.length === 0 && !page.searchedTo && <p className="table-empty">No records match this filter.</p>}
        {page?.searchedTo && (
          <p className="notice notice-info" role="status" style={{ margin: "12px 18px" }}>
            {rows.length === 0 ? "No records match" : "No more records match"} this filter {page.query.sort === "oldest" ? "up to" : "back to"}{" "}
            {formatDateTime({ date: new Date(page.searchedTo), timeZone })}: every filter here is common, so one page searches a part of the records at a time.{" "}
            <Link href={pageHref(page.next)}>Search {page.query.sort === "oldest" ? "further on" : "further back"}</Link>, or narrow the time range.
          </p>
        )}
        {page && (
          <nav aria-label="Pages" className="table-foot explorer-pages">
            <span>
              {rows.length} record{rows.length === 1 ? "" : "s"} on this page (at most {explorerPageSize})
            </span>
            {page.query.after && <Link href={pageHref(null)}>First page</Link>}
            {page.next && !page.searchedTo && <Link href={pageHref(page.next)}>{page.query.sort === "oldest" ? "Newer" : "Older"} records</Link>}
          </nav>
        )}
      </Card>
      <Card id="ledger-status" title="Ledger status" description="Each writer owns a log with its own signing key and signed checkpoints." actions={can(user.role, "ledger:verify") ? <VerifyLedgerButton /> : undefined}>
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Logs</caption>
            <thead>
              <tr>
                <th scope="col">Log</th>
                <th scope="col">Records</th>
                <th scope="col">Latest checkpoint</th>
                <th scope="col">Signing key</th>
              </tr>
            </thead>
            <tbody>
              {status.logs.map((log) => {
                const active = log.keys.find((k) => k.retiredAt === null);
                return (
                  <tr key={log.logId}>
                    <td>
                      <Link href={`/records?log=${encodeURIComponent(log.logId)}&plant=all`} className="mono">
                        {log.logId}
                      </Link>
                      <span className="sub">{log.writer === "app" ? "application" : log.writer}</span>
                    </td>
                    <td className="num">{log.records}</td>
                    <td>
                      {log.latestCheckpoint ? (
                        <>
                          size {log.latestCheckpoint.size}
                          <span className="sub">{formatDateTime({ date: new Date(log.latestCheckpoint.at), timeZone: "UTC" })}</span>
                        </>
                      ) : (
                        "none yet"
                      )}
                    </td>
                    <td>
                      <span className="mono">{active ? `${active.keyId.slice(0, 16)}…` : "none active"}</span>
                      <span className="sub">{log.keys.length - (active ? 1 : 0)} retired</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {status.logs.length === 0 && <p className="table-empty">No log yet: the first record creates it.</p>}
        </div>
      </Card>
      <LogCheckpoints />
    </>
  );
}
