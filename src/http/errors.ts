import type { ConfigError } from '../io/config/config-error.js';

/** The statuses the API answers errors with (every one is listed in the OpenAPI document). */
export type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

/** One wire shape for every error: `{ error: { code, message, field? } }` (+ details where useful). */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string | undefined;
    issues?: { path: string; field?: string | undefined; message: string; line?: number | undefined; column?: number | undefined }[] | undefined;
    blockers?: string[] | undefined;
  };
}

/**
 * An error the API answers on purpose (engine refusals, unknown device readings, a full SSE cap).
 * Thrown from handlers and mapped in one place (error-handler.ts).
 */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** E.g. Retry-After on a 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * A whole-plant validation error caused by a request body: `at` is where the edited entity sits
 * in the plant (`groups[2]`), so issues under it are reported as body fields (`intervalMs`).
 */
export class BodyConfigError extends Error {
  constructor(
    readonly error: ConfigError,
    readonly at: string,
  ) {
    super(error.message);
    this.name = 'BodyConfigError';
  }
}

export function notReady(): ApiError {
  return new ApiError(503, 'NOT_READY', 'engine not ready: the collector is starting or stopping; retry in a moment', undefined, { 'Retry-After': '1' });
}
