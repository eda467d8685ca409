import { createRoute, z } from '@hono/zod-openapi';
import { notReady } from '../errors.js';
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
    createRoute({ tags: ['ops'], method: 'get', path: '/ready', summary: 'Readiness: the engine runs', responses: { 200: json(z.object({ status: z.literal('ready') }).openapi('Ready'), 'Ready'), ...errors({ 503: 'Engine not ready (starting or stopping)' }) } }),
    (c) => {
      if (!collector.ready) throw notReady();
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
