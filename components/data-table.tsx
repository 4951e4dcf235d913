"use client";
// A sortable, filterable table (TanStack Table v9) driven by a serialisable column
// spec, so server pages can describe columns without passing functions to the client.
import {
  createFilteredRowModel,
  createSortedRowModel,
  filterFn_includesString,
  globalFilteringFeature,
  rowSortingFeature,
  columnFilteringFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
  type ColumnDef,
} from "@tanstack/react-table";
import Link from "next/link";
import { useId, useMemo } from "react";

export type Tone = "ok" | "warn" | "danger" | "neutral" | "accent";
export type Cell = string | number | null | { label: string; tone: Tone } | { text: string; sub?: string; href?: string };
export type Row = Record<string, Cell> & { id: string };

export interface ColumnSpec {
  key: string;
  header: string;
  kind?: "text" | "mono" | "number";
}

const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  sortedRowModel: createSortedRowModel(),
  filteredRowModel: createFilteredRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
  filterFns: { includesString: filterFn_includesString },
});

function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "object") return "label" in cell ? cell.label : `${cell.text} ${cell.sub ?? ""}`;
  return String(cell);
}

function CellView({ cell }: { cell: Cell | undefined }) {
  if (cell === null || cell === undefined || cell === "") return <span aria-label="none">—</span>;
  if (typeof cell === "object" && "tone" in cell) return <span className={`badge badge-${cell.tone}`}>{cell.label}</span>;
  if (typeof cell === "object")
    return (
      <>
        {cell.href ? <Link href={cell.href}>{cell.text}</Link> : cell.text}
        {cell.sub && <span className="sub">{cell.sub}</span>}
      </>
    );
  return <>{cell}</>;
}

export function DataTable(props: { caption: string; columns: ColumnSpec[]; rows: Row[]; emptyText?: string }) {
  const filterId = useId();
  const columns = useMemo<ColumnDef<typeof features, Row>[]>(
    () =>
      props.columns.map((c) => ({
        id: c.key,
        header: c.header,
        accessorFn: (row: Row) => cellText(row[c.key]),
        sortFn: "alphanumeric",
        cell: ({ row }) => <CellView cell={row.original[c.key]} />,
      })),
    [props.columns],
  );
  const table = useTable({ features, columns, data: props.rows, globalFilterFn: "includesString", getRowId: (r) => r.id });
  const rows = table.getRowModel().rows;
  const kindOf = (id: string) => props.columns.find((c) => c.key === id)?.kind ?? "text";

  return (
    <>
      <div className="table-tools">
        <label htmlFor={filterId} className="sr-only-label">
          Filter {props.caption.toLowerCase()}
        </label>
        <input
          id={filterId}
          type="search"
          placeholder="Type to filter…"
          value={String(table.state.globalFilter ?? "")}
          onChange={(e) => table.setGlobalFilter(e.target.value)}
          style={{ flex: "1", maxWidth: 320 }}
        />
        <span className="field-hint" aria-live="polite">
          {rows.length} of {props.rows.length}
        </span>
      </div>
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">{props.caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                    >
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
              <tr key={row.id}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={kindOf(cell.column.id) === "number" ? "num" : kindOf(cell.column.id) === "mono" ? "mono" : undefined}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="table-empty">{props.emptyText ?? "Nothing to show."}</p>}
      </div>
    </>
  );
}
