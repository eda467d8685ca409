import { For } from 'solid-js';
import type { Edge } from '../lib/statechart/layout.js';

export interface StatechartEdgeProps {
  readonly edge: Edge;
  readonly next: boolean;
}

/** One arrow of the statechart with its label; `next`: the selected actor can take it now. */
export function StatechartEdge(props: StatechartEdgeProps) {
  return (
    <g class={`edge edge-${props.edge.kind}`} classList={{ next: props.next }} data-edge={props.edge.id}>
      <path d={props.edge.path} marker-end={props.next ? 'url(#arrow-next)' : 'url(#arrow)'} />
      <rect class="edge-label-bg" x={props.edge.label.x} y={props.edge.label.y} width={props.edge.label.w} height={props.edge.label.h} rx={3} />
      <For each={props.edge.lines}>
        {(line, i) => (
          <text class="edge-label" x={props.edge.label.x + 5} y={props.edge.label.y + 14 + i() * 14}>
            {line}
          </text>
        )}
      </For>
    </g>
  );
}
