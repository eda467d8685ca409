import { For, Show } from 'solid-js';
import { formatAge } from '../lib/format.js';
import { stateText, type ActorState } from '../lib/stores/inspect.js';

export interface ActorListProps {
  readonly ids: readonly string[];
  readonly actors: Readonly<Record<string, ActorState>>;
  readonly selected: string | null;
  readonly now: number;
  readonly onSelect: (id: string) => void;
}

/** The live actors of one machine, each with its current state; pick one to highlight it. */
export function ActorList(props: ActorListProps) {
  return (
    <div class="actor-list" role="listbox" aria-label="Live actors">
      <For each={props.ids} fallback={<div class="muted small">No live actor of this machine.</div>}>
        {(id) => (
          <Show when={props.actors[id]}>
            {(a) => (
              <button
                type="button"
                role="option"
                class="actor-item"
                aria-selected={props.selected === id}
                classList={{ selected: props.selected === id }}
                data-actor={id}
                onClick={() => props.onSelect(id)}
              >
                <span class="actor-id">{id}</span>
                <span class="actor-state mono" data-testid="actor-state">
                  {stateText(a().value)}
                </span>
                <span class="faint small num">{formatAge(a().updatedAt, props.now)}</span>
              </button>
            )}
          </Show>
        )}
      </For>
    </div>
  );
}
