// The zone and conduit map (SVG, no graph library): per plant a column of zones by Purdue
// level (L4 at the top), the external AI zones in a column on the right, and each conduit
// as an edge from its zone to its destination's zone. Edges run orthogonally in lanes of
// their own, through the gutters between columns and the corridors between levels, so two
// conduits never share a line and none crosses a zone. Each conduit starts at a row in
// its zone naming it; zones and conduits are plain links. Narrow containers get a list
// instead of the picture (CSS toggles the two; both are server-rendered).
import Link from "next/link";
import { useId, type ReactNode } from "react";
import styles from "@/components/conduits/zone-map.module.css";
import { purdueLabels } from "@/lib/format";
import { conduitStateLabels, type ConduitState } from "@/lib/inventory/conduit-state";

export type ZoneMapLevel = "L0" | "L1" | "L2" | "L3" | "L3_5" | "L4";

export interface ZoneMapZone {
  id: string;
  slug: string;
  name: string;
  purdueLevel: ZoneMapLevel;
  href?: string;
}

export interface ZoneMapPlant {
  slug: string;
  name: string;
  zones: ZoneMapZone[];
}

export interface ZoneMapExternalZone {
  id: string;
  name: string;
  href?: string;
  destinations: { slug: string; name: string }[];
}

export interface ZoneMapConduit {
  slug: string;
  name: string;
  href: string;
  sourceZoneId: string;
  /** An external zone's id, or a plant zone's (an on-premises model in L3, say). */
  destinationZoneId: string;
  state: ConduitState;
  /** Calls in the range the page shows; sets the edge's width. */
  calls: number;
  refused: number;
}

export interface ZoneMapProps {
  plants: ZoneMapPlant[];
  externalZones: ZoneMapExternalZone[];
  conduits: ZoneMapConduit[];
  /** The map's accessible name. */
  label?: string;
  emptyText?: string;
}

// Top to bottom, as the Purdue model is drawn.
const levelOrder: ZoneMapLevel[] = ["L4", "L3_5", "L3", "L2", "L1", "L0"];

export const conduitStateStyle: Record<ConduitState, { colour: string; dash?: string; tone: "ok" | "warn" | "danger" | "neutral" }> = {
  in_force: { colour: "#2f8552", tone: "ok" },
  suspended: { colour: "#c27803", dash: "8 5", tone: "warn" },
  not_yet_valid: { colour: "#c27803", dash: "2 4", tone: "warn" },
  expired: { colour: "#b42318", dash: "8 5", tone: "danger" },
  retired: { colour: "#8a94a3", dash: "2 4", tone: "neutral" },
};

const pad = 12;
const levelWidth = 112;
const headerHeight = 30;
const nodeWidth = 256;
const rowHeight = 20;
const laneGap = 12;
const stackGap = 12;
const bandPad = 12;
const externalGap = 16;
const nameLine = 16;
const destinationLine = 15;
const slotGap = 14;
const minWidth = 1.5;
const maxWidth = 7;

const counts = new Intl.NumberFormat("en-GB");
const count = (n: number) => counts.format(n);
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

// Text in SVG does not wrap, so names are fitted by an estimate of Inter's glyph widths
// (within a few per cent, plus a margin); anything cut short keeps its full text in a
// <title> and in the list view.
function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += /[ il.,:;'|!()[\]]/.test(ch) ? 0.29 : /[mwMW@]/.test(ch) ? 0.8 : /[A-Z]/.test(ch) ? 0.66 : /[0-9]/.test(ch) ? 0.6 : /[frtj-]/.test(ch) ? 0.38 : 0.55;
  return em * size * (bold ? 1.03 : 1) * 1.05;
}

function fit(text: string, width: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= width) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, size, bold) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

function wrap(text: string, width: number, size: number, bold: boolean, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next, size, bold) <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => fit(l, width, size, bold));
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = fit(`${kept[maxLines - 1]} ${lines.slice(maxLines).join(" ")}`, width, size, bold);
  return kept;
}

type Point = [number, number];

