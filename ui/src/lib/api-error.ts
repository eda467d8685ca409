// Pure (no I/O): the server's own wording for anything thrown, never "[object Object]".
import { errorMessage } from '../../../src/io/errors.js';
import type { ErrorIssue } from './schemas/errors.js';

/** A refused or failed request, with what the server said (code, the field at fault, issues). */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached or did not answer in time. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues: readonly ErrorIssue[] = [],
    readonly blockers: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server answered something the panel does not understand (a version mismatch, a proxy page). */
export class ProtocolError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`unexpected answer from ${path}: ${detail}`);
    this.name = 'ProtocolError';
  }
}

/** One line for a toast or a banner. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError || err instanceof ProtocolError) return err.message;
  return errorMessage(err);
}
