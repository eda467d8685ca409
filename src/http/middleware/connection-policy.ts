import type { MiddlewareHandler } from 'hono';
import { requestSocket } from '../client.js';
import type { ConnectionGuard } from '../connection-guard.js';
import { ApiError } from '../errors.js';

/** Answered on a reserve socket without the token: a load balancer's probe must still see the truth. */
const PROBES = /^\/(health|ready)$/;

/**
 * After bearerAuth: a request with the right token marks its socket as a token holder's (never
 * evicted); a socket let in on the reserve (ConnectionGuard) without it may only ask for the
 * probes, and is closed after the answer, so the reserve stays free for the token.
 */
export function connectionPolicy(guard: ConnectionGuard): MiddlewareHandler {
  return async function connectionPolicy(c, next) {
    const socket = requestSocket(c);
    if (socket === undefined) return next();
    if (c.get('authenticated') === true) {
      guard.markAuthenticated(socket);
      return next();
    }
    if (!guard.inReserve(socket)) return next();
    if (!PROBES.test(c.req.path)) {
      const { maxConnections, reservedConnections } = guard.limits;
      throw new ApiError(
        503,
        'SERVER_BUSY',
        `the server holds ${guard.stats().open} connections, near its limit of ${maxConnections} (server.maxConnections); the last ${reservedConnections} are kept for clients that send the token (server.reservedConnections): try again later or send the token`,
        undefined,
        { 'Retry-After': '5', Connection: 'close' },
      );
    }
    await next();
    c.res.headers.set('Connection', 'close');
  };
}
