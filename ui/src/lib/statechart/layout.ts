import type { StateGraph, TransitionGraph } from '../schemas/inspect.js';

/**
 * A statechart drawn from a machine's definition: states as nested boxes laid out left to right
 * in layers, transitions between boxes as labelled curves. An arrow always joins two sibling
 * boxes: a transition from or to a nested state is drawn from or to the sibling that contains
 * it, and its label names the inner state ("reading: done", "after → reading"). Pure geometry (no DOM), so it is
 * tested on its own and drawn as SVG by the inspector.
 *
 * Layout, per compound state:
 * - children are layered by the longest path over "forward" transitions, forward meaning to a
 *   sibling defined later (authors write machines in the order things happen: idle, polling,
 *   error, backoff); the rest are back edges, routed below the boxes;
 * - a layer is a column; columns are spaced to fit the labels between them;
 * - transitions that cannot be an arrow between two boxes (no target, a target that is the state
 *   itself, an ancestor or a descendant) are written inside the state box as notes.
 * Transitions between the same two boxes share one arrow with one line per event (a guard on
 * its own line below).
 * Text width is estimated from a monospace font (the chart draws in one), so sizes are exact
 * enough without measuring.
 */

export interface ChartMetrics {
  /** Width of one character of the chart's monospace font, px. */
  readonly charW: number;
  /** Height of one line of label text, px. */
  readonly lineH: number;
}

export const DEFAULT_METRICS: ChartMetrics = { charW: 6.6, lineH: 14 };

export type NoteKind = 'internal' | 'self' | 'down' | 'up';

export interface Note {
  readonly kind: NoteKind;
  readonly text: string;
}

export interface Box {
  readonly id: string;
  readonly key: string;
  readonly parentId: string | null;
  readonly depth: number;
  /** atomic, compound, parallel, final, history; "machine" for the root. */
  readonly kind: string;
  /** The initial child of its parent. */
  readonly initial: boolean;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly notes: readonly Note[];
}

export interface Edge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** One line per transition: "event [guard]". */
  readonly lines: readonly string[];
  readonly kind: 'forward' | 'back' | 'vertical';
  /** SVG path data. */
  readonly path: string;
  /** Label box (top-left corner and size). */
  readonly label: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly Box[];
  readonly edges: readonly Edge[];
}

const PAD = 12;
const HEADER = 22;
const ROW_GAP = 16;
const MIN_COL_GAP = 36;
const MAX_COL_GAP = 280;
const LEAF_MIN_W = 84;
const LEAF_H = 30;
const MARGIN = 8;

interface Node {
  readonly g: StateGraph;
  readonly parent: Node | null;
  readonly depth: number;
  readonly children: Node[];
  readonly notes: Note[];
  w: number;
  h: number;
  /** Relative to the parent's top-left. */
  x: number;
  y: number;
  /** Absolute, after placement. */
  ax: number;
  ay: number;
  /** Relative: where the lanes above the children start (arrows that skip a column). */
  lanesTop: number;
  /** Relative: the bottom of the children, where the lanes of back arrows start. */
  contentBottom: number;
}

interface Link {
  /** Siblings: the children of the ends' lowest common ancestor. */
  readonly source: Node;
  readonly target: Node;
  /** One line per transition, plus one for its guard. */
  readonly lines: string[];
  readonly blocks: Set<string>;
}

/** An arrow that needs a lane of its own in its lowest common ancestor: over the top, or below. */
interface Lane {
  readonly kind: 'skip' | 'back';
  readonly owner: Node;
  /** From the top of the lane area of its kind, px. */
  readonly offset: number;
}

export function transitionText(t: TransitionGraph): string {
  return t.guard ? `${t.event} [${t.guard}]` : t.event;
}

