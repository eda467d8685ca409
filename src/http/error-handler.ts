import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { ConfigError, formatPath } from '../io/config/config-error.js';
import { ConflictError, NotFoundError } from '../io/config/edits.js';
import { errorMessage } from '../io/errors.js';
import { SinkError } from '../io/sink/delivery/sink-error.js';
import { ApiError, BodyConfigError, type ErrorBody, type ErrorStatus } from './errors.js';

/**
 * The one place where typed errors become HTTP answers. Anything unexpected is a 500 with a
 * generic message (details go to the log, never to the client); bad input never gets here as
 * one: validation, config, not-found and conflict errors all have their own code.
 */
export function errorResponder(logger: Logger) {
  return function errorResponse(err: Error, c: Context): Response {
    const { status, body, headers } = describe(err);
    if (status === 500) logger.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error in an API handler');
    return c.json(body, status, headers);
  };
}

/**
 * Hono hands only Errors to onError: anything else thrown (a plain object from a worker thread,
 * a string, undefined) went past it and the client got no JSON. Wrap it, keeping what was thrown.
 */
export class NonErrorThrown extends Error {
  override readonly name = 'NonErrorThrown';
  constructor(readonly thrown: unknown) {
    super(errorMessage(thrown));
  }
}

export function wrapNonErrors(): MiddlewareHandler {
  return async function wrapNonErrorsMiddleware(_c, next) {
    try {
      await next();
    } catch (err) {
      throw err instanceof Error ? err : new NonErrorThrown(err);
    }
  };
}

interface Described {
  status: ErrorStatus;
  body: ErrorBody;
  headers?: Record<string, string>;
}

export function describe(err: unknown): Described {
  if (err instanceof ApiError) return { status: err.status, body: body(err.code, err.message, err.field), headers: { ...err.headers } };
  if (err instanceof BodyConfigError) return configError(err.error, err.at);
  if (err instanceof ConfigError) return configError(err, '');
  if (err instanceof NotFoundError) return { status: 404, body: body(`${err.kind.toUpperCase()}_NOT_FOUND`, err.message) };
  if (err instanceof ConflictError) {
    const out = body('CONFLICT', err.message, err.field);
    if (err.blockers.length > 0) out.error.blockers = [...err.blockers];
    return { status: 409, body: out };
  }
  if (err instanceof HTTPException) return httpException(err);
  // The value database did not answer (down, refused us, timed out): the reason, not a hang or a 500.
  if (err instanceof SinkError) return { status: 503, body: body(err.code, `the value database is unavailable: ${err.message}`), headers: { 'Retry-After': '5' } };
  return { status: 500, body: body('INTERNAL', 'internal error: see the collector log') };
}

function body(code: string, message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Hono's own errors: malformed JSON (400), the body limit (413), a wrong media type (415). */
function httpException(err: HTTPException): Described {
  switch (err.status) {
    case 400:
      return { status: 400, body: body('BAD_REQUEST', err.message || 'bad request') };
    case 401:
      return { status: 401, body: body('UNAUTHORIZED', err.message || 'unauthorized') };
    case 413:
      return { status: 413, body: body('BODY_TOO_LARGE', err.message || 'request body too large') };
    case 415:
      return { status: 415, body: body('UNSUPPORTED_MEDIA_TYPE', 'unsupported media type: send application/json') };
    default:
      return { status: 500, body: body('INTERNAL', 'internal error: see the collector log') };
  }
}

/** Issues under `at` (the edited entity) are named as body fields; others keep their plant path. */
function configError(err: ConfigError, at: string): Described {
  const issues = err.issues.map((i) => ({ path: i.path, field: relative(i.path, at), message: i.message, line: i.line, column: i.column }));
  const first = issues[0];
  const where = (i: (typeof issues)[number]): string => `${i.line !== undefined ? `line ${i.line}${i.column !== undefined ? `, column ${i.column}` : ''}: ` : ''}${i.field || i.path || '(document)'}`;
  const message = first
    ? `invalid configuration: ${where(first)}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : ''}`
    : 'invalid configuration';
  const out = body('CONFIG_INVALID', message, first ? first.field || first.path || undefined : undefined);
  out.error.issues = issues;
  return { status: 400, body: out };
}

function relative(path: string, at: string): string {
  if (at === '') return path;
  if (path === at) return '';
  if (path.startsWith(at) && (path[at.length] === '.' || path[at.length] === '[')) return path.slice(at.length + (path[at.length] === '.' ? 1 : 0));
  return path;
}

/** zod-openapi's default hook: a request that fails its schema is a 400 naming the field. */
export function validationHook(result: { success: boolean; error?: ZodError; target: string }): void {
  if (result.success || !result.error) return;
  throw validationError(result.error, result.target);
}

export function validationError(error: ZodError, target: string): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError(400, 'VALIDATION', `invalid ${target}`);
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = keys.length > 0 ? [...issue.path, keys[0]!] : issue.path;
  const field = formatPath(path as PropertyKey[]) || undefined;
  const what = target === 'json' ? 'body' : target === 'param' ? 'path parameter' : target;
  const message = keys.length > 0 ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  return new ApiError(400, 'VALIDATION', `invalid ${what}${field ? ` field "${field}"` : ''}: ${message}`, field);
}
