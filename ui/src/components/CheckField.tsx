import type { FormModel } from '../lib/form-model.js';

export interface CheckFieldProps {
  readonly form: FormModel;
  readonly name: string;
  readonly label: string;
}

export function CheckField(props: CheckFieldProps) {
  return (
    <div class="field check">
      <label class="inline-check">
        <input type="checkbox" name={props.name} checked={props.form.flag(props.name)} onChange={(e) => props.form.set(props.name, e.currentTarget.checked)} />
        <span>{props.label}</span>
      </label>
      <span class="field-error">{props.form.error(props.name) ?? ''}</span>
    </div>
  );
}
