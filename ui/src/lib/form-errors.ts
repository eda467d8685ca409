import type { z } from 'zod';
import { ApiError } from './api-error.js';
import { formatPath } from './zod-issues.js';

/**
 * Errors of a form, by field path ("port", "trigger.bit", "tags[0].address"), from the client-side
 * schema check or from the server's 400 answer (its `field` and `issues[].field`). What names no
 * field of the form goes to `form`.
 */
export interface FormErrors {
  readonly fields: Readonly<Record<string, string>>;
  readonly form: readonly string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, form: [] };

export function hasErrors(e: FormErrors): boolean {
  return e.form.length > 0 || Object.keys(e.fields).length > 0;
}

/** zod issues as form errors; `known` are the paths the form shows (others go to `form`). */
export function fromZod(error: z.ZodError, known: ReadonlySet<string>, prefix = ''): FormErrors {
  const fields: Record<string, string> = {};
  const form: string[] = [];
  for (const issue of error.issues) {
    // unrecognized_keys names the keys in the issue, not the path.
    const path = prefix + formatPath(issue.path);
    const field = matchField(path, known);
    const message = friendly(issue);
    if (field !== null) fields[field] ??= message;
    else form.push(`${path || 'form'}: ${message}`);
  }
  return { fields, form };
}

/** zod's "Invalid input: expected string, received undefined" is, to an operator, "required". */
function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'required';
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'must be a number';
  return issue.message;
}

/** A 400 from the API as form errors: the first issue per field, and the message when nothing matched. */
export function fromApiError(err: unknown, known: ReadonlySet<string>): FormErrors {
  if (!(err instanceof ApiError)) return { fields: {}, form: [err instanceof Error ? err.message : String(err)] };
  const fields: Record<string, string> = {};
  const form: string[] = [];
  const add = (path: string | undefined, message: string): void => {
    const field = path === undefined ? null : matchField(path, known);
    if (field !== null) fields[field] ??= message;
    else form.push(path ? `${path}: ${message}` : message);
  };
  if (err.issues.length > 0) {
    for (const i of err.issues) add(i.field ?? i.path, i.message);
  } else if (err.field !== undefined) {
    add(err.field, stripPrefix(err.message));
  } else {
    form.push(err.message);
  }
  if (err.blockers.length > 0) form.push(`in the way: ${err.blockers.join(', ')}`);
  return { fields, form };
}

/** "invalid body field "port": Too small..." -> "Too small...": the field is shown beside it. */
function stripPrefix(message: string): string {
  const m = /^invalid [^:]*field "[^"]*": (.*)$/s.exec(message);
  return m ? m[1]! : message;
}

/** The shown field for an error path: itself, or the nearest parent the form shows. */
function matchField(path: string, known: ReadonlySet<string>): string | null {
  let p = path;
  for (;;) {
    if (known.has(p)) return p;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return null;
    p = p.slice(0, cut);
  }
}
