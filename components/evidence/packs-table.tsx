"use client";
// The evidence packs (TanStack Table v9): sortable by each column, filtered by a text
// box, exported as CSV as filtered and ordered. A pack being generated shows its progress;
// a ready one its signature level, size, SHA-256 and a download link (the download is
// itself a ledger record); a failed one why.
import {
  columnFilteringFeature,
  createFilteredRowModel,
  createSortedRowModel,
  globalFilteringFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
} from "@tanstack/react-table";
import { useId, useMemo, useState, type ReactNode } from "react";
import {
  count,
  formatBytes,
  isBusy,
  packsCsv,
  packStatus,
  packStatusLabels,
  packStatusTones,
  periodText,
  progressText,
  searchText,
  shortHash,
  wallText,
} from "@/components/evidence/pack-format";
import type { PackListItem } from "@/lib/evidence/packs";

const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  sortedRowModel: createSortedRowModel(),
  filteredRowModel: createFilteredRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic, text: sortFn_text },
});

const none = <span aria-label="none">—</span>;
const statusOrder: Record<string, number> = { RUNNING: 0, QUEUED: 1, FAILED: 2, READY: 3 };

function ScopeCell({ pack }: { pack: PackListItem }) {
  const { scope } = pack;
  return (
    <>
      <span className="pack-period">{periodText(scope)}</span>
      <span className="sub">{scope.timeZone}</span>
      <span className="sub">
        Plants: {scope.plants.length === 0 ? "all" : scope.plants.join(", ")} · Conduits: {scope.conduits.length === 0 ? "all" : scope.conduits.join(", ")}
        {scope.incident ? ` · Incident ${scope.incident}` : ""}
      </span>
    </>
  );
}

function StatusCell({ pack }: { pack: PackListItem }) {
  const status = packStatus(pack);
  const badge = <span className={`badge badge-${packStatusTones[status] ?? "neutral"}`}>{packStatusLabels[status] ?? pack.status}</span>;
  if (isBusy(pack)) {
    return (
      <div className="pack-progress">
        {badge}
        <progress max={Math.max(1, pack.recordsTotal)} value={pack.recordsDone} aria-label={`Progress of ${pack.name}`} aria-valuetext={progressText(pack)} />
        <span className="sub">{progressText(pack)}</span>
      </div>
    );
  }
  if (status === "FAILED") {
    return (
      <>
        {badge}
        <span className="sub pack-error">{pack.error ?? "The generation stopped without saying why."}</span>
        <span className="sub">Nothing was kept for download.</span>
      </>
    );
  }
  return (
    <>
      {badge}
      {pack.signatureLevel && <span className="sub">PDF signature PAdES {pack.signatureLevel}</span>}
      {pack.timestampNote && <span className="sub">{pack.timestampNote}</span>}
      <span className="sub">{count(pack.recordsTotal)} records</span>
    </>
  );
}

function HashCell({ pack }: { pack: PackListItem }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const sha256 = pack.sha256;
  if (!sha256) return none;
  async function copy(value: string) {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
    setTimeout(() => setCopied(null), 2500);
  }
  return (
    <div className="pack-hash">
      <code title={sha256}>{shortHash(sha256)}</code>
      <button type="button" className="btn btn-secondary btn-sm" onClick={() => copy(sha256)}>
        Copy<span className="visually-hidden"> the SHA-256 of {pack.name}</span>
      </button>
      <span role="status" className="pack-copied">
        {copied === "yes" ? "Copied" : copied === "failed" ? "Copying is blocked here:" : ""}
      </span>
      {copied === "failed" && <code className="hash">{sha256}</code>}
    </div>
  );
}

// An address may break after its "@" in a narrow column, not in the middle of a word.
function emailWithBreak(email: string): ReactNode {
  const at = email.indexOf("@");
  return at < 0 ? (
    email
  ) : (
    <>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </>
  );
}

function GeneratedCell({ pack }: { pack: PackListItem }) {
  return (
    <>
      {pack.createdBy.name}
      <span className="sub">{emailWithBreak(pack.createdBy.email)}</span>
      <span className="sub">
        <span className="nowrap">{wallText(pack.createdAt, pack.scope.timeZone)}</span> <span className="nowrap">{pack.scope.timeZone}</span>
      </span>
    </>
  );
}

function DownloadCell({ pack }: { pack: PackListItem }) {
  if (pack.status !== "READY") return none;
  return (
    <>
      <a className="btn btn-secondary btn-sm" href={`/api/evidence-packs/${encodeURIComponent(pack.id)}/download`}>
        Download<span className="visually-hidden"> {pack.name}</span>
      </a>
      <span className="sub nowrap">recorded in the ledger</span>
    </>
  );
}