/** An orthogonal polyline with rounded corners. */
function roundedPath(points: Point[], radius = 6): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let d = `M${first[0]} ${first[1]}`;
  for (let i = 0; i < rest.length; i++) {
    const [prev, cur, next] = [points[i]!, rest[i]!, rest[i + 1]];
    if (!next) {
      d += ` L${cur[0]} ${cur[1]}`;
      break;
    }
    const lenIn = Math.hypot(cur[0] - prev[0], cur[1] - prev[1]);
    const lenOut = Math.hypot(next[0] - cur[0], next[1] - cur[1]);
    const r = Math.min(radius, lenIn / 2, lenOut / 2);
    if (r < 0.5) {
      d += ` L${cur[0]} ${cur[1]}`;
      continue;
    }
    const a: Point = [cur[0] - ((cur[0] - prev[0]) / lenIn) * r, cur[1] - ((cur[1] - prev[1]) / lenIn) * r];
    const b: Point = [cur[0] + ((next[0] - cur[0]) / lenOut) * r, cur[1] + ((next[1] - cur[1]) / lenOut) * r];
    d += ` L${a[0]} ${a[1]} Q${cur[0]} ${cur[1]} ${b[0]} ${b[1]}`;
  }
  return d;
}

/** How often two routes cross: a horizontal piece of one through a vertical piece of the other. */
function crossings(a: Point[], b: Point[]): number {
  let n = 0;
  for (let i = 1; i < a.length; i++)
    for (let j = 1; j < b.length; j++) {
      const [s1, s2, t1, t2] = [a[i - 1]!, a[i]!, b[j - 1]!, b[j]!];
      const sFlat = s1[1] === s2[1];
      const tFlat = t1[1] === t2[1];
      if (sFlat === tFlat) continue;
      const [h1, h2, v1, v2] = sFlat ? [s1, s2, t1, t2] : [t1, t2, s1, s2];
      const between = (x: number, p: number, q: number) => x > Math.min(p, q) && x < Math.max(p, q);
      if (between(v1[0], h1[0], h2[0]) && between(h1[1], v1[1], v2[1])) n++;
    }
  return n;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

interface PlantNode {
  kind: "plant";
  zone: ZoneMapZone;
  plant: number;
  band: number;
  nameLines: string[];
  headHeight: number;
  height: number;
  x: number;
  y: number;
  rows: Edge[];
  slots: Edge[];
}

interface ExternalNode {
  kind: "external";
  zone: ZoneMapExternalZone;
  nameLines: string[];
  destinationLines: string[];
  height: number;
  x: number;
  y: number;
  slots: Edge[];
}

interface Edge {
  conduit: ZoneMapConduit;
  source: PlantNode;
  target: PlantNode | ExternalNode;
  /** The gutter (right of plant column g; the last one borders the external column) it arrives through. */
  targetGutter: number;
  corridor?: number;
  width: number;
  points: Point[];
}

export function ZoneMap(props: ZoneMapProps) {
  const id = useId().replace(/[^\w-]/g, "");
  const label = props.label ?? "Zones and conduits";
  const plantCount = props.plants.length;
  if (!props.plants.some((p) => p.zones.length > 0)) return <p className={styles.empty}>{props.emptyText ?? "No zones yet."}</p>;

  const levels = levelOrder.filter((level) => props.plants.some((p) => p.zones.some((z) => z.purdueLevel === level)));
  const plantNodes: PlantNode[] = props.plants.flatMap((plant, p) =>
    levelOrder.flatMap((level) =>
      plant.zones
        .filter((z) => z.purdueLevel === level)
        .map((zone): PlantNode => ({ kind: "plant", zone, plant: p, band: levels.indexOf(level), nameLines: [], headHeight: 0, height: 0, x: 0, y: 0, rows: [], slots: [] })),
    ),
  );
  const externalNodes: ExternalNode[] = props.externalZones.map((zone) => ({ kind: "external", zone, nameLines: [], destinationLines: [], height: 0, x: 0, y: 0, slots: [] }));
  const plantById = new Map(plantNodes.map((n) => [n.zone.id, n]));
  const externalById = new Map(externalNodes.map((n) => [n.zone.id, n]));

  const maxCalls = Math.max(0, ...props.conduits.map((c) => c.calls));
  // Square root: area-like, so a conduit with a tenth of the calls is still visible.
  const strokeFor = (calls: number) => (maxCalls > 0 ? minWidth + (maxWidth - minWidth) * Math.sqrt(Math.max(0, calls) / maxCalls) : minWidth);

  const edges: Edge[] = [];
  const offMap: ZoneMapConduit[] = [];
  for (const conduit of props.conduits) {
    const source = plantById.get(conduit.sourceZoneId);
    const target = externalById.get(conduit.destinationZoneId) ?? plantById.get(conduit.destinationZoneId);
    if (!source || !target) {
      offMap.push(conduit);
      continue;
    }
    const edge: Edge = { conduit, source, target, targetGutter: target.kind === "external" ? plantCount - 1 : target.plant, width: strokeFor(conduit.calls), points: [] };
    edges.push(edge);
    source.rows.push(edge);
    target.slots.push(edge);
  }

  // Node sizes: a plant zone is its name, then one row per conduit leaving it; arrows into
  // it land beside its name. An external zone lists its destinations.
  for (const node of plantNodes) {
    node.nameLines = wrap(node.zone.name, nodeWidth - 20 - (node.slots.length ? 14 : 0), 13, true, 2);
    node.headHeight = Math.max(12 + node.nameLines.length * nameLine, 8 + node.slots.length * slotGap);
    node.height = node.headHeight + (node.rows.length ? node.rows.length * rowHeight + 6 : 22);
  }
  for (const node of externalNodes) {
    node.nameLines = wrap(node.zone.name, nodeWidth - 28, 13, true, 2);
    const names = node.zone.destinations.map((d) => fit(d.name, nodeWidth - 26, 11.5));
    node.destinationLines = names.length > 3 ? [...names.slice(0, 2), `+ ${names.length - 2} more`] : names;
    const content = 12 + node.nameLines.length * nameLine + 4 + node.destinationLines.length * destinationLine + 8;
    node.height = Math.max(content, 16 + node.slots.length * slotGap);
  }
  // External zones in the order of the levels that call them, so edges cross less.
  const weight = (n: ExternalNode) => (n.slots.length ? n.slots.reduce((s, e) => s + e.source.band + e.source.plant * 0.01, 0) / n.slots.length : Infinity);
  externalNodes.sort((a, b) => weight(a) - weight(b));

  // Lanes per gutter: every conduit leaves through its plant's gutter and arrives through its
  // target's; the last gutter also carries all arrivals at external zones.
  const gutterMembers: Edge[][] = props.plants.map(() => []);
  for (const e of edges) {
    gutterMembers[e.source.plant]!.push(e);
    if (e.targetGutter !== e.source.plant) gutterMembers[e.targetGutter]!.push(e);
  }
  const gutterWidths = gutterMembers.map((members, g) => Math.max(g === plantCount - 1 ? 76 : 44, 18 + members.length * laneGap + (g === plantCount - 1 ? 30 : 10)));
  const columnX = (p: number) => pad + levelWidth + gutterWidths.slice(0, p).reduce((s, w) => s + nodeWidth + w, 0);
  const gutterX = (g: number) => columnX(g) + nodeWidth;
  const externalX = plantCount ? gutterX(plantCount - 1) + gutterWidths[plantCount - 1]! : pad + levelWidth;
  const totalWidth = externalX + (externalNodes.length ? nodeWidth : 0) + pad;

  // Vertical layout; corridor heights depend on the lanes routed through them, which depend
  // on where things are, so it runs twice: once with empty corridors, once with the lanes.
  const corridorMembers: Edge[][] = [...levels, "below"].map(() => []);
  let bandTop: number[] = [];
  let bandHeight: number[] = [];
  let corridorTop: number[] = [];
  let totalHeight = 0;
  const layout = () => {
    const corridorHeight = corridorMembers.map((members) => (members.length ? members.length * laneGap + 10 : 14));
    bandHeight = levels.map((_, b) =>
      Math.max(...props.plants.map((_, p) => plantNodes.filter((n) => n.plant === p && n.band === b).reduce((s, n, i) => s + n.height + (i ? stackGap : 0), 0))) + bandPad * 2,
    );
    let y = pad + headerHeight;
    bandTop = [];
    corridorTop = [];
    levels.forEach((_, b) => {
      corridorTop.push(y);
      y += corridorHeight[b]!;
      bandTop.push(y);
      y += bandHeight[b]!;
    });
    corridorTop.push(y);
    y += corridorHeight[levels.length]!;
    for (let p = 0; p < plantCount; p++)
      levels.forEach((_, b) => {
        const stack = plantNodes.filter((n) => n.plant === p && n.band === b);
        const used = stack.reduce((s, n, i) => s + n.height + (i ? stackGap : 0), 0);
        let at = bandTop[b]! + (bandHeight[b]! - used) / 2;
        for (const node of stack) {
          node.x = columnX(p);
          node.y = at;
          at += node.height + stackGap;
        }
      });
    const stackHeight = externalNodes.reduce((s, n, i) => s + n.height + (i ? externalGap : 0), 0);
    let at = pad + headerHeight + Math.max(0, (y - pad - headerHeight - stackHeight) / 2);
    for (const node of externalNodes) {
      node.x = externalX;
      node.y = at;
      at += node.height + externalGap;
    }
    totalHeight = Math.max(y, at - externalGap) + pad;
  };
  const portY = (e: Edge) => e.source.y + e.source.headHeight + e.source.rows.indexOf(e) * rowHeight + rowHeight / 2;
  const slotY = (e: Edge) => {
    const t = e.target;
    const i = t.slots.indexOf(e);
    return t.kind === "external" ? t.y + t.height / 2 + (i - (t.slots.length - 1) / 2) * slotGap : t.y + 12 + i * slotGap;
  };
  const targetMid = (e: Edge) => (e.target.kind === "external" ? e.target.y + e.target.height / 2 : e.target.y + e.target.headHeight / 2);

  layout();
  // Rows leave in the order of their targets, arrivals land in the order of their sources.
  for (const node of plantNodes) node.rows.sort((a, b) => targetMid(a) - targetMid(b) || a.conduit.name.localeCompare(b.conduit.name));
  for (const node of [...plantNodes, ...externalNodes]) node.slots.sort((a, b) => portY(a) - portY(b) || a.source.plant - b.source.plant);
  // A conduit that must cross other plants' columns does so in the corridor beside its level.
  for (const e of edges) {
    if (e.targetGutter === e.source.plant) continue;
    const b = e.source.band;
    e.corridor = slotY(e) < bandTop[b]! + bandHeight[b]! / 2 ? b : b + 1;
    corridorMembers[e.corridor]!.push(e);
  }
  layout();

  // Lane order: start from a sensible guess, then try every order in each small channel and
  // keep the one with the fewest crossings overall.
  const laneIndex = new Map<string, number>();
  const laneKey = (channel: string, e: Edge) => `${channel}|${e.conduit.slug}`;
  const channels: { key: string; members: Edge[] }[] = [
    ...gutterMembers.map((members, g) => ({ key: `g${g}`, members: [...members].sort((a, b) => portY(a) - portY(b)) })),
    ...corridorMembers.map((members, c) => ({ key: `c${c}`, members: [...members].sort((a, b) => a.source.plant - b.source.plant) })),
  ];
  const assign = (channel: { key: string }, order: Edge[]) => order.forEach((e, i) => laneIndex.set(laneKey(channel.key, e), i));
  channels.forEach((ch) => assign(ch, ch.members));

  const route = (e: Edge): Point[] => {
    const laneX = (g: number) => gutterX(g) + 18 + laneIndex.get(laneKey(`g${g}`, e))! * laneGap;
    const start: Point = [gutterX(e.source.plant), portY(e)];
    const y2 = slotY(e);
    const end: Point = [e.target.kind === "external" ? externalX : gutterX(e.target.plant), y2];
    const a = laneX(e.source.plant);
    if (e.corridor === undefined) return [start, [a, start[1]], [a, y2], end];
    const cy = corridorTop[e.corridor]! + 11 + laneIndex.get(laneKey(`c${e.corridor}`, e))! * laneGap;
    const b = laneX(e.targetGutter);
    return [start, [a, start[1]], [a, cy], [b, cy], [b, y2], end];
  };
  const tangles = (members: Edge[]) => {
    const routes = new Map(edges.map((e) => [e, route(e)]));
    let n = 0;
    for (const e of members) for (const f of edges) if (e !== f) n += crossings(routes.get(e)!, routes.get(f)!);
    return n;
  };
  for (let round = 0; round < 2; round++)
    for (const ch of channels) {
      if (ch.members.length < 2 || ch.members.length > 6) continue;
      let best = { order: ch.members, score: Infinity };
      for (const order of permutations(ch.members)) {
        assign(ch, order);
        const score = tangles(ch.members);
        if (score < best.score) best = { order, score };
      }
      assign(ch, best.order);
      ch.members = best.order;
    }
  for (const e of edges) e.points = route(e);

  const conduitSentence = (c: ZoneMapConduit, from: string, to: string) =>
    `Conduit ${c.name}, from ${from} to ${to}: ${conduitStateLabels[c.state].toLowerCase()}, ${plural(c.calls, "call")}${c.refused ? `, ${count(c.refused)} refused` : ""}.`;
  const targetName = (e: Edge) => e.target.zone.name;
  const sentences = [
    `${plural(props.plants.length, "plant")} with ${plural(plantNodes.length, "zone")}, ${plural(externalNodes.length, "external AI zone")} and ${plural(edges.length, "conduit")}.`,
  ];

  const map = (
    <div className={styles.mapView}>
      <div className={styles.scroll}>
        <svg
          className={styles.svg}
          viewBox={`0 0 ${totalWidth} ${totalHeight}`}
          style={{ maxWidth: totalWidth, minWidth: Math.round(totalWidth * 0.85) }}
          role="group"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
        >
          <title id={`${id}-title`}>{label}</title>
          <desc id={`${id}-desc`}>{sentences.join(" ")}</desc>

          {/* Purdue levels as bands across the plants, named at the side. */}
          {levels.map((level, b) => {
            const [code, ...words] = (purdueLabels[level] ?? level).split(" ");
            const mid = bandTop[b]! + bandHeight[b]! / 2;
            return (
              <g key={level}>
                <rect x={pad} y={bandTop[b]} width={externalX - pad - 12} height={bandHeight[b]} rx={6} fill={b % 2 ? "#ffffff" : "#f6f8fb"} stroke="#e6ebf1" />
                <text x={pad + 10} y={mid - 2} fontSize={14} fontWeight={650} fill="#0f1b2d">
                  {code}
                </text>
                <text x={pad + 10} y={mid + 14} fontSize={11} fill="#4a5568">
                  {fit(words.join(" "), levelWidth - 16, 11)}
                </text>
              </g>
            );
          })}
          {props.plants.map((plant, p) => (
            <text key={plant.slug} x={columnX(p) + 2} y={pad + 16} fontSize={13} fontWeight={650} fill="#0f1b2d">
              <title>{plant.name}</title>
              {fit(plant.name, nodeWidth + gutterWidths[p]! - 12, 13, true)}
            </text>
          ))}
          {externalNodes.length > 0 && (
            <text x={externalX + 2} y={pad + 16} fontSize={13} fontWeight={650} fill="#0f1b2d">
              External AI zones
            </text>
          )}

          {plantNodes.map((node) => (
            <ZoneLink key={node.zone.id} href={node.zone.href} label={`Zone ${node.zone.name}, ${purdueLabels[node.zone.purdueLevel] ?? node.zone.purdueLevel}`}>
              <title>{node.zone.name}</title>
              <rect className={styles.box} x={node.x} y={node.y} width={nodeWidth} height={node.height} rx={7} fill="#ffffff" stroke="#c5ced9" strokeWidth={1.2} />
              {node.nameLines.map((line, i) => (
                <text key={i} x={node.x + 10} y={node.y + 21 + i * nameLine} fontSize={13} fontWeight={600} fill="#0f1b2d">
                  {line}
                </text>
              ))}
              {node.rows.length > 0 ? (
                <line x1={node.x + 1} x2={node.x + nodeWidth - 1} y1={node.y + node.headHeight} y2={node.y + node.headHeight} stroke="#e6ebf1" />
              ) : (
                <text x={node.x + 10} y={node.y + node.headHeight + 12} fontSize={11.5} fill="#5f6b7a">
                  No conduits
                </text>
              )}
            </ZoneLink>
          ))}
          {externalNodes.map((node) => (
            <ZoneLink key={node.zone.id} href={node.zone.href} label={`External AI zone ${node.zone.name}`}>
              <title>{[node.zone.name, ...node.zone.destinations.map((d) => `· ${d.name}`)].join("\n")}</title>
              <rect className={styles.box} x={node.x} y={node.y} width={nodeWidth} height={node.height} rx={7} fill="#e3f1f8" stroke="#8cc3dc" strokeWidth={1.2} />
              {node.nameLines.map((line, i) => (
                <text key={i} x={node.x + 14} y={node.y + 21 + i * nameLine} fontSize={13} fontWeight={600} fill="#0f1b2d">
                  {line}
                </text>
              ))}
              {node.destinationLines.map((line, i) => (
                <text key={i} x={node.x + 14} y={node.y + 20 + node.nameLines.length * nameLine + 4 + i * destinationLine} fontSize={11.5} fill="#334155">
                  {line}
                </text>
              ))}
            </ZoneLink>
          ))}

          {edges.map((e) => {
            const { conduit, points, width } = e;
            const style = conduitStateStyle[conduit.state];
            const [tail, tip] = [points[points.length - 2]!, points[points.length - 1]!];
            const dir = Math.sign(tip[0] - tail[0]) || 1;
            const arrowLength = 7 + width * 0.9;
            const arrowHalf = 3 + width * 0.5;
            const line = [...points.slice(0, -1), [tip[0] - dir * arrowLength, tip[1]] as Point];
            const d = roundedPath(line);
            const rowTop = portY(e) - rowHeight / 2;
            const calls = count(conduit.calls);
            const sentence = conduitSentence(conduit, e.source.zone.name, targetName(e));
            // The row's shortened name is drawn beside the link, not in it: the link's name is
            // the full sentence, and a name must contain the text shown inside it (WCAG 2.5.3).
            return (
              <g key={conduit.slug} className={styles.conduit}>
                <a href={conduit.href} aria-label={sentence}>
                  <title>{sentence}</title>
                  <rect className={styles.rowBg} x={e.source.x + 1} y={rowTop} width={nodeWidth - 2} height={rowHeight} fill="transparent" />
                  <circle cx={e.source.x + 13} cy={rowTop + rowHeight / 2} r={4} fill={style.colour} />
                  <path className={styles.hit} d={d} fill="none" stroke="transparent" strokeWidth={Math.max(14, width + 8)} />
                  <path d={d} fill="none" stroke={style.colour} strokeWidth={width} strokeDasharray={style.dash} strokeLinejoin="round" />
                  <path d={`M${tip[0]} ${tip[1]} L${tip[0] - dir * arrowLength} ${tip[1] - arrowHalf} L${tip[0] - dir * arrowLength} ${tip[1] + arrowHalf}Z`} fill={style.colour} />
                </a>
                <g aria-hidden="true" pointerEvents="none">
                  <text className={styles.rowName} x={e.source.x + 23} y={rowTop + 14} fontSize={11.5} fill="#08577a">
                    {fit(conduit.name, nodeWidth - 23 - 10 - textWidth(calls, 11.5, true) - 10, 11.5)}
                  </text>
                  <text x={e.source.x + nodeWidth - 10} y={rowTop + 14} fontSize={11.5} fontWeight={600} fill="#334155" textAnchor="end">
                    {calls}
                  </text>
                </g>
              </g>
            );
          })}
        </svg>
      </div>
      <Legend maxCalls={maxCalls} strokeFor={strokeFor} />
    </div>
  );

  // The list view: per plant, per level, each zone and the conduits leaving it.
  const list = (
    <div className={styles.listView}>
      {props.plants.map((plant, p) => (
        <section key={plant.slug} className={styles.listPlant} aria-labelledby={`${id}-plant-${p}`}>
          <h3 id={`${id}-plant-${p}`}>{plant.name}</h3>
          {plant.zones.length === 0 && <p className={styles.muted}>No zones yet.</p>}
          {levels
            .filter((level) => plant.zones.some((z) => z.purdueLevel === level))
            .map((level) => (
              <div key={level} className={styles.listLevel}>
                <p className={styles.levelName}>{purdueLabels[level] ?? level}</p>
                <ul className={styles.listZones}>
                  {plantNodes
                    .filter((n) => n.plant === p && n.zone.purdueLevel === level)
                    .map((node) => (
                      <li key={node.zone.id}>
                        <span className={styles.zoneName}>{node.zone.href ? <Link href={node.zone.href}>{node.zone.name}</Link> : node.zone.name}</span>
                        {node.rows.length === 0 ? (
                          <span className={styles.muted}> · no conduits</span>
                        ) : (
                          <ul className={styles.listConduits}>
                            {node.rows.map((e) => (
                              <li key={e.conduit.slug}>
                                <Link href={e.conduit.href}>{e.conduit.name}</Link>
                                <span className={styles.to}>
                                  <span aria-hidden="true">→ </span>
                                  <span className="visually-hidden">to </span>
                                  {targetName(e)}
                                </span>
                                <span className={styles.facts}>
                                  <span className={`badge badge-${conduitStateStyle[e.conduit.state].tone}`}>{conduitStateLabels[e.conduit.state]}</span>
                                  <span>
                                    {plural(e.conduit.calls, "call")}
                                    {e.conduit.refused > 0 && <span className={styles.refused}> · {count(e.conduit.refused)} refused</span>}
                                  </span>
                                </span>
                              </li>
                            ))}
                          </ul>
                        )}
                      </li>
                    ))}
                </ul>
              </div>
            ))}
        </section>
      ))}
      {externalNodes.length > 0 && (
        <section className={styles.listPlant} aria-labelledby={`${id}-external`}>
          <h3 id={`${id}-external`}>External AI zones</h3>
          <ul className={styles.listZones}>
            {props.externalZones.map((zone) => {
              const arriving = edges.filter((e) => e.target.zone.id === zone.id).length;
              return (
                <li key={zone.id}>
                  <span className={styles.zoneName}>{zone.href ? <Link href={zone.href}>{zone.name}</Link> : zone.name}</span>
                  <span className={styles.muted}> · {plural(arriving, "conduit")}</span>
                  {zone.destinations.length > 0 && <span className={styles.destinations}>{zone.destinations.map((d) => d.name).join(", ")}</span>}
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );

  return (
    <div className={styles.zoneMap}>
      {map}
      {list}
      {offMap.length > 0 && (
        <p className={styles.offMap}>
          Not on the map, as a zone they connect is not shown:{" "}
          {offMap.map((c, i) => (
            <span key={c.slug}>
              {i > 0 && ", "}
              <Link href={c.href}>{c.name}</Link>
            </span>
          ))}
          .
        </p>
      )}
    </div>
  );
}

function ZoneLink(props: { href?: string; label: string; children: ReactNode }) {
  return props.href ? (
    <a href={props.href} className={styles.zone} aria-label={props.label}>
      {props.children}
    </a>
  ) : (
    <g>{props.children}</g>
  );
}

function Legend(props: { maxCalls: number; strokeFor: (calls: number) => number }) {
  const samples = props.maxCalls > 0 ? [0, Math.round(props.maxCalls / 4), props.maxCalls].filter((v, i, all) => all.indexOf(v) === i) : [0];
  return (
    <div className={styles.mapLegend}>
      <ul aria-label="Conduit states">
        {(Object.keys(conduitStateStyle) as ConduitState[]).map((state) => (
          <li key={state}>
            <svg width={30} height={10} aria-hidden="true">
              <line x1={1} x2={29} y1={5} y2={5} stroke={conduitStateStyle[state].colour} strokeWidth={3} strokeDasharray={conduitStateStyle[state].dash} />
            </svg>
            {conduitStateLabels[state]}
          </li>
        ))}
      </ul>
      <ul aria-label="Line width: calls in the range shown">
        <li className={styles.legendHead}>Width: calls in range</li>
        {samples.map((calls) => (
          <li key={calls}>
            <svg width={30} height={10} aria-hidden="true">
              <line x1={1} x2={29} y1={5} y2={5} stroke="#5f6b7a" strokeWidth={props.strokeFor(calls)} />
            </svg>
            {count(calls)}
          </li>
        ))}
      </ul>
    </div>
  );
}
