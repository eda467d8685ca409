import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';

/**
 * One debug line per request: method, path (never the query string, which may carry
 * `access_token`), status and time. Headers are never logged: they carry the bearer token.
 */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async function requestLog(c, next) {
    const started = performance.now();
    await next();
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 100) / 100 }, 'http');
    }
  };
}