export function layoutStatechart(root: StateGraph, metrics: ChartMetrics = DEFAULT_METRICS): ChartLayout {
  const byId = new Map<string, Node>();
  const build = (g: StateGraph, parent: Node | null, depth: number): Node => {
    const node: Node = { g, parent, depth, children: [], notes: [], w: 0, h: 0, x: 0, y: 0, ax: 0, ay: 0, lanesTop: 0, contentBottom: 0 };
    byId.set(g.id, node);
    for (const s of g.states) node.children.push(build(s, node, depth + 1));
    return node;
  };
  const top = build(root, null, 0);

  // Every transition becomes a note in its state, or a link between two boxes.
  const links: Link[] = [];
  const linkByKey = new Map<string, Link>();
  for (const node of byId.values()) {
    for (const t of node.g.transitions) {
      const text = transitionText(t);
      if (t.targets.length === 0) {
        node.notes.push({ kind: 'internal', text });
        continue;
      }
      for (const targetId of t.targets) {
        const target = byId.get(targetId);
        if (!target) {
          node.notes.push({ kind: 'internal', text: `${text} → ${targetId}` });
        } else if (target === node) {
          node.notes.push({ kind: 'self', text });
        } else if (isAncestor(node, target)) {
          node.notes.push({ kind: 'down', text: `${text} → ${relativePath(node, target)}` });
        } else if (isAncestor(target, node)) {
          node.notes.push({ kind: 'up', text: `${text} → ${target.g.key}` });
        } else {
          // Drawn between the two siblings that contain the ends (under their lowest common
          // ancestor): arrows never cross into boxes, and the label names the inner ends.
          const lca = lowestCommonAncestor(node, target)!;
          const a = childUnder(lca, node)!;
          const b = childUnder(lca, target)!;
          const from = a === node ? '' : `${relativePath(a, node)}: `;
          const to = b === target ? '' : ` → ${relativePath(b, target)}`;
          const block = t.guard ? [`${from}${t.event}${to}`, `  [${t.guard}]`] : [`${from}${t.event}${to}`];
          const key = `${a.g.id}->${b.g.id}`;
          let link = linkByKey.get(key);
          if (!link) {
            link = { source: a, target: b, lines: [], blocks: new Set() };
            linkByKey.set(key, link);
            links.push(link);
          }
          const id = block.join('\n');
          if (!link.blocks.has(id)) {
            link.blocks.add(id);
            link.lines.push(...block);
          }
        }
      }
    }
  }

  const labelSize = (lines: readonly string[]) => ({
    w: Math.ceil(Math.max(...lines.map((l) => l.length)) * metrics.charW) + 10,
    h: lines.length * metrics.lineH + 6,
  });
  const noteW = (n: Node) => (n.notes.length === 0 ? 0 : Math.max(...n.notes.map((x) => x.text.length + 2)) * metrics.charW);
  const titleW = (n: Node) => n.g.key.length * (metrics.charW + 0.8) + 2 * PAD;
  const notesH = (n: Node) => n.notes.length * metrics.lineH + (n.notes.length > 0 ? 6 : 0);
  const lanes = new Map<Link, Lane>();
  const columnsOf = new Map<Node, Node[][]>();

  // Sizes and relative positions, bottom up.
  const size = (node: Node): void => {
    node.children.forEach(size);
    if (node.children.length === 0) {
      node.w = Math.ceil(Math.max(LEAF_MIN_W, titleW(node), noteW(node) + 2 * PAD));
      node.h = LEAF_H + notesH(node);
      node.contentBottom = node.h;
      return;
    }
    const columns = layerChildren(node, links);
    columnsOf.set(node, columns);
    const column = (n: Node) => columns.findIndex((col) => col.includes(n));
    // Lanes for the arrows this compound is the lowest common ancestor of.
    let skipSpace = 0;
    let backSpace = 0;
    for (const link of links) {
      if (lowestCommonAncestor(link.source, link.target) !== node) continue;
      const ca = column(childUnder(node, link.source)!);
      const cb = column(childUnder(node, link.target)!);
      const h = labelSize(link.lines).h + LANE_GAP;
      if (cb > ca + 1) {
        lanes.set(link, { kind: 'skip', owner: node, offset: skipSpace });
        skipSpace += h;
      } else if (cb < ca) {
        lanes.set(link, { kind: 'back', owner: node, offset: backSpace });
        backSpace += h;
      }
    }
    const colW = columns.map((col) => Math.max(...col.map((c) => c.w)));
    const colH = columns.map((col) => col.reduce((s, c) => s + c.h, 0) + ROW_GAP * (col.length - 1));
    // Gap after column i: wide enough for the labels of the arrows from column i to i + 1.
    const gaps = columns.slice(0, -1).map((_, i) => {
      let widest = 0;
      for (const link of links) {
        const a = childUnder(node, link.source);
        const b = childUnder(node, link.target);
        if (!a || !b || a === b) continue;
        if (column(a) === i && column(b) === i + 1) widest = Math.max(widest, labelSize(link.lines).w);
      }
      return Math.min(MAX_COL_GAP, Math.max(MIN_COL_GAP, widest + 36));
    });
    const contentW = colW.reduce((s, w) => s + w, 0) + gaps.reduce((s, g) => s + g, 0);
    const contentH = Math.max(...colH);
    node.lanesTop = HEADER + notesH(node) + PAD / 2;
    const contentTop = node.lanesTop + skipSpace + (skipSpace > 0 ? LANE_GAP : 0);
    let x = PAD;
    columns.forEach((col, i) => {
      let y = contentTop + (contentH - colH[i]!) / 2;
      for (const c of col) {
        c.x = x + (colW[i]! - c.w) / 2;
        c.y = y;
        y += c.h + ROW_GAP;
      }
      x += colW[i]! + (gaps[i] ?? 0);
    });
    node.contentBottom = contentTop + contentH;
    node.w = Math.ceil(Math.max(contentW + 2 * PAD, titleW(node), noteW(node) + 2 * PAD));
    node.h = Math.ceil(node.contentBottom + PAD + backSpace + (backSpace > 0 ? LANE_GAP : 0));
  };
  size(top);

  // Absolute positions, top down.
  const place = (node: Node, ox: number, oy: number): void => {
    node.ax = ox + node.x;
    node.ay = oy + node.y;
    node.children.forEach((c) => place(c, node.ax, node.ay));
  };
  top.x = MARGIN;
  top.y = MARGIN;
  place(top, 0, 0);

  const boxes: Box[] = [];
  const collect = (node: Node): void => {
    boxes.push({
      id: node.g.id,
      key: node.g.key,
      parentId: node.parent?.g.id ?? null,
      depth: node.depth,
      kind: node.parent === null ? 'machine' : node.g.type,
      initial: node.parent?.g.initial === node.g.id,
      x: node.ax,
      y: node.ay,
      w: node.w,
      h: node.h,
      notes: node.notes,
    });
    node.children.forEach(collect);
  };
  collect(top);

  const edges = separateLabels(routeLinks(links, lanes, labelSize));
  let width = top.ax + top.w + MARGIN;
  let height = top.ay + top.h + MARGIN;
  for (const e of edges) {
    width = Math.max(width, e.label.x + e.label.w + MARGIN);
    height = Math.max(height, e.label.y + e.label.h + MARGIN);
  }
  return { width: Math.ceil(width), height: Math.ceil(height), boxes, edges };
}

