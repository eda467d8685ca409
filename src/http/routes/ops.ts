import { createRoute, z } from '@hono/zod-openapi';
import type { DeliveryMetrics } from '../../io/sink/delivery/metrics.js';
import { ApiError, notReady } from '../errors.js';
import { errors, json } from '../schemas/common.js';
import type { App, RouteContext } from '../route-context.js';

/** Liveness, readiness and Prometheus metrics, for supervisors and monitoring. */
export function registerOpsRoutes(app: App, ctx: RouteContext): void {
  const { collector, version } = ctx.services;
  const started = ctx.clock.now();

  app.openapi(
    createRoute({ tags: ['ops'], method: 'get', path: '/health', summary: 'Liveness: the process answers', responses: { 200: json(z.object({ status: z.literal('ok'), version: z.string(), collector: z.string(), uptimeS: z.number() }).openapi('Health'), 'Alive') } }),
    (c) => c.json({ status: 'ok' as const, version, collector: ctx.services.collectorName, uptimeS: Math.round((ctx.clock.now() - started) / 1000) }, 200),
  );

  app.openapi(
    createRoute({
      tags: ['ops'],
      method: 'get',
      path: '/ready',
      summary: 'Readiness: the engine runs and the sink takes rows',
      responses: { 200: json(z.object({ status: z.literal('ready') }).openapi('Ready'), 'Ready'), ...errors({ 503: 'Engine not ready (starting or stopping: NOT_READY), or the sink is down and rows go to the spool or wait in the buffer (SINK_DOWN), with the reason' }) },
    }),
    (c) => {
      if (!collector.ready) throw notReady();
      const delivery = ctx.services.delivery?.metrics();
      if (delivery) {
        const down = sinkDown(delivery);
        if (down) throw down;
      }
      return c.json({ status: 'ready' as const }, 200);
    },
  );

  app.openapi(
    createRoute({ security: ctx.readSecurity, tags: ['ops'], method: 'get', path: '/metrics', summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } } }),
    async (c) => {
      const { contentType, body } = await ctx.metrics.render();
      return c.text(body, 200, { 'content-type': contentType });
    },
  );
}

/**
 * Not ready while the sink is down: rows then pile up in the spool (or, when the spool cannot
 * write either, in the bounded buffer), and a supervisor or load balancer should know why.
 * A sink that is back and replaying (degraded) is ready: the spool shrinks.
 */
function sinkDown(d: DeliveryMetrics): ApiError | null {
  if (d.health !== 'down') return null;
  const why = d.lastError ? `: ${d.lastError.message}` : '';
  const spool = `${d.spoolRows} row${d.spoolRows === 1 ? '' : 's'} in the spool (${d.spoolPending.files} file${d.spoolPending.files === 1 ? '' : 's'}, ${d.spoolPending.bytes} bytes of ${d.spoolMaxBytes})`;
  const failing = d.spoolFailures > 0 && d.lastError?.message.includes('spool') ? '; the spool cannot write either: rows wait in the buffer' : '';
  return new ApiError(503, 'SINK_DOWN', `sink ${d.sink} is down${why}; ${spool}${failing}`, undefined, { 'Retry-After': '5' });
}
