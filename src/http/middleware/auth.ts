import type { Context, MiddlewareHandler } from 'hono';
import type { AuthThrottle } from '../auth-throttle.js';
import { clientAddress } from '../client.js';
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
  /** Wrong tokens per remote address (429 past the limit); none = no throttle. */
  readonly throttle?: AuthThrottle | undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

type Credential = { readonly given: string } | { readonly malformed: true };

/**
 * Bearer token on every mutating request (and on reads when protectReads). A missing and a wrong
 * token are both 401, with different messages; the token itself is never logged or echoed.
 * Wrong and malformed tokens count towards the client's throttle (429 with Retry-After past
 * server.authFailureLimit); a request with no token at all does not (a panel before login).
 * On an open read a right token is still checked: it sets the `authenticated` variable, which
 * gives the request the capacity kept for token holders (SSE slots, sockets).
 */
export function bearerAuth(options: AuthOptions): MiddlewareHandler {
  if (options.token.length === 0) throw new Error('bearerAuth: an empty token would let everyone in');
  const matches = tokenMatcher(options.token);
  return async function bearerAuth(c, next) {
    const method = c.req.method;
    if (method === 'OPTIONS') return next(); // CORS preflight carries no credentials by design
    const mutating = !SAFE.has(method);
    const required = mutating || (options.protectReads && !options.isOpen(c.req.path));
    const client = clientAddress(c);
    const throttle = client === undefined ? undefined : options.throttle;
    const credential = credentialOf(c, mutating, options.queryTokenPaths);
    if (!required) {
      // A wrong token on an open read is ignored, not counted; a throttled client's is not even checked.
      if (credential !== undefined && 'given' in credential && (throttle === undefined || throttle.refuse(client!) === 0) && matches(credential.given)) c.set('authenticated', true);
      return next();
    }
    const waitMs = throttle?.refuse(client!) ?? 0;
    if (waitMs > 0) throw tooManyFailures(client!, waitMs);
    if (credential === undefined) throw unauthorized(`${mutating ? 'this request changes the collector and needs' : 'reads are protected (server.protectReads) and need'} a token: send "Authorization: Bearer <token>"`);
    if ('malformed' in credential) {
      throttle?.failed(client!);
      throw unauthorized('the Authorization header must be "Bearer <token>"');
    }
    if (!matches(credential.given)) {
      throttle?.failed(client!);
      throw unauthorized('wrong token');
    }
    throttle?.succeeded(client!);
    c.set('authenticated', true);
    await next();
  };
}

/** The token the request presents: the Authorization header, or `?access_token=` on a stream read. */
function credentialOf(c: Context, mutating: boolean, queryTokenPaths: ReadonlySet<string>): Credential | undefined {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    return m ? { given: m[1]! } : { malformed: true };
  }
  if (mutating || !queryTokenPaths.has(c.req.path)) return undefined;
  const given = c.req.query('access_token');
  return given === undefined || given === '' ? undefined : { given };
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'UNAUTHORIZED', message, undefined, { 'WWW-Authenticate': 'Bearer realm="jsscada"' });
}

function tooManyFailures(client: string, waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError(429, 'TOO_MANY_AUTH_FAILURES', `too many wrong tokens from ${client} (server.authFailureLimit): try again in ${seconds} s`, undefined, { 'Retry-After': String(seconds) });
}