const LANE_GAP = 8;

function isAncestor(a: Node, b: Node): boolean {
  for (let p = b.parent; p; p = p.parent) if (p === a) return true;
  return false;
}

function relativePath(from: Node, to: Node): string {
  const keys: string[] = [];
  for (let n: Node | null = to; n && n !== from; n = n.parent) keys.unshift(n.g.key);
  return keys.join('.');
}

/** The child of `parent` that is `node` or contains it. */
function childUnder(parent: Node, node: Node): Node | null {
  for (let n: Node | null = node; n; n = n.parent) if (n.parent === parent) return n;
  return null;
}

function lowestCommonAncestor(a: Node, b: Node): Node | null {
  const seen = new Set<Node>();
  for (let n: Node | null = a; n; n = n.parent) seen.add(n);
  for (let n: Node | null = b; n; n = n.parent) if (seen.has(n)) return n;
  return null;
}

/** Columns of a compound's children: longest path over forward sibling links (later in definition order). */
function layerChildren(node: Node, links: readonly Link[]): Node[][] {
  const kids = node.children;
  const index = new Map(kids.map((k, i) => [k, i]));
  const succ = kids.map(() => new Set<number>());
  for (const link of links) {
    const a = childUnder(node, link.source);
    const b = childUnder(node, link.target);
    if (!a || !b || a === b) continue;
    const ia = index.get(a)!;
    const ib = index.get(b)!;
    if (ib > ia) succ[ia]!.add(ib);
  }
  // Forward links go to higher indexes only: definition order is a topological order.
  const layer = kids.map(() => 0);
  for (let i = 0; i < kids.length; i++) for (const j of succ[i]!) layer[j] = Math.max(layer[j]!, layer[i]! + 1);
  const columns: Node[][] = [];
  kids.forEach((k, i) => (columns[layer[i]!] ??= []).push(k));
  return columns.filter((c) => c !== undefined);
}

