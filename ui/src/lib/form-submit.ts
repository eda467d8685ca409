import type { z } from 'zod';
import { fromApiError, fromZod, hasErrors, NO_ERRORS } from './form-errors.js';
import type { FormModel } from './form-model.js';

export interface SubmitSpec {
  /** The body checked with the schema the server uses: nothing is sent while it fails. */
  readonly check: { readonly schema: z.ZodType; readonly body: unknown; readonly prefix?: string };
  /** Field paths the form shows: errors for others go to the list at the top. */
  readonly known: ReadonlySet<string>;
  readonly send: () => Promise<void>;
  /** The form element: on errors, focus moves to the first field in error (keyboard, screen readers). */
  readonly element?: HTMLElement;
}

function focusFirstError(element: HTMLElement | undefined): void {
  element?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/**
 * Check, then send, then show what the server said: field errors beside their fields, the rest
 * on top. Resolves true when the server accepted the change.
 */
export async function submitForm(form: FormModel, spec: SubmitSpec): Promise<boolean> {
  if (form.busy()) return false;
  const parsed = spec.check.schema.safeParse(spec.check.body);
  if (!parsed.success) {
    form.setErrors(fromZod(parsed.error, spec.known, spec.check.prefix));
    focusFirstError(spec.element);
    return false;
  }
  form.setBusy(true);
  form.setErrors(NO_ERRORS);
  try {
    await spec.send();
    return true;
  } catch (err) {
    const errors = fromApiError(err, spec.known);
    form.setErrors(hasErrors(errors) ? errors : { fields: {}, form: ['refused'] });
    focusFirstError(spec.element);
    return false;
  } finally {
    form.setBusy(false);
  }
}
