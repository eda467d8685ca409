import { For, Show } from 'solid-js';
import type { Box, ChartLayout } from '../lib/statechart/layout.js';
import { StatechartEdge } from './StatechartEdge.js';

export interface StatechartViewProps {
  readonly machine: string;
  readonly layout: ChartLayout;
  /** Active state ids of the selected actor (the whole configuration, ancestors included). */
  readonly active: ReadonlySet<string>;
  readonly activeLeaves: readonly string[];
  /** How many live actors are in each leaf state (all actors of this machine). */
  readonly counts: ReadonlyMap<string, number>;
  readonly selectedState: string | null;
  readonly onSelectState: (id: string) => void;
}

const BASE_FONT_PX = 14;
const rem = (px: number): number => Math.round((px / BASE_FONT_PX) * 100) / 100;

const NOTE_MARK = { internal: '·', self: '↻', down: '↳', up: '↰' } as const;

/**
 * A machine drawn from its definition: nested boxes, arrows labelled with their events, notes for
 * transitions that stay inside a box. The selected actor's active states are highlighted (the
 * leaf strongly), arrows it can take next are emphasised, and each state shows how many actors
 * are in it. States are buttons: pick one to list its transitions.
 */
export function StatechartView(props: StatechartViewProps) {
  // The chart is laid out in px at the panel's 14 px base font and drawn in rem, so it grows with
  // the type on a wall display; it shrinks to fit its panel, but not below two thirds (smaller
  // text is unreadable): past that the panel scrolls.
  const title = (b: Box) => `${b.id}${props.active.has(b.id) ? ' (active)' : ''}`;
  return (
    <svg
      class="statechart"
      viewBox={`0 0 ${props.layout.width} ${props.layout.height}`}
      width={props.layout.width}
      height={props.layout.height}
      role="img"
      aria-label={`Statechart of ${props.machine}; active: ${props.activeLeaves.join(', ') || 'none'}`}
      data-machine={props.machine}
      data-active-leaf={props.activeLeaves.join(' ')}
      style={{ width: `${rem(props.layout.width)}rem`, 'min-width': `${rem(props.layout.width * 0.66)}rem` }}
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
        </marker>
        <marker id="arrow-next" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" class="arrow-head next" />
        </marker>
      </defs>
      <For each={props.layout.boxes}>
        {(b) => (
          <g
            class={`state kind-${b.kind}`}
            classList={{ active: props.active.has(b.id), leaf: props.activeLeaves.includes(b.id), selected: props.selectedState === b.id }}
            data-state={b.id}
            tabindex={b.depth === 0 ? undefined : 0}
            role={b.depth === 0 ? undefined : 'button'}
            aria-label={b.depth === 0 ? undefined : `State ${title(b)}: show its transitions`}
            onClick={(e) => {
              e.stopPropagation();
              if (b.depth > 0) props.onSelectState(b.id);
            }}
            onKeyDown={(e) => {
              if (b.depth > 0 && (e.key === 'Enter' || e.key === ' ')) {
                e.preventDefault();
                props.onSelectState(b.id);
              }
            }}
          >
            <title>{title(b)}</title>
            <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={b.depth === 0 ? 8 : 6} />
            <Show when={b.kind === 'final'}>
              <rect class="final-inner" x={b.x + 3} y={b.y + 3} width={b.w - 6} height={b.h - 6} rx={4} />
            </Show>
            <Show when={b.initial}>
              <circle class="initial-dot" cx={b.x - 9} cy={b.y + 10} r={3} />
              <line class="initial-line" x1={b.x - 6} y1={b.y + 10} x2={b.x - 1} y2={b.y + 10} />
            </Show>
            <text class="state-title" x={b.x + 10} y={b.y + 16}>
              {b.depth === 0 ? `machine ${b.key}` : b.key}
            </text>
            <For each={b.notes}>
              {(n, i) => (
                <text class={`state-note note-${n.kind}`} x={b.x + 10} y={b.y + 33 + i() * 14}>
                  {NOTE_MARK[n.kind]} {n.text}
                </text>
              )}
            </For>
            <Show when={(props.counts.get(b.id) ?? 0) > 0}>
              <g class="count-badge">
                <rect x={b.x + b.w - 30} y={b.y - 8} width={26} height={16} rx={8} />
                <text x={b.x + b.w - 17} y={b.y + 4} text-anchor="middle">
                  {props.counts.get(b.id)}
                </text>
              </g>
            </Show>
          </g>
        )}
      </For>
      <For each={props.layout.edges}>{(e) => <StatechartEdge edge={e} next={props.active.has(e.source)} />}</For>
    </svg>
  );
}