interface ColumnSpec {
  id: string;
  header: string;
  className?: string;
  sortable: boolean;
  value?: (p: PackListItem) => string | number;
  sortFn?: "alphanumeric" | "basic" | "text";
  cell: (p: PackListItem) => ReactNode;
}

const columnSpecs: ColumnSpec[] = [
  {
    id: "pack",
    header: "Pack",
    className: "pack-name",
    sortable: true,
    value: (p) => p.name,
    sortFn: "alphanumeric",
    cell: (p) => (
      <>
        <strong>{p.name}</strong>
        <span className="sub">{p.purpose}</span>
      </>
    ),
  },
  { id: "scope", header: "Scope", className: "pack-scope-cell", sortable: true, value: (p) => p.scope.from, sortFn: "text", cell: (p) => <ScopeCell pack={p} /> },
  { id: "status", header: "Status", className: "pack-status", sortable: true, value: (p) => statusOrder[p.status] ?? 9, sortFn: "basic", cell: (p) => <StatusCell pack={p} /> },
  {
    id: "size",
    header: "Size",
    className: "num nowrap",
    sortable: true,
    value: (p) => p.bytes ?? -1,
    sortFn: "basic",
    cell: (p) => (p.bytes === null ? none : <span title={`${count(p.bytes)} bytes`}>{formatBytes(p.bytes)}</span>),
  },
  { id: "sha256", header: "SHA-256", sortable: true, value: (p) => p.sha256 ?? "", sortFn: "text", cell: (p) => <HashCell pack={p} /> },
  { id: "generated", header: "Generated by", className: "pack-generated", sortable: true, value: (p) => p.createdAt, sortFn: "text", cell: (p) => <GeneratedCell pack={p} /> },
  { id: "download", header: "Download", sortable: false, cell: (p) => <DownloadCell pack={p} /> },
];

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function PacksTable(props: { packs: PackListItem[]; emptyText: string }) {
  const filterId = useId();
  const columns = useMemo<ColumnDef<typeof features, PackListItem>[]>(
    () =>
      columnSpecs.map((c) => ({
        id: c.id,
        header: c.header,
        enableSorting: c.sortable,
        enableGlobalFilter: c.id === "pack",
        ...(c.value ? { accessorFn: c.value, sortFn: c.sortFn } : {}),
        cell: ({ row }) => c.cell(row.original),
      })),
    [],
  );
  const table = useTable({
    features,
    columns,
    data: props.packs,
    getRowId: (p) => p.id,
    initialState: { sorting: [{ id: "generated", desc: true }] },
    // One search over everything a pack shows (name, purpose, scope, status, hash, who).
    globalFilterFn: (row, _columnId, value) => searchText(row.original).includes(String(value ?? "").trim().toLowerCase()),
  });
  const rows = table.getRowModel().rows;
  const classOf = (id: string) => columnSpecs.find((c) => c.id === id)?.className;

  return (
    <>
      <div className="table-tools pack-tools">
        <label htmlFor={filterId} className="sr-only-label">
          Filter evidence packs
        </label>
        <input id={filterId} type="search" placeholder="Type to filter…" value={String(table.state.globalFilter ?? "")} onChange={(e) => table.setGlobalFilter(e.target.value)} />
        <span className="field-hint" aria-live="polite">
          {rows.length} of {props.packs.length}
        </span>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={rows.length === 0}
          onClick={() => download(`evidence-packs-${new Date().toISOString().slice(0, 10)}.csv`, packsCsv(rows.map((r) => r.original)))}
        >
          Export CSV
        </button>
      </div>
      <div className="table-wrap pack-table-wrap">
        <table className="data packs-table">
          <caption className="visually-hidden">Evidence packs</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const className = classOf(header.column.id)?.startsWith("num") ? "num" : undefined;
                  if (!header.column.getCanSort())
                    return (
                      <th key={header.id} scope="col" className={className}>
                        <table.FlexRender header={header} />
                      </th>
                    );
                  return (
                    <th key={header.id} scope="col" className={className} aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}>
                      <button type="button" onClick={header.column.getToggleSortingHandler()}>
                        <table.FlexRender header={header} />
                        <span aria-hidden="true">{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : ""}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-status={row.original.status}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={classOf(cell.column.id)}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="table-empty">{props.packs.length === 0 ? props.emptyText : "No pack matches this filter."}</p>}
      </div>
    </>
  );
}
