import { For, Show } from 'solid-js';

export interface FormErrorListProps {
  readonly errors: readonly string[];
}

/** What the server refused that belongs to no single field (a conflict, a reference). */
export function FormErrorList(props: FormErrorListProps) {
  return (
    <Show when={props.errors.length > 0}>
      <div class="form-errors" role="alert">
        <For each={props.errors}>{(e) => <div>{e}</div>}</For>
      </div>
    </Show>
  );
}
