import type { MiddlewareHandler } from 'hono';
import type { Collector } from '../../actors/collector.js';
import { notReady } from '../errors.js';

/** Polling control needs a running engine: 503 (with Retry-After) while it starts or stops. */
export function engineReady(collector: Collector): MiddlewareHandler {
  return async function engineReady(_c, next) {
    if (!collector.ready) throw notReady();
    await next();
  };
}
