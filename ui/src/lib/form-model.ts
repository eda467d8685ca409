import { createSignal, type Accessor } from 'solid-js';
import { createStore } from 'solid-js/store';
import { NO_ERRORS, type FormErrors } from './form-errors.js';

/** A form's raw values (inputs hold text; checkboxes booleans) and its errors by field path. */
export type FormValues = Record<string, string | boolean>;

export interface FormModel {
  readonly values: Readonly<FormValues>;
  text(name: string): string;
  flag(name: string): boolean;
  set(name: string, value: string | boolean): void;
  readonly errors: Accessor<FormErrors>;
  setErrors(errors: FormErrors): void;
  error(name: string): string | undefined;
  readonly busy: Accessor<boolean>;
  setBusy(busy: boolean): void;
}

export function createFormModel(initial: FormValues): FormModel {
  const [values, setValues] = createStore<FormValues>({ ...initial });
  const [errors, setErrors] = createSignal<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = createSignal(false);
  return {
    values,
    text: (name) => {
      const v = values[name];
      return typeof v === 'string' ? v : '';
    },
    flag: (name) => values[name] === true,
    set(name, value) {
      setValues(name, value);
      // The operator is fixing it: the old message would only distract.
      const e = errors();
      if (e.fields[name] !== undefined) {
        const { [name]: _gone, ...rest } = e.fields;
        setErrors({ fields: rest, form: e.form });
      }
    },
    errors,
    setErrors,
    error: (name) => errors().fields[name],
    busy,
    setBusy,
  };
}
