"use client";
// The records explorer's table (TanStack Table v9): rows come filtered, ordered and paged
// from the server; here people choose the columns they want, and the choice goes into
// the URL (columns=...) so a shared link shows the same view.
import { columnVisibilityFeature, tableFeatures, useTable, type ColumnDef, type ColumnVisibilityState } from "@tanstack/react-table";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, useMemo } from "react";
import type { IndexRow } from "@/lib/records/project-record";

/** An index row as the table shows it: times formatted in the view's zone, tokens as one cell. */
export type ExplorerRow = Pick<
  IndexRow,
  "recordId" | "kind" | "summary" | "plant" | "zone" | "workstation" | "device" | "operator" | "assurance" | "destination" | "conduit" | "model" | "outcome" | "code" | "level" | "labels" | "result" | "durationMs"
> & { when: string; kindLabel: string; tokens: string | null; log: string };

const features = tableFeatures({ columnVisibilityFeature });

const outcomeTone: Record<string, string> = { allowed: "ok", completed: "ok", accepted: "ok", redacted: "warn", flagged: "warn", edited: "warn", refused: "danger", failed: "danger", timed_out: "danger", client_aborted: "neutral", rejected: "danger", escalated: "warn" };
const levelTone: Record<string, string> = { PUBLIC: "neutral", INTERNAL: "neutral", CONFIDENTIAL: "warn", RESTRICTED: "danger" };

const dash = <span aria-label="none">—</span>;
// The summary keeps a readable width; a long token or hash in it wraps instead of squeezing it.
const columnClass: Record<string, string | undefined> = { latency: "num", log: "mono", summary: "explorer-what" };

/** Every column people can choose, with the ones shown until they choose. */
export const explorerColumns: { id: keyof ExplorerRow | "latency"; header: string; shown: boolean }[] = [
  { id: "when", header: "When", shown: true },
  { id: "kind", header: "Kind", shown: true },
  { id: "summary", header: "What", shown: true },
  { id: "device", header: "Device", shown: true },
  { id: "operator", header: "Operator", shown: false },
  { id: "conduit", header: "Conduit", shown: true },
  { id: "model", header: "Model", shown: false },
  { id: "outcome", header: "Outcome", shown: true },
  { id: "level", header: "Class", shown: true },
  { id: "labels", header: "Labels", shown: false },
  { id: "latency", header: "Latency", shown: true },
  { id: "tokens", header: "Tokens in / out", shown: false },
  { id: "plant", header: "Plant", shown: false },
  { id: "zone", header: "Zone", shown: false },
  { id: "workstation", header: "Workstation", shown: false },
  { id: "destination", header: "Destination", shown: false },
  { id: "log", header: "Log #seq", shown: false },
];

function cell(id: string, row: ExplorerRow) {
  switch (id) {
    case "when":
      return <span className="nowrap">{row.when}</span>;
    case "kind":
      return <span className="badge badge-neutral">{row.kindLabel}</span>;
    case "summary":
      return <Link href={`/records/${row.recordId}`}>{row.summary}</Link>;
    case "device":
      return row.device ? <Link href={`/devices/${row.device}`}>{row.device}</Link> : dash;
    case "conduit":
      return row.conduit ? <Link href={`/conduits/${row.conduit}`}>{row.conduit}</Link> : dash;
    case "operator":
      return row.operator ? (
        <>
          {row.operator}
          <span className="sub">{row.assurance}</span>
        </>
      ) : (
        dash
      );
    case "outcome":
      return row.outcome ? (
        <>
          <span className={`badge badge-${outcomeTone[row.outcome] ?? "neutral"}`}>{row.outcome.replace(/_/g, " ")}</span>
          {(row.code || (row.result && row.result !== row.outcome)) && <span className="sub">{row.code ?? row.result?.replace(/_/g, " ")}</span>}
        </>
      ) : (
        dash
      );
    case "level":
      return row.level ? <span className={`badge badge-${levelTone[row.level] ?? "neutral"}`}>{row.level}</span> : dash;
    case "latency":
      return row.durationMs === null ? dash : `${Math.round(row.durationMs).toLocaleString("en-GB")} ms`;
    default: {
      const value = row[id as keyof ExplorerRow];
      return value === null || value === "" ? dash : String(value);
    }
  }
}

export function RecordsTable(props: { rows: ExplorerRow[]; caption: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const pickerId = useId();
  const chosen = searchParams.get("columns");
  const columnVisibility = useMemo<ColumnVisibilityState>(() => {
    const ids = chosen ? new Set(chosen.split(",")) : null;
    return Object.fromEntries(explorerColumns.map((c) => [c.id, ids ? ids.has(c.id) : c.shown]));
  }, [chosen]);
  const columns = useMemo<ColumnDef<typeof features, ExplorerRow>[]>(
    () => explorerColumns.map((c) => ({ id: c.id, header: c.header, enableHiding: c.id !== "summary", cell: ({ row }) => cell(c.id, row.original) })),
    [],
  );
  const table = useTable({
    features,
    columns,
    data: props.rows,
    getRowId: (r) => r.recordId,
    state: { columnVisibility },
    onColumnVisibilityChange: (updater) => {
      const next = typeof updater === "function" ? updater(columnVisibility) : updater;
      const params = new URLSearchParams(searchParams.toString());
      params.set("columns", explorerColumns.filter((c) => next[c.id]).map((c) => c.id).join(","));
      router.replace(`${pathname}?${params}`, { scroll: false });
    },
  });

  return (
    <>
      <details className="column-picker">
        <summary id={pickerId}>Columns</summary>
        <fieldset aria-labelledby={pickerId}>
          {table.getAllLeafColumns().map((column) => (
            <label key={column.id} className="choice">
              <input type="checkbox" checked={column.getIsVisible()} disabled={!column.getCanHide()} onChange={column.getToggleVisibilityHandler()} />
              {explorerColumns.find((c) => c.id === column.id)?.header}
            </label>
          ))}
        </fieldset>
      </details>
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              {table.getVisibleLeafColumns().map((column) => (
                <th key={column.id} scope="col" className={column.id === "latency" ? "num" : undefined}>
                  {explorerColumns.find((c) => c.id === column.id)?.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((c) => (
                  <td key={c.id} className={columnClass[c.column.id]}>
                    {cell(c.column.id, row.original)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
