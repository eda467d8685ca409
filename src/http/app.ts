import { Hono } from 'hono';
import type { Collector } from '../actors/collector.js';

export interface HttpDeps {
  /** Null until the collector is up: the API answers 503 "engine not ready" meanwhile. */
  readonly collector: () => Collector | null;
  readonly version: string;
}

/** The HTTP API (minimal for now: health and polling status; the full API comes with src/http routes). */
export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok', version: deps.version }));
  app.get('/api/polling/status', (c) => {
    const collector = deps.collector();
    if (!collector || !collector.ready) return c.json({ error: { code: 'NOT_READY', message: 'engine not ready' } }, 503);
    return c.json({ groups: collector.groupStatuses(), buffer: collector.buffer.status() });
  });
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}
