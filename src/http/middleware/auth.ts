import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import { tokenMatcher } from '../token.js';

export interface AuthOptions {
  readonly token: string;
  /** Require the token for reads and streams too. */
  readonly protectReads: boolean;
  /** Paths that stay open whatever protectReads says (liveness, readiness, the API description). */
  readonly isOpen: (path: string) => boolean;
  /** Paths where `?access_token=` is accepted: EventSource cannot send an Authorization header. */
  readonly queryTokenPaths: ReadonlySet<string>;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bearer token on every mutating request (and on reads when protectReads). A missing and a wrong
 * token are both 401, with different messages; the token itself is never logged or echoed.
 */
export function bearerAuth(options: AuthOptions): MiddlewareHandler {
  if (options.token.length === 0) throw new Error('bearerAuth: an empty token would let everyone in');
  const matches = tokenMatcher(options.token);
  return async function bearerAuth(c, next) {
    const method = c.req.method;
    if (method === 'OPTIONS') return next(); // CORS preflight carries no credentials by design
    const mutating = !SAFE.has(method);
    if (!mutating && (!options.protectReads || options.isOpen(c.req.path))) return next();
    const header = c.req.header('authorization');
    let given: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (!m) throw unauthorized('the Authorization header must be "Bearer <token>"');
      given = m[1];
    } else if (!mutating && options.queryTokenPaths.has(c.req.path)) {
      given = c.req.query('access_token');
    }
    if (given === undefined || given === '') throw unauthorized(`${mutating ? 'this request changes the collector and needs' : 'reads are protected (server.protectReads) and need'} a token: send "Authorization: Bearer <token>"`);
    if (!matches(given)) throw unauthorized('wrong token');
    await next();
  };
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'UNAUTHORIZED', message, undefined, { 'WWW-Authenticate': 'Bearer realm="jsscada"' });
}
