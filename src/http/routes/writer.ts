import { createRoute } from '@hono/zod-openapi';
import { json } from '../schemas/common.js';
import { bufferStatusSchema, writerMetricsSchema } from '../schemas/status.js';
import type { App, RouteContext } from '../route-context.js';

/** The buffer and the writer (sink delivery). */
export function registerWriterRoutes(app: App, ctx: RouteContext): void {
  const { collector } = ctx.services;
  const read = { security: ctx.readSecurity, tags: ['writer'] };
  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/buffer/status', summary: 'Buffer fill, rows produced / written / dropped, write latency', responses: { 200: json(bufferStatusSchema, 'Buffer') } }),
    (c) => c.json(collector.buffer.status(), 200),
  );
  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/writer/metrics', summary: 'Writer metrics (more fields may be added: clients must ignore unknown ones)', responses: { 200: json(writerMetricsSchema, 'Writer') } }),
    (c) => c.json(ctx.writerMetrics(), 200),
  );
}

/** The default provider: what the buffer knows about the writes. */
export function bufferWriterMetrics(collector: RouteContext['services']['collector']): () => ReturnType<RouteContext['writerMetrics']> {
  return () => {
    const b = collector.buffer.status();
    return { written: b.written, inFlight: b.inFlight, batches: b.batches, failedWrites: b.failedWrites, lastError: b.lastError, writeLatencyMs: b.writeLatencyMs, rowsPerSecond: b.rowsPerSecond };
  };
}
