import { Show } from 'solid-js';
import type { FormModel } from '../lib/form-model.js';

export interface InputFieldProps {
  readonly form: FormModel;
  /** The field path, as the API names it in errors ("port", "trigger.bit"). */
  readonly name: string;
  readonly label: string;
  readonly hint?: string;
  readonly type?: 'text' | 'number';
  readonly placeholder?: string;
  readonly readOnly?: boolean;
  readonly required?: boolean;
  readonly wide?: boolean;
}

let nextId = 0;

/**
 * A labelled input whose error (from the schema check or the server) is shown under it. The label
 * holds only its text (a label wrapping the input would read the hint into the input's name).
 */
export function InputField(props: InputFieldProps) {
  const id = `f${++nextId}`;
  return (
    <div class="field" classList={{ wide: props.wide === true }}>
      <span class="field-label">
        <label for={id}>{props.label}</label>
        {/* Outside the label: the input's name stays "Port", its required attribute says the rest. */}
        <Show when={props.required}>
          <span aria-hidden="true"> *</span>
        </Show>
      </span>
      <input
        id={id}
        name={props.name}
        type="text"
        inputmode={props.type === 'number' ? 'decimal' : undefined}
        autocomplete="off"
        spellcheck={false}
        placeholder={props.placeholder}
        readOnly={props.readOnly}
        required={props.required}
        value={props.form.text(props.name)}
        aria-invalid={props.form.error(props.name) !== undefined}
        aria-describedby={`${id}-msg`}
        onInput={(e) => props.form.set(props.name, e.currentTarget.value)}
      />
      <span id={`${id}-msg`} classList={{ 'field-error': props.form.error(props.name) !== undefined, 'field-hint': props.form.error(props.name) === undefined }}>
        {props.form.error(props.name) ?? props.hint ?? ''}
      </span>
    </div>
  );
}
