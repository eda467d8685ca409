import { createMemo, For, Show } from 'solid-js';
import type { StateGraph } from '../lib/schemas/inspect.js';
import { transitionsOf } from '../lib/statechart/transitions.js';

export interface TransitionListProps {
  readonly machine: StateGraph;
  readonly stateId: string | null;
}

/** The events a state reacts to, its own and inherited: the chart's arrows as a plain list. */
export function TransitionList(props: TransitionListProps) {
  const rows = createMemo(() => (props.stateId === null ? [] : transitionsOf(props.machine, props.stateId)));
  const short = () => (props.stateId === null ? '' : props.stateId.startsWith(`${props.machine.id}.`) ? props.stateId.slice(props.machine.id.length + 1) : props.stateId);
  return (
    <div class="transition-list">
      <h3>
        Transitions of <span class="mono">{short() || '—'}</span>
      </h3>
      <Show when={rows().length > 0} fallback={<div class="muted small">{props.stateId === null ? 'Pick a state in the chart.' : 'None: a final or passive state.'}</div>}>
        <ul class="transitions">
          <For each={rows()}>
            {(r) => (
              <li title={`defined on ${r.from}`}>
                <span class="mono t-event">{r.text}</span>
                <span class="mono t-target">{r.to ? `→ ${r.to}` : '(stays)'}</span>
                <Show when={r.from !== short()}>
                  <span class="faint small">from {r.from}</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
