import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../io/config/edits.js';
import type { HistoryKey } from '../../io/sink/history/history-source.js';
import type { AppServices } from '../../app-services.js';
import { ApiError } from '../errors.js';
import { errors, json, tagParams } from '../schemas/common.js';
import type { App, RouteContext } from '../route-context.js';

export const HISTORY_DEFAULT_SPAN_MS = 3_600_000;
export const HISTORY_DEFAULT_LIMIT = 1_000;
export const HISTORY_MAX_LIMIT = 10_000;
export const HISTORY_MAX_POINTS = 10_000;
const QUALITY = ['good', 'bad_comm', 'bad_device', 'bad_config'] as const;

const time = (what: string) => z.string().max(40).optional().openapi({ description: `${what}: ISO 8601 time or epoch milliseconds`, example: '2024-05-01T08:00:00Z' });

const historyQuery = z.object({
  from: time(`Start, inclusive (default: \`to\` minus ${HISTORY_DEFAULT_SPAN_MS / 60_000} minutes)`),
  to: time('End, inclusive (default: now)'),
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX_LIMIT).optional().openapi({ description: `Newest points in the range, returned oldest first (default ${HISTORY_DEFAULT_LIMIT}, at most ${HISTORY_MAX_LIMIT})` }),
  maxPoints: z.coerce
    .number()
    .int()
    .min(1)
    .max(HISTORY_MAX_POINTS)
    .optional()
    .openapi({
      description: `When the range holds more rows than this, answer time buckets instead of points (mode "buckets"): min/max/avg/count/last per bucket of ceil(span / maxPoints) ms, computed in the database, at most maxPoints + 1 buckets. A chart asks for about its width in pixels. Absent: always raw points (at most ${HISTORY_MAX_POINTS})`,
      example: 1000,
    }),
});

const bucketSchema = z.object({
  ts: z.number().openapi({ description: 'Bucket start, epoch ms (buckets align to multiples of bucketMs from the epoch)' }),
  timestamp: z.string(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  avg: z.number().nullable(),
  count: z.number().int().openapi({ description: 'Rows in the bucket, every quality' }),
  last: z.number().nullable().openapi({ description: "Value of the bucket's newest row" }),
  bad: z.number().int().openapi({ description: 'Rows whose quality is not good (no value)' }),
});

const historySchema = z
  .object({
    tag: z.string(),
    from: z.string(),
    to: z.string(),
    limit: z.number().int(),
    mode: z.enum(['raw', 'buckets']).openapi({ description: '"raw": `points`; "buckets": the range held more than maxPoints rows, see `buckets`' }),
    truncated: z.boolean().openapi({ description: 'true: the range holds more points than `limit`; the oldest were left out (raw mode)' }),
    points: z.array(z.object({ ts: z.number(), timestamp: z.string(), value: z.number().nullable(), text: z.string().nullable(), quality: z.enum(QUALITY) })).openapi({ description: 'Raw points, oldest first (empty in buckets mode)' }),
    bucketMs: z.number().int().optional().openapi({ description: 'Bucket width in ms (buckets mode)' }),
    buckets: z.array(bucketSchema).optional().openapi({ description: 'Oldest first (buckets mode)' }),
  })
  .openapi('TagHistory');

/** ISO 8601 or epoch ms; anything else is a 400 naming the parameter. */
export function parseTime(value: string, field: string): number {
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new ApiError(400, 'VALIDATION', `invalid query field "${field}": "${value}" is neither an ISO 8601 time nor epoch milliseconds`, field);
  return ms;
}

/**
 * A tag name as the value database knows it: this collector, and the device the running plant
 * polls the tag on; a tag no longer in the plant (retired) is read by name on whichever device
 * it was last on.
 */
export function historyKey(services: AppServices, tag: string): HistoryKey {
  const group = services.collector.stored.plant.groups.find((g) => g.tags.some((t) => t.name === tag));
  return { collector: services.collectorName, device: group?.device ?? null, tag };
}

export function registerHistoryRoutes(app: App, ctx: RouteContext): void {
  const { services } = ctx;
  app.openapi(
    createRoute({
      security: ctx.readSecurity,
      tags: ['tags'],
      method: 'get',
      path: '/api/tags/{name}/history',
      summary: "A tag's recorded values, from the database the values go to (the configured sink)",
      request: { params: tagParams, query: historyQuery },
      responses: {
        200: json(historySchema, 'Raw points, oldest first, or time buckets when the range holds more than maxPoints rows'),
        ...errors({ 400: 'A bad time, limit, maxPoints, or from after to', 404: 'The value database has never known this tag', 503: 'The value database is unavailable (down, refusing us, or too slow): the reason is in the message' }),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const q = c.req.valid('query');
      const to = q.to !== undefined ? parseTime(q.to, 'to') : Date.now();
      const from = q.from !== undefined ? parseTime(q.from, 'from') : to - HISTORY_DEFAULT_SPAN_MS;
      if (from > to) throw new ApiError(400, 'VALIDATION', `invalid query field "from": ${new Date(from).toISOString()} is after "to" ${new Date(to).toISOString()}`, 'from');
      const limit = q.limit ?? HISTORY_DEFAULT_LIMIT;
      const key = historyKey(services, name);
      if (!(await services.history.tagExists(key))) throw new NotFoundError('tag', name, `unknown tag "${name}": the store has no history for it`);
      const result = await services.history.read(key, { from, to, limit, maxPoints: q.maxPoints });
      const head = { tag: name, from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit };
      if (result.kind === 'buckets') {
        return c.json(
          {
            ...head,
            mode: 'buckets' as const,
            truncated: false,
            points: [],
            bucketMs: result.bucketMs,
            buckets: result.buckets.map((b) => ({ ts: b.ts, timestamp: new Date(b.ts).toISOString(), min: b.min, max: b.max, avg: b.avg, count: b.count, last: b.last, bad: b.bad })),
          },
          200,
        );
      }
      return c.json(
        {
          ...head,
          mode: 'raw' as const,
          truncated: result.truncated,
          points: result.points.map((p) => ({ ts: p.ts, timestamp: new Date(p.ts).toISOString(), value: p.value, text: p.text, quality: QUALITY[p.quality] ?? 'bad_config' })),
        },
        200,
      );
    },
  );
}