type Label = Edge['label'];

function overlaps(a: Label, b: Label): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Labels that would overlap (two arrows leaving one box for two boxes stacked in the next
 * column) are pushed apart vertically: a label a little off its curve is still read with it;
 * two labels on top of each other are not read at all.
 */
export function separateLabels(edges: readonly Edge[]): Edge[] {
  const placed: Label[] = [];
  return edges.map((e) => {
    let label = e.label;
    for (let guard = 0; guard < 50; guard++) {
      const hit = placed.find((p) => overlaps(p, label));
      if (!hit) break;
      // Move to whichever side of the obstacle is nearer to where the label wanted to be.
      const below = hit.y + hit.h + 2;
      const above = hit.y - label.h - 2;
      label = { ...label, y: Math.abs(below - e.label.y) <= Math.abs(above - e.label.y) && guard < 25 ? below : above };
    }
    placed.push(label);
    return label === e.label ? e : { ...e, label };
  });
}

const fmt = (v: number): string => String(Math.round(v * 10) / 10);
const CORNER = 8;

/** Vertical from (x1, y1) to the lane at y `ly`, along it, vertical to (x2, y2); rounded corners. */
function orthogonal(x1: number, y1: number, x2: number, y2: number, ly: number): string {
  const r1 = Math.min(CORNER, Math.abs(ly - y1) / 2, Math.abs(x2 - x1) / 2);
  const r2 = Math.min(CORNER, Math.abs(ly - y2) / 2, Math.abs(x2 - x1) / 2);
  const dy1 = Math.sign(ly - y1);
  const dy2 = Math.sign(y2 - ly);
  const dx = Math.sign(x2 - x1) || 1;
  return [
    `M${fmt(x1)},${fmt(y1)}`,
    `L${fmt(x1)},${fmt(ly - dy1 * r1)}`,
    `Q${fmt(x1)},${fmt(ly)} ${fmt(x1 + dx * r1)},${fmt(ly)}`,
    `L${fmt(x2 - dx * r2)},${fmt(ly)}`,
    `Q${fmt(x2)},${fmt(ly)} ${fmt(x2)},${fmt(ly + dy2 * r2)}`,
    `L${fmt(x2)},${fmt(y2)}`,
  ].join(' ');
}

