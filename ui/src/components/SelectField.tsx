import { For } from 'solid-js';
import type { FormModel } from '../lib/form-model.js';

export interface SelectFieldProps {
  readonly form: FormModel;
  readonly name: string;
  readonly label: string;
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly hint?: string;
  readonly disabled?: boolean;
}

let nextId = 0;

export function SelectField(props: SelectFieldProps) {
  const id = `s${++nextId}`;
  return (
    <div class="field">
      <label class="field-label" for={id}>
        {props.label}
      </label>
      <select
        id={id}
        name={props.name}
        disabled={props.disabled}
        aria-invalid={props.form.error(props.name) !== undefined}
        aria-describedby={`${id}-msg`}
        onChange={(e) => props.form.set(props.name, e.currentTarget.value)}
      >
        <For each={props.options}>
          {(o) => (
            <option value={o.value} selected={props.form.text(props.name) === o.value}>
              {o.label}
            </option>
          )}
        </For>
      </select>
      <span id={`${id}-msg`} classList={{ 'field-error': props.form.error(props.name) !== undefined, 'field-hint': props.form.error(props.name) === undefined }}>
        {props.form.error(props.name) ?? props.hint ?? ''}
      </span>
    </div>
  );
}
