// The whole supplier chain as a layered graph (SVG, no graph library): our conduits on
// the left, the suppliers that operate their destinations next, and each sub-processor
// one column to the right of the supplier that passes data to it. The picture is one
// image for assistive technology, described in words; the chain lists beside it carry
// the links and details.
import styles from "@/components/suppliers/suppliers.module.css";
import type { SupplierOverview } from "@/lib/suppliers/overview";

const nodeWidth = 196;
const nodeHeight = 46;
const columnGap = 64;
const rowGap = 16;
const pad = 8;
const us = "__conduits";

const shorten = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function ChainGraph(props: { overview: SupplierOverview }) {
  const { overview } = props;
  const name = (id: string) => (id === us ? "Our conduits" : (overview.suppliers.find((s) => s.id === id)?.name ?? id));
  const edges: [string, string][] = [
    ...overview.chains.map((c): [string, string] => [us, c.rootId]),
    ...overview.links.flatMap((l): [string, string][] => (l.fromId ? [[l.fromId, l.toId]] : [])),
  ];
  if (edges.length === 0) return null;

  // Column = longest path from the left; the chain is acyclic, so this ends.
  const column = new Map<string, number>([[us, 0]]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [from, to] of edges) {
      const next = (column.get(from) ?? 0) + 1;
      if ((column.get(to) ?? -1) < next) {
        column.set(to, next);
        changed = true;
      }
    }
  }
  for (const [from] of edges) if (!column.has(from)) column.set(from, 0);

  // Rows: each column in the order of its predecessors' rows, so edges cross less.
  const row = new Map<string, number>();
  const columns = Math.max(...column.values()) + 1;
  let rows = 0;
  for (let c = 0; c < columns; c++) {
    const ids = [...column].filter(([, col]) => col === c).map(([id]) => id);
    const weight = (id: string) => {
      const parents = edges.filter(([, to]) => to === id).map(([from]) => row.get(from) ?? 0);
      return parents.length ? parents.reduce((a, b) => a + b, 0) / parents.length : 0;
    };
    ids.sort((a, b) => weight(a) - weight(b) || name(a).localeCompare(name(b)));
    ids.forEach((id, i) => row.set(id, i));
    rows = Math.max(rows, ids.length);
  }

  const x = (id: string) => pad + column.get(id)! * (nodeWidth + columnGap);
  const y = (id: string) => pad + row.get(id)! * (nodeHeight + rowGap);
  const width = pad * 2 + columns * nodeWidth + (columns - 1) * columnGap;
  const height = pad * 2 + rows * nodeHeight + (rows - 1) * rowGap;
  const stroke = (id: string) => {
    if (id === us) return "#0b6e99";
    const approval = overview.approvals.get(id);
    if (!approval || approval.nextReviewAt < overview.now) return "#b42318";
    return "#1b6e3a";
  };

  const sentences = [
    `Our conduits send data to ${overview.chains.map((c) => name(c.rootId)).join(", ") || "no supplier"}.`,
    ...overview.links.filter((l) => l.fromId).map((l) => `${name(l.fromId!)} passes data to ${name(l.toId)}.`),
  ];

  return (
    <div className={styles.graphWrap}>
      <svg className={styles.graph} viewBox={`0 0 ${width} ${height}`} style={{ maxWidth: width }} role="img" aria-labelledby="chain-graph-title chain-graph-desc">
        <title id="chain-graph-title">Supplier chain graph</title>
        <desc id="chain-graph-desc">{sentences.join(" ")} Green: approved assessment in force; red: not assessed or reassessment overdue.</desc>
        <defs>
          <marker id="chain-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0 0 10 5 0 10z" fill="#5f6b7a" />
          </marker>
        </defs>
        {edges.map(([from, to]) => {
          const x1 = x(from) + nodeWidth;
          const y1 = y(from) + nodeHeight / 2;
          const x2 = x(to) - 2;
          const y2 = y(to) + nodeHeight / 2;
          const mid = (x1 + x2) / 2;
          return <path key={`${from}-${to}`} d={`M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}`} fill="none" stroke="#5f6b7a" strokeWidth={1.4} markerEnd="url(#chain-arrow)" />;
        })}
        {[...column.keys()].map((id) => {
          const supplier = overview.suppliers.find((s) => s.id === id);
          return (
            <g key={id} transform={`translate(${x(id)} ${y(id)})`}>
              <rect width={nodeWidth} height={nodeHeight} rx={7} fill={id === us ? "#e3f1f8" : "#ffffff"} stroke={stroke(id)} strokeWidth={2} />
              <text x={10} y={19} fontSize={12.5} fontWeight={600} fill="#0f1b2d">
                {shorten(name(id), 27)}
              </text>
              <text x={10} y={36} fontSize={11} fill="#4a5568">
                {id === us ? `${overview.destinations.reduce((n, d) => n + d.conduits.length, 0)} conduits` : supplier ? shorten(`${overview.approvals.get(id)?.rating ?? "not assessed"} · ${supplier.kind.replace(/_/g, " ").toLowerCase()}`, 32) : ""}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