function routeLinks(links: readonly Link[], lanes: ReadonlyMap<Link, Lane>, labelSize: (lines: readonly string[]) => { w: number; h: number }): Edge[] {
  const edges: Edge[] = [];
  // Arrows leaving or entering the same side of a box are spread so they do not overlap.
  const fan = new Map<string, number>();
  const slot = (key: string): number => {
    const n = fan.get(key) ?? 0;
    fan.set(key, n + 1);
    return n;
  };
  // 0, +1, -1, +2, -2 ... steps of 10 px, kept inside the side of the box.
  const spread = (k: number, side: number): number => {
    const step = (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2) * 10;
    return Math.max(-side / 2 + 6, Math.min(side / 2 - 6, step));
  };
  for (const link of links) {
    const s = link.source;
    const t = link.target;
    const size = labelSize(link.lines);
    const id = `${s.g.id}->${t.g.id}`;
    const base = { id, source: s.g.id, target: t.g.id, lines: link.lines };
    const lane = lanes.get(link);
    if (lane) {
      // A lane of its own, above the boxes (an arrow that skips columns) or below them (an arrow
      // back to an earlier column): out of the box vertically, along the lane, into the other box.
      // The label sits on the lane, centred between the two ends.
      const up = lane.kind === 'skip';
      const laneTop = up ? lane.owner.ay + lane.owner.lanesTop + lane.offset : lane.owner.ay + lane.owner.contentBottom + LANE_GAP + lane.offset;
      const ly = laneTop + size.h / 2;
      const side = up ? 'top' : 'bottom';
      const x1 = s.ax + s.w * (up ? 0.7 : 0.5) + spread(slot(`${side}:${s.g.id}`), s.w * 0.6);
      const x2 = t.ax + t.w * (up ? 0.3 : 0.5) + spread(slot(`${side}:${t.g.id}`), t.w * 0.6);
      const y1 = up ? s.ay : s.ay + s.h;
      const y2 = up ? t.ay : t.ay + t.h;
      const path = orthogonal(x1, y1, x2, y2, ly);
      const mid = (x1 + x2) / 2;
      edges.push({ ...base, kind: up ? 'forward' : 'back', path, label: { x: mid - size.w / 2, y: laneTop, w: size.w, h: size.h } });
    } else if (t.ax >= s.ax + s.w - 1) {
      // Next column: right side to left side. The label sits on the curve's middle (its
      // background hides that bit of the line; the gap leaves the ends and the arrow head
      // visible): a label floating above would collide with the lanes over the columns.
      const y1 = s.ay + Math.min(s.h / 2, LEAF_H / 2 + 4) + spread(slot(`right:${s.g.id}`), Math.min(s.h, 60));
      const y2 = t.ay + Math.min(t.h / 2, LEAF_H / 2 + 4) + spread(slot(`left:${t.g.id}`), Math.min(t.h, 60));
      const x1 = s.ax + s.w;
      const x2 = t.ax;
      const dx = Math.max(20, (x2 - x1) / 2);
      const path = `M${fmt(x1)},${fmt(y1)} C${fmt(x1 + dx)},${fmt(y1)} ${fmt(x2 - dx)},${fmt(y2)} ${fmt(x2)},${fmt(y2)}`;
      edges.push({ ...base, kind: 'forward', path, label: { x: (x1 + x2) / 2 - size.w / 2, y: (y1 + y2) / 2 - size.h / 2, w: size.w, h: size.h } });
    } else {
      // Same column (or overlapping): straight down or up, label beside the arrow.
      const down = t.ay >= s.ay;
      const left = Math.max(s.ax, t.ax);
      const right = Math.min(s.ax + s.w, t.ax + t.w);
      const x = (right > left ? (left + right) / 2 : (s.ax + s.w / 2 + t.ax + t.w / 2) / 2) + spread(slot(`v:${id}`), 40);
      const y1 = down ? s.ay + s.h : s.ay;
      const y2 = down ? t.ay : t.ay + t.h;
      const path = `M${fmt(x)},${fmt(y1)} L${fmt(x)},${fmt(y2)}`;
      edges.push({ ...base, kind: 'vertical', path, label: { x: x + 6, y: (y1 + y2) / 2 - size.h / 2, w: size.w, h: size.h } });
    }
  }
  return edges;
}
